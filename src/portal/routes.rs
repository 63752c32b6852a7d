//! The axum router and its handlers. Handlers parse, ask the store, and answer with
//! the wire types; no SQL and no business rules beyond scoping live here.

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use super::openapi;
use super::params::{self, ActivationListParams};
use super::store::{activations, catalog};
use crate::client::wire::{
    API_PREFIX, ActivationDetail, ActivationSummary, Health, Me, Organization, Page, Price,
};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{Method, Uri};
use axum::routing::get;
use axum::{Json, Router};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

/// Requests carry at most a serial list (10 000 serials is ~200 KiB of JSON).
const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let at = |path: &str| format!("{API_PREFIX}{path}");
    Router::new()
        .route(&at("/health"), get(health))
        .route(&at("/openapi.json"), get(openapi_document))
        .route(&at("/me"), get(me))
        .route(&at("/organizations"), get(organizations))
        .route(&at("/prices"), get(prices))
        .route(&at("/activations"), get(list_activations))
        .route(&at("/activations/{number}"), get(activation))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no such endpoint: {method} {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

async fn openapi_document() -> Json<serde_json::Value> {
    Json(openapi::document())
}

async fn me(caller: Caller) -> Json<Me> {
    Json(Me {
        account: caller.label,
        role: caller.role,
        organizations: caller.organizations,
    })
}

async fn organizations(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Organization>>, ApiError> {
    let ids = caller.organization_ids();
    let organizations = state
        .store
        .run(move |conn| catalog::organizations(conn, &ids))
        .await?;
    Ok(Json(organizations))
}

async fn prices(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<Price>>, ApiError> {
    Ok(Json(state.store.run(|conn| catalog::prices(conn)).await?))
}

async fn list_activations(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Page<ActivationSummary>>, ApiError> {
    let Query(pairs) =
        query.map_err(|e| ApiError::BadRequest(format!("unreadable query string: {e}")))?;
    let params = ActivationListParams::parse(&pairs)?;
    let organizations = match params.organization {
        // Same answer for "exists but not yours" and "does not exist": no leak.
        Some(id) if !caller.sees(id) => {
            return Err(ApiError::NotFound(format!("organization {id} not found")));
        }
        Some(id) => vec![id],
        None => caller.organization_ids(),
    };
    let filter = activations::ActivationFilter {
        organizations,
        status: params.status,
        vendor: params.vendor,
        search: params.search,
        sort: params.sort,
        page: params.page,
        per_page: params.per_page,
    };
    Ok(Json(
        state
            .store
            .run(move |conn| activations::list(conn, &filter))
            .await?,
    ))
}

async fn activation(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<ActivationDetail>, ApiError> {
    let Path(raw_number) =
        path.map_err(|e| ApiError::BadRequest(format!("unreadable activation number: {e}")))?;
    let number = params::activation_number(&raw_number)?;
    let organizations = caller.organization_ids();
    state
        .store
        .run(move |conn| activations::get(conn, number, &organizations))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("activation {number} not found")))
}

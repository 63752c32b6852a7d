//! Handlers of the monthly invoices (issue 17; docs/DESIGN.md §3.11, §4.9): the list,
//! one invoice, its document, and an operator's payment. Like `routes`: parse, scope,
//! ask the store, answer.

use super::AppState;
use super::auth::{Action, Caller};
use super::error::ApiError;
use super::idempotency::Idempotency;
use super::params::{last, organization_param, page_params};
use super::routes::{Pairs, pairs};
use super::store::{InvoiceFilter, Writer};
use crate::client::invoices::{DocumentFormat, Invoice, InvoiceDetail};
use crate::client::wire::{API_PREFIX, Page, Role};
use crate::domain::invoice_document::{DocumentLine, InvoiceDocument};
use crate::domain::{InvoiceNumber, InvoiceStatus, Lang};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

pub fn add(router: Router<AppState>) -> Router<AppState> {
    let at = |path: &str| format!("{API_PREFIX}{path}");
    router
        .route(&at("/invoices"), get(list_invoices))
        .route(&at("/invoices/{number}"), get(invoice))
        .route(&at("/invoices/{number}/document"), get(document))
        .route(&at("/invoices/{number}/pay"), post(pay))
}

/// Whose invoices a caller reads: its organizations' (the `organization` filter
/// narrows, 404 outside them); the vendor's operator reads every organization's.
fn scope(caller: &Caller, organization: Option<i64>) -> Result<Option<Vec<i64>>, ApiError> {
    match (caller.role, organization) {
        (Role::Operator, None) => Ok(None),
        (Role::Operator, Some(id)) => Ok(Some(vec![id])),
        (_, organization) => Ok(Some(caller.organization_scope(organization)?)),
    }
}

fn number_from(path: Result<Path<String>, PathRejection>) -> Result<InvoiceNumber, ApiError> {
    let Path(raw) =
        path.map_err(|e| ApiError::BadRequest(format!("unreadable invoice number: {e}")))?;
    InvoiceNumber::parse(&raw).map_err(ApiError::BadRequest)
}

async fn list_invoices(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<Page<Invoice>>, ApiError> {
    let pairs = pairs(query)?;
    let organization = organization_param(&pairs)?;
    let status = last(&pairs, "status")
        .map(|raw| {
            raw.parse::<InvoiceStatus>().map_err(|_| {
                ApiError::BadRequest(format!(
                    "status must be one of issued, overdue, paid (got {})",
                    raw.chars().take(40).collect::<String>()
                ))
            })
        })
        .transpose()?;
    let (page, per_page) = page_params(&pairs)?;
    let filter = InvoiceFilter {
        scope: scope(&caller, organization)?,
        status,
        page,
        per_page,
    };
    Ok(Json(state.store.list_invoices(filter).await?))
}

async fn find(
    state: &AppState,
    caller: &Caller,
    number: &InvoiceNumber,
) -> Result<InvoiceDetail, ApiError> {
    state
        .store
        .invoice(number.to_string(), scope(caller, None)?)
        .await?
        .ok_or_else(|| super::store::invoice_rows::invoice_not_found(number.as_str()))
}

async fn invoice(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<InvoiceDetail>, ApiError> {
    let number = number_from(path)?;
    Ok(Json(find(&state, &caller, &number).await?))
}

/// The invoice with the act's totals, `format=text` (default) or `html`, in Russian
/// unless `Accept-Language` prefers English; an attachment named after the invoice.
async fn document(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Pairs,
) -> Result<Response, ApiError> {
    let number = number_from(path)?;
    let pairs = pairs(query)?;
    let format = match last(&pairs, "format") {
        None => DocumentFormat::Text,
        Some(raw) => DocumentFormat::parse(raw).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "format must be text or html (got {})",
                raw.chars().take(40).collect::<String>()
            ))
        })?,
    };
    let detail = find(&state, &caller, &number).await?;
    let organization = state
        .store
        .organizations(vec![detail.invoice.organization.id])
        .await?
        .into_iter()
        .next();
    let lang = super::messages::requested(&headers).unwrap_or(Lang::Ru);
    let document = InvoiceDocument {
        number: detail.invoice.number.clone(),
        period: detail.invoice.period.label(lang),
        issued_on: detail.invoice.issued_on,
        due_on: detail.invoice.due_on,
        buyer_name: detail.invoice.organization.name.clone(),
        buyer_inn: detail.invoice.organization.inn.clone(),
        buyer_kpp: organization.and_then(|o| o.kpp),
        status: detail.invoice.status.label(lang).to_string(),
        lines: detail
            .lines
            .iter()
            .map(|line| DocumentLine {
                activation: line.activation,
                vendor: line.vendor.id.name(lang).to_string(),
                licenses: line.license_count,
                amount: line.amount,
                completed_on: line.completed_at.date_naive(),
            })
            .collect(),
        total: detail.invoice.total,
    };
    let (body, content_type) = match format {
        DocumentFormat::Text => (document.text(lang), "text/plain; charset=utf-8"),
        DocumentFormat::Html => (document.html(lang), "text/html; charset=utf-8"),
    };
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"invoice-{number}.{}\"",
        format.extension()
    ))
    .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut response = body.into_response();
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    out.insert(header::CONTENT_DISPOSITION, disposition);
    out.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    Ok(response)
}

/// The vendor's operator records a payment; the organization unblocks at once when
/// nothing else of it is overdue. `Idempotency-Key` replays the first answer.
async fn pay(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<(HeaderMap, Json<InvoiceDetail>), ApiError> {
    caller.may(Action::PayInvoices)?;
    let number = number_from(path)?;
    let same = serde_json::json!({"op": "invoice.pay", "number": number.as_str()});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let paid = state
        .store
        .pay_invoice(number.to_string(), Writer::of(&state, caller), idempotency)
        .await??;
    Ok(paid.marked())
}

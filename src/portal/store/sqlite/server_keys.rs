//! Product-key activation of a server installation (docs/DESIGN.md §3.8), one code path for
//! both `POST /keys/activate` (online) and `POST /offline/response` (air gap), and one
//! signing path: the license is always a signed `ActivationResponse` text.
//!
//! Online, the `request_digest` of the response is `ActivationRequest::digest()` of the
//! canonical request built from the online fields (key, INN, KPP, installation) with
//! `created-at` = the portal's issue time in whole seconds — so an online license has the
//! same shape as an offline one and is verified the same way against that request.

use super::audit::{self, Record};
use super::product_keys;
use super::{StoreError, catalog};
use crate::client::wire::ServerLicense;
use crate::domain::offline::ActivationRequest;
use crate::domain::signing::PortalKey;
use crate::portal::error::ApiError;
use crate::portal::rules;
use crate::portal::store::Actor;
use chrono::{DateTime, SubsecRound, Utc};
use rusqlite::Transaction;

/// How the request arrived (recorded in the audit log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Online,
    Offline,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Offline => "offline",
        }
    }
}

/// Checks in order, each with its own 422: unknown key (or one outside the caller's
/// organizations), INN/KPP format, INN of another organization, KPP mismatch, empty
/// installation, key already activated on another installation. The same installation
/// again is a re-activation: the license is issued anew with the key's current seats.
/// Inside the caller's transaction (`once::write_once`).
pub fn activate(
    tx: &Transaction<'_>,
    request: &ActivationRequest,
    channel: Channel,
    scope: &[i64],
    actor: Actor<'_>,
    signing_key: &PortalKey,
    now: DateTime<Utc>,
) -> Result<Result<ServerLicense, ApiError>, StoreError> {
    let now = now.trunc_subsecs(0);
    let key = request.key.as_str();
    let Some(row) = product_keys::get(tx, key)?.filter(|r| scope.contains(&r.organization_id))
    else {
        return Ok(Err(rules::key_not_found(key)));
    };
    let Some(org) = catalog::organizations(tx, &[row.organization_id])?
        .into_iter()
        .next()
    else {
        return Err(StoreError::Invalid(format!(
            "key {key} has no organization"
        )));
    };
    let installation = match rules::check_key_activation(&row, request, &org) {
        Ok(installation) => installation,
        Err(refusal) => return Ok(Err(refusal)),
    };
    product_keys::activate(tx, key, &installation, now)?;
    let after = product_keys::get(tx, key)?
        .ok_or_else(|| StoreError::Invalid(format!("key {key} vanished")))?;
    let (license, after_state) = rules::key_license(
        request,
        &after,
        &org,
        installation,
        channel.as_str(),
        signing_key,
        now,
    );
    audit::record(
        tx,
        &Record {
            at: now,
            actor,
            action: "key.activated",
            object: format!("key:{key}"),
            organization_id: org.id,
            before: Some(rules::key_state(&row)),
            after: Some(after_state),
        },
    )?;
    Ok(Ok(license))
}

//! Product-key activation of a server installation (docs/DESIGN.md §3.8), one code path for
//! both `POST /keys/activate` (online) and `POST /offline/response` (air gap), and one
//! signing path: the license is always a signed `ActivationResponse` text.
//!
//! Online, the `request_digest` of the response is `ActivationRequest::digest()` of the
//! canonical request built from the online fields (key, INN, KPP, installation) with
//! `created-at` = the portal's issue time in whole seconds — so an online license has the
//! same shape as an offline one and is verified the same way against that request.

use super::audit::{self, Record};
use super::product_keys::{self, KeyRow};
use super::{StoreError, catalog};
use crate::client::wire::{Installation, ServerLicense};
use crate::domain::offline::{ActivationRequest, ActivationResponse};
use crate::domain::{Inn, Kpp};
use crate::portal::error::ApiError;
use chrono::{DateTime, SubsecRound, Utc};
use ed25519_dalek::SigningKey;
use rusqlite::{Connection, TransactionBehavior};
use serde_json::json;

/// How the request arrived (recorded in the audit log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Online,
    Offline,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Offline => "offline",
        }
    }
}

fn key_state(row: &KeyRow) -> serde_json::Value {
    json!({
        "key": row.key,
        "product": row.product.id,
        "seats": row.seats,
        "installation": row.installation,
        "issued_at": row.issued_at,
    })
}

fn refuse(message: String) -> Result<Result<ServerLicense, ApiError>, StoreError> {
    Ok(Err(ApiError::unprocessable(message)))
}

/// Checks in order, each with its own 422: unknown key (or one outside the caller's
/// organizations), INN/KPP format, INN of another organization, KPP mismatch, empty
/// installation, key already activated on another installation. The same installation
/// again is a re-activation: the license is issued anew with the key's current seats.
pub fn activate(
    conn: &mut Connection,
    request: &ActivationRequest,
    channel: Channel,
    scope: &[i64],
    actor: &str,
    signing_key: &SigningKey,
    now: DateTime<Utc>,
) -> Result<Result<ServerLicense, ApiError>, StoreError> {
    let now = now.trunc_subsecs(0);
    let key = request.key.as_str();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(row) = product_keys::get(&tx, key)?.filter(|r| scope.contains(&r.organization_id))
    else {
        return refuse(format!(
            "ключ {key} не найден: проверьте ключ из письма о покупке (product key not found)"
        ));
    };
    let inn = match Inn::parse(&request.inn) {
        Ok(inn) => inn,
        Err(e) => return refuse(format!("ИНН {:?}: {e}", request.inn)),
    };
    let kpp = match request.kpp.trim() {
        "" => None,
        raw => match Kpp::parse(raw) {
            Ok(kpp) => Some(kpp),
            Err(e) => return refuse(format!("КПП {raw:?}: {e}")),
        },
    };
    let Some(org) = catalog::organizations(&tx, &[row.organization_id])?
        .into_iter()
        .next()
    else {
        return Err(StoreError::Invalid(format!(
            "key {key} has no organization"
        )));
    };
    if inn.as_str() != org.inn {
        return refuse(format!(
            "ключ {key} выдан другой организации: ИНН {inn} не совпадает с ИНН покупателя (the key was sold to another organization)"
        ));
    }
    match (&org.kpp, &kpp) {
        (Some(expected), Some(given)) if expected == given.as_str() => {}
        (None, None) => {}
        (Some(_), None) => {
            return refuse(format!(
                "КПП не указан: ключ {key} выдан юридическому лицу, нужен его КПП (KPP required)"
            ));
        }
        (Some(_), Some(given)) => {
            return refuse(format!(
                "КПП {given} не совпадает с КПП покупателя ключа {key} (KPP mismatch)"
            ));
        }
        (None, Some(given)) => {
            return refuse(format!(
                "КПП {given} указан, но ключ {key} выдан индивидуальному предпринимателю: у ИП КПП пустой (no KPP for an entrepreneur)"
            ));
        }
    }
    let installation = Installation {
        serial: request.installation.serial.clone(),
        hash: request.installation.hash.clone(),
    };
    if installation.serial.is_empty() || installation.hash.is_empty() {
        return refuse("установка не указана: нужны серийный номер и хэш установки".into());
    }
    if let Some(current) = &row.installation
        && *current != installation
    {
        return refuse(format!(
            "ключ {key} уже активирован на другой установке (серийный номер {}); серийный номер и хэш меняются после переустановки — обратитесь к менеджеру (key already activated on another installation)",
            current.serial
        ));
    }
    product_keys::activate(&tx, key, &installation, now)?;
    let after = product_keys::get(&tx, key)?
        .ok_or_else(|| StoreError::Invalid(format!("key {key} vanished")))?;
    let license = ActivationResponse {
        request_digest: request.digest(),
        key: request.key.clone(),
        product: after.product.name.clone(),
        organization_inn: org.inn.clone(),
        seats: after.seats,
        installation: request.installation.clone(),
        issued_at: now,
    }
    .sign(signing_key);
    let mut after_state = key_state(&after);
    after_state["channel"] = json!(channel.as_str());
    audit::record(
        &tx,
        &Record {
            at: now,
            actor,
            action: "key.activated",
            object: format!("key:{key}"),
            organization_id: org.id,
            before: Some(key_state(&row)),
            after: Some(after_state),
        },
    )?;
    tx.commit()?;
    Ok(Ok(ServerLicense {
        key: key.to_string(),
        product: after.product,
        organization: org.as_ref(),
        seats: after.seats,
        installation,
        issued_at: now,
        license,
    }))
}

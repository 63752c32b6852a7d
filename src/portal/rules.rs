//! Business rules every store backend applies the same way: pure functions, no I/O
//! (docs/DESIGN.md §3). The backends read what a rule needs in their transaction, ask
//! the rule, and write what it decided.

use super::error::ApiError;
use crate::client::wire::Installation;
use crate::client::wire::{
    ActivationLine, EmergencyLicense, Organization, PrecheckRow, ProductCapacity, ProductRef, Seat,
    SeatStatus, ServerLicense, VendorRef,
};
use crate::domain::ProductKey;
use crate::domain::license::{License, LicenseLine};
use crate::domain::offline::{ActivationRequest, ActivationResponse, InstallationId};
use crate::domain::signing::PortalKey;
use crate::domain::{ActivationStatus, Checked, Lang, MAX_SERIALS, PrecheckOutcome, format_date};
use crate::domain::{Inn, Kpp};
use chrono::{DateTime, Months, NaiveDate, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

pub const OFFER_NOT_ACCEPTED: &str = "Необходимо принять оферту сублицензионного договора и согласие на обработку персональных данных (the sublicense offer and the personal-data consent must be accepted first)";
pub const BLOCKED: &str = "Активация заблокирована: не оплачен счёт за лицензии; после оплаты счёта активация снова доступна (activation blocked: unpaid invoice)";
/// Blocked by a named overdue invoice (issue 17): number, amount, due date; bilingual
/// like [`BLOCKED`] for clients that ask for no language.
pub const BLOCKED_BY_INVOICE: &str = "Активация заблокирована: не оплачен счёт {0} на {1}, срок оплаты {2} истёк; после оплаты счёта активация снова доступна (activation blocked: invoice {0} unpaid)";

/// `10 000` style grouping for messages.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// 413 when a request carries more serials than allowed.
pub fn check_count(count: usize) -> Result<(), ApiError> {
    if count > MAX_SERIALS {
        return Err(ApiError::PayloadTooLarge(format!(
            "at most {} serials per request (got {}); split the list",
            grouped(MAX_SERIALS),
            grouped(count)
        )));
    }
    Ok(())
}

/// The wire row of a checked serial; takes it whole, so a 10 000-row answer moves its
/// strings rather than copying them.
pub fn row(checked: Checked) -> PrecheckRow {
    let ok = checked.outcome == PrecheckOutcome::Ok;
    let device = checked.device;
    PrecheckRow {
        serial: checked.input,
        outcome: checked.outcome,
        message: (!ok).then(|| checked.outcome.message(Lang::Ru).to_string()),
        vendor: device.as_ref().map(|d| VendorRef::from(d.vendor)),
        current_until: device.as_ref().and_then(|d| d.current_until),
        new_until: checked.new_until,
        // A refused row names its device but has nothing to pay for.
        price: device.as_ref().filter(|_| ok).map(|d| d.price),
        retail_price: device.as_ref().filter(|_| ok).map(|d| d.retail_price),
        model: device.map(|d| d.model),
    }
}

/// What the license of these lines grants: each device until its `new_until`.
pub fn license_of(
    number: i64,
    inn: &str,
    issued_at: DateTime<Utc>,
    lines: &[ActivationLine],
) -> License {
    License {
        activation: number,
        organization_inn: inn.to_string(),
        issued_at,
        lines: lines
            .iter()
            .map(|line| LicenseLine {
                serial: line.serial.clone(),
                model: line.model.clone(),
                valid_until: line.new_until,
            })
            .collect(),
    }
}

/// E-mails compare trimmed and case-insensitively; stored lower case.
pub fn normalize_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// The online request as the canonical `ActivationRequest` (created now, whole seconds).
pub fn online_request(
    key: ProductKey,
    inn: &str,
    kpp: Option<&str>,
    installation: &Installation,
    now: DateTime<Utc>,
) -> ActivationRequest {
    ActivationRequest {
        key,
        inn: inn.trim().to_string(),
        kpp: kpp.map(str::trim).unwrap_or_default().to_string(),
        installation: InstallationId {
            serial: installation.serial.trim().to_string(),
            hash: installation.hash.trim().to_string(),
        },
        created_at: now.trunc_subsecs(0),
    }
}

/// Most extra accounts one emergency license gives.
pub const EMERGENCY_MAX_ACCOUNTS: u32 = 10;
/// Up to this many user accounts is the free Lite edition.
pub const LITE_MAX_ACCOUNTS: u32 = 8;
/// Most accounts one purchase may add (a typo guard).
pub const PURCHASE_MAX_ACCOUNTS: u32 = 10_000;
/// `POST /purchases` body: a permanent purchase of more user accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseRequest {
    pub organization: i64,
    pub product: String,
    /// 1..=10 000 accounts (and as many new seats, valid 12 months from today).
    pub accounts: u32,
}

// ---- new activations ----

/// Why this organization may not create activations now (before any serial is read).
pub fn create_refusal(org: &Organization, serials: &[String]) -> Option<ApiError> {
    if org.offer_accepted_at.is_none() {
        return Some(ApiError::unprocessable(OFFER_NOT_ACCEPTED));
    }
    if org.activation_blocked {
        return Some(match &org.blocked_by {
            Some(invoice) => ApiError::unprocessable(crate::domain::template::fill(
                BLOCKED_BY_INVOICE,
                &[
                    invoice.number.clone(),
                    crate::domain::format_rub(invoice.total, false),
                    format_date(invoice.due_on),
                ],
            )),
            None => ApiError::unprocessable(BLOCKED),
        });
    }
    serials
        .is_empty()
        .then(|| ApiError::unprocessable("no serials: send at least one serial number"))
}

/// All or nothing: the 422 naming the serials that cannot be activated, if any.
pub fn rejection(rows: &[Checked]) -> Option<ApiError> {
    let rejected: Vec<PrecheckRow> = rows
        .iter()
        .filter(|r| r.outcome != PrecheckOutcome::Ok)
        .map(|r| row(r.clone()))
        .collect();
    if rejected.is_empty() {
        return None;
    }
    let examples: Vec<String> = rejected
        .iter()
        .take(5)
        .map(|r| format!("{} ({})", r.serial, r.message.as_deref().unwrap_or("")))
        .collect();
    let more = if rejected.len() > 5 { ", …" } else { "" };
    Some(ApiError::Unprocessable {
        message: format!(
            "nothing was created: {} of {} serials cannot be activated: {}{more}",
            rejected.len(),
            rows.len(),
            examples.join(", ")
        ),
        rejected,
    })
}

/// The lines of one vendor's activation, from its checked rows.
pub fn lines_of(group: &[&Checked]) -> Vec<ActivationLine> {
    group
        .iter()
        .filter_map(|checked| {
            let device = checked.device.as_ref()?;
            Some(ActivationLine {
                serial: checked.input.clone(),
                model: device.model.clone(),
                current_until: device.current_until,
                new_until: checked.new_until?,
                price: device.price,
            })
        })
        .collect()
}

pub fn activation_not_found(number: i64) -> ApiError {
    ApiError::NotFound(format!("activation {number} not found"))
}

/// Only an activation in error can be queued again.
pub fn retry_refusal(number: i64, status: ActivationStatus) -> Option<ApiError> {
    (status != ActivationStatus::Error).then(|| {
        ApiError::Conflict(format!(
            "activation {number} is {}; only an activation in error can be retried",
            status.as_api()
        ))
    })
}

/// A license file exists once the activation is done.
pub fn license_refusal(number: i64, status: ActivationStatus) -> Option<ApiError> {
    (status != ActivationStatus::Done).then(|| {
        ApiError::Conflict(format!(
            "activation {number} is {}; the license file exists once it is done",
            status.as_api()
        ))
    })
}

// ---- seats (docs/DESIGN.md §3.6) ----

/// The status rule, shared by every read and the bind/unbind checks: `expired` when
/// `valid_until < today`, else `bound` with an e-mail, else `free`.
pub fn seat_status(email: Option<&str>, valid_until: NaiveDate, today: NaiveDate) -> SeatStatus {
    if valid_until < today {
        SeatStatus::Expired
    } else if email.is_some() {
        SeatStatus::Bound
    } else {
        SeatStatus::Free
    }
}

pub fn seat_not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("seat {id} not found"))
}

/// The bind checks that need nothing but the seat: free today (409) and an e-mail (422).
pub fn bind_refusal(seat: &Seat, email: &str) -> Option<ApiError> {
    let id = seat.id;
    match seat.status {
        SeatStatus::Free => {}
        SeatStatus::Bound => {
            return Some(ApiError::SeatNotFree(format!(
                "seat {id} is not free (bound to {})",
                seat.email.as_deref().unwrap_or("?")
            )));
        }
        SeatStatus::Expired => {
            return Some(ApiError::SeatNotFree(format!(
                "seat {id} is not free: it expired on {}; an expired seat is never renewed — buy a new license",
                format_date(seat.valid_until)
            )));
        }
    }
    email.is_empty().then(|| {
        ApiError::unprocessable("the e-mail is empty: give the e-mail of a registered user")
    })
}

pub fn not_registered(email: &str, seat: &Seat) -> ApiError {
    ApiError::unprocessable(format!(
        "{email} is not registered: the user must register on the portal with this e-mail (as a user of {}) before a seat can be bound",
        seat.organization.name
    ))
}

pub fn already_holds(email: &str, held: i64, seat: &Seat) -> ApiError {
    ApiError::Conflict(format!(
        "user {email} already holds seat {held} of {}; one seat per user per product",
        seat.product.name
    ))
}

pub fn unbind_refusal(seat: &Seat) -> Option<ApiError> {
    (seat.status != SeatStatus::Bound).then(|| {
        ApiError::Conflict(format!(
            "seat {} is {}; only a bound seat can be unbound",
            seat.id,
            seat.status.as_api()
        ))
    })
}

// ---- capacity and emergency licenses (docs/DESIGN.md §3.7) ----
//
// Accounting, one rule everywhere: a user account is in use while a seat of the
// product is bound to it and not expired, so `accounts_used` = bound seats.
// `accounts_max` is the permanent, purchased number. An active emergency license adds
// up to 10 accounts for one month; accounts in use beyond `accounts_max` + the active
// extra are `accounts_blocked` (after a lapse: everything beyond `accounts_max`).
// Binding is not refused by capacity — the blocked count is what the product enforces.

/// A purchased seat is valid this many months from the payment date.
pub const SEAT_MONTHS: u32 = 12;

/// One organization's capacity of one product, as stored.
#[derive(Debug, Clone)]
pub struct CapacityRow {
    pub organization_id: i64,
    pub product: ProductRef,
    pub support_until: Option<NaiveDate>,
    pub accounts_max: u32,
    pub external_connections_max: u32,
    pub max_raised_at: Option<DateTime<Utc>>,
}

/// One emergency license, as stored.
#[derive(Debug, Clone)]
pub struct EmergencyRow {
    pub requested_at: DateTime<Utc>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub accounts: u32,
}

fn emergency_active(emergency: &EmergencyRow, today: NaiveDate) -> bool {
    emergency.valid_from <= today && today <= emergency.valid_until
}

/// Why no emergency license may be requested now, if so.
fn emergency_refusal(
    row: &CapacityRow,
    last: Option<&EmergencyRow>,
    today: NaiveDate,
) -> Option<String> {
    let last = last?;
    if emergency_active(last, today) {
        return Some(format!(
            "an emergency license is already active until {}; only one at a time",
            format_date(last.valid_until)
        ));
    }
    let purchased_since = row
        .max_raised_at
        .is_some_and(|raised| raised > last.requested_at);
    (!purchased_since).then(|| {
        format!(
            "no new emergency license until a permanent purchase raises the number of user accounts after the last one ({} – {})",
            format_date(last.valid_from),
            format_date(last.valid_until)
        )
    })
}

/// The capacity of a product as the API shows it, from its row, the bound seats
/// (`used`) and the most recent emergency license.
pub fn product_capacity(
    row: &CapacityRow,
    used: u32,
    last: Option<&EmergencyRow>,
    today: NaiveDate,
) -> ProductCapacity {
    let extra = last
        .filter(|e| emergency_active(e, today))
        .map_or(0, |e| e.accounts);
    let beyond_max = used.saturating_sub(row.accounts_max);
    let refused = emergency_refusal(row, last, today);
    ProductCapacity {
        product: row.product.clone(),
        support_until: row.support_until,
        accounts_used: used,
        accounts_max: row.accounts_max,
        external_connections_max: row.external_connections_max,
        lite: row.accounts_max <= LITE_MAX_ACCOUNTS,
        emergency: last.map(|e| EmergencyLicense {
            valid_from: e.valid_from,
            valid_until: e.valid_until,
            accounts_used: beyond_max.min(e.accounts),
            accounts_max: e.accounts,
            active: emergency_active(e, today),
        }),
        emergency_available: refused.is_none(),
        emergency_refusal: refused,
        accounts_blocked: used.saturating_sub(row.accounts_max + extra),
    }
}

pub fn no_capacity(organization: i64, product: &str) -> ApiError {
    ApiError::NotFound(format!(
        "organization {organization} has no license of product {product:?}"
    ))
}

pub fn organization_not_found(organization: i64) -> ApiError {
    ApiError::NotFound(format!("organization {organization} not found"))
}

/// The emergency license `accounts` would start today, or why not (checked in order:
/// the number of accounts, then the one-at-a-time rule).
pub fn emergency_refused(
    row: &CapacityRow,
    last: Option<&EmergencyRow>,
    accounts: u32,
    now: DateTime<Utc>,
) -> Result<EmergencyRow, ApiError> {
    let today = now.date_naive();
    if !(1..=EMERGENCY_MAX_ACCOUNTS).contains(&accounts) {
        return Err(ApiError::unprocessable(format!(
            "an emergency license gives 1 to {EMERGENCY_MAX_ACCOUNTS} extra user accounts (asked for {accounts})"
        )));
    }
    if let Some(reason) = emergency_refusal(row, last, today) {
        return Err(ApiError::unprocessable(reason));
    }
    let valid_until = today
        .checked_add_months(Months::new(1))
        .ok_or_else(|| ApiError::unprocessable("the date is out of range"))?;
    Ok(EmergencyRow {
        requested_at: now,
        valid_from: today,
        valid_until,
        accounts,
    })
}

/// Until when the seats of a purchase made today are valid, or why it is refused.
pub fn purchase_refused(
    request: &PurchaseRequest,
    today: NaiveDate,
) -> Result<NaiveDate, ApiError> {
    if !(1..=PURCHASE_MAX_ACCOUNTS).contains(&request.accounts) {
        return Err(ApiError::unprocessable(format!(
            "a purchase adds 1 to {PURCHASE_MAX_ACCOUNTS} user accounts (asked for {})",
            request.accounts
        )));
    }
    today
        .checked_add_months(Months::new(SEAT_MONTHS))
        .ok_or_else(|| ApiError::unprocessable("the date is out of range"))
}

// ---- server keys (docs/DESIGN.md §3.8) ----

/// A product key as stored: its organization, product, seats and installation.
#[derive(Debug, Clone)]
pub struct KeyRow {
    /// Canonical `XXXX-…` form.
    pub key: String,
    pub organization_id: i64,
    pub product: ProductRef,
    pub seats: u32,
    pub installation: Option<Installation>,
    pub issued_at: Option<DateTime<Utc>>,
}

/// A key's state for the audit log.
pub fn key_state(row: &KeyRow) -> serde_json::Value {
    serde_json::json!({
        "key": row.key,
        "product": row.product.id,
        "seats": row.seats,
        "installation": row.installation,
        "issued_at": row.issued_at,
    })
}

/// The 422 of a key the store does not know (or one outside the caller's organizations).
pub fn key_not_found(key: &str) -> ApiError {
    ApiError::unprocessable(format!(
        "ключ {key} не найден: проверьте ключ из письма о покупке (product key not found)"
    ))
}

/// The checks of a key activation after the key was found, in order, each with its own
/// 422: INN/KPP format, INN of another organization, KPP mismatch, empty installation,
/// key already activated on another installation. Answers the installation to bind.
pub fn check_key_activation(
    row: &KeyRow,
    request: &ActivationRequest,
    org: &Organization,
) -> Result<Installation, ApiError> {
    let key = request.key.as_str();
    let refuse = |message: String| Err(ApiError::unprocessable(message));
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
    Ok(installation)
}

/// The signed license of an activated key (`after`: the key as activated) and its
/// audit state, which names the channel.
pub fn key_license(
    request: &ActivationRequest,
    after: &KeyRow,
    org: &Organization,
    installation: Installation,
    channel: &str,
    signing_key: &PortalKey,
    now: DateTime<Utc>,
) -> (ServerLicense, serde_json::Value) {
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
    let mut state = key_state(after);
    state["channel"] = serde_json::json!(channel);
    (
        ServerLicense {
            key: request.key.as_str().to_string(),
            product: after.product.clone(),
            organization: org.as_ref(),
            seats: after.seats,
            installation,
            issued_at: now,
            license,
        },
        state,
    )
}

/// 400 for a seat filter naming a product the store does not sell; names the known ones.
pub fn unknown_product(known: &[String], product: &str) -> ApiError {
    ApiError::BadRequest(format!(
        "product must be one of {} (got {product:?})",
        known.join(", ")
    ))
}

/// Which of the checked serials are pending (on a line of an in-progress activation)
/// and which the registry refused for good (docs/DESIGN.md §3.4: named by the failure
/// of an activation still in error whose reason is final), from the lines carrying those
/// serials: `(serial, status, error)` of in-progress and errored activations only. Both
/// backends read those rows through the line-serial index, so the precheck costs what
/// its input does, not what the store holds.
pub fn pending_and_refused<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str, Option<&'a str>)>,
) -> (
    std::collections::HashSet<String>,
    std::collections::HashSet<String>,
) {
    let mut pending = std::collections::HashSet::new();
    let mut refused = std::collections::HashSet::new();
    for (serial, status, error) in rows {
        if status == ActivationStatus::InProgress.as_api() {
            pending.insert(serial.to_string());
        } else if let Some(failure) = error.and_then(crate::domain::ActivationFailure::recognize)
            && failure.reason.is_final()
            && failure.serial == serial
        {
            refused.insert(failure.serial);
        }
    }
    (pending, refused)
}

/// 400 for a page number deeper than page numbers reach (docs/DESIGN.md §4.4).
pub fn page_too_deep(too_deep: &crate::portal::store::activation_list::TooDeep) -> ApiError {
    ApiError::BadRequest(format!(
        "page {} is more than {} rows from either end of the list; follow the next or prev cursor, or narrow the filters",
        too_deep.page, too_deep.depth
    ))
}

/// 404 for an audited object outside the caller's organizations (or absent): the two
/// are answered alike, so a token cannot probe for objects it may not see.
pub fn unknown_object(object: &str) -> ApiError {
    ApiError::NotFound(format!("object {object} not found"))
}

// ---- invoices (issue 17) ----

/// Why an invoice cannot be paid now: it is paid already (409, naming when).
pub fn payment_refusal(invoice: &crate::client::invoices::Invoice) -> Option<ApiError> {
    (invoice.status == crate::domain::InvoiceStatus::Paid).then(|| {
        let when = invoice
            .paid_at
            .map(|at| format_date(at.date_naive()))
            .unwrap_or_default();
        ApiError::Conflict(format!("invoice {} was paid on {when}", invoice.number))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(10_000), "10 000");
        assert_eq!(grouped(1_234_567), "1 234 567");
        assert!(check_count(10_000).is_ok());
        let err = check_count(10_001).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("at most 10 000 serials per request (got 10 001); split the list")
        );
    }
}

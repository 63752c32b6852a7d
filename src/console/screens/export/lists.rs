//! The lists whose columns are fixed, as CSV with the columns their screen shows, in
//! its order and words (issue 16 b; docs/DESIGN.md §5.4): Activity, Renewals,
//! Invoices, Webhooks (endpoints), Access (tokens) and the triage's groups. Amounts
//! are rubles with a point, dates as the screen writes them.

use super::{line, rubles};
use crate::client::bulk::ErrorGroup;
use crate::client::devices::DeviceItem;
use crate::client::events::Event;
use crate::client::invoices::Invoice;
use crate::client::webhooks::WebhookEndpoint;
use crate::client::wire::TokenInfo;
use crate::console::i18n::{self, Tr};
use crate::domain::{Lang, format_date};
use chrono::{DateTime, NaiveDate, Utc};

fn titles(columns: &[Tr], lang: Lang) -> String {
    line(columns.iter().map(|c| c.get(lang).to_string()))
}

fn moment(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono::Local)
        .format("%d.%m.%Y %H:%M:%S")
        .to_string()
}

fn day(at: DateTime<Utc>) -> String {
    format_date(at.with_timezone(&chrono::Local).date_naive())
}

/// When, who, action, object, organization — as the Activity screen's columns.
pub fn events_csv(rows: &[Event], lang: Lang) -> String {
    let mut out = titles(&i18n::activity::COLUMNS, lang);
    for e in rows {
        out.push_str(&line(
            [
                moment(e.at),
                e.actor.clone(),
                i18n::activity::action(lang, &e.action),
                e.object.clone(),
                e.organization
                    .as_ref()
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
            ]
            .into_iter(),
        ));
    }
    out
}

/// Serial, organization, model, subscription end, days left, «Ваша цена» — the
/// Renewals screen's columns but its marks.
pub fn devices_csv(rows: &[DeviceItem], today: NaiveDate, lang: Lang) -> String {
    let mut out = titles(&i18n::renewals::COLUMNS[1..], lang);
    for d in rows {
        out.push_str(&line(
            [
                d.serial.clone(),
                d.organization.name.clone(),
                d.model.clone(),
                format_date(d.subscription_until),
                (d.subscription_until - today).num_days().to_string(),
                rubles(d.price),
            ]
            .into_iter(),
        ));
    }
    out
}

/// Invoice, organization, status, amount, due, days left — as the Invoices screen.
pub fn invoices_csv(rows: &[Invoice], today: NaiveDate, lang: Lang) -> String {
    use i18n::invoices as tr;
    let columns = [
        tr::COL_NUMBER,
        tr::COL_ORGANIZATION,
        tr::COL_STATUS,
        tr::COL_AMOUNT,
        tr::COL_DUE,
        tr::COL_LEFT,
    ];
    let mut out = titles(&columns, lang);
    for i in rows {
        out.push_str(&line(
            [
                i.number.clone(),
                i.organization.name.clone(),
                i.status.label(lang).to_string(),
                rubles(i.total),
                format_date(i.due_on),
                super::super::invoices::days_left(i, today, lang),
            ]
            .into_iter(),
        ));
    }
    out
}

/// ID, URL, events, pending, failed — the Webhooks screen's endpoint columns.
pub fn webhooks_csv(rows: &[WebhookEndpoint], lang: Lang) -> String {
    let mut out = titles(&i18n::webhooks::ENDPOINT_COLUMNS, lang);
    for e in rows {
        out.push_str(&line(
            [
                e.id.to_string(),
                e.url.clone(),
                e.events.join(","),
                e.pending.to_string(),
                e.failed.to_string(),
            ]
            .into_iter(),
        ));
    }
    out
}

/// Label, account, role, organizations, expires, last used, revoked — the Access
/// screen's columns.
pub fn tokens_csv(rows: &[TokenInfo], lang: Lang) -> String {
    let mut out = titles(&i18n::access::COLUMNS[..7], lang);
    for t in rows {
        out.push_str(&line(
            [
                t.label.clone(),
                t.account.clone().unwrap_or_default(),
                i18n::role(lang, t.role).to_string(),
                t.organizations
                    .iter()
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                t.expires_at
                    .map(day)
                    .unwrap_or_else(|| i18n::access::NEVER.get(lang).to_string()),
                t.last_used_at.map(moment).unwrap_or_default(),
                t.revoked_at.map(day).unwrap_or_default(),
            ]
            .into_iter(),
        ));
    }
    out
}

/// Count, organizations (each with its count), whether a retry can succeed, the
/// error text, the group's activation numbers — what the triage shows of a group.
pub fn triage_csv(groups: &[ErrorGroup], lang: Lang) -> String {
    let mut out = titles(&i18n::bulk::TRIAGE_COLUMNS, lang);
    for g in groups {
        let retry = if g.retryable {
            i18n::bulk::RETRYABLE
        } else {
            i18n::bulk::FINAL
        };
        out.push_str(&line(
            [
                g.count.to_string(),
                g.organizations
                    .iter()
                    .map(|o| format!("{} ({})", o.organization.name, o.count))
                    .collect::<Vec<_>>()
                    .join("; "),
                retry.get(lang).to_string(),
                g.error.clone(),
                g.numbers
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
            .into_iter(),
        ));
    }
    out
}

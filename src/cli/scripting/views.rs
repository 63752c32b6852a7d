//! `--view NAME` on `events`, `renewals` and `invoices list` (issue 16 b; docs/DESIGN.md
//! §5.4): a view saved on the console's Activity, Renewals or Invoices screen fills the
//! flags not given. An unknown view, or one saved on another screen, is a usage error
//! (exit 2) that says which screen the view is of. `activations list --view` is in
//! `activations.rs`.

use super::{Failure, InvoicesCommand, ScriptCommand};
use licadm::config_views::{SavedView, ViewKind, period_from};
use std::collections::BTreeMap;

/// The window `licadm renewals` lists when neither `--within` nor a view says.
const DEFAULT_WITHIN: u32 = 30;

/// The command names a view (one this module reads).
pub fn names_view(command: &ScriptCommand) -> bool {
    match command {
        ScriptCommand::Events { view, .. } | ScriptCommand::Renewals { view, .. } => view.is_some(),
        ScriptCommand::Invoices {
            command: InvoicesCommand::List { view, .. },
        } => view.is_some(),
        _ => false,
    }
}

/// `--within` and `--every` as the device filter's window; None: every device.
pub fn within_days(within: Option<u32>, every: bool) -> Option<u32> {
    if every {
        None
    } else {
        Some(within.unwrap_or(DEFAULT_WITHIN))
    }
}

fn find<'a>(
    views: &'a BTreeMap<String, SavedView>,
    name: &str,
    kind: ViewKind,
) -> Result<&'a SavedView, Failure> {
    let saved = views.get(name).ok_or_else(|| {
        let known: Vec<&str> = views.keys().map(String::as_str).collect();
        Failure::Usage(format!(
            "no view {name:?} in the config's [views] (saved: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))
    })?;
    saved
        .expect(kind)
        .map_err(|problem| Failure::Usage(format!("view {name:?}: {problem}")))?;
    Ok(saved)
}

fn usage(name: &str) -> impl Fn(String) -> Failure + '_ {
    move |problem| Failure::Usage(format!("view {name:?}: {problem}"))
}

/// The command with its view's values in the flags it was not given.
pub fn with_view(
    command: ScriptCommand,
    views: &BTreeMap<String, SavedView>,
) -> Result<ScriptCommand, Failure> {
    Ok(match command {
        ScriptCommand::Events {
            actor,
            action,
            object_kind,
            organization,
            from,
            to,
            per_page,
            cursor,
            all,
            view: Some(name),
            out,
        } => {
            let saved = find(views, &name, ViewKind::Activity)?;
            let (query, period) = saved.activity_query().map_err(usage(&name))?;
            let today = chrono::Local::now().date_naive();
            ScriptCommand::Events {
                actor: actor.or(query.actor),
                action: action.or(query.action),
                object_kind: object_kind.or(query.object_kind),
                organization: organization.or(query.organization),
                from: from.or_else(|| period.and_then(|days| period_from(days, today))),
                to,
                per_page: per_page.or(query.per_page),
                cursor,
                all,
                view: None,
                out,
            }
        }
        ScriptCommand::Renewals {
            within,
            organization,
            vendor,
            every,
            view: Some(name),
            out,
        } => {
            let saved = find(views, &name, ViewKind::Renewals)?;
            let (query, window) = saved.renewals_query().map_err(usage(&name))?;
            // The console's window 0 is every device.
            let (within, every) = match (within, every, window) {
                (None, false, Some(0)) => (None, true),
                (None, false, days) => (days, false),
                given => (given.0, given.1),
            };
            ScriptCommand::Renewals {
                within,
                organization: organization.or(query.organization),
                vendor: vendor.or(query.vendor),
                every,
                view: None,
                out,
            }
        }
        ScriptCommand::Invoices {
            command:
                InvoicesCommand::List {
                    organization,
                    status,
                    page,
                    per_page,
                    view: Some(name),
                    out,
                },
        } => {
            let saved = find(views, &name, ViewKind::Invoices)?;
            let (saved_organization, saved_status) =
                saved.invoice_filter().map_err(usage(&name))?;
            ScriptCommand::Invoices {
                command: InvoicesCommand::List {
                    organization: organization.or(saved_organization),
                    status: status.or(saved_status),
                    page,
                    per_page,
                    view: None,
                    out,
                },
            }
        }
        other => other,
    })
}

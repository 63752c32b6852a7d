//! Saved list views (issue 16 b; docs/DESIGN.md §5.4): the `[views.NAME]` tables of
//! the config file. `:view save NAME` in the console writes one, `:view NAME` and
//! `licadm activations list --view NAME` (`events`, `renewals`, `invoices list`) read
//! it. A view is a list's filters, sort, page size and visible columns, by their API
//! names, so the file reads plainly; `list` names the screen it was saved on
//! ([`ViewKind`]), so a view is only ever opened where its filters mean something.
//! The other screens' conversions are in `config_views/screens.rs`.

mod screens;

pub use screens::{TRIAGE_PERIODS, period_from};

use crate::client::wire::{ActivationQuery, ActivationSort, SeatQuery, SeatSortKey, SeatStatus};
use crate::domain::{ActivationStatus, Vendor};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Which list a view is of (kept as plain strings in the file: `activations` and
/// `seats` views saved before the other screens had views read as they did).
pub const ACTIVATIONS: &str = "activations";
pub const SEATS: &str = "seats";

/// The screen a view was saved on: the value of its `list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    Activations,
    Seats,
    Activity,
    Renewals,
    Invoices,
    Webhooks,
    Access,
    Triage,
}

impl ViewKind {
    pub const ALL: [ViewKind; 8] = [
        ViewKind::Activations,
        ViewKind::Seats,
        ViewKind::Activity,
        ViewKind::Renewals,
        ViewKind::Invoices,
        ViewKind::Webhooks,
        ViewKind::Access,
        ViewKind::Triage,
    ];

    /// As `list = "…"` says it.
    pub fn as_str(self) -> &'static str {
        match self {
            ViewKind::Activations => ACTIVATIONS,
            ViewKind::Seats => SEATS,
            ViewKind::Activity => "activity",
            ViewKind::Renewals => "renewals",
            ViewKind::Invoices => "invoices",
            ViewKind::Webhooks => "webhooks",
            ViewKind::Access => "access",
            ViewKind::Triage => "triage",
        }
    }

    pub fn parse(text: &str) -> Option<ViewKind> {
        ViewKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SavedView {
    /// The screen it was saved on: one of [`ViewKind`]'s names.
    pub list: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Activations only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Seats only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// As the API takes it: `-number`, `valid_until`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
    /// The visible columns in order (the console's column names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// Activity only: who, which action, which kind of object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_kind: Option<String>,
    /// Activity and triage: days back from today (1: today; triage 1, 7 or 30), kept
    /// as days so the view follows the date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
    /// Renewals only: subscriptions ending within this many days (0: every device).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<u32>,
}

/// A name `[views.NAME]` can hold without quoting: letters, digits, `-`, `_`; 1–40.
pub fn valid_name(name: &str) -> bool {
    (1..=40).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && name.is_ascii()
}

impl SavedView {
    /// The screen it was saved on; a `list` no screen has is named.
    pub fn kind(&self) -> Result<ViewKind, String> {
        ViewKind::parse(&self.list).ok_or_else(|| {
            let known: Vec<&str> = ViewKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("list {:?}: one of {}", self.list, known.join(", "))
        })
    }

    /// Ok when the view was saved on `kind`'s screen; else what it is of, plainly.
    pub fn expect(&self, kind: ViewKind) -> Result<(), String> {
        if self.kind()? == kind {
            Ok(())
        } else {
            Err(format!(
                "the view is of the {} list, not the {} list",
                self.list,
                kind.as_str()
            ))
        }
    }

    pub fn of_activations(query: &ActivationQuery, columns: Vec<String>) -> SavedView {
        SavedView {
            list: ACTIVATIONS.into(),
            organization: query.organization,
            status: query.status.map(|s| s.as_api().to_string()),
            vendor: query.vendor.map(|v| v.id().to_string()),
            q: query.q.clone(),
            sort: Some(query.sort.to_param()),
            per_page: Some(query.per_page),
            columns,
            ..SavedView::default()
        }
    }

    pub fn of_seats(query: &SeatQuery, columns: Vec<String>) -> SavedView {
        SavedView {
            list: SEATS.into(),
            organization: query.organization,
            status: query.status.map(|s| s.as_api().to_string()),
            product: query.product.clone(),
            q: query.q.clone(),
            sort: Some(query.sort.to_param(query.descending)),
            per_page: Some(query.per_page),
            columns,
            ..SavedView::default()
        }
    }

    /// The view as an activation query (page 1); a value the file got wrong is named.
    pub fn activation_query(&self) -> Result<ActivationQuery, String> {
        self.expect(ViewKind::Activations)?;
        let mut query = ActivationQuery {
            organization: self.organization,
            q: self.q.clone(),
            ..ActivationQuery::default()
        };
        if let Some(status) = &self.status {
            query.status = Some(
                status
                    .parse::<ActivationStatus>()
                    .map_err(|_| format!("status {status:?}: done, in_progress or error"))?,
            );
        }
        if let Some(vendor) = &self.vendor {
            query.vendor = Some(
                vendor
                    .parse::<Vendor>()
                    .map_err(|_| format!("vendor {vendor:?}: pay-kiosk or pp-electro"))?,
            );
        }
        if let Some(sort) = &self.sort {
            query.sort = ActivationSort::parse(sort)
                .ok_or_else(|| format!("sort {sort:?}: number, total_cost or created_at"))?;
        }
        if let Some(per_page) = self.per_page {
            query.per_page = per_page;
        }
        Ok(query)
    }

    /// The view as a seat query (page 1).
    pub fn seat_query(&self) -> Result<SeatQuery, String> {
        self.expect(ViewKind::Seats)?;
        let mut query = SeatQuery {
            organization: self.organization,
            product: self.product.clone(),
            q: self.q.clone(),
            ..SeatQuery::default()
        };
        if let Some(status) = &self.status {
            query.status = Some(
                SeatStatus::ALL
                    .into_iter()
                    .find(|s| s.as_api() == status)
                    .ok_or_else(|| format!("status {status:?}: free, bound or expired"))?,
            );
        }
        if let Some(sort) = &self.sort {
            let (key, descending) = SeatSortKey::parse_param(sort)
                .ok_or_else(|| format!("sort {sort:?}: id, valid_until or email"))?;
            query.sort = key;
            query.descending = descending;
        }
        if let Some(per_page) = self.per_page {
            query.per_page = per_page;
        }
        Ok(query)
    }
}

/// Writes `[views.NAME]` into the config file: an old table of that name is replaced,
/// everything else is kept as written (comments too); the file is written anew and
/// renamed over the old one, keeping its permissions. A file that does not read as a
/// config now, or would not after, is left alone.
pub fn save_view(path: &Path, name: &str, view: &SavedView) -> Result<(), String> {
    if !valid_name(name) {
        return Err(format!(
            "view name {name:?}: letters, digits, - and _, up to 40"
        ));
    }
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    toml::from_str::<crate::config::ConfigFile>(&old)
        .map_err(|e| format!("{}: {}", path.display(), e.to_string().trim()))?;
    let header = format!("[views.{name}]");
    let mut kept: Vec<&str> = Vec::new();
    let mut skipping = false;
    for line in old.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            skipping = trimmed == header;
        }
        if !skipping {
            kept.push(line);
        }
    }
    let body = toml::to_string(view).map_err(|e| e.to_string())?;
    let mut text = kept.join("\n").trim_end().to_string();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&header);
    text.push('\n');
    text.push_str(&body);
    toml::from_str::<crate::config::ConfigFile>(&text)
        .map_err(|e| format!("{}: {}", path.display(), e.to_string().trim()))?;
    write_replacing(path, &text).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_replacing(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".new");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(&temporary, meta.permissions())?;
    }
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_view_replaces_its_table_and_keeps_the_rest_of_the_file() {
        let dir = std::env::temp_dir().join(format!("licadm-views-{}", std::process::id()));
        let path = dir.join("config.toml");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            &path,
            "# my portal\nlang = \"ru\"\n\n[keys]\n\"list.refresh\" = \"F5\"\n",
        )
        .expect("write");
        let errors = SavedView::of_activations(
            &ActivationQuery {
                status: Some(ActivationStatus::Error),
                ..ActivationQuery::default()
            },
            vec!["number".into(), "error".into()],
        );
        save_view(&path, "errors", &errors).expect("save");
        let mut again = errors.clone();
        again.per_page = Some(100);
        save_view(&path, "errors", &again).expect("save again");
        save_view(&path, "other", &errors).expect("another");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("# my portal\nlang = \"ru\""), "{text}");
        assert_eq!(text.matches("[views.errors]").count(), 1, "{text}");
        let file = crate::config::load(&path).expect("loads");
        assert_eq!(file.views["errors"], again);
        assert_eq!(file.keys.len(), 1);
        let query = file.views["errors"].activation_query().expect("query");
        assert_eq!(
            (query.status, query.per_page),
            (Some(ActivationStatus::Error), 100)
        );
        assert!(save_view(&path, "no spaces", &errors).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

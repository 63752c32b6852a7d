//! Saved views of the lists beyond Activations and Seats (issue 16 b; docs/DESIGN.md
//! §5.4): Activity's filters and period, Renewals' filters and window, the triage's
//! period; Invoices, Webhooks and Access have no filters, so their views hold only
//! the screen (and, for the CLI's `invoices list`, an organization or status written
//! by hand).

use super::{SavedView, ViewKind};
use crate::client::devices::{DEVICE_SORTS, DeviceQuery};
use crate::client::events::EventQuery;
use crate::domain::{InvoiceStatus, Vendor};
use chrono::NaiveDate;

/// The triage's periods in days (24 h, 7 days, 30 days).
pub const TRIAGE_PERIODS: [u32; 3] = [1, 7, 30];

impl SavedView {
    /// A view of a screen without filters (Invoices, Webhooks, Access).
    pub fn of_screen(kind: ViewKind) -> SavedView {
        SavedView {
            list: kind.as_str().into(),
            ..SavedView::default()
        }
    }

    /// Activity: who, what, which kind, which organization, the period in days.
    pub fn of_activity(query: &EventQuery, period: Option<u32>) -> SavedView {
        SavedView {
            list: ViewKind::Activity.as_str().into(),
            organization: query.organization,
            actor: query.actor.clone(),
            action: query.action.clone(),
            object_kind: query.object_kind.clone(),
            period,
            per_page: query.per_page,
            ..SavedView::default()
        }
    }

    /// The view as the Activity screen's filters (first page, no `from`: the period
    /// in days is applied to the day it is opened) and its period.
    pub fn activity_query(&self) -> Result<(EventQuery, Option<u32>), String> {
        self.expect(ViewKind::Activity)?;
        if self.period == Some(0) {
            return Err("period 0: days back from today, 1 or more".into());
        }
        let query = EventQuery {
            organization: self.organization,
            actor: self.actor.clone(),
            action: self.action.clone(),
            object_kind: self.object_kind.clone(),
            per_page: self.per_page,
            ..EventQuery::default()
        };
        Ok((query, self.period))
    }

    /// Renewals: organization, vendor, serial text, sort and the window in days.
    pub fn of_renewals(query: &DeviceQuery, window: u32) -> SavedView {
        SavedView {
            list: ViewKind::Renewals.as_str().into(),
            organization: query.organization,
            vendor: query.vendor.clone(),
            q: query.q.clone(),
            sort: query.sort.clone(),
            per_page: query.per_page,
            window: Some(window),
            ..SavedView::default()
        }
    }

    /// The view as the Renewals screen's filters (first page, `ending_before` left for
    /// the window to set on the day it is opened) and its window (0: every device).
    pub fn renewals_query(&self) -> Result<(DeviceQuery, Option<u32>), String> {
        self.expect(ViewKind::Renewals)?;
        if let Some(vendor) = &self.vendor {
            vendor
                .parse::<Vendor>()
                .map_err(|_| format!("vendor {vendor:?}: pay-kiosk or pp-electro"))?;
        }
        if let Some(sort) = &self.sort
            && !DEVICE_SORTS.contains(&sort.trim_start_matches('-'))
        {
            return Err(format!("sort {sort:?}: one of {}", DEVICE_SORTS.join(", ")));
        }
        let query = DeviceQuery {
            organization: self.organization,
            vendor: self.vendor.clone(),
            q: self.q.clone(),
            sort: self.sort.clone(),
            per_page: self.per_page,
            ..DeviceQuery::default()
        };
        Ok((query, self.window))
    }

    /// Invoices: the organization and status (`issued`, `overdue`, `paid`) a view
    /// holds, for `licadm invoices list --view`.
    pub fn invoice_filter(&self) -> Result<(Option<i64>, Option<InvoiceStatus>), String> {
        self.expect(ViewKind::Invoices)?;
        let status = match &self.status {
            Some(status) => Some(
                status
                    .parse::<InvoiceStatus>()
                    .map_err(|_| format!("status {status:?}: issued, overdue or paid"))?,
            ),
            None => None,
        };
        Ok((self.organization, status))
    }

    /// The triage of errors over the last `period` days (1, 7 or 30).
    pub fn of_triage(period: u32) -> SavedView {
        SavedView {
            list: ViewKind::Triage.as_str().into(),
            period: Some(period),
            ..SavedView::default()
        }
    }

    pub fn triage_period(&self) -> Result<u32, String> {
        self.expect(ViewKind::Triage)?;
        match self.period {
            None => Ok(1),
            Some(days) if TRIAGE_PERIODS.contains(&days) => Ok(days),
            Some(days) => Err(format!("period {days}: 1, 7 or 30 days")),
        }
    }
}

/// `from` of an Activity period of `days` (1: today), as the screen and the CLI
/// apply it.
pub fn period_from(days: u32, today: NaiveDate) -> Option<String> {
    today
        .checked_sub_days(chrono::Days::new(u64::from(days.saturating_sub(1))))
        .map(|day| day.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_screen_gets_back_what_it_saved_and_refuses_another_screens_view() {
        let events = EventQuery {
            organization: Some(2),
            action: Some("seat.bound".into()),
            per_page: Some(50),
            ..EventQuery::default()
        };
        let view = SavedView::of_activity(&events, Some(7));
        let text = toml::to_string(&view).expect("toml");
        let read: SavedView = toml::from_str(&text).expect("reads back");
        assert_eq!(read.activity_query(), Ok((events, Some(7))));
        assert_eq!(
            read.renewals_query().map(|_| ()),
            Err("the view is of the activity list, not the renewals list".into())
        );
        let devices = DeviceQuery {
            vendor: Some("pp-electro".into()),
            ..DeviceQuery::default()
        };
        let view = SavedView::of_renewals(&devices, 90);
        assert_eq!(view.renewals_query(), Ok((devices, Some(90))));
        assert!(view.activation_query().is_err());
        assert_eq!(SavedView::of_triage(30).triage_period(), Ok(30));
        let odd = SavedView {
            list: "nonsense".into(),
            ..SavedView::default()
        };
        assert!(odd.kind().is_err());
    }
}

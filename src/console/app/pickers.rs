//! The filter pickers (`o`, `s`, `v`, `t`) and the page prompt (`#`): dialogs on the
//! stack, filled from what the app knows; the choice comes back as an `Answer`.

use super::{Command, State};
use crate::client::events::{ACTIONS, OBJECT_KINDS};
use crate::client::wire::SeatStatus;
use crate::console::i18n::renewals as renewals_tr;
use crate::console::i18n::{self, activity as activity_tr, seats as seats_tr};
use crate::console::screens::activity::PERIODS;
use crate::console::screens::dialog::{
    Dialog, PagePrompt, PageTarget, PickTarget, PickValue, Picker,
};
use crate::console::screens::renewals::WINDOWS;
use crate::domain::{ActivationStatus, Vendor};

/// A picker of text values (label, value) on the one in force.
fn texts(
    title: i18n::Tr,
    items: impl Iterator<Item = (String, String)>,
    current: &Option<String>,
) -> (i18n::Tr, Vec<(String, PickValue)>, PickValue) {
    (
        title,
        items
            .map(|(label, value)| (label, PickValue::Text(value)))
            .collect(),
        current
            .clone()
            .map(PickValue::Text)
            .unwrap_or(PickValue::All),
    )
}

/// Opens the picker for `target`, on the value in force now.
pub(super) fn open(state: &mut State, target: PickTarget) -> Vec<Command> {
    let lang = state.lang;
    let all = (i18n::FILTER_ALL.get(lang).to_string(), PickValue::All);
    let organizations = || {
        state
            .organizations
            .iter()
            .map(|o| {
                (
                    format!("{} · {} {}", o.name, i18n::DETAIL_INN.get(lang), o.inn),
                    PickValue::Organization(o.id),
                )
            })
            .collect::<Vec<_>>()
    };
    let organization = |id: Option<i64>| id.map(PickValue::Organization).unwrap_or(PickValue::All);
    let (title, mut items, current) = match target {
        PickTarget::ListOrganization => (
            i18n::FILTER_ORGANIZATION,
            organizations(),
            organization(state.list.query.organization),
        ),
        PickTarget::ListStatus => (
            i18n::FILTER_STATUS,
            ActivationStatus::ALL
                .iter()
                .map(|s| (s.label(lang).to_string(), PickValue::ActivationStatus(*s)))
                .collect(),
            state
                .list
                .query
                .status
                .map(PickValue::ActivationStatus)
                .unwrap_or(PickValue::All),
        ),
        PickTarget::ListVendor => (
            i18n::FILTER_VENDOR,
            Vendor::ALL
                .iter()
                .map(|v| (v.name(lang).to_string(), PickValue::Vendor(*v)))
                .collect(),
            state
                .list
                .query
                .vendor
                .map(PickValue::Vendor)
                .unwrap_or(PickValue::All),
        ),
        PickTarget::SeatsOrganization => (
            i18n::FILTER_ORGANIZATION,
            organizations(),
            organization(state.seats.query.organization),
        ),
        PickTarget::SeatsProduct => (
            seats_tr::FILTER_PRODUCT,
            state
                .seats
                .products()
                .into_iter()
                .map(|p| (p.name.clone(), PickValue::Product(p.id)))
                .collect(),
            state
                .seats
                .query
                .product
                .clone()
                .map(PickValue::Product)
                .unwrap_or(PickValue::All),
        ),
        PickTarget::SeatsStatus => (
            i18n::FILTER_STATUS,
            SeatStatus::ALL
                .iter()
                .map(|s| {
                    (
                        seats_tr::status(lang, *s).to_string(),
                        PickValue::SeatStatus(*s),
                    )
                })
                .collect(),
            state
                .seats
                .query
                .status
                .map(PickValue::SeatStatus)
                .unwrap_or(PickValue::All),
        ),
        PickTarget::CapacityOrganization => (
            i18n::FILTER_ORGANIZATION,
            organizations(),
            organization(state.capacity.organization),
        ),
        PickTarget::ActivityOrganization => (
            i18n::FILTER_ORGANIZATION,
            organizations(),
            organization(state.activity.query.organization),
        ),
        PickTarget::ActivityAction => texts(
            activity_tr::FILTER_ACTION,
            ACTIONS
                .iter()
                .map(|a| (activity_tr::action(lang, a), a.to_string())),
            &state.activity.query.action,
        ),
        PickTarget::ActivityKind => texts(
            activity_tr::FILTER_KIND,
            OBJECT_KINDS
                .iter()
                .map(|k| (activity_tr::kind(lang, k), k.to_string())),
            &state.activity.query.object_kind,
        ),
        PickTarget::ActivityActor => texts(
            activity_tr::FILTER_ACTOR,
            state.activity.actors().into_iter().map(|a| (a.clone(), a)),
            &state.activity.query.actor,
        ),
        PickTarget::ActivityPeriod => (
            activity_tr::FILTER_PERIOD,
            PERIODS
                .iter()
                .map(|days| (activity_tr::period(lang, *days), PickValue::Days(*days)))
                .collect(),
            state
                .activity
                .period
                .map(PickValue::Days)
                .unwrap_or(PickValue::All),
        ),
        PickTarget::RenewalsOrganization => (
            i18n::FILTER_ORGANIZATION,
            organizations(),
            organization(state.renewals.query.organization),
        ),
        PickTarget::RenewalsVendor => (
            renewals_tr::FILTER_VENDOR,
            Vendor::ALL
                .iter()
                .map(|v| (v.name(lang).to_string(), PickValue::Vendor(*v)))
                .collect(),
            state
                .renewals
                .vendor()
                .map(PickValue::Vendor)
                .unwrap_or(PickValue::All),
        ),
        // The window always has a value; "all" is its 0.
        PickTarget::RenewalsWindow => (
            renewals_tr::FILTER_WINDOW,
            WINDOWS
                .iter()
                .map(|days| (renewals_tr::window(lang, *days), PickValue::Days(*days)))
                .collect(),
            PickValue::Days(state.renewals.window),
        ),
    };
    // Every list filter can be lifted; the capacity screen always shows one organization.
    if !matches!(
        target,
        PickTarget::CapacityOrganization | PickTarget::RenewalsWindow
    ) {
        items.insert(0, all);
    }
    state.dialogs.push(Dialog::Picker(Picker::new(
        title.get(lang),
        target,
        items,
        &current,
    )));
    Vec::new()
}

/// `#`: the page prompt for the list in front.
pub(super) fn open_page(state: &mut State, target: PageTarget) -> Vec<Command> {
    let pages = match target {
        PageTarget::Activations => state.list.page_count(),
        PageTarget::Seats => state.seats.page_count(),
    };
    state
        .dialogs
        .push(Dialog::Page(PagePrompt::new(state.lang, target, pages)));
    Vec::new()
}

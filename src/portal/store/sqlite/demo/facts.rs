//! Facts about a (demo) store that tests need — seat ids by status, users with and
//! without seats, product keys — read from the store as it is now, so tests never
//! hard-code data that could drift from the generator.

use super::super::{SqliteStore as Store, StoreError, product_keys, seats};
use crate::client::wire::{Installation, SeatStatus};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// (organization id, product id).
pub type OrgProduct = (i64, String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoKey {
    /// Canonical `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`.
    pub key: String,
    pub organization: i64,
    pub product: String,
    pub seats: u32,
    /// None: not activated yet.
    pub installation: Option<Installation>,
}

#[derive(Debug, Clone, Default)]
pub struct DemoFacts {
    /// Product ids, sorted.
    pub products: Vec<String>,
    /// Seat ids that are free today, ascending.
    pub free_seats: BTreeMap<OrgProduct, Vec<i64>>,
    /// (seat id, e-mail) of seats bound today.
    pub bound_seats: BTreeMap<OrgProduct, Vec<(i64, String)>>,
    pub expired_seats: BTreeMap<OrgProduct, Vec<i64>>,
    /// Registered users of the organization holding no unexpired seat of the product.
    pub users_without_seat: BTreeMap<OrgProduct, Vec<String>>,
    /// Registered users holding no seat at all (not even an expired one), by organization.
    pub seatless_users: BTreeMap<i64, Vec<String>>,
    /// An address no organization has registered.
    pub unregistered_email: String,
    pub keys: Vec<DemoKey>,
}

impl DemoFacts {
    fn key_of(organization: i64, product: &str) -> OrgProduct {
        (organization, product.to_string())
    }

    pub fn free(&self, organization: i64, product: &str) -> &[i64] {
        self.free_seats
            .get(&Self::key_of(organization, product))
            .map_or(&[], Vec::as_slice)
    }

    pub fn bound(&self, organization: i64, product: &str) -> &[(i64, String)] {
        self.bound_seats
            .get(&Self::key_of(organization, product))
            .map_or(&[], Vec::as_slice)
    }

    pub fn expired(&self, organization: i64, product: &str) -> &[i64] {
        self.expired_seats
            .get(&Self::key_of(organization, product))
            .map_or(&[], Vec::as_slice)
    }

    pub fn without_seat(&self, organization: i64, product: &str) -> &[String] {
        self.users_without_seat
            .get(&Self::key_of(organization, product))
            .map_or(&[], Vec::as_slice)
    }

    /// The not-yet-activated key of this organization and product, if any.
    pub fn unbound_key(&self, organization: i64, product: &str) -> Option<&DemoKey> {
        self.keys.iter().find(|k| {
            k.organization == organization && k.product == product && k.installation.is_none()
        })
    }

    /// A key already activated on an installation.
    pub fn bound_key(&self) -> Option<&DemoKey> {
        self.keys.iter().find(|k| k.installation.is_some())
    }
}

pub fn read(store: &Store, today: NaiveDate) -> Result<DemoFacts, StoreError> {
    store.blocking(move |conn| {
        let mut facts = DemoFacts {
            products: seats::products(conn)?.into_iter().map(|p| p.id).collect(),
            unregistered_email: "nobody.registered@example.org".into(),
            ..DemoFacts::default()
        };
        let all = seats::all(conn, today)?;
        let mut holders: BTreeMap<OrgProduct, BTreeSet<String>> = BTreeMap::new();
        let mut any_seat: BTreeSet<String> = BTreeSet::new();
        for seat in &all {
            let key = (seat.organization.id, seat.product.id.clone());
            if let Some(email) = &seat.email {
                any_seat.insert(email.clone());
            }
            match (seat.status, &seat.email) {
                (SeatStatus::Free, _) => facts.free_seats.entry(key).or_default().push(seat.id),
                (SeatStatus::Bound, Some(email)) => {
                    holders
                        .entry(key.clone())
                        .or_default()
                        .insert(email.clone());
                    facts
                        .bound_seats
                        .entry(key)
                        .or_default()
                        .push((seat.id, email.clone()));
                }
                (SeatStatus::Bound, None) => {}
                (SeatStatus::Expired, _) => {
                    facts.expired_seats.entry(key).or_default().push(seat.id)
                }
            }
        }
        let users = seats::all_users(conn)?;
        let pairs: BTreeSet<OrgProduct> = all
            .iter()
            .map(|s| (s.organization.id, s.product.id.clone()))
            .collect();
        for (organization, product) in pairs {
            let held = holders.get(&(organization, product.clone()));
            let without: Vec<String> = users
                .iter()
                .filter(|(org, email)| {
                    *org == organization && !held.is_some_and(|h| h.contains(email))
                })
                .map(|(_, email)| email.clone())
                .collect();
            facts
                .users_without_seat
                .insert((organization, product), without);
        }
        for (organization, email) in &users {
            if !any_seat.contains(email) {
                facts
                    .seatless_users
                    .entry(*organization)
                    .or_default()
                    .push(email.clone());
            }
        }
        facts.keys = product_keys::all(conn)?
            .into_iter()
            .map(|k| DemoKey {
                key: k.key,
                organization: k.organization_id,
                product: k.product.id,
                seats: k.seats,
                installation: k.installation,
            })
            .collect();
        Ok(facts)
    })
}

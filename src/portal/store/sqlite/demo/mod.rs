//! The deterministic demo data set: three organizations, both vendors, a device
//! registry and months of activations; seats, users, capacity and product keys live in
//! `licensing`.
//!
//! Organizations: АЛЬСТЕР and ТЕХБИЗНЕС+ have accepted the offer and may activate; the
//! ИП has not accepted the offer yet and is also blocked for an unpaid invoice (so
//! accepting the offer alone does not let it activate). About 1 % of devices are
//! refused by the vendor registry for good and another 1 % once (a registry outage
//! that a retry gets past); both kinds exist for both vendors. A fixed-seed PRNG makes two fresh stores
//! byte-for-byte alike, so tests and screenshots are stable.

mod batch;
pub mod facts;
mod invoices;
mod licensing;

use super::activations::NewActivation;
use super::catalog::{self, NewModel, NewOrganization};
use super::registry::Refusal;
use super::{SqliteStore as Store, StoreError, changes};
use crate::client::wire::ActivationLine;
use crate::domain::{
    ActivationFailure, ActivationStatus, FailureReason, Inn, Kopecks, Lang, Vendor, new_until,
};
use crate::portal::DemoOptions;
use crate::portal::store::text::{date_to_sql, queue_time_to_sql, timestamp_to_sql};
use batch::RowBatch;
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::collections::HashSet;

/// splitmix64: tiny, fast and good enough for demo data; no extra crate.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn percent(&mut self, chance: u64) -> bool {
        self.below(100) < chance
    }
}

const SEED: u64 = 0x11CA_D000_2026_1124;
/// "Today" of the demo world: subscription bands are spread around it.
const DEMO_TODAY: (i32, u32, u32) = (2026, 11, 24);
/// The seed document's serials: the precheck example and the refused device.
const SEED_SERIAL_NETPAY: &str = "0239110138900130";
const SEED_SERIAL_REFUSED: &str = "0408420138900124";
const MIN_DEVICES: usize = 5_000;

struct ModelSpec {
    vendor: Vendor,
    name: &'static str,
    price_rub: i64,
    retail_rub: i64,
    /// First four digits of generated serials of this model.
    serial_prefix: u64,
}

/// Prices from the vendor document (2 900 / 3 900 / 1 900 ₽ …); retail is above.
const MODELS: [ModelSpec; 6] = [
    ModelSpec {
        vendor: Vendor::PayKiosk,
        name: "aQsi 5Ф",
        price_rub: 2_900,
        retail_rub: 3_500,
        serial_prefix: 151,
    },
    ModelSpec {
        vendor: Vendor::PayKiosk,
        name: "aQsi 5",
        price_rub: 3_400,
        retail_rub: 4_100,
        serial_prefix: 152,
    },
    ModelSpec {
        vendor: Vendor::PayKiosk,
        name: "NETPAY-FC",
        price_rub: 3_900,
        retail_rub: 4_700,
        serial_prefix: 239,
    },
    ModelSpec {
        vendor: Vendor::PayKiosk,
        name: "PayOnline-01-ФА",
        price_rub: 2_900,
        retail_rub: 3_500,
        serial_prefix: 310,
    },
    ModelSpec {
        vendor: Vendor::PpElectro,
        name: "PP-Электро 02Ф",
        price_rub: 1_900,
        retail_rub: 2_300,
        serial_prefix: 720,
    },
    ModelSpec {
        vendor: Vendor::PpElectro,
        name: "PP-Электро 03Ф",
        price_rub: 2_400,
        retail_rub: 2_900,
        serial_prefix: 730,
    },
];
const NETPAY_MODEL: usize = 2;

/// The reasons of the demo's errored activations (their texts are the vendor's, in
/// Russian, as the worker writes them).
const ERROR_REASONS: [FailureReason; 4] = [
    FailureReason::Deregistered,
    FailureReason::OtherOwner,
    FailureReason::UnsupportedModel,
    FailureReason::NoAnswer,
];

struct Device {
    serial: String,
    model: usize,
    current_until: Option<NaiveDate>,
    refusal: Refusal,
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> Result<DateTime<Utc>, StoreError> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .ok_or_else(|| StoreError::Invalid(format!("bad demo timestamp {y}-{m}-{d}")))
}

fn organizations() -> Result<Vec<NewOrganization>, StoreError> {
    let entrepreneur_inn = Inn::with_check_digits("7802135961")
        .map_err(|e| StoreError::Invalid(format!("demo INN: {e}")))?;
    Ok(vec![
        NewOrganization {
            id: 1,
            name: "АЛЬСТЕР ООО".into(),
            inn: "7842175621".into(),
            kpp: Some("784201001".into()),
            offer_accepted_at: Some(utc(2026, 4, 28, 9, 12)?),
            offer_accepted_by: Some("Иванов Пётр Сергеевич".into()),
            activation_blocked: false,
        },
        NewOrganization {
            id: 2,
            name: "ТЕХБИЗНЕС+ ООО".into(),
            inn: "7743058902".into(),
            kpp: Some("774301001".into()),
            offer_accepted_at: Some(utc(2026, 4, 30, 14, 5)?),
            offer_accepted_by: Some("Смирнова Ольга Николаевна".into()),
            activation_blocked: false,
        },
        NewOrganization {
            id: 3,
            name: "ИП Соколова Анна Викторовна".into(),
            inn: entrepreneur_inn.as_str().to_string(),
            kpp: None,
            offer_accepted_at: None,
            offer_accepted_by: None,
            activation_blocked: true,
        },
    ])
}

/// The registry: the two seed devices first, then generated ones with unique serials.
fn devices(rng: &mut SplitMix64, count: usize, today: NaiveDate) -> Vec<Device> {
    let mut devices = vec![
        Device {
            serial: SEED_SERIAL_NETPAY.into(),
            model: NETPAY_MODEL,
            current_until: NaiveDate::from_ymd_opt(2027, 12, 9),
            refusal: Refusal::None,
        },
        Device {
            serial: SEED_SERIAL_REFUSED.into(),
            model: NETPAY_MODEL,
            current_until: NaiveDate::from_ymd_opt(2030, 12, 9),
            refusal: Refusal::Permanent,
        },
    ];
    // Distinct counters give distinct serials (below), so only the seed devices' own
    // serials can come round again; a set of every serial cost seconds at millions.
    let seeds: Vec<String> = devices.iter().map(|d| d.serial.clone()).collect();
    let mut counter: u64 = 0;
    while devices.len() < count {
        counter += 1;
        let model = rng.below(MODELS.len() as u64) as usize;
        // i * odd-not-5 multiplier mod 10^12 is a bijection: distinct counters give
        // distinct tails, scattered like real serials.
        let tail = (counter.wrapping_mul(7_919_000_003) + 138_900_000) % 1_000_000_000_000;
        let serial = format!("{:04}{tail:012}", MODELS[model].serial_prefix);
        if seeds.contains(&serial) {
            continue;
        }
        let band = rng.below(100);
        let offset = |rng: &mut SplitMix64, from: u64, to: u64| {
            today.checked_add_days(Days::new(from + rng.below(to - from)))
        };
        let current_until = match band {
            0..15 => None,
            15..35 => today.checked_sub_days(Days::new(1 + rng.below(400))),
            35..45 => offset(rng, 0, 30),
            45..60 => offset(rng, 30, 90),
            _ => offset(rng, 90, 900),
        };
        devices.push(Device {
            serial,
            model,
            current_until,
            refusal: match rng.below(100) {
                0 => Refusal::Permanent,
                1 => Refusal::Transient,
                _ => Refusal::None,
            },
        });
    }
    devices
}

fn line_count(rng: &mut SplitMix64) -> usize {
    match rng.below(100) {
        0..55 => 1,
        55..80 => 2,
        80..92 => 3,
        92..98 => 4 + rng.below(5) as usize,
        _ => 15 + rng.below(11) as usize,
    }
}

fn error_text(reason: FailureReason, serial: &str) -> String {
    ActivationFailure {
        serial: serial.to_string(),
        reason,
    }
    .text(Lang::Ru)
}

/// What a demo store is filled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A store to serve: indexes and planner statistics too.
    Serve,
    /// Only the source of a copy into PostgreSQL, read table by table in key order:
    /// the secondary indexes, which it never uses, are left out.
    CopySource,
}

/// Generates and inserts everything in one transaction, then (to serve) builds the
/// indexes and refreshes planner stats.
pub fn fill(store: &Store, options: DemoOptions, purpose: Purpose) -> Result<(), StoreError> {
    let mut rng = SplitMix64(SEED);
    let today = NaiveDate::from_ymd_opt(DEMO_TODAY.0, DEMO_TODAY.1, DEMO_TODAY.2)
        .ok_or_else(|| StoreError::Invalid("bad demo date".into()))?;
    let organizations = organizations()?;
    let devices = devices(&mut rng, MIN_DEVICES.max(3 * options.activations), today);
    // The activations are generated on a thread of their own and written here as they
    // come, a chunk at a time: the two overlap on two cores, and the store never holds
    // every activation in memory at once (10 000 000 of them would not fit).
    let (chunks, generated) = std::sync::mpsc::sync_channel::<Vec<NewActivation>>(4);
    let generator = std::thread::Builder::new()
        .name("demo-activations".into())
        .spawn(move || generate_activations(rng, devices, options.activations, &chunks))
        .map_err(|e| StoreError::Task(format!("cannot start the demo generator: {e}")))?;

    store.blocking(move |conn| {
        // A big cache for the rows; the index builds' sorts on every core.
        conn.pragma_update(None, "cache_size", -256 * 1024)?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        conn.pragma_update(None, "threads", cores.min(8) as i64)?;
        // No fsync for the load: a crash mid-fill leaves an empty store (the transaction
        // never committed), which the next start fills again.
        conn.pragma_update(None, "synchronous", "OFF")?;
        // The generator's rows refer only to rows it wrote before them (a unit test runs
        // foreign_key_check on a filled store); checking 6 million references one by one
        // cost seconds at 1 000 000 activations.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        // A rollback journal rather than the WAL for the load: into an empty store it
        // journals almost nothing, where the WAL took every page once more (1.1 GB at
        // 1 000 000 activations, written again by the checkpoint and kept on disk).
        // Changing the mode needs the only connection; if another is open, the load
        // simply goes through the WAL.
        let journal = conn
            .pragma_update_and_check(None, "journal_mode", "DELETE", |row| {
                row.get::<_, String>(0)
            })
            .unwrap_or_else(|_| "wal".into());
        let tx = conn.transaction()?;
        // Without the change triggers, then one change per object: a trigger per row
        // (and per line, moving its activation again) made the 100 000-activation
        // data set take 11 s to write instead of 5. Without the secondary indexes too,
        // built once at the end: sorting a million keys once costs a fraction of a
        // million random inserts into a dozen B-trees.
        // `organization_devices` too: filled from the lines after the load, ~2 rows
        // per activation, its seven list indexes cost more row by row than sorted once.
        let indexes = super::bulk::drop_indexes_and_triggers(
            &tx,
            &[
                "activations",
                "activation_lines",
                "devices",
                "organization_devices",
            ],
            &[],
        )?;
        changes::load_untracked(&tx, || {
            let mut stage = changes::Stage::start();
            insert_catalog(&tx, &organizations)?;
            let written = insert_activations(&tx, generated);
            // The generator stops when the channel closes, so joining cannot hang
            // even if writing failed.
            let devices = generator
                .join()
                .map_err(|_| StoreError::Task("the demo generator panicked".into()))??;
            written?;
            stage.done("activations");
            // Last: completed activations moved the devices' subscriptions on.
            insert_devices(&tx, &devices)?;
            stage.done("devices");
            licensing::fill(&tx, today)?;
            stage.done("licensing");
            invoices::fill(&tx, today)?;
            stage.done("invoices");
            Ok(())
        })?;
        let mut stage = changes::Stage::start();
        if purpose == Purpose::Serve {
            // The pool's cache for the index builds: SQLite's sorter writes runs the
            // size of the cache, each sorted on a thread of its own while this one
            // reads on, then merged. With 256 MiB every key fit one run, sorted here
            // alone: 28.7–29.7 s of index builds at 1 000 000 activations, 21.6–25.4
            // with 16 MiB (docs/BENCHMARKS.md).
            tx.pragma_update(None, "cache_size", -super::CACHE_KIB)?;
            for (_, sql) in &indexes {
                tx.execute_batch(sql)?;
            }
            stage.done("indexes");
        }
        tx.commit()?;
        stage.done("commit");
        if !journal.eq_ignore_ascii_case("wal") {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -super::CACHE_KIB)?;
        conn.pragma_update(None, "threads", 0)?;
        conn.pragma_update(None, "synchronous", super::SYNCHRONOUS)?;
        if purpose == Purpose::Serve {
            super::refresh_statistics(conn)?;
            stage.done("statistics");
        }
        Ok(())
    })
}

/// Activations per message from the generator to the writer.
const CHUNK: usize = 4_096;

/// Months of orders over `devices`, sent to `chunks` in number order; gives the devices
/// back with the subscriptions the completed activations extended. Stops early (Ok)
/// when the writer hangs up.
fn generate_activations(
    mut rng: SplitMix64,
    mut devices: Vec<Device>,
    count: usize,
    chunks: &std::sync::mpsc::SyncSender<Vec<NewActivation>>,
) -> Result<Vec<Device>, StoreError> {
    // Random picks skip the seed devices, which keep the document's dates.
    let by_vendor = |vendor: Vendor| -> Vec<usize> {
        (2..devices.len())
            .filter(|&i| MODELS[devices[i].model].vendor == vendor)
            .collect()
    };
    let pay_kiosk_devices = by_vendor(Vendor::PayKiosk);
    let pp_electro_devices = by_vendor(Vendor::PpElectro);

    // Orders fall in office hours, 08:00–20:00 Moscow (05:00–17:00 UTC), from 1 May to
    // 23 November 2026: spread evenly over the working seconds so numbers follow time.
    let first_day_opens = utc(2026, 5, 1, 5, 0)?;
    const WORKDAY_SECONDS: i64 = 12 * 3600;
    const DAYS: i64 = 207;
    let total = count.max(1) as i64;
    let span_seconds = DAYS * WORKDAY_SECONDS;
    let slot_seconds = (span_seconds / total).max(1);
    let in_progress_from = count.saturating_sub((count / 100).max(4));
    let seed_error_at = in_progress_from.checked_sub(3);

    let mut chunk = Vec::with_capacity(CHUNK.min(count));
    let mut in_progress_devices: HashSet<usize> = HashSet::new();
    for index in 0..count {
        let working_second =
            span_seconds * index as i64 / total + rng.below(slot_seconds as u64) as i64;
        let created_at = first_day_opens
            + chrono::Duration::days(working_second / WORKDAY_SECONDS)
            + chrono::Duration::seconds(working_second % WORKDAY_SECONDS);
        let date = created_at.date_naive();
        let forced_seed_error = seed_error_at == Some(index);
        let organization_id = match rng.below(100) {
            _ if forced_seed_error => 1,
            0..40 => 1,
            40..85 => 2,
            _ => 3,
        };
        let vendor = if forced_seed_error || rng.percent(65) {
            Vendor::PayKiosk
        } else {
            Vendor::PpElectro
        };
        let pool = if vendor == Vendor::PayKiosk {
            &pay_kiosk_devices
        } else {
            &pp_electro_devices
        };
        let mut picked: Vec<usize> = Vec::new();
        if forced_seed_error {
            picked.push(1);
        } else {
            let wanted = line_count(&mut rng).min(pool.len());
            while picked.len() < wanted {
                let candidate = pool[rng.below(pool.len() as u64) as usize];
                // A device is in at most one in-progress activation, as the portal's
                // own precheck (`pending`) guarantees for new ones.
                let busy = index >= in_progress_from && in_progress_devices.contains(&candidate);
                if !picked.contains(&candidate) && !busy {
                    picked.push(candidate);
                }
            }
            if index >= in_progress_from {
                in_progress_devices.extend(picked.iter().copied());
            }
        }
        let Some(&first_pick) = picked.first() else {
            return Err(StoreError::Invalid(format!(
                "the demo registry has no {} devices",
                vendor.id()
            )));
        };
        let status = if forced_seed_error || (index < in_progress_from && rng.percent(4)) {
            ActivationStatus::Error
        } else if index >= in_progress_from {
            ActivationStatus::InProgress
        } else {
            ActivationStatus::Done
        };

        let lines: Vec<ActivationLine> = picked
            .iter()
            .map(|&i| {
                let device = &devices[i];
                let model = &MODELS[device.model];
                ActivationLine {
                    serial: device.serial.clone(),
                    model: model.name.to_string(),
                    current_until: device.current_until,
                    new_until: new_until(device.current_until, date),
                    price: Kopecks::from_rubles(model.price_rub),
                }
            })
            .collect();
        let mut completed_at = None;
        let mut error = None;
        match status {
            ActivationStatus::Done => {
                completed_at =
                    Some(created_at + chrono::Duration::seconds(20 + rng.below(600) as i64));
                for (&i, line) in picked.iter().zip(&lines) {
                    devices[i].current_until = Some(line.new_until);
                }
            }
            ActivationStatus::Error => {
                let culprit = picked
                    .iter()
                    .copied()
                    .find(|&i| devices[i].refusal == Refusal::Permanent)
                    .unwrap_or(first_pick);
                let reason = if forced_seed_error {
                    ERROR_REASONS[0]
                } else {
                    ERROR_REASONS[rng.below(4) as usize]
                };
                error = Some(error_text(reason, &devices[culprit].serial));
            }
            ActivationStatus::InProgress => {}
        }
        chunk.push(NewActivation {
            number: index as i64 + 1,
            organization_id,
            vendor,
            status,
            created_at,
            completed_at,
            error,
            queued_at: (status == ActivationStatus::InProgress).then_some(created_at),
            lines,
        });
        if chunk.len() == CHUNK {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if chunks.send(full).is_err() {
                return Ok(devices);
            }
        }
    }
    if !chunk.is_empty() {
        // A closed channel means the writer failed; it reports that itself.
        let _ = chunks.send(chunk);
    }
    Ok(devices)
}

fn insert_catalog(tx: &Connection, organizations: &[NewOrganization]) -> Result<(), StoreError> {
    for organization in organizations {
        catalog::insert_organization(tx, organization)?;
    }
    for (index, spec) in MODELS.iter().enumerate() {
        catalog::insert_model(
            tx,
            &NewModel {
                id: index as i64 + 1,
                vendor: spec.vendor,
                name: spec.name.into(),
                price: Kopecks::from_rubles(spec.price_rub),
                retail_price: Kopecks::from_rubles(spec.retail_rub),
            },
        )?;
    }
    Ok(())
}

/// The same rows `activations::insert` writes, many to a statement.
fn insert_activations(
    tx: &Connection,
    generated: std::sync::mpsc::Receiver<Vec<NewActivation>>,
) -> Result<(), StoreError> {
    let mut activations = RowBatch::new(
        tx,
        "INSERT INTO activations (number, organization_id, vendor, status, license_count,
                                  total_cost, created_at, completed_at, error, queued_at)",
        10,
    );
    let mut lines = RowBatch::new(
        tx,
        "INSERT INTO activation_lines (activation_number, serial, model, current_until,
                                       new_until, price)",
        6,
    );
    for chunk in generated {
        for activation in chunk {
            let total: Kopecks = activation.lines.iter().map(|line| line.price).sum();
            activations.push([
                Value::Integer(activation.number),
                Value::Integer(activation.organization_id),
                batch::text(activation.vendor.id()),
                batch::text(activation.status.as_api()),
                Value::Integer(activation.lines.len() as i64),
                Value::Integer(total.0),
                batch::text(timestamp_to_sql(activation.created_at)),
                batch::optional_text(activation.completed_at.map(timestamp_to_sql)),
                batch::optional_text(activation.error),
                batch::optional_text(activation.queued_at.map(queue_time_to_sql)),
            ])?;
            for line in activation.lines {
                lines.push([
                    Value::Integer(activation.number),
                    Value::Text(line.serial),
                    Value::Text(line.model),
                    batch::optional_text(line.current_until.map(date_to_sql)),
                    batch::text(date_to_sql(line.new_until)),
                    Value::Integer(line.price.0),
                ])?;
            }
        }
    }
    activations.finish()?;
    lines.finish()
}

/// In serial order: the registry's primary key is the serial, and appending to a
/// B-tree is far cheaper than inserting at random places in it.
fn insert_devices(tx: &Connection, devices: &[Device]) -> Result<(), StoreError> {
    let mut by_serial: Vec<&Device> = devices.iter().collect();
    by_serial.sort_unstable_by(|a, b| a.serial.cmp(&b.serial));
    let mut rows = RowBatch::new(
        tx,
        "INSERT INTO devices (serial, model_id, current_until, registry_refuses)",
        4,
    );
    for device in by_serial {
        rows.push([
            batch::text(device.serial.as_str()),
            Value::Integer(device.model as i64 + 1),
            batch::optional_text(device.current_until.map(date_to_sql)),
            Value::Integer(device.refusal.to_sql()),
        ])?;
    }
    rows.finish()
}

#[cfg(test)]
mod tests;

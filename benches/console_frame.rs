//! Console frame time: state → view → buffer (ratatui TestBackend) with a page of 100
//! activations, at 80×24 and 200×60. `cargo bench --bench console_frame`.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use licadm::client::wire::{ActivationQuery, ActivationSummary, OrgRef, Page, VendorRef};
use licadm::console::app::{Command, Msg, State, update, view};
use licadm::console::theme::Theme;
use licadm::domain::{ActivationStatus, Kopecks, Lang, Vendor};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

fn page_of(n: i64) -> Page<ActivationSummary> {
    let orgs = [
        ("АЛЬСТЕР ООО", "7842175621"),
        ("ТЕХБИЗНЕС+ ООО", "7743058902"),
        ("ИП Соколова Анна Викторовна", "500100732259"),
    ];
    let items = (0..n)
        .map(|i| {
            let (name, inn) = orgs[(i % 3) as usize];
            let status = ActivationStatus::ALL[(i % 3) as usize];
            let vendor = Vendor::ALL[(i % 2) as usize];
            ActivationSummary {
                number: 1000 - i,
                organization: OrgRef {
                    id: i % 3 + 1,
                    name: name.into(),
                    inn: inn.into(),
                },
                status,
                vendor: VendorRef::from(vendor),
                license_count: i % 7 + 1,
                total_cost: Kopecks::from_rubles(2900 * (i % 7 + 1)),
                created_at: Utc
                    .with_ymd_and_hms(2026, 11, 1 + (i % 28) as u32, 10, 0, 0)
                    .single()
                    .unwrap_or_default(),
                completed_at: None,
                error: (status == ActivationStatus::Error)
                    .then(|| "Реестр вендора отклонил серийный номер".into()),
                failure: None,
            }
        })
        .collect();
    Page::new(items, 1, 100, 420)
}

/// A state as the console has it after loading a 100-row page.
fn loaded_state() -> State {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let mut state = State::new(
        Lang::Ru,
        Theme::for_options(false),
        "http://127.0.0.1:8080".into(),
        today,
    );
    let commands = update(&mut state, Msg::Start);
    let request_id = commands
        .iter()
        .find_map(|c| match c {
            Command::FetchActivations { request_id, .. } => Some(*request_id),
            _ => None,
        })
        .unwrap_or(1);
    let _ = ActivationQuery::default();
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page_of(100)),
        },
    );
    state
}

fn frame_time(c: &mut Criterion) {
    let state = loaded_state();
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut terminal = match Terminal::new(TestBackend::new(w, h)) {
            Ok(t) => t,
            Err(e) => panic!("test backend: {e}"),
        };
        c.bench_function(&format!("frame {w}x{h}, 100 rows"), |b| {
            b.iter(|| {
                // Force a full redraw each iteration: the worst case, not the diff.
                let _ = terminal.clear();
                let _ = terminal.draw(|frame| view(black_box(&state), frame));
            })
        });
    }
}

criterion_group!(benches, frame_time);
criterion_main!(benches);

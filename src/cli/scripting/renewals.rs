//! `renewals`: the devices whose subscription ends within N days (those already ended
//! too), least time left first, and what renewing them costs today per organization
//! and vendor (`GET /devices`, `GET /devices/totals`; issue 16). Every page is read;
//! `--json` is `{"devices": [...], "totals": {...}}`, `--csv` the device rows.

use super::Outcome;
use crate::cli::output::{OutputFormat, Table, emit};
use licadm::client::ApiClient;
use licadm::client::devices::{DEVICES_MAX_PER_PAGE, DeviceItem, DeviceQuery, DeviceTotals};
use licadm::domain::{format_date, format_rub};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Renewals {
    devices: Vec<DeviceItem>,
    totals: DeviceTotals,
}

pub async fn renewals(
    client: &ApiClient,
    within: Option<u32>,
    organization: Option<i64>,
    vendor: Option<String>,
    format: OutputFormat,
) -> Outcome {
    let today = chrono::Local::now().date_naive();
    // None: every device (`--every`, or a view of the window "all").
    let window = match within {
        Some(days) => DeviceQuery::within(days, today),
        None => DeviceQuery::default(),
    };
    let mut query = DeviceQuery {
        organization,
        vendor,
        per_page: Some(DEVICES_MAX_PER_PAGE),
        ..window
    };
    let totals = client.device_totals(&query).await?;
    let mut devices = Vec::new();
    loop {
        let page = client.devices(&query).await?;
        devices.extend(page.items);
        super::progress(&format!("{} / {} devices…", devices.len(), totals.count));
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    super::progress_done();
    let renewals = Renewals { devices, totals };
    let ascii = false;
    emit(format, &renewals, |machine| {
        device_table(&renewals.devices, today, machine, ascii)
    });
    if format == OutputFormat::Table {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(totals_text(&renewals.totals, within, ascii).as_bytes());
        let _ = stdout.flush();
    }
    Ok(())
}

fn device_table(
    devices: &[DeviceItem],
    today: chrono::NaiveDate,
    machine: bool,
    ascii: bool,
) -> Table {
    let mut table = Table::new(vec![
        "SERIAL",
        "ORGANIZATION",
        "VENDOR",
        "MODEL",
        "UNTIL",
        "DAYS_LEFT",
        "PRICE",
    ]);
    for d in devices {
        let days = (d.subscription_until - today).num_days();
        table.push(vec![
            d.serial.clone(),
            if machine {
                d.organization.id.to_string()
            } else {
                d.organization.name.clone()
            },
            d.vendor.id.id().to_string(),
            d.model.clone(),
            if machine {
                d.subscription_until.to_string()
            } else {
                format_date(d.subscription_until)
            },
            days.to_string(),
            if machine {
                d.price.0.to_string()
            } else {
                format_rub(d.price, ascii)
            },
        ]);
    }
    table
}

/// «Итого» lines under the table: per organization and vendor, then all.
fn totals_text(totals: &DeviceTotals, within: Option<u32>, ascii: bool) -> String {
    let which = match within {
        Some(days) => format!("ending within {days} days (or ended)"),
        None => "in all".to_string(),
    };
    let mut out = format!(
        "\n{} devices {which}; renewal at today's prices: {}\n",
        totals.count,
        format_rub(totals.total, ascii)
    );
    for group in &totals.groups {
        out.push_str(&format!(
            "  {} · {}: {} × → {}\n",
            group.organization.name,
            group.vendor.name,
            group.count,
            format_rub(group.total, ascii)
        ));
    }
    out
}

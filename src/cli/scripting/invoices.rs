//! `invoices list|show|download|pay` and `prices` (issue 17): the monthly invoices and
//! the price list for scripts and people. Amounts are `2 900 ₽` for people and
//! kopecks in `--json`/`--csv`; dates `09.12.2026` for people, ISO for machines.

use super::{Failure, Outcome};
use crate::cli::output::{OutputArgs, Table, emit};
use clap::Subcommand;
use licadm::client::ApiClient;
use licadm::client::invoices::{DocumentFormat, Invoice, InvoiceDetail, InvoiceQuery};
use licadm::client::wire::Price;
use licadm::domain::{InvoiceStatus, Kopecks, Lang, format_date, format_rub};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum InvoicesCommand {
    /// Invoices of your organizations (an operator's: all), newest month first.
    List {
        /// Only this organization's.
        #[arg(long)]
        organization: Option<i64>,
        /// issued, overdue or paid.
        #[arg(long, value_parser = parse_status)]
        status: Option<InvoiceStatus>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// 10, 25, 50 or 100.
        #[arg(long, default_value_t = 25, value_parser = super::parse_per_page)]
        per_page: u32,
        /// A view saved on the console's Invoices screen (`:view save NAME`; an
        /// `organization` or `status` written in it fills the flags not given).
        #[arg(long)]
        view: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// One invoice with its activations.
    Show {
        number: String,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// The invoice document with the act of transfer of rights, Russian unless `--lang en`.
    Download {
        number: String,
        /// text (default) or html.
        #[arg(long, default_value = "text", value_parser = parse_format)]
        format: DocumentFormat,
        /// Where to write it (default: the portal's name, `invoice-<number>.txt`, in
        /// the current directory); `-` writes to stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Mark an invoice paid (the vendor's operator); its organization unblocks when
    /// nothing else of it is overdue.
    Pay {
        number: String,
        /// Repeating a call with the same key answers what the first did.
        #[arg(long)]
        idempotency_key: Option<String>,
    },
}

fn parse_status(s: &str) -> Result<InvoiceStatus, String> {
    s.parse()
}

fn parse_format(s: &str) -> Result<DocumentFormat, String> {
    DocumentFormat::parse(s).ok_or_else(|| format!("unknown format {s:?}: text or html"))
}

fn money(amount: Kopecks, machine: bool) -> String {
    if machine {
        amount.0.to_string()
    } else {
        format_rub(amount, false)
    }
}

fn day(date: chrono::NaiveDate, machine: bool) -> String {
    if machine {
        date.to_string()
    } else {
        format_date(date)
    }
}

fn invoices_table(invoices: &[Invoice], machine: bool, lang: Lang) -> Table {
    let mut table = Table::new(vec![
        "NUMBER",
        "ORGANIZATION",
        "PERIOD",
        "ISSUED",
        "DUE",
        "STATUS",
        "LICENSES",
        "TOTAL",
    ]);
    for i in invoices {
        table.push(vec![
            i.number.clone(),
            if machine {
                i.organization.id.to_string()
            } else {
                licadm::domain::text::inert(&i.organization.name).into_owned()
            },
            i.period.to_string(),
            day(i.issued_on, machine),
            day(i.due_on, machine),
            if machine {
                i.status.as_api().to_string()
            } else {
                i.status.label(lang).to_string()
            },
            i.license_count.to_string(),
            money(i.total, machine),
        ]);
    }
    table
}

fn lines_table(detail: &InvoiceDetail, machine: bool) -> Table {
    let mut table = Table::new(vec![
        "ACTIVATION",
        "VENDOR",
        "COMPLETED",
        "LICENSES",
        "AMOUNT",
    ]);
    for l in &detail.lines {
        table.push(vec![
            l.activation.to_string(),
            if machine {
                l.vendor.id.id().to_string()
            } else {
                l.vendor.name.clone()
            },
            day(l.completed_at.date_naive(), machine),
            l.license_count.to_string(),
            money(l.amount, machine),
        ]);
    }
    table
}

pub async fn invoices(command: InvoicesCommand, client: &ApiClient, lang: Lang) -> Outcome {
    match command {
        InvoicesCommand::List {
            organization,
            status,
            page,
            per_page,
            view: _,
            out,
        } => {
            let query = InvoiceQuery {
                organization,
                status,
                page,
                per_page,
            };
            let list = client.invoices(&query).await?;
            let format = out.format();
            emit(format, &list, |machine| {
                invoices_table(&list.items, machine, lang)
            });
            if format == crate::cli::output::OutputFormat::Table {
                let pages = list.total.div_ceil(u64::from(list.per_page.max(1)));
                println!(
                    "page {} of {}, {} invoices",
                    list.page,
                    pages.max(1),
                    list.total
                );
            }
        }
        InvoicesCommand::Show { number, out } => {
            let detail = client.invoice(number.trim()).await?;
            let format = out.format();
            if format == crate::cli::output::OutputFormat::Table {
                print!(
                    "{}",
                    invoices_table(std::slice::from_ref(&detail.invoice), false, lang).render()
                );
                println!();
            }
            emit(format, &detail, |machine| lines_table(&detail, machine));
        }
        InvoicesCommand::Download {
            number,
            format,
            out,
        } => {
            let file = client.invoice_document(number.trim(), format).await?;
            match out {
                Some(path) if path.as_os_str() == "-" => print!("{}", file.contents),
                target => {
                    let path = target.unwrap_or_else(|| PathBuf::from(&file.file_name));
                    std::fs::write(&path, &file.contents).map_err(|e| {
                        Failure::Usage(format!("cannot write {}: {e}", path.display()))
                    })?;
                    eprintln!("written {}", path.display());
                }
            }
        }
        InvoicesCommand::Pay {
            number,
            idempotency_key,
        } => {
            let key = idempotency_key.unwrap_or_else(licadm::client::new_idempotency_key);
            let paid = client.pay_invoice(number.trim(), Some(&key)).await?;
            println!(
                "invoice {} paid: {} ({})",
                paid.invoice.number,
                format_rub(paid.invoice.total, false),
                licadm::domain::text::inert(&paid.invoice.organization.name)
            );
        }
    }
    Ok(())
}

fn prices_table(prices: &[Price], machine: bool) -> Table {
    let mut table = Table::new(vec!["VENDOR", "MODEL", "YOUR PRICE", "RETAIL PRICE"]);
    for p in prices {
        table.push(vec![
            if machine {
                p.vendor.id.id().to_string()
            } else {
                p.vendor.name.clone()
            },
            p.model.clone(),
            money(p.price, machine),
            money(p.retail_price, machine),
        ]);
    }
    table
}

/// `prices`: the partner's price («Ваша цена») and the recommended retail price of
/// every model.
pub async fn prices(client: &ApiClient, out: OutputArgs) -> Outcome {
    let prices = client.prices().await?;
    emit(out.format(), &prices, |machine| {
        prices_table(&prices, machine)
    });
    Ok(())
}

//! The invoice as a document a partner files (docs/DESIGN.md §3.11): the invoice with
//! its lines and the totals of the act of transfer of rights (акт приема-передачи),
//! as plain text or HTML, in Russian or English. Pure: the portal hands in the data.

use super::{Kopecks, Lang, format_date, format_rub};
use chrono::NaiveDate;

/// The licensor named by the sublicense offer (seed 004 §1).
pub const LICENSOR: &str = "АО «Пи Джи групп» (ОГРН 1187746057322)";
/// What is licensed (seed 004 §1).
pub const PRODUCT: &str = "ПО «Кассовое ядро – МН». Сервис обновления (подписка на 12 месяцев)";

/// Everything the document shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDocument {
    pub number: String,
    /// «октябрь 2026» — already in the document's language.
    pub period: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub buyer_name: String,
    pub buyer_inn: String,
    pub buyer_kpp: Option<String>,
    /// «Оплачен» / «Просрочен» … — already in the document's language.
    pub status: String,
    pub lines: Vec<DocumentLine>,
    pub total: Kopecks,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLine {
    pub activation: i64,
    pub vendor: String,
    pub licenses: i64,
    pub amount: Kopecks,
    pub completed_on: NaiveDate,
}

struct Words {
    invoice: &'static str,
    of: &'static str,
    licensor: &'static str,
    buyer: &'static str,
    inn: &'static str,
    kpp: &'static str,
    period: &'static str,
    due: &'static str,
    status: &'static str,
    columns: [&'static str; 5],
    total: &'static str,
    licenses: &'static str,
    no_vat: &'static str,
    act: &'static str,
    act_text: &'static str,
    act_licenses: &'static str,
    act_amount: &'static str,
    signatures: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Ru => Words {
            invoice: "Счёт на оплату №",
            of: "от",
            licensor: "Лицензиар",
            buyer: "Лицензиат",
            inn: "ИНН",
            kpp: "КПП",
            period: "Период",
            due: "Оплатить до",
            status: "Статус",
            columns: ["№", "Активация", "Вендор", "Лицензий", "Сумма"],
            total: "Итого",
            licenses: "лицензий",
            no_vat: "Без НДС (пп. 26 п. 2 ст. 149 НК РФ)",
            act: "Акт приема-передачи права использования ПО №",
            act_text: "Лицензиар передал, а Лицензиат принял право использования программы для ЭВМ",
            act_licenses: "Количество лицензий",
            act_amount: "Вознаграждение",
            signatures: "Лицензиар ____________        Лицензиат ____________",
        },
        Lang::En => Words {
            invoice: "Invoice No.",
            of: "of",
            licensor: "Licensor",
            buyer: "Licensee",
            inn: "INN",
            kpp: "KPP",
            period: "Period",
            due: "Due by",
            status: "Status",
            columns: ["No.", "Activation", "Vendor", "Licenses", "Amount"],
            total: "Total",
            licenses: "licenses",
            no_vat: "VAT exempt (Tax Code art. 149 p. 2 sub. 26)",
            act: "Act of transfer of the right to use the software No.",
            act_text: "The licensor has transferred and the licensee has accepted the right to use the software",
            act_licenses: "Licenses",
            act_amount: "Fee",
            signatures: "Licensor ____________        Licensee ____________",
        },
    }
}

impl InvoiceDocument {
    fn licenses(&self) -> i64 {
        self.lines.iter().map(|l| l.licenses).sum()
    }

    fn buyer(&self, w: &Words) -> String {
        match &self.buyer_kpp {
            Some(kpp) => format!(
                "{}, {} {}, {} {kpp}",
                self.buyer_name, w.inn, self.buyer_inn, w.kpp
            ),
            None => format!("{}, {} {}", self.buyer_name, w.inn, self.buyer_inn),
        }
    }

    /// Plain text, lines of at most 90 characters.
    pub fn text(&self, lang: Lang) -> String {
        let w = words(lang);
        let mut out = String::new();
        let mut line = |text: String| {
            out.push_str(&text);
            out.push('\n');
        };
        line(format!(
            "{} {} {} {}",
            w.invoice,
            self.number,
            w.of,
            format_date(self.issued_on)
        ));
        line(String::new());
        line(format!("{}: {LICENSOR}", w.licensor));
        line(format!("{}: {}", w.buyer, self.buyer(&w)));
        line(format!("{}: {}", w.period, self.period));
        line(format!("{}: {}", w.due, format_date(self.due_on)));
        line(format!("{}: {}", w.status, self.status));
        line(String::new());
        line(PRODUCT.to_string());
        line(format!(
            "{:>4}  {:>10}  {:<16}  {:>8}  {:>16}",
            w.columns[0], w.columns[1], w.columns[2], w.columns[3], w.columns[4]
        ));
        for (index, l) in self.lines.iter().enumerate() {
            line(format!(
                "{:>4}  {:>10}  {:<16}  {:>8}  {:>16}",
                index + 1,
                l.activation,
                l.vendor.chars().take(16).collect::<String>(),
                l.licenses,
                format_rub(l.amount, false)
            ));
        }
        line(format!(
            "{}: {} {}, {}",
            w.total,
            self.licenses(),
            w.licenses,
            format_rub(self.total, false)
        ));
        line(w.no_vat.to_string());
        line(String::new());
        line(format!(
            "{} {} {} {}",
            w.act,
            self.number,
            w.of,
            format_date(self.issued_on)
        ));
        line(format!("{}:", w.act_text));
        line(format!("{PRODUCT}."));
        line(format!("{}: {}", w.act_licenses, self.licenses()));
        line(format!(
            "{}: {}",
            w.act_amount,
            format_rub(self.total, false)
        ));
        line(String::new());
        line(w.signatures.to_string());
        out
    }

    /// A self-contained HTML page (no scripts, no external resources).
    pub fn html(&self, lang: Lang) -> String {
        let w = words(lang);
        let e = escape;
        let mut rows = String::new();
        for (index, l) in self.lines.iter().enumerate() {
            rows.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                index + 1,
                l.activation,
                e(&l.vendor),
                l.licenses,
                e(&format_rub(l.amount, false))
            ));
        }
        let head: String = w
            .columns
            .iter()
            .map(|c| format!("<th>{}</th>", e(c)))
            .collect();
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
             <style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}\
             td,th{{border:1px solid #888;padding:2px 6px}}.n{{text-align:right}}</style></head><body>\n\
             <h1>{title}</h1>\n<p>{licensor}: {lic}<br>{buyer}: {b}<br>{period}: {p}<br>\
             {due}: {d}<br>{status}: {s}</p>\n<p>{product}</p>\n<table><tr>{head}</tr>\n{rows}\
             <tr><th colspan=\"3\">{total}</th><th class=\"n\">{n}</th><th class=\"n\">{sum}</th></tr></table>\n\
             <p>{no_vat}</p>\n<h2>{act}</h2>\n<p>{act_text}: {product}.<br>{act_licenses}: {n}<br>\
             {act_amount}: {sum}</p>\n<p>{signatures}</p>\n</body></html>\n",
            lang = lang.code(),
            title = e(&format!(
                "{} {} {} {}",
                w.invoice,
                self.number,
                w.of,
                format_date(self.issued_on)
            )),
            licensor = e(w.licensor),
            lic = e(LICENSOR),
            buyer = e(w.buyer),
            b = e(&self.buyer(&w)),
            period = e(w.period),
            p = e(&self.period),
            due = e(w.due),
            d = format_date(self.due_on),
            status = e(w.status),
            s = e(&self.status),
            product = e(PRODUCT),
            total = e(w.total),
            n = self.licenses(),
            sum = e(&format_rub(self.total, false)),
            no_vat = e(w.no_vat),
            act = e(&format!(
                "{} {} {} {}",
                w.act,
                self.number,
                w.of,
                format_date(self.issued_on)
            )),
            act_text = e(w.act_text),
            act_licenses = e(w.act_licenses),
            act_amount = e(w.act_amount),
            signatures = e(w.signatures),
        )
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> InvoiceDocument {
        InvoiceDocument {
            number: "202610-00001".into(),
            period: "октябрь 2026".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            due_on: NaiveDate::from_ymd_opt(2026, 11, 9).expect("date"),
            buyer_name: "АЛЬСТЕР ООО <Ltd>".into(),
            buyer_inn: "7842175621".into(),
            buyer_kpp: Some("784201001".into()),
            status: "Выставлен".into(),
            lines: vec![
                DocumentLine {
                    activation: 17,
                    vendor: "Пэй Киоск".into(),
                    licenses: 2,
                    amount: Kopecks::from_rubles(5_800),
                    completed_on: NaiveDate::from_ymd_opt(2026, 10, 3).expect("date"),
                },
                DocumentLine {
                    activation: 21,
                    vendor: "PP-Электро".into(),
                    licenses: 1,
                    amount: Kopecks::from_rubles(1_900),
                    completed_on: NaiveDate::from_ymd_opt(2026, 10, 30).expect("date"),
                },
            ],
            total: Kopecks::from_rubles(7_700),
        }
    }

    #[test]
    fn the_text_has_the_invoice_and_the_act_totals() {
        let text = document().text(Lang::Ru);
        assert!(text.starts_with("Счёт на оплату № 202610-00001 от 01.11.2026\n"));
        assert!(text.contains("Оплатить до: 09.11.2026"));
        assert!(text.contains("Итого: 3 лицензий, 7 700 ₽"));
        assert!(text.contains("Акт приема-передачи права использования ПО № 202610-00001"));
        assert!(text.contains("Количество лицензий: 3\nВознаграждение: 7 700 ₽"));
        assert!(text.lines().all(|l| l.chars().count() <= 90), "{text}");
        let english = document().text(Lang::En);
        assert!(english.starts_with("Invoice No. 202610-00001 of 01.11.2026"));
        assert!(english.contains("Act of transfer"));
    }

    #[test]
    fn the_html_escapes_what_it_is_given() {
        let html = document().html(Lang::Ru);
        assert!(html.contains("АЛЬСТЕР ООО &lt;Ltd&gt;"));
        assert!(!html.contains("<Ltd>"));
        assert!(html.contains("<html lang=\"ru\">"));
        assert!(html.contains("7 700 ₽"));
    }
}

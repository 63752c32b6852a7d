//! The scripting commands' one output layer: an aligned table (default), `--json`
//! (the API's wire types as they are) or `--csv` (the table's columns, machine values).

use clap::Args;
use serde::Serialize;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
}

/// `--json` / `--csv`, flattened into every scripting command.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct OutputArgs {
    /// Print JSON: the API's own objects (see README, "Scripting").
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV with a header line.
    #[arg(long)]
    pub csv: bool,
}

impl OutputArgs {
    pub fn format(self) -> OutputFormat {
        if self.json {
            OutputFormat::Json
        } else if self.csv {
            OutputFormat::Csv
        } else {
            OutputFormat::Table
        }
    }
}

/// Rows of cells under a header; `machine` says the cells were made for CSV (kopecks,
/// ISO dates) rather than for people.
pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: Vec<&'static str>) -> Table {
        Table {
            headers,
            rows: Vec::new(),
        }
    }

    /// A row; data from the portal may hold control characters (stored before the
    /// portal refused them), so every cell is made inert before it reaches a terminal.
    pub fn push(&mut self, row: Vec<String>) {
        let row = row
            .into_iter()
            .map(|cell| licadm::domain::text::inert(&cell).into_owned())
            .collect();
        self.rows.push(row);
    }

    /// Columns padded to their widest cell by display width, two spaces apart.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(cell.width());
                }
            }
        }
        let mut out = String::new();
        let line = |cells: Vec<&str>, out: &mut String| {
            let mut text = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(cell);
                let pad = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(cell.width());
                text.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(self.headers.clone(), &mut out);
        for row in &self.rows {
            line(row.iter().map(String::as_str).collect(), &mut out);
        }
        out
    }

    pub fn to_csv(&self) -> String {
        let mut out = csv_line(self.headers.iter().copied());
        for row in &self.rows {
            out.push_str(&csv_line(row.iter().map(String::as_str)));
        }
        out
    }
}

/// One CSV record ending in `\n`; fields with `,`, `"`, CR or LF are quoted with the
/// quotes doubled.
pub fn csv_line<'a>(fields: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push('\n');
    out
}

/// Prints `value` as pretty JSON, or `table(machine)` as a table or CSV.
pub fn emit<T: Serialize>(format: OutputFormat, value: &T, table: impl Fn(bool) -> Table) {
    let text = match format {
        OutputFormat::Json => match serde_json::to_string_pretty(value) {
            Ok(json) => json + "\n",
            Err(e) => format!("{{\"error\":\"cannot encode: {e}\"}}\n"),
        },
        OutputFormat::Table => table(false).render(),
        OutputFormat::Csv => table(true).to_csv(),
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        let line = csv_line(["a", "b,c", "say \"hi\"", "two\nlines"].into_iter());
        assert_eq!(line, "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\n");
    }

    #[test]
    fn table_aligns_by_display_width() {
        let mut t = Table::new(vec!["name", "n"]);
        t.push(vec!["Пэй Киоск".into(), "1".into()]);
        t.push(vec!["ab".into(), "22".into()]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "name       n");
        assert_eq!(lines[1], "Пэй Киоск  1");
        assert_eq!(lines[2], "ab         22");
    }
}

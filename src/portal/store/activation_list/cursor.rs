//! Page cursors: where a page of the list starts, as the opaque text handed to
//! clients and read back.

use crate::client::wire::{ActivationSort, ActivationSortKey, ActivationSummary};
use crate::portal::store::text::timestamp_to_sql;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The value of the sort key of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    Int(i64),
    Text(String),
}

/// Where a page starts: just after (forward) or just before (backward) one row of the
/// list in one sort order, and the number of the page it leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCursor {
    pub page: u32,
    pub forward: bool,
    pub sort: ActivationSort,
    pub value: SortValue,
    pub number: i64,
}

impl PageCursor {
    /// Opaque to clients: URL-safe base64 of `page~f|b~sort~i|t value~number`.
    pub fn encode(&self) -> String {
        let (kind, value) = match &self.value {
            SortValue::Int(v) => ('i', v.to_string()),
            SortValue::Text(v) => ('t', v.clone()),
        };
        let direction = if self.forward { 'f' } else { 'b' };
        let raw = format!(
            "{}~{direction}~{}~{kind}{value}~{}",
            self.page,
            self.sort.to_param(),
            self.number
        );
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// None for anything this portal did not hand out.
    pub fn decode(encoded: &str) -> Option<PageCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
        let raw = String::from_utf8(bytes).ok()?;
        let mut parts = raw.split('~');
        let page = parts.next()?.parse::<u32>().ok().filter(|p| *p >= 1)?;
        let forward = match parts.next()? {
            "f" => true,
            "b" => false,
            _ => return None,
        };
        let sort = ActivationSort::parse(parts.next()?)?;
        let value = parts.next()?;
        let value = match (value.get(..1)?, value.get(1..)?) {
            ("i", v) => SortValue::Int(v.parse().ok()?),
            ("t", v) if sort.key == ActivationSortKey::CreatedAt => SortValue::Text(v.to_string()),
            _ => return None,
        };
        if matches!(value, SortValue::Int(_)) == (sort.key == ActivationSortKey::CreatedAt) {
            return None;
        }
        let number = parts.next()?.parse::<i64>().ok()?;
        if parts.next().is_some() {
            return None;
        }
        Some(PageCursor {
            page,
            forward,
            sort,
            value,
            number,
        })
    }

    pub(super) fn at(
        row: &ActivationSummary,
        sort: ActivationSort,
        page: u32,
        forward: bool,
    ) -> PageCursor {
        let value = match sort.key {
            ActivationSortKey::Number => SortValue::Int(row.number),
            ActivationSortKey::TotalCost => SortValue::Int(row.total_cost.0),
            ActivationSortKey::CreatedAt => SortValue::Text(timestamp_to_sql(row.created_at)),
        };
        PageCursor {
            page: page.max(1),
            forward,
            sort,
            value,
            number: row.number,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_what_was_not_handed_out() {
        for (key, value) in [
            (ActivationSortKey::Number, SortValue::Int(7)),
            (ActivationSortKey::TotalCost, SortValue::Int(290_000)),
            (
                ActivationSortKey::CreatedAt,
                SortValue::Text("2026-11-23T10:15:00Z".into()),
            ),
        ] {
            let cursor = PageCursor {
                page: 3,
                forward: false,
                sort: ActivationSort {
                    key,
                    descending: true,
                },
                value,
                number: 42,
            };
            assert_eq!(PageCursor::decode(&cursor.encode()), Some(cursor));
        }
        let forged = URL_SAFE_NO_PAD.encode("1~f~-created_at~i5~1");
        assert_eq!(PageCursor::decode(&forged), None);
        assert_eq!(PageCursor::decode("not a cursor"), None);
        assert_eq!(
            PageCursor::decode(&URL_SAFE_NO_PAD.encode("0~f~number~i5~1")),
            None
        );
    }
}

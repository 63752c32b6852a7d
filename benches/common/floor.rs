//! What the benches that time a query plan against its floor share (`list_latency`,
//! `renewals_events`): the portal's plan arguments bound for either store, and the
//! figures' arithmetic. Included with `#[path]`; each bench uses what it needs.
#![allow(dead_code)]

use licadm::portal::list_plan::Arg;
use std::time::Duration;

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `p` quantile of samples sorted ascending.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A plan's arguments for rusqlite (an id list is one `?` each).
pub fn sqlite_args(args: &[Arg]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    let mut values = Vec::new();
    for arg in args {
        match arg {
            Arg::Int(v) => values.push(Value::Integer(*v)),
            Arg::OptInt(v) => values.push(v.map_or(Value::Null, Value::Integer)),
            Arg::Text(v) => values.push(Value::Text(v.clone())),
            Arg::Ints(ids) => values.extend(ids.iter().map(|id| Value::Integer(*id))),
        }
    }
    values
}

/// A plan's arguments for tokio-postgres (an id list is one array).
pub fn pg_args(args: &[Arg]) -> Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> {
    args.iter()
        .map(
            |arg| -> Box<dyn tokio_postgres::types::ToSql + Sync + Send> {
                match arg {
                    Arg::Int(v) => Box::new(*v),
                    Arg::OptInt(v) => Box::new(*v),
                    Arg::Text(v) => Box::new(v.clone()),
                    Arg::Ints(ids) => Box::new(ids.clone()),
                }
            },
        )
        .collect()
}

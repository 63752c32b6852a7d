//! What the document says of every write that takes an `Idempotency-Key` (issue 15,
//! docs/DESIGN.md §4.5): the answers a resend may replay carry `Idempotent-Replayed`.

use crate::client::wire::IDEMPOTENCY_HEADER;
use serde_json::{Map, Value, json};

/// The statuses a resend may replay: the write's answer and the refusals of its rules
/// (a 403 of the role, a 400 of the request's shape and the limits come before the key
/// is looked at, and are never stored).
const REPLAYABLE: [&str; 4] = ["404", "409", "410", "422"];

/// Adds the `Idempotent-Replayed` header to the replayable answers of every operation
/// that takes the `Idempotency-Key` header.
pub fn mark_replays(paths: &mut Map<String, Value>) {
    for item in paths.values_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            let takes_key = operation["parameters"].as_array().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p["in"] == "header" && p["name"] == IDEMPOTENCY_HEADER)
            });
            if !takes_key {
                continue;
            }
            let Some(responses) = operation["responses"].as_object_mut() else {
                continue;
            };
            for (status, response) in responses.iter_mut() {
                if status.starts_with('2') || REPLAYABLE.contains(&status.as_str()) {
                    response["headers"]["Idempotent-Replayed"] = json!({
                        "description": "`true` when this is the stored answer (or refusal) of an earlier request with the same Idempotency-Key; nothing ran again. Absent otherwise",
                        "schema": {"type": "string", "enum": ["true"]}
                    });
                }
            }
        }
    }
}

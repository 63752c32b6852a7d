//! Activation statuses, with the seed's names (Выполнена / В работе / Ошибка).

use super::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivationStatus {
    Done,
    InProgress,
    Error,
}

impl ActivationStatus {
    pub const ALL: [ActivationStatus; 3] = [
        ActivationStatus::Done,
        ActivationStatus::InProgress,
        ActivationStatus::Error,
    ];

    /// The API spelling: `done`, `in_progress`, `error`.
    pub fn as_api(self) -> &'static str {
        match self {
            ActivationStatus::Done => "done",
            ActivationStatus::InProgress => "in_progress",
            ActivationStatus::Error => "error",
        }
    }

    /// In progress or in error: its serials are not free for a new activation (the
    /// precheck says `pending` or `refused`), and it may still change.
    pub fn is_open(self) -> bool {
        matches!(self, ActivationStatus::InProgress | ActivationStatus::Error)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ActivationStatus::Done, Lang::Ru) => "Выполнена",
            (ActivationStatus::InProgress, Lang::Ru) => "В работе",
            (ActivationStatus::Error, Lang::Ru) => "Ошибка",
            (ActivationStatus::Done, Lang::En) => "Done",
            (ActivationStatus::InProgress, Lang::En) => "In progress",
            (ActivationStatus::Error, Lang::En) => "Error",
        }
    }
}

impl fmt::Display for ActivationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_api())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown activation status {0:?}: expected done, in_progress or error")]
pub struct UnknownStatus(pub String);

impl FromStr for ActivationStatus {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActivationStatus::ALL
            .into_iter()
            .find(|st| st.as_api() == s)
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names_round_trip_and_labels() {
        for st in ActivationStatus::ALL {
            assert_eq!(st.as_api().parse::<ActivationStatus>(), Ok(st));
            assert_eq!(
                serde_json::to_string(&st).ok(),
                Some(format!("\"{}\"", st.as_api()))
            );
        }
        assert!("finished".parse::<ActivationStatus>().is_err());
        assert_eq!(ActivationStatus::Done.label(Lang::Ru), "Выполнена");
        assert_eq!(ActivationStatus::InProgress.label(Lang::Ru), "В работе");
        assert_eq!(ActivationStatus::Error.label(Lang::Ru), "Ошибка");
        assert_eq!(ActivationStatus::InProgress.label(Lang::En), "In progress");
    }
}

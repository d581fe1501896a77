//! A collection batch's lifecycle (API.md: `open` → `closed` → `scoring` → `finalized`).

use crate::error::RuleError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchStatus {
    Open,
    Closed,
    Scoring,
    Finalized,
}

impl BatchStatus {
    pub const ALL: [BatchStatus; 4] = [
        BatchStatus::Open,
        BatchStatus::Closed,
        BatchStatus::Scoring,
        BatchStatus::Finalized,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            BatchStatus::Open => "open",
            BatchStatus::Closed => "closed",
            BatchStatus::Scoring => "scoring",
            BatchStatus::Finalized => "finalized",
        }
    }

    pub fn parse(s: &str) -> Option<BatchStatus> {
        BatchStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Closing stops new submissions; only an open batch can be closed.
    pub fn close(self) -> Result<BatchStatus, RuleError> {
        match self {
            BatchStatus::Open => Ok(BatchStatus::Closed),
            _ => Err(RuleError::BatchNotOpen),
        }
    }

    /// Experts are assigned once collection is closed.
    pub fn start_scoring(self) -> Result<BatchStatus, RuleError> {
        match self {
            BatchStatus::Closed => Ok(BatchStatus::Scoring),
            _ => Err(RuleError::BatchNotClosed),
        }
    }

    /// Ratings are published from a batch being scored.
    pub fn finalize(self) -> Result<BatchStatus, RuleError> {
        match self {
            BatchStatus::Scoring => Ok(BatchStatus::Finalized),
            _ => Err(RuleError::BatchNotScoring),
        }
    }

    pub fn accepts_submissions(&self) -> bool {
        matches!(self, BatchStatus::Open)
    }
}

impl Serialize for BatchStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A batch name: 1 to 100 characters after trimming.
pub fn parse_batch_name(raw: &str) -> Result<String, crate::error::Problem> {
    let name = raw.trim();
    match name.chars().count() {
        0 => Err(crate::error::Problem::Required),
        n if n > 100 => Err(crate::error::Problem::TooLong { max: 100 }),
        _ if name.chars().any(char::is_control) => {
            Err(crate::error::Problem::WrongType { expected: "text" })
        }
        _ => Ok(name.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_open_batches_close_and_names_are_bounded() {
        assert_eq!(BatchStatus::Open.close(), Ok(BatchStatus::Closed));
        assert_eq!(BatchStatus::Closed.close(), Err(RuleError::BatchNotOpen));
        assert_eq!(
            BatchStatus::Closed.start_scoring(),
            Ok(BatchStatus::Scoring)
        );
        assert_eq!(
            BatchStatus::Open.start_scoring(),
            Err(RuleError::BatchNotClosed)
        );
        assert_eq!(BatchStatus::Scoring.finalize(), Ok(BatchStatus::Finalized));
        assert_eq!(
            BatchStatus::Finalized.finalize(),
            Err(RuleError::BatchNotScoring)
        );
        assert_eq!(parse_batch_name("  2026年第一批 ").unwrap(), "2026年第一批");
        assert!(parse_batch_name("   ").is_err());
        assert!(parse_batch_name(&"批".repeat(101)).is_err());
    }
}

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

/// Which batch a submission goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitInto {
    /// The application's own batch.
    OwnBatch,
    /// The newest open batch: the application's own batch has moved on without it.
    NewestOpen,
}

/// Where an application is submitted (API.md: an application belongs to one open batch;
/// notice IV(4): collection runs all year, batch by batch). Its own batch while that is open;
/// an application returned for supplement may also come back while its batch is closed, until
/// scoring begins. Otherwise (a draft left in a closed batch, or a returned application whose
/// batch is being scored) it carries over to the newest open batch, so nothing a designer typed
/// is stranded; with no open batch, it waits.
pub fn submission_batch(
    application: crate::application::Status,
    own: BatchStatus,
    open_batch_exists: bool,
) -> Result<SubmitInto, RuleError> {
    use crate::application::Status;
    match (application, own) {
        (_, BatchStatus::Open) | (Status::Returned, BatchStatus::Closed) => {
            Ok(SubmitInto::OwnBatch)
        }
        _ if open_batch_exists => Ok(SubmitInto::NewestOpen),
        _ => Err(RuleError::BatchNotOpen),
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
    fn the_lifecycle_moves_one_way() {
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
    }

    #[test]
    fn submissions_go_to_their_batch_or_carry_over_to_the_open_one() {
        use crate::application::Status::{Draft, Returned};
        use SubmitInto::*;
        for open_exists in [false, true] {
            assert_eq!(
                submission_batch(Draft, BatchStatus::Open, open_exists),
                Ok(OwnBatch)
            );
            assert_eq!(
                submission_batch(Returned, BatchStatus::Open, open_exists),
                Ok(OwnBatch)
            );
            assert_eq!(
                submission_batch(Returned, BatchStatus::Closed, open_exists),
                Ok(OwnBatch)
            );
        }
        for own in [BatchStatus::Scoring, BatchStatus::Finalized] {
            assert_eq!(submission_batch(Returned, own, true), Ok(NewestOpen));
            assert_eq!(
                submission_batch(Returned, own, false),
                Err(RuleError::BatchNotOpen)
            );
        }
        assert_eq!(
            submission_batch(Draft, BatchStatus::Closed, true),
            Ok(NewestOpen)
        );
        assert_eq!(
            submission_batch(Draft, BatchStatus::Closed, false),
            Err(RuleError::BatchNotOpen)
        );
    }

    #[test]
    fn batch_names_are_bounded() {
        assert_eq!(parse_batch_name("  2026年第一批 ").unwrap(), "2026年第一批");
        assert!(parse_batch_name("   ").is_err());
        assert!(parse_batch_name(&"批".repeat(101)).is_err());
        assert!(parse_batch_name("批\u{0}").is_err());
    }
}

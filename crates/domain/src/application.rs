//! An application's status machine (API.md: `draft` → `submitted` → (`returned` → `submitted`
//! again) → `accepted` | `rejected`) and its timeline.

use crate::batch::BatchStatus;
use crate::error::RuleError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, utoipa::ToSchema)]
pub enum Status {
    Draft,
    Submitted,
    Returned,
    Accepted,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Accepted,
        Status::Rejected,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The owner may change the form only before review or when it was returned for supplement.
    pub fn is_editable(&self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// Not yet decided: being written, awaiting review, or back with the designer. A designer
    /// with one of these continues it rather than starting another (it carries over to the
    /// open batch when submitted).
    pub fn is_in_progress(&self) -> bool {
        matches!(self, Status::Draft | Status::Submitted | Status::Returned)
    }

    /// Has the commission ever received it? Reviewers see only these.
    pub fn was_submitted(&self) -> bool {
        !matches!(self, Status::Draft)
    }

    /// The status after the owner submits.
    pub fn submit(self) -> Result<Status, RuleError> {
        if self.is_editable() {
            Ok(Status::Submitted)
        } else {
            Err(RuleError::NotSubmittable)
        }
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where an application stands in the whole procedure. Its own status ends at `accepted`; after
/// that its batch goes on to expert scoring and, once the batch is finalized, a star rating
/// (notice of 17 June 2023: "专家评审 … 评定星级").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Draft,
    Submitted,
    Returned,
    Rejected,
    /// Accepted; the batch has not gone to the experts yet.
    Accepted,
    /// Accepted, and the experts of its batch are scoring.
    Scoring,
    /// Accepted and rated.
    Rated,
}

impl Stage {
    /// The stage from the application's status, its batch's status and whether it has a
    /// rating. A finalized batch has rated every accepted application of it, so "finalized but
    /// not rated" cannot happen; it would show as accepted rather than as scored.
    pub fn of(status: Status, batch: BatchStatus, rated: bool) -> Stage {
        match status {
            Status::Draft => Stage::Draft,
            Status::Submitted => Stage::Submitted,
            Status::Returned => Stage::Returned,
            Status::Rejected => Stage::Rejected,
            Status::Accepted if rated => Stage::Rated,
            Status::Accepted if batch == BatchStatus::Scoring => Stage::Scoring,
            Status::Accepted => Stage::Accepted,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::Submitted => "submitted",
            Stage::Returned => "returned",
            Stage::Rejected => "rejected",
            Stage::Accepted => "accepted",
            Stage::Scoring => "scoring",
            Stage::Rated => "rated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accepted_application_goes_on_to_scoring_and_a_rating() {
        use BatchStatus::*;
        assert_eq!(Stage::of(Status::Accepted, Closed, false), Stage::Accepted);
        assert_eq!(Stage::of(Status::Accepted, Scoring, false), Stage::Scoring);
        assert_eq!(Stage::of(Status::Accepted, Finalized, true), Stage::Rated);
        assert_eq!(
            Stage::of(Status::Accepted, Finalized, false),
            Stage::Accepted
        );
        assert_eq!(Stage::of(Status::Returned, Scoring, false), Stage::Returned);
        assert_eq!(
            Stage::of(Status::Rejected, Finalized, false),
            Stage::Rejected
        );
        assert_eq!(Stage::of(Status::Submitted, Open, false), Stage::Submitted);
    }

    #[test]
    fn only_drafts_and_returned_applications_can_be_submitted_or_edited() {
        assert_eq!(Status::Draft.submit(), Ok(Status::Submitted));
        assert_eq!(Status::Returned.submit(), Ok(Status::Submitted));
        for s in [Status::Submitted, Status::Accepted, Status::Rejected] {
            assert_eq!(s.submit(), Err(RuleError::NotSubmittable));
            assert!(!s.is_editable());
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}

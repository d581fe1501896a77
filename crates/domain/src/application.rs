//! An application's status machine (API.md: `draft` → `submitted` → (`returned` → `submitted`
//! again) → `accepted` | `rejected`) and its timeline.

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

#[cfg(test)]
mod tests {
    use super::*;

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

//! The commission's document review (API.md `POST /applications/{id}/review`, notice section IV
//! step 2): a decision on a submitted application, with per-item verification.

use crate::application::Status;
use crate::error::{FieldError, Problem, RuleError};
use crate::ids::ItemId;
use crate::text::prose_problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Reject,
    Return,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Accept, Decision::Reject, Decision::Return];

    pub fn as_str(&self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Reject => "reject",
            Decision::Return => "return",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The status the decision leads to, from `submitted` only.
    pub fn apply(self, current: Status) -> Result<Status, RuleError> {
        if current != Status::Submitted {
            return Err(RuleError::NotReviewable);
        }
        Ok(match self {
            Decision::Accept => Status::Accepted,
            Decision::Reject => Status::Rejected,
            Decision::Return => Status::Returned,
        })
    }
}

/// One item's verification by the reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemCheck {
    pub item_id: ItemId,
    pub verified: bool,
    pub note: Option<String>,
}

/// Whether the commission's review form asks for a comment: a return (API.md: required) and a
/// rejection too, whose designer would otherwise learn no reason. The API, a fixed contract,
/// requires it for a return only (`check_review`).
pub fn form_needs_comment(decision: Decision) -> bool {
    matches!(decision, Decision::Return | Decision::Reject)
}

/// A checked review: a return needs a comment (the designer must know what to supplement), and
/// every item named must be an item of the application, once.
pub fn check_review(
    decision: Decision,
    comment: Option<&str>,
    items: &[ItemCheck],
    form_items: &[ItemId],
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if decision == Decision::Return && comment.is_none_or(|c| c.trim().is_empty()) {
        errors.push(FieldError::new("comment", Problem::CommentRequired));
    }
    if let Some(problem) = comment.and_then(|c| prose_problem(c, 2000)) {
        errors.push(FieldError::new("comment", problem));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, item) in items.iter().enumerate() {
        if !form_items.contains(&item.item_id) {
            errors.push(FieldError::new(
                format!("items[{i}].item_id"),
                Problem::UnknownItem,
            ));
        } else if !seen.insert(item.item_id) {
            errors.push(FieldError::new(
                format!("items[{i}].item_id"),
                Problem::DuplicateItem,
            ));
        }
        if let Some(problem) = item.note.as_deref().and_then(|n| prose_problem(n, 1000)) {
            errors.push(FieldError::new(format!("items[{i}].note"), problem));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn the_form_asks_a_comment_to_return_or_reject_the_api_to_return() {
        assert!(form_needs_comment(Decision::Return) && form_needs_comment(Decision::Reject));
        assert!(!form_needs_comment(Decision::Accept));
        assert!(check_review(Decision::Reject, None, &[], &[]).is_ok());
        assert!(check_review(Decision::Return, None, &[], &[]).is_err());
    }

    #[test]
    fn decisions_apply_to_submitted_applications_only() {
        assert_eq!(
            Decision::Accept.apply(Status::Submitted),
            Ok(Status::Accepted)
        );
        assert_eq!(
            Decision::Return.apply(Status::Submitted),
            Ok(Status::Returned)
        );
        assert_eq!(
            Decision::Reject.apply(Status::Draft),
            Err(RuleError::NotReviewable)
        );
        assert_eq!(
            Decision::Accept.apply(Status::Accepted),
            Err(RuleError::NotReviewable)
        );
    }

    #[test]
    fn a_return_needs_a_comment_and_items_must_belong() {
        let mine = ItemId::from_uuid(Uuid::new_v4());
        let other = ItemId::from_uuid(Uuid::new_v4());
        let check = |id, v| ItemCheck {
            item_id: id,
            verified: v,
            note: None,
        };
        assert_eq!(
            check_review(Decision::Return, Some("  "), &[], &[mine]).unwrap_err()[0].path,
            "comment"
        );
        assert!(check_review(Decision::Accept, None, &[check(mine, true)], &[mine]).is_ok());
        let errors = check_review(
            Decision::Accept,
            None,
            &[check(other, true), check(mine, true), check(mine, false)],
            &[mine],
        )
        .unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
            ["items[0].item_id", "items[2].item_id"]
        );
    }

    #[test]
    fn a_nul_in_a_comment_or_note_is_refused() {
        let mine = ItemId::from_uuid(Uuid::new_v4());
        let noted = ItemCheck {
            item_id: mine,
            verified: false,
            note: Some("缺\u{0}页".into()),
        };
        let errors =
            check_review(Decision::Return, Some("请补\u{0}充"), &[noted], &[mine]).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
            ["comment", "items[0].note"]
        );
        assert!(check_review(Decision::Return, Some("第一行\n第二行"), &[], &[mine]).is_ok());
    }
}

//! Errors of the domain: field problems (shown next to a form field, all at once) and rule
//! violations (an action that the current state does not allow).

use serde::Serialize;

/// What is wrong with one field. The server turns the code into a message in the reader's
/// language (`problem.<code>` in the locale files), so the domain never hard-codes wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    Required,
    WrongType {
        expected: &'static str,
    },
    UnknownValue {
        allowed: String,
    },
    UnknownField,
    TooLong {
        max: usize,
    },
    TooMany {
        max: usize,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    TooManyDecimals {
        max: usize,
    },
    InvalidDate,
    InvalidMonth,
    InFuture,
    InvalidEmail,
    WeakPassword {
        min: usize,
    },
    /// The password typed again differs from the first.
    PasswordsDiffer,
    InvalidIdNumber,
    IdNumberAge,
    IdNumberGenderMismatch,
    InvalidPhone,
    UnknownDistrict,
    NoEligibleDegree,
    MajorNameRequired,
    DeclarationRequired,
    EvidenceRequired,
    UnknownItem,
    DuplicateItem,
    CommentRequired,
    EmailTaken,
}

impl Problem {
    /// Stable snake_case code, used in API bodies and as the locale key suffix.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::WrongType { .. } => "wrong_type",
            Problem::UnknownValue { .. } => "unknown_value",
            Problem::UnknownField => "unknown_field",
            Problem::TooLong { .. } => "too_long",
            Problem::TooMany { .. } => "too_many",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::TooManyDecimals { .. } => "too_many_decimals",
            Problem::InvalidDate => "invalid_date",
            Problem::InvalidMonth => "invalid_month",
            Problem::InFuture => "in_future",
            Problem::InvalidEmail => "invalid_email",
            Problem::WeakPassword { .. } => "weak_password",
            Problem::PasswordsDiffer => "passwords_differ",
            Problem::InvalidIdNumber => "invalid_id_number",
            Problem::IdNumberAge => "id_number_age",
            Problem::IdNumberGenderMismatch => "id_number_gender_mismatch",
            Problem::InvalidPhone => "invalid_phone",
            Problem::UnknownDistrict => "unknown_district",
            Problem::NoEligibleDegree => "no_eligible_degree",
            Problem::MajorNameRequired => "major_name_required",
            Problem::DeclarationRequired => "declaration_required",
            Problem::EvidenceRequired => "evidence_required",
            Problem::UnknownItem => "unknown_item",
            Problem::DuplicateItem => "duplicate_item",
            Problem::CommentRequired => "comment_required",
            Problem::EmailTaken => "email_taken",
        }
    }

    /// Named parameters for the message template (`{max}`, `{allowed}`...).
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Problem::WrongType { expected } => vec![("expected", (*expected).to_string())],
            Problem::UnknownValue { allowed } => vec![("allowed", allowed.clone())],
            Problem::TooLong { max }
            | Problem::TooMany { max }
            | Problem::TooManyDecimals { max } => vec![("max", max.to_string())],
            Problem::WeakPassword { min } => vec![("min", min.to_string())],
            Problem::OutOfRange { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            _ => Vec::new(),
        }
    }
}

/// One problem at one place of the input, with a JSON-path-like `path` (`awards[1].year`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub path: String,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(path: impl Into<String>, problem: Problem) -> Self {
        FieldError {
            path: path.into(),
            problem,
        }
    }
}

/// An action the current state does not allow (API.md: 409 conflict with current state).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("no batch is open for applications")]
    NoOpenBatch,
    #[error("you already have an application in this batch")]
    AlreadyApplied,
    #[error("the application cannot be edited in its current status")]
    NotEditable,
    #[error("the application cannot be submitted in its current status")]
    NotSubmittable,
    #[error("the batch is not open")]
    BatchNotOpen,
    #[error("the email address is already registered")]
    EmailTaken,
    #[error("the batch name is already used")]
    BatchNameTaken,
    #[error("only a submitted application can be reviewed")]
    NotReviewable,
    #[error("experts are assigned once the batch is closed")]
    BatchNotClosed,
    #[error("the batch is not being scored")]
    BatchNotScoring,
    /// With the numbers when the draw found them (none when a chosen expert is a colleague).
    #[error("too few experts without a conflict of interest")]
    TooFewExperts(Option<Box<crate::assignment::Shortage>>),
    #[error("some assignments are not scored yet")]
    UnscoredAssignments,
    #[error("some accepted applications have no experts assigned")]
    UnassignedApplications,
    #[error("the batch is finalized; scores can no longer change")]
    BatchFinalized,
    #[error("this rubric version already exists")]
    RubricVersionTaken,
    /// Other saves of the same application kept getting in first; reloading and saving again works.
    #[error("the application was changed meanwhile; reload it and save again")]
    ChangedMeanwhile,
}

impl RuleError {
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::NoOpenBatch => "no_open_batch",
            RuleError::AlreadyApplied => "already_applied",
            RuleError::NotEditable => "not_editable",
            RuleError::NotSubmittable => "not_submittable",
            RuleError::BatchNotOpen => "batch_not_open",
            RuleError::EmailTaken => "email_taken",
            RuleError::BatchNameTaken => "batch_name_taken",
            RuleError::NotReviewable => "not_reviewable",
            RuleError::BatchNotClosed => "batch_not_closed",
            RuleError::BatchNotScoring => "batch_not_scoring",
            RuleError::TooFewExperts(_) => "too_few_experts",
            RuleError::UnscoredAssignments => "unscored_assignments",
            RuleError::UnassignedApplications => "unassigned_applications",
            RuleError::BatchFinalized => "batch_finalized",
            RuleError::RubricVersionTaken => "rubric_version_taken",
            RuleError::ChangedMeanwhile => "changed_meanwhile",
        }
    }
}

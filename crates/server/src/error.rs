//! The one error type handlers return, mapped once to HTTP (API.md's error body). Internal causes
//! are logged here and never shown: no stack trace, SQL or server path reaches a client.

use crate::i18n::{self, Lang};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use talentlib_domain::assignment::Shortage;
use talentlib_domain::{FieldError, RuleError};
use talentlib_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign in required")]
    Unauthenticated,
    #[error("wrong email or password")]
    BadCredentials,
    #[error("not allowed")]
    Forbidden,
    /// Not allowed for a conflict of interest: an application of their own is in the batch.
    #[error("a party to the batch")]
    PartyToBatch,
    #[error("the form is out of date; reload the page")]
    Csrf,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("file too large")]
    TooLarge,
    #[error("unsupported file type")]
    UnsupportedType,
    #[error("too many requests")]
    TooManyRequests,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Duplicate("email") => AppError::Rule(RuleError::EmailTaken),
            StoreError::Duplicate("application") => AppError::Rule(RuleError::AlreadyApplied),
            StoreError::Duplicate("batch_name") => AppError::Rule(RuleError::BatchNameTaken),
            other => AppError::Internal(other.into()),
        }
    }
}

impl AppError {
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }

    pub fn invalid(path: &str, problem: talentlib_domain::Problem) -> Self {
        AppError::Invalid(vec![FieldError::new(path, problem)])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::PartyToBatch | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Malformed(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Rule(_) => StatusCode::CONFLICT,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            // The API's code stays `forbidden` (API.md); the message says why.
            AppError::Forbidden | AppError::PartyToBatch => "forbidden",
            AppError::Csrf => "csrf",
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Malformed(_) => "malformed",
            AppError::Invalid(_) => "invalid_input",
            AppError::Rule(r) => r.code(),
            AppError::TooLarge => "too_large",
            AppError::UnsupportedType => "unsupported_type",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message in the reader's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Rule(RuleError::TooFewExperts(Some(s))) => shortage_message(lang, s),
            AppError::PartyToBatch => i18n::t(lang, "error.party_to_batch", &[]),
            _ => i18n::t(lang, &format!("error.{}", self.code()), &[]),
        }
    }

    pub fn body(&self, lang: Lang) -> ErrorBody {
        let fields = match self {
            AppError::Invalid(errors) => errors
                .iter()
                .map(|e| FieldMessage {
                    path: e.path.clone(),
                    code: e.problem.code(),
                    message: i18n::problem(lang, &e.problem),
                })
                .collect(),
            _ => Vec::new(),
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.message(lang),
                fields,
            },
        }
    }

    /// Logs server-side failures once, with their cause chain.
    pub fn log(&self) {
        if let AppError::Internal(e) = self {
            tracing::error!(error = ?e, "request failed");
        }
    }
}

/// Why experts cannot be assigned, in numbers, naming the application that cannot be covered and
/// what to do about it (API.md keeps the code `too_few_experts`; only the words are richer).
fn shortage_message(lang: Lang, s: &Shortage) -> String {
    let t = |key: &str, params: &[(&str, String)]| i18n::t(lang, key, params);
    let mut parts = Vec::with_capacity(3);
    if s.is_conflict() {
        let applicant = match s.applicant.as_deref().filter(|n| !n.trim().is_empty()) {
            Some(name) => t(
                "error.too_few_experts.applicant",
                &[("name", name.to_string())],
            ),
            None => t("error.too_few_experts.unnamed", &[]),
        };
        parts.push(t(
            "error.too_few_experts.conflict",
            &[
                ("needed", s.needed.to_string()),
                ("applicant", applicant),
                ("eligible", s.eligible.to_string()),
                ("conflicts", s.conflicts().to_string()),
                ("experts", s.experts.to_string()),
                ("employer", s.employer.clone().unwrap_or_default()),
            ],
        ));
    } else {
        parts.push(t(
            "error.too_few_experts.count",
            &[
                ("needed", s.needed.to_string()),
                ("experts", s.experts.to_string()),
            ],
        ));
    }
    if s.applications_short > 1 {
        parts.push(t(
            "error.too_few_experts.others",
            &[("count", s.applications_short.to_string())],
        ));
    }
    let fix = if s.is_conflict() {
        "fix_conflict"
    } else {
        "fix_count"
    };
    parts.push(t(&format!("error.too_few_experts.{fix}"), &[]));
    let sep = if lang == Lang::En { " " } else { "" };
    parts.join(sep)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    pub path: String,
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldMessage>,
}

/// API.md: `{"error": {"code", "message", "fields": [{"path", "message"}]}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

tokio::task_local! {
    /// The language of the request being served (set by the `lang` middleware).
    pub static REQUEST_LANG: Lang;
}

pub fn current_lang() -> Lang {
    REQUEST_LANG.try_with(|l| *l).unwrap_or_default()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let mut res = (self.status(), Json(self.body(current_lang()))).into_response();
        if matches!(self, AppError::Unauthenticated) {
            res.headers_mut().insert(
                "www-authenticate",
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;
    use talentlib_domain::ids::ApplicationId;

    fn shortage(needed: usize, eligible: usize, experts: usize, short: usize) -> AppError {
        AppError::Rule(RuleError::TooFewExperts(Some(Box::new(Shortage {
            application_id: ApplicationId::from_uuid(uuid::Uuid::new_v4()),
            applicant: Some("赵磊".into()),
            employer: Some("重庆大学".into()),
            needed,
            eligible,
            experts,
            applications_short: short,
        }))))
    }

    #[test]
    fn a_shortage_says_what_is_needed_who_is_not_covered_and_what_to_do() {
        let e = shortage(2, 1, 3, 1);
        assert_eq!(e.code(), "too_few_experts");
        assert_eq!(e.status(), StatusCode::CONFLICT);
        let zh = e.message(Lang::Zh);
        for part in ["2 名", "“赵磊”", "1 名", "重庆大学", "用户管理"] {
            assert!(zh.contains(part), "{part} in {zh}");
        }
        assert!(!zh.contains("本批次共有"), "{zh}");
        let en = e.message(Lang::En);
        for part in [
            "needs 2 experts",
            "only 1 can score",
            "赵磊",
            "重庆大学",
            "Users",
        ] {
            assert!(en.contains(part), "{part} in {en}");
        }
        // Too few experts at all; several applications short.
        let zh = shortage(5, 3, 3, 4).message(Lang::Zh);
        assert!(
            zh.contains("只有 3 名专家") && zh.contains("共有 4 份"),
            "{zh}"
        );
        assert!(!zh.contains("赵磊"), "{zh}");
        for lang in [Lang::Zh, Lang::En] {
            let text = shortage(5, 3, 3, 4).message(lang) + &shortage(2, 0, 2, 1).message(lang);
            assert!(!text.contains('{') && !text.contains("error."), "{text}");
        }
        // Without numbers (a swap to a colleague) the short message stays.
        let plain = AppError::Rule(RuleError::TooFewExperts(None));
        assert_eq!(plain.message(Lang::Zh), "无利益冲突的专家人数不足");
    }
}

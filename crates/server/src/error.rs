//! The one error type handlers return, mapped once to HTTP (API.md's error body). Internal causes
//! are logged here and never shown: no stack trace, SQL or server path reaches a client.

use crate::i18n::{self, Lang};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
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
    #[error("the form is out of date; reload the page")]
    Csrf,
    #[error("not found")]
    NotFound,
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
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
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
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::NotFound => "not_found",
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
        i18n::t(lang, &format!("error.{}", self.code()), &[])
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

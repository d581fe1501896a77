//! Cross-cutting layers: request language, security headers, and one error format for every API
//! failure (including the framework's own rejections, such as 405 or a bad path encoding).

use crate::error::{AppError, ErrorBody, ErrorDetail, REQUEST_LANG};
use crate::i18n::{self, Lang};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

pub const LANG_COOKIE: &str = "tl_lang";

/// The reader's language: the `tl_lang` cookie, else `Accept-Language`, else Chinese.
pub fn lang_of(req: &Request) -> Lang {
    let from_cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .and_then(|(_, v)| Lang::parse(v));
    from_cookie.unwrap_or_else(|| {
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    })
}

pub async fn language(mut req: Request, next: Next) -> Response {
    let lang = lang_of(&req);
    req.extensions_mut().insert(lang);
    REQUEST_LANG.scope(lang, next.run(req)).await
}

/// Rewrites any API error response that is not already ours into API.md's error body.
pub async fn api_errors(req: Request, next: Next) -> Response {
    let lang = lang_of(&req);
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let code = match status {
        StatusCode::BAD_REQUEST => "malformed",
        StatusCode::UNAUTHORIZED => "unauthenticated",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_input",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        s if s.is_server_error() => "internal",
        _ => "malformed",
    };
    let message = i18n::t(lang, &format!("error.{code}"), &[]);
    let body = ErrorBody {
        error: ErrorDetail {
            code,
            message,
            fields: Vec::new(),
        },
    };
    let mut out = (status, Json(body)).into_response();
    if let Some(allow) = res.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

/// Turns a panic inside a handler into an ordinary 500 with our body (and a log line), so one
/// bad request never takes a connection down uncleanly.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    AppError::internal(anyhow::anyhow!("handler panicked")).into_response()
}

/// The security headers every response carries (DEVELOPERS.md: CSP without inline script).
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
    object-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn security_headers() -> [(header::HeaderName, HeaderValue); 5] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ]
}

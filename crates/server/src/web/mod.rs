//! The HTML pages: server-rendered, progressively enhanced, Simplified Chinese first. Handlers
//! call the same service functions as the JSON API and render templates; no rules live here.

pub mod admin;
pub mod designer;
pub mod expert;
pub mod library;
pub mod nav;
pub mod page;
pub mod progress;
pub mod public;
pub mod review;
pub mod rubric;
pub mod staff;
pub mod templates;

use crate::state::AppState;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(public::router())
        .merge(designer::router())
        .merge(staff::router())
        .merge(admin::router())
        .merge(review::router())
        .merge(expert::router())
        .merge(library::router())
        .merge(rubric::router())
        .route(
            "/assets/app.css",
            get(|| async {
                asset(
                    "text/css; charset=utf-8",
                    include_str!("../../assets/app.css"),
                )
            }),
        )
        .route(
            "/assets/app.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("../../assets/app.js"),
                )
            }),
        )
        .route(
            "/assets/favicon.svg",
            get(|| async { asset("image/svg+xml", include_str!("../../assets/favicon.svg")) }),
        )
        // Asked for by browsers and tools that do not read the layout's icon link.
        .route(
            "/favicon.ico",
            get(|| async {
                (
                    StatusCode::OK,
                    [
                        (header::CONTENT_TYPE, "image/x-icon"),
                        (header::CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    include_bytes!("../../assets/favicon.ico").as_slice(),
                )
            }),
        )
        .route(
            "/assets/scoring.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("../../assets/scoring.js"),
                )
            }),
        )
        // Every page route so far: a method it does not take gets the error page, not an empty
        // 405 (the API, merged later, keeps its JSON errors).
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
}

/// A page's URL with a method it does not take (`GET /signout`, `GET /batches/{id}/close`):
/// the error page, 405, with the `Allow` header axum adds.
async fn method_not_allowed(
    axum::extract::Extension(lang): axum::extract::Extension<crate::i18n::Lang>,
) -> axum::response::Response {
    page::PageError(crate::error::AppError::MethodNotAllowed, lang).into_response()
}

/// Unknown paths: the API's JSON error under `/api/` (including `/api/v1/` itself, which the
/// nested API router does not see), the HTML error page elsewhere.
async fn not_found(
    axum::extract::Extension(lang): axum::extract::Extension<crate::i18n::Lang>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        crate::error::AppError::NotFound.into_response()
    } else {
        page::PageError(crate::error::AppError::NotFound, lang).into_response()
    }
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

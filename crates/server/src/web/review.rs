//! Pages for the commission's reviewers (and admins): the document review of one application,
//! a batch's dashboard (lifecycle, review progress, expert assignment, scoring progress, swaps,
//! finalizing) and the scored results with each application's expert panel.
//!
//! Every decision is taken by the service layer (`service::review`, `service::scoring`,
//! `service::batches`), the same functions the JSON API calls; these handlers only read forms
//! and render what the services return.

mod batch;
mod document;
pub(crate) mod fmt;
mod results;

use super::page::{PageCtx, PageError};
use crate::error::AppError;
use crate::service::Actor;
use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;
use talentlib_domain::ids::UserId;
use talentlib_domain::roles::Role;

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "review_parts.html",
        include_str!("../../templates/review_parts.html"),
    ),
    (
        "review_document.html",
        include_str!("../../templates/review_document.html"),
    ),
    (
        "review_batch.html",
        include_str!("../../templates/review_batch.html"),
    ),
    (
        "review_results.html",
        include_str!("../../templates/review_results.html"),
    ),
    (
        "review_panel.html",
        include_str!("../../templates/review_panel.html"),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/review/applications/{id}",
            get(document::get_document).post(document::post_document),
        )
        .route("/batches/{id}", get(batch::get_batch))
        .route("/batches/{id}/assign", post(batch::post_assign))
        .route("/batches/{id}/swap", post(batch::post_swap))
        .route("/batches/{id}/finalize", post(batch::post_finalize))
        .route("/batches/{id}/results", get(results::get_results))
        .route(
            "/batches/{id}/results/{application_id}",
            get(results::get_panel),
        )
}

/// The signed-in reviewer or admin; anyone else gets 403 (and the anonymous the sign-in page).
fn staff_actor(page: &PageCtx) -> Result<Actor, PageError> {
    let actor = page.actor()?;
    actor
        .user
        .require_any(&[Role::Reviewer, Role::Admin])
        .map_err(|e| page.error(e))?;
    Ok(actor)
}

/// An id in a URL that is not one of ours is simply a page that does not exist.
fn path_id<T: std::str::FromStr>(page: &PageCtx, raw: &str) -> Result<T, PageError> {
    raw.trim()
        .parse()
        .map_err(|_| page.error(AppError::NotFound))
}

/// Display names of accounts (experts on a panel: a handful), by id; an account that cannot
/// be read shows its id instead.
async fn account_names(st: &AppState, ids: &[UserId]) -> HashMap<UserId, String> {
    let mut out = HashMap::with_capacity(ids.len());
    for id in ids {
        if out.contains_key(id) {
            continue;
        }
        let name = talentlib_store::accounts::by_id(st.store.db(), *id)
            .await
            .ok()
            .flatten()
            .map(|a| a.name)
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| id.to_string());
        out.insert(*id, name);
    }
    out
}

//! `GET /notifications` and `POST /notifications/read`: the signed-in user's in-app
//! notifications, newest first, with the unread ones marked; mark one or all read.

use super::super::page::{redirect_with_flash, PageCtx, PageError};
use super::super::staff::common::{fmt_minutes, iso_local};
use crate::error::AppError;
use crate::service::notify::{texts, RATING_PUBLISHED};
use crate::service::{notifications, rubrics};
use crate::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use minijinja::context;
use serde::{Deserialize, Serialize};

/// How many of the newest notifications the page lists.
const SHOWN: u64 = 100;

#[derive(Serialize)]
struct Line {
    id: String,
    title: String,
    body: String,
    when: String,
    when_iso: String,
    read: bool,
    /// Where the notification leads (the rating page, the application), if anywhere.
    href: Option<String>,
    link_text: Option<String>,
}

pub async fn get_list(State(st): State<AppState>, page: PageCtx) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let (rows, unread) = notifications::mine(&st, &actor, SHOWN)
        .await
        .map_err(|e| page.error(e))?;
    // Star levels are named by the rubric in force.
    let rubric = rubrics::current_view(&st)
        .await
        .map_err(|e| page.error(e))?;
    let lines: Vec<Line> = rows
        .iter()
        .map(|n| {
            let (title, body) = texts(page.lang, &n.kind, n.detail.as_deref(), Some(&rubric));
            let (href, link_key) = match (n.kind.as_str(), n.application_id) {
                (RATING_PUBLISHED, _) => (
                    Some("/me/ratings".to_string()),
                    Some("notifications.link.rating"),
                ),
                (_, Some(app)) => (
                    Some(format!("/applications/{app}")),
                    Some("notifications.link.application"),
                ),
                _ => (None, None),
            };
            Line {
                id: n.id.to_string(),
                title,
                body,
                when: fmt_minutes(n.created_at),
                when_iso: iso_local(n.created_at),
                read: n.read_at.is_some(),
                href,
                link_text: link_key.map(|k| page.t(k)),
            }
        })
        .collect();
    let ctx = context! {
        lines => lines,
        unread => unread,
        shown => SHOWN,
    };
    Ok(page.render(&st, "notifications_list.html", ctx))
}

#[derive(Deserialize)]
pub struct ReadForm {
    #[serde(default)]
    csrf_token: String,
    /// One notification; absent for "mark all read".
    id: Option<String>,
}

pub async fn post_read(
    State(st): State<AppState>,
    page: PageCtx,
    form: Result<Form<ReadForm>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let f = form
        .map(|Form(f)| f)
        .map_err(|e| page.error(AppError::Malformed(e.body_text())))?;
    page.check_csrf(&f.csrf_token)?;
    let id = match f.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        // Someone else's or an unknown id marks nothing: the service is scoped to the actor.
        Some(raw) => Some(
            raw.parse::<uuid::Uuid>()
                .map_err(|_| page.error(AppError::NotFound))?,
        ),
    };
    let all = id.is_none();
    notifications::mark_read(&st, &actor, id)
        .await
        .map_err(|e| page.error(e))?;
    Ok(redirect_with_flash(
        "/notifications",
        Some(if all {
            "flash.notifications.all_read"
        } else {
            "flash.notifications.read"
        }),
    ))
}

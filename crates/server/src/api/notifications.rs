//! `/notifications`: the signed-in user's in-app notifications.

use super::input::Body;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::service::notify::texts;
use crate::service::Actor;
use crate::state::{rfc3339, AppState};
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(get_notifications))
        .route("/notifications/read", post(post_read))
}

#[derive(Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    pub kind: String,
    pub application_id: Option<String>,
    pub title: String,
    pub body: String,
    pub created_at: String,
    pub read: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationsView {
    pub items: Vec<NotificationView>,
    pub unread: u64,
}

/// The newest 100 notifications and the unread count.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = NotificationsView), (status = 401, body = ErrorBody)))]
pub async fn get_notifications(
    State(st): State<AppState>,
    actor: Actor,
) -> AppResult<Json<NotificationsView>> {
    let lang = crate::error::current_lang();
    let (rows, unread) = crate::service::notifications::mine(&st, &actor, 100).await?;
    let rubric = crate::service::rubrics::current(st.store.db())
        .await?
        .view();
    let items = rows
        .into_iter()
        .map(|n| {
            let (title, body) = texts(lang, &n.kind, n.detail.as_deref(), Some(&rubric));
            NotificationView {
                id: n.id.to_string(),
                title,
                body,
                kind: n.kind,
                application_id: n.application_id.map(|a| a.to_string()),
                created_at: rfc3339(n.created_at),
                read: n.read_at.is_some(),
            }
        })
        .collect();
    Ok(Json(NotificationsView { items, unread }))
}

/// Mark one notification (`{id}`) or all (`{}`) read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", security(("bearer" = [])),
    request_body(content = Object, description = "`{id?}`"), responses((status = 200), (status = 422, body = ErrorBody)))]
pub async fn post_read(
    State(st): State<AppState>,
    actor: Actor,
    mut body: Body,
) -> AppResult<Json<serde_json::Value>> {
    let id = body.opt_string("id");
    body.finish()?;
    let id = match id {
        Some(s) => Some(
            s.parse::<uuid::Uuid>()
                .map_err(|_| AppError::invalid("id", talentlib_domain::Problem::UnknownItem))?,
        ),
        None => None,
    };
    let n = crate::service::notifications::mark_read(&st, &actor, id).await?;
    Ok(Json(serde_json::json!({"marked": n})))
}

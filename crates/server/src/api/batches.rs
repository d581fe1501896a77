//! `/batches`: reviewers open, list, inspect and close collection batches.

use super::input::{parse_id, Body};
use super::views::BatchView;
use super::ReviewerActor;
use crate::error::{AppResult, ErrorBody};
use crate::service::batches;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/batches", post(post_batches).get(get_batches))
        .route("/batches/{id}", get(get_batch))
        .route("/batches/{id}/close", post(post_close))
}

/// Open a new batch; new applications go into the newest open batch.
#[utoipa::path(post, path = "/api/v1/batches", tag = "batches", security(("bearer" = [])),
    request_body(content = Object, description = "`{name}`"),
    responses((status = 201, body = BatchView), (status = 403, body = ErrorBody), (status = 409, description = "batch_name_taken", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn post_batches(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    mut body: Body,
) -> AppResult<(StatusCode, Json<BatchView>)> {
    let name = body.string("name");
    body.finish()?;
    let batch = batches::create(&st, &actor, &name).await?;
    Ok((StatusCode::CREATED, Json(BatchView::new(&batch, None))))
}

/// All batches, newest first.
#[utoipa::path(get, path = "/api/v1/batches", tag = "batches", security(("bearer" = [])),
    responses((status = 200, body = Vec<BatchView>), (status = 403, body = ErrorBody)))]
pub async fn get_batches(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
) -> AppResult<Json<Vec<BatchView>>> {
    let list = batches::list(&st, &actor).await?;
    Ok(Json(list.iter().map(|b| BatchView::new(b, None)).collect()))
}

/// One batch with its applications counted by status.
#[utoipa::path(get, path = "/api/v1/batches/{id}", tag = "batches", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = BatchView), (status = 404, body = ErrorBody)))]
pub async fn get_batch(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    Path(id): Path<String>,
) -> AppResult<Json<BatchView>> {
    let (batch, counts) = batches::get(&st, &actor, parse_id(&id)?).await?;
    Ok(Json(BatchView::new(&batch, Some(&counts))))
}

/// Close an open batch: no more submissions.
#[utoipa::path(post, path = "/api/v1/batches/{id}/close", tag = "batches", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = BatchView), (status = 404, body = ErrorBody), (status = 409, description = "batch_not_open", body = ErrorBody)))]
pub async fn post_close(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    Path(id): Path<String>,
) -> AppResult<Json<BatchView>> {
    let batch = batches::close(&st, &actor, parse_id(&id)?).await?;
    Ok(Json(BatchView::new(&batch, None)))
}

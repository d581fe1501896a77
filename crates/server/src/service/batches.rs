//! Collection batches: reviewers open, list and close them.

use super::{audit, Actor};
use crate::error::{AppError, AppResult};
use crate::state::{new_uuid, now_millis, AppState};
use talentlib_domain::application::Status;
use talentlib_domain::batch::{parse_batch_name, BatchStatus};
use talentlib_domain::ids::BatchId;
use talentlib_domain::permissions::ListScope;
use talentlib_domain::roles::Role;
use talentlib_store::applications::{self, ListFilter};
use talentlib_store::batches::{self, BatchRow};

fn require_reviewer(actor: &Actor) -> AppResult<()> {
    actor.user.require_any(&[Role::Reviewer, Role::Admin])
}

pub async fn create(st: &AppState, actor: &Actor, name: &str) -> AppResult<BatchRow> {
    require_reviewer(actor)?;
    let name = parse_batch_name(name).map_err(|p| AppError::invalid("name", p))?;
    let batch = BatchRow {
        id: BatchId::from_uuid(new_uuid()),
        name,
        status: BatchStatus::Open,
        created_by: actor.user.id,
        created_at: now_millis(),
        closed_at: None,
        rubric_version: None,
    };
    let tx = st.store.write().await?;
    batches::insert(&*tx, &batch).await?;
    audit::by(&*tx, actor, "batch.create", "batch", batch.id, None).await?;
    tx.commit().await?;
    Ok(batch)
}

pub async fn list(st: &AppState, actor: &Actor) -> AppResult<Vec<BatchRow>> {
    require_reviewer(actor)?;
    Ok(batches::list(st.store.db()).await?)
}

/// One batch with its applications counted by status (all of them: reviewers' view).
pub async fn get(
    st: &AppState,
    actor: &Actor,
    id: BatchId,
) -> AppResult<(BatchRow, Vec<(Status, u64)>)> {
    require_reviewer(actor)?;
    let db = st.store.db();
    let batch = batches::get(db, id).await?.ok_or(AppError::NotFound)?;
    let everything = ListScope {
        everything: true,
        own: None,
        submitted: false,
        district: None,
        assigned_to: None,
    };
    let filter = ListFilter {
        batch_id: Some(id),
        ..ListFilter::default()
    };
    let counts = applications::counts_by_status(db, &everything, &filter).await?;
    Ok((batch, counts))
}

/// The newest open batch, for the landing page (public knowledge).
pub async fn open_batch(st: &AppState) -> AppResult<Option<BatchRow>> {
    Ok(batches::newest_open(st.store.db()).await?)
}

pub async fn close(st: &AppState, actor: &Actor, id: BatchId) -> AppResult<BatchRow> {
    require_reviewer(actor)?;
    let tx = st.store.write().await?;
    let mut batch = batches::get(&*tx, id).await?.ok_or(AppError::NotFound)?;
    batch.status = batch.status.close()?;
    let now = now_millis();
    batches::set_status(&*tx, id, batch.status, now).await?;
    batch.closed_at = Some(now);
    audit::by(&*tx, actor, "batch.close", "batch", id, None).await?;
    tx.commit().await?;
    Ok(batch)
}

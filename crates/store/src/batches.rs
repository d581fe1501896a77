//! Collection batches ("mature a batch, confirm a batch").

use crate::accounts::parse_id;
use crate::entity::batch;
use crate::{unique_as, Millis, Result, StoreError};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use talentlib_domain::batch::BatchStatus;
use talentlib_domain::ids::{BatchId, UserId};

#[derive(Debug, Clone)]
pub struct BatchRow {
    pub id: BatchId,
    pub name: String,
    pub status: BatchStatus,
    pub created_by: UserId,
    pub created_at: Millis,
    pub closed_at: Option<Millis>,
    /// The rubric version the batch is scored by, pinned when experts are assigned.
    pub rubric_version: Option<String>,
}

fn from_model(m: batch::Model) -> Result<BatchRow> {
    Ok(BatchRow {
        id: parse_id(&m.batch_id)?,
        status: BatchStatus::parse(&m.status)
            .ok_or_else(|| StoreError::Corrupt(format!("bad batch status {:?}", m.status)))?,
        name: m.name,
        created_by: parse_id(&m.created_by)?,
        created_at: m.created_at,
        closed_at: m.closed_at,
        rubric_version: m.rubric_version,
    })
}

pub async fn insert(c: &impl ConnectionTrait, b: &BatchRow) -> Result<()> {
    batch::Entity::insert(batch::ActiveModel {
        batch_id: Set(b.id.to_string()),
        name: Set(b.name.clone()),
        status: Set(b.status.as_str().to_string()),
        created_by: Set(b.created_by.to_string()),
        created_at: Set(b.created_at),
        closed_at: Set(b.closed_at),
        rubric_version: Set(b.rubric_version.clone()),
    })
    .exec_without_returning(c)
    .await
    .map_err(unique_as("batch_name"))?;
    Ok(())
}

pub async fn get(c: &impl ConnectionTrait, id: BatchId) -> Result<Option<BatchRow>> {
    batch::Entity::find_by_id(id.to_string())
        .one(c)
        .await?
        .map(from_model)
        .transpose()
}

/// All batches, newest first (there are a few a year).
pub async fn list(c: &impl ConnectionTrait) -> Result<Vec<BatchRow>> {
    batch::Entity::find()
        .order_by_desc(batch::Column::CreatedAt)
        .order_by_asc(batch::Column::BatchId)
        .all(c)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// The newest open batch: where new applications go.
pub async fn newest_open(c: &impl ConnectionTrait) -> Result<Option<BatchRow>> {
    batch::Entity::find()
        .filter(batch::Column::Status.eq(BatchStatus::Open.as_str()))
        .order_by_desc(batch::Column::CreatedAt)
        .order_by_asc(batch::Column::BatchId)
        .one(c)
        .await?
        .map(from_model)
        .transpose()
}

pub async fn set_status(
    c: &impl ConnectionTrait,
    id: BatchId,
    status: BatchStatus,
    at: Millis,
) -> Result<()> {
    let mut update =
        batch::Entity::update_many().col_expr(batch::Column::Status, Expr::value(status.as_str()));
    if status == BatchStatus::Closed {
        update = update.col_expr(batch::Column::ClosedAt, Expr::value(at));
    }
    let res = update
        .filter(batch::Column::BatchId.eq(id.to_string()))
        .exec(c)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Starts scoring: the status moves to `scoring` and the rubric version is pinned.
pub async fn start_scoring(
    c: &impl ConnectionTrait,
    id: BatchId,
    rubric_version: &str,
) -> Result<()> {
    let res = batch::Entity::update_many()
        .col_expr(
            batch::Column::Status,
            Expr::value(BatchStatus::Scoring.as_str()),
        )
        .col_expr(batch::Column::RubricVersion, Expr::value(rubric_version))
        .filter(batch::Column::BatchId.eq(id.to_string()))
        .exec(c)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

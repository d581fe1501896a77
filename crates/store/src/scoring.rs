//! Expert assignments and score sheets.

use crate::accounts::parse_id;
use crate::entity::{assignment, score};
use crate::{Millis, Result, StoreError};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use std::collections::BTreeMap;
use talentlib_domain::ids::{ApplicationId, BatchId, UserId};
use talentlib_domain::scoring::ScoreSheet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRow {
    pub application_id: ApplicationId,
    pub expert_id: UserId,
    pub batch_id: BatchId,
    pub assigned_at: Millis,
}

pub async fn insert_assignments(c: &impl ConnectionTrait, rows: &[AssignmentRow]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|r| assignment::ActiveModel {
            application_id: Set(r.application_id.to_string()),
            expert_id: Set(r.expert_id.to_string()),
            batch_id: Set(r.batch_id.to_string()),
            assigned_at: Set(r.assigned_at),
        });
        assignment::Entity::insert_many(models)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

fn assignment_from(m: assignment::Model) -> Result<AssignmentRow> {
    Ok(AssignmentRow {
        application_id: parse_id(&m.application_id)?,
        expert_id: parse_id(&m.expert_id)?,
        batch_id: parse_id(&m.batch_id)?,
        assigned_at: m.assigned_at,
    })
}

pub async fn assignments_of_batch(
    c: &impl ConnectionTrait,
    batch: BatchId,
) -> Result<Vec<AssignmentRow>> {
    assignment::Entity::find()
        .filter(assignment::Column::BatchId.eq(batch.to_string()))
        .all(c)
        .await?
        .into_iter()
        .map(assignment_from)
        .collect()
}

pub async fn assignments_of_expert(
    c: &impl ConnectionTrait,
    expert: UserId,
) -> Result<Vec<AssignmentRow>> {
    assignment::Entity::find()
        .filter(assignment::Column::ExpertId.eq(expert.to_string()))
        .order_by_asc(assignment::Column::AssignedAt)
        .order_by_asc(assignment::Column::ApplicationId)
        .all(c)
        .await?
        .into_iter()
        .map(assignment_from)
        .collect()
}

pub async fn experts_of(c: &impl ConnectionTrait, app: ApplicationId) -> Result<Vec<UserId>> {
    assignment::Entity::find()
        .filter(assignment::Column::ApplicationId.eq(app.to_string()))
        .all(c)
        .await?
        .into_iter()
        .map(|m| parse_id(&m.expert_id))
        .collect()
}

pub async fn is_assigned(
    c: &impl ConnectionTrait,
    app: ApplicationId,
    expert: UserId,
) -> Result<bool> {
    Ok(
        assignment::Entity::find_by_id((app.to_string(), expert.to_string()))
            .one(c)
            .await?
            .is_some(),
    )
}

/// Replaces one expert by another on an application (the reviewer's manual swap).
pub async fn swap_expert(
    c: &impl ConnectionTrait,
    app: ApplicationId,
    from: UserId,
    to: UserId,
    at: Millis,
) -> Result<()> {
    let old = assignment::Entity::find_by_id((app.to_string(), from.to_string()))
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    assignment::Entity::delete_by_id((app.to_string(), from.to_string()))
        .exec(c)
        .await?;
    score::Entity::delete_by_id((app.to_string(), from.to_string()))
        .exec(c)
        .await?;
    assignment::Entity::insert(assignment::ActiveModel {
        application_id: Set(app.to_string()),
        expert_id: Set(to.to_string()),
        batch_id: Set(old.batch_id),
        assigned_at: Set(at),
    })
    .exec_without_returning(c)
    .await
    .map_err(crate::unique_as("assignment"))?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ScoreRow {
    pub application_id: ApplicationId,
    pub expert_id: UserId,
    pub batch_id: BatchId,
    pub sheet: ScoreSheet,
    pub comment: Option<String>,
    pub updated_at: Millis,
}

pub async fn upsert_score(c: &impl ConnectionTrait, s: &ScoreRow) -> Result<()> {
    let scores =
        serde_json::to_string(&s.sheet.scores).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    score::Entity::insert(score::ActiveModel {
        application_id: Set(s.application_id.to_string()),
        expert_id: Set(s.expert_id.to_string()),
        batch_id: Set(s.batch_id.to_string()),
        scores: Set(scores),
        total: Set(s.sheet.total()),
        comment: Set(s.comment.clone()),
        updated_at: Set(s.updated_at),
    })
    .on_conflict(
        OnConflict::columns([score::Column::ApplicationId, score::Column::ExpertId])
            .update_columns([
                score::Column::Scores,
                score::Column::Total,
                score::Column::Comment,
                score::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

fn score_from(m: score::Model) -> Result<ScoreRow> {
    let scores: BTreeMap<String, i64> =
        serde_json::from_str(&m.scores).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(ScoreRow {
        application_id: parse_id(&m.application_id)?,
        expert_id: parse_id(&m.expert_id)?,
        batch_id: parse_id(&m.batch_id)?,
        sheet: ScoreSheet { scores },
        comment: m.comment,
        updated_at: m.updated_at,
    })
}

pub async fn scores_of_batch(c: &impl ConnectionTrait, batch: BatchId) -> Result<Vec<ScoreRow>> {
    score::Entity::find()
        .filter(score::Column::BatchId.eq(batch.to_string()))
        .all(c)
        .await?
        .into_iter()
        .map(score_from)
        .collect()
}

pub async fn scores_of(c: &impl ConnectionTrait, app: ApplicationId) -> Result<Vec<ScoreRow>> {
    score::Entity::find()
        .filter(score::Column::ApplicationId.eq(app.to_string()))
        .all(c)
        .await?
        .into_iter()
        .map(score_from)
        .collect()
}

pub async fn score_of(
    c: &impl ConnectionTrait,
    app: ApplicationId,
    expert: UserId,
) -> Result<Option<ScoreRow>> {
    score::Entity::find_by_id((app.to_string(), expert.to_string()))
        .one(c)
        .await?
        .map(score_from)
        .transpose()
}

/// (assignments, scored) counts of a batch.
pub async fn progress(c: &impl ConnectionTrait, batch: BatchId) -> Result<(u64, u64)> {
    let assigned = assignment::Entity::find()
        .filter(assignment::Column::BatchId.eq(batch.to_string()))
        .count(c)
        .await?;
    let scored = score::Entity::find()
        .filter(score::Column::BatchId.eq(batch.to_string()))
        .count(c)
        .await?;
    Ok((assigned, scored))
}

/// Inserts many fresh score sheets (seeding).
pub async fn insert_scores_many(c: &impl ConnectionTrait, rows: &[ScoreRow]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let mut models = Vec::with_capacity(chunk.len());
        for s in chunk {
            models.push(score::ActiveModel {
                application_id: Set(s.application_id.to_string()),
                expert_id: Set(s.expert_id.to_string()),
                batch_id: Set(s.batch_id.to_string()),
                scores: Set(serde_json::to_string(&s.sheet.scores)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?),
                total: Set(s.sheet.total()),
                comment: Set(s.comment.clone()),
                updated_at: Set(s.updated_at),
            });
        }
        score::Entity::insert_many(models)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

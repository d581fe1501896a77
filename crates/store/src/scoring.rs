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

/// How many of a batch's assignments have no score sheet yet. A sheet exists only for an
/// assignment (scoring checks it; a swap deletes the replaced expert's sheet with the
/// assignment), so this is the difference of two index-only counts, not a 500,000-row join.
pub async fn unscored_count(c: &impl ConnectionTrait, batch: BatchId) -> Result<u64> {
    let (assigned, scored) = progress(c, batch).await?;
    Ok(assigned.saturating_sub(scored))
}

/// The score sheets of some applications (a chunk of a batch being finalized), without the
/// experts' comments.
pub async fn sheets_of(
    c: &impl ConnectionTrait,
    apps: &[ApplicationId],
) -> Result<Vec<(ApplicationId, ScoreSheet)>> {
    use sea_orm::QuerySelect;
    #[derive(sea_orm::FromQueryResult)]
    struct SheetRow {
        application_id: String,
        scores: String,
    }
    let ids: Vec<String> = apps.iter().map(ToString::to_string).collect();
    let rows = score::Entity::find()
        .select_only()
        .columns([score::Column::ApplicationId, score::Column::Scores])
        .filter(score::Column::ApplicationId.is_in(ids))
        .into_model::<SheetRow>()
        .all(c)
        .await?;
    rows.into_iter()
        .map(|r| {
            let scores: BTreeMap<String, i64> =
                serde_json::from_str(&r.scores).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok((parse_id(&r.application_id)?, ScoreSheet { scores }))
        })
        .collect()
}

/// Per expert of a batch: (expert, assignments, of them scored), in one grouped query.
pub async fn progress_by_expert(
    c: &impl ConnectionTrait,
    batch: BatchId,
) -> Result<Vec<(UserId, u64, u64)>> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
    let a = Alias::new("a");
    let s = Alias::new("s");
    let query = Query::select()
        .column((a.clone(), assignment::Column::ExpertId))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("assigned"))
        .expr_as(
            Expr::col((s.clone(), score::Column::ExpertId)).count(),
            Alias::new("scored"),
        )
        .from_as(assignment::Entity, a.clone())
        .join_as(
            JoinType::LeftJoin,
            score::Entity,
            s.clone(),
            Expr::col((s.clone(), score::Column::ApplicationId))
                .equals((a.clone(), assignment::Column::ApplicationId))
                .and(
                    Expr::col((s.clone(), score::Column::ExpertId))
                        .equals((a.clone(), assignment::Column::ExpertId)),
                ),
        )
        .and_where(Expr::col((a.clone(), assignment::Column::BatchId)).eq(batch.to_string()))
        .group_by_col((a, assignment::Column::ExpertId))
        .to_owned();
    c.query_all(&query)
        .await?
        .into_iter()
        .map(|row| {
            let expert: String = row.try_get("", "expert_id")?;
            let assigned: i64 = row.try_get("", "assigned")?;
            let scored: i64 = row.try_get("", "scored")?;
            Ok((
                parse_id(&expert)?,
                u64::try_from(assigned).unwrap_or(0),
                u64::try_from(scored).unwrap_or(0),
            ))
        })
        .collect()
}

/// The panels of some applications (a page of them): (application, expert, has scored).
pub async fn panels_of(
    c: &impl ConnectionTrait,
    apps: &[ApplicationId],
) -> Result<Vec<(ApplicationId, UserId, bool)>> {
    let ids: Vec<String> = apps.iter().map(ToString::to_string).collect();
    let assigned = assignment::Entity::find()
        .filter(assignment::Column::ApplicationId.is_in(ids.clone()))
        .all(c)
        .await?;
    let scored: std::collections::HashSet<(String, String)> = score::Entity::find()
        .filter(score::Column::ApplicationId.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|s| (s.application_id, s.expert_id))
        .collect();
    assigned
        .into_iter()
        .map(|a| {
            let done = scored.contains(&(a.application_id.clone(), a.expert_id.clone()));
            Ok((parse_id(&a.application_id)?, parse_id(&a.expert_id)?, done))
        })
        .collect()
}

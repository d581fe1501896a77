//! Per-application panel aggregates (kept current as experts score) and the reviewer's
//! batch listing sorted by them.

use crate::accounts::parse_id;
use crate::entity::{application, panel};
use crate::{Millis, Result, StoreError};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef,
};
use std::collections::BTreeMap;
use talentlib_domain::ids::{ApplicationId, BatchId};
use talentlib_domain::paging::Page;

#[derive(Debug, Clone, PartialEq)]
pub struct PanelRow {
    pub application_id: ApplicationId,
    pub batch_id: BatchId,
    pub experts_scored: i32,
    /// Hundredths: the aggregated total (trimmed mean), and the plain statistics.
    pub total: i64,
    pub mean: i64,
    pub median: i64,
    pub std_dev: i64,
    pub spread: i64,
    pub disagreement: bool,
    pub categories: BTreeMap<String, i64>,
    pub updated_at: Millis,
}

pub async fn upsert(c: &impl ConnectionTrait, p: &PanelRow) -> Result<()> {
    panel::Entity::insert(panel::ActiveModel {
        application_id: Set(p.application_id.to_string()),
        batch_id: Set(p.batch_id.to_string()),
        experts_scored: Set(p.experts_scored),
        total: Set(p.total),
        mean: Set(p.mean),
        median: Set(p.median),
        std_dev: Set(p.std_dev),
        spread: Set(p.spread),
        disagreement: Set(p.disagreement),
        categories: Set(
            serde_json::to_string(&p.categories).map_err(|e| StoreError::Corrupt(e.to_string()))?
        ),
        updated_at: Set(p.updated_at),
    })
    .on_conflict(
        OnConflict::column(panel::Column::ApplicationId)
            .update_columns([
                panel::Column::ExpertsScored,
                panel::Column::Total,
                panel::Column::Mean,
                panel::Column::Median,
                panel::Column::StdDev,
                panel::Column::Spread,
                panel::Column::Disagreement,
                panel::Column::Categories,
                panel::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Removes an application's panel (its last sheet is gone).
pub async fn delete(c: &impl ConnectionTrait, app: ApplicationId) -> Result<()> {
    panel::Entity::delete_by_id(app.to_string()).exec(c).await?;
    Ok(())
}

pub async fn insert_many(c: &impl ConnectionTrait, rows: &[PanelRow]) -> Result<()> {
    for chunk in rows.chunks(400) {
        let mut models = Vec::with_capacity(chunk.len());
        for p in chunk {
            models.push(panel::ActiveModel {
                application_id: Set(p.application_id.to_string()),
                batch_id: Set(p.batch_id.to_string()),
                experts_scored: Set(p.experts_scored),
                total: Set(p.total),
                mean: Set(p.mean),
                median: Set(p.median),
                std_dev: Set(p.std_dev),
                spread: Set(p.spread),
                disagreement: Set(p.disagreement),
                categories: Set(serde_json::to_string(&p.categories)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?),
                updated_at: Set(p.updated_at),
            });
        }
        panel::Entity::insert_many(models)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

pub async fn of_application(
    c: &impl ConnectionTrait,
    app: ApplicationId,
) -> Result<Option<PanelRow>> {
    panel::Entity::find_by_id(app.to_string())
        .one(c)
        .await?
        .map(from_model)
        .transpose()
}

fn from_model(m: panel::Model) -> Result<PanelRow> {
    Ok(PanelRow {
        application_id: parse_id(&m.application_id)?,
        batch_id: parse_id(&m.batch_id)?,
        experts_scored: m.experts_scored,
        total: m.total,
        mean: m.mean,
        median: m.median,
        std_dev: m.std_dev,
        spread: m.spread,
        disagreement: m.disagreement,
        categories: serde_json::from_str(&m.categories)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        updated_at: m.updated_at,
    })
}

/// One line of the reviewer's scored-batch listing.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct PanelLine {
    pub application_id: String,
    pub name: Option<String>,
    pub district_code: Option<String>,
    pub employer: Option<String>,
    pub experts_scored: i32,
    pub total: i64,
    pub mean: i64,
    pub median: i64,
    pub std_dev: i64,
    pub spread: i64,
    pub disagreement: bool,
    pub categories: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelOrder {
    TotalDesc,
    TotalAsc,
    SpreadDesc,
}

fn join_application() -> RelationDef {
    panel::Entity::belongs_to(application::Entity)
        .from(panel::Column::ApplicationId)
        .to(application::Column::ApplicationId)
        .into()
}

/// One page of a batch's panels with the applicants' names, sorted, and the total count.
pub async fn list(
    c: &impl ConnectionTrait,
    batch: BatchId,
    order: PanelOrder,
    disagreement_only: bool,
    page: Page,
) -> Result<(Vec<PanelLine>, u64)> {
    let mut q = panel::Entity::find().filter(panel::Column::BatchId.eq(batch.to_string()));
    if disagreement_only {
        q = q.filter(panel::Column::Disagreement.eq(true));
    }
    let total = q.clone().count(c).await?;
    let q = q
        .select_only()
        .columns([
            panel::Column::ApplicationId,
            panel::Column::ExpertsScored,
            panel::Column::Total,
            panel::Column::Mean,
            panel::Column::Median,
            panel::Column::StdDev,
            panel::Column::Spread,
            panel::Column::Disagreement,
            panel::Column::Categories,
        ])
        .column_as(
            Expr::col((application::Entity, application::Column::Name)),
            "name",
        )
        .column_as(
            Expr::col((application::Entity, application::Column::DistrictCode)),
            "district_code",
        )
        .column_as(
            Expr::col((application::Entity, application::Column::Employer)),
            "employer",
        )
        .join(JoinType::InnerJoin, join_application());
    let q = match order {
        PanelOrder::TotalDesc => q.order_by_desc(panel::Column::Total),
        PanelOrder::TotalAsc => q.order_by_asc(panel::Column::Total),
        PanelOrder::SpreadDesc => q.order_by_desc(panel::Column::Spread),
    };
    let rows = q
        .order_by_asc(panel::Column::ApplicationId)
        .offset(page.offset())
        .limit(page.per_page)
        .into_model::<PanelLine>()
        .all(c)
        .await?;
    Ok((rows, total))
}

/// The aggregated totals of a batch's accepted applications that have a panel (the star
/// distribution a finalize would produce, without reading half a million sheets). Driven from
/// the application side, whose (batch, status, id) index covers the filter.
pub async fn totals_of_accepted(c: &impl ConnectionTrait, batch: BatchId) -> Result<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct TotalRow {
        total: i64,
    }
    let rows = application::Entity::find()
        .select_only()
        .column_as(Expr::col((panel::Entity, panel::Column::Total)), "total")
        .join(JoinType::InnerJoin, join_application().rev())
        .filter(application::Column::BatchId.eq(batch.to_string()))
        .filter(
            application::Column::Status
                .eq(talentlib_domain::application::Status::Accepted.as_str()),
        )
        .into_model::<TotalRow>()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|r| r.total).collect())
}

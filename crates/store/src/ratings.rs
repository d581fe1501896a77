//! Ratings: append-only; each designer's newest is marked current and forms the library.

use crate::accounts::{contains, parse_id};
use crate::entity::rating;
use crate::{Millis, Result, StoreError};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;
use talentlib_domain::ids::{ApplicationId, BatchId, UserId};
use talentlib_domain::paging::Page;

#[derive(Debug, Clone, PartialEq)]
pub struct RatingRow {
    pub id: uuid::Uuid,
    pub designer_id: UserId,
    pub application_id: ApplicationId,
    pub batch_id: BatchId,
    /// Hundredths.
    pub total: i64,
    pub stars: u8,
    /// Hundredths by category key.
    pub categories: BTreeMap<String, i64>,
    pub rubric_version: String,
    pub rated_at: Millis,
    pub is_current: bool,
    pub name: String,
    pub district_code: Option<String>,
    pub employer: Option<String>,
    pub major: Option<String>,
    pub work_type: Option<String>,
    pub public_consent: bool,
}

fn from_model(m: rating::Model) -> Result<RatingRow> {
    Ok(RatingRow {
        id: parse_id(&m.rating_id)?,
        designer_id: parse_id(&m.designer_id)?,
        application_id: parse_id(&m.application_id)?,
        batch_id: parse_id(&m.batch_id)?,
        total: m.total,
        stars: u8::try_from(m.stars).map_err(|_| StoreError::Corrupt("stars".into()))?,
        categories: serde_json::from_str(&m.categories)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        rubric_version: m.rubric_version,
        rated_at: m.rated_at,
        is_current: m.is_current,
        name: m.name,
        district_code: m.district_code,
        employer: m.employer,
        major: m.major,
        work_type: m.work_type,
        public_consent: m.public_consent,
    })
}

/// Publishes new ratings: each supersedes its designer's current one.
pub async fn publish(c: &impl ConnectionTrait, rows: &[RatingRow]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let designers: Vec<String> = chunk.iter().map(|r| r.designer_id.to_string()).collect();
        // Every earlier rating of these designers is superseded. Filtering on `is_current` too
        // would tempt SQLite into the (is_current, stars, total) index, scanning every current
        // rating for each chunk; the designer index finds their few rows directly.
        rating::Entity::update_many()
            .col_expr(rating::Column::IsCurrent, Expr::value(false))
            .filter(rating::Column::DesignerId.is_in(designers))
            .exec(c)
            .await?;
        let mut models = Vec::with_capacity(chunk.len());
        for r in chunk {
            models.push(rating::ActiveModel {
                rating_id: Set(r.id.to_string()),
                designer_id: Set(r.designer_id.to_string()),
                application_id: Set(r.application_id.to_string()),
                batch_id: Set(r.batch_id.to_string()),
                total: Set(r.total),
                stars: Set(i32::from(r.stars)),
                categories: Set(serde_json::to_string(&r.categories)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?),
                rubric_version: Set(r.rubric_version.clone()),
                rated_at: Set(r.rated_at),
                is_current: Set(true),
                name: Set(r.name.clone()),
                district_code: Set(r.district_code.clone()),
                employer: Set(r.employer.clone()),
                major: Set(r.major.clone()),
                work_type: Set(r.work_type.clone()),
                public_consent: Set(r.public_consent),
            });
        }
        rating::Entity::insert_many(models)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

pub async fn of_application(
    c: &impl ConnectionTrait,
    app: ApplicationId,
) -> Result<Option<RatingRow>> {
    rating::Entity::find()
        .filter(rating::Column::ApplicationId.eq(app.to_string()))
        .order_by_desc(rating::Column::RatedAt)
        .one(c)
        .await?
        .map(from_model)
        .transpose()
}

/// A designer's ratings, newest first.
pub async fn history(c: &impl ConnectionTrait, designer: UserId) -> Result<Vec<RatingRow>> {
    rating::Entity::find()
        .filter(rating::Column::DesignerId.eq(designer.to_string()))
        .order_by_desc(rating::Column::RatedAt)
        .order_by_desc(rating::Column::RatingId)
        .all(c)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LibraryOrder {
    /// Most stars and highest total first (the default).
    #[default]
    Best,
    Newest,
    Name,
}

#[derive(Debug, Clone, Default)]
pub struct LibraryFilter {
    pub stars: Option<u8>,
    pub district_code: Option<String>,
    pub work_type: Option<String>,
    pub major: Option<String>,
    /// Name, employer or major contains this text.
    pub text: Option<String>,
    /// Only designers who consented to the public directory.
    pub consented_only: bool,
    pub order: LibraryOrder,
}

fn library_condition(f: &LibraryFilter) -> Condition {
    let mut cond = Condition::all().add(rating::Column::IsCurrent.eq(true));
    if let Some(s) = f.stars {
        cond = cond.add(rating::Column::Stars.eq(i32::from(s)));
    }
    if let Some(d) = &f.district_code {
        cond = cond.add(rating::Column::DistrictCode.eq(d.clone()));
    }
    if let Some(w) = &f.work_type {
        cond = cond.add(rating::Column::WorkType.eq(w.clone()));
    }
    if let Some(m) = &f.major {
        cond = cond.add(rating::Column::Major.eq(m.clone()));
    }
    if f.consented_only {
        cond = cond.add(rating::Column::PublicConsent.eq(true));
    }
    if let Some(t) = &f.text {
        cond = cond.add(
            Condition::any()
                .add(Expr::col(rating::Column::Name).like(contains(t)))
                .add(Expr::col(rating::Column::Employer).like(contains(t)))
                .add(Expr::col(rating::Column::Major).like(contains(t))),
        );
    }
    cond
}

/// One page of current ratings and the total count.
pub async fn library(
    c: &impl ConnectionTrait,
    f: &LibraryFilter,
    page: Page,
) -> Result<(Vec<RatingRow>, u64)> {
    let query = rating::Entity::find().filter(library_condition(f));
    let total = query.clone().count(c).await?;
    let ordered = match f.order {
        LibraryOrder::Best => query
            .order_by_desc(rating::Column::Stars)
            .order_by_desc(rating::Column::Total),
        LibraryOrder::Newest => query.order_by_desc(rating::Column::RatedAt),
        LibraryOrder::Name => query.order_by_asc(rating::Column::Name),
    };
    let rows = ordered
        .order_by_asc(rating::Column::RatingId)
        .offset(page.offset())
        .limit(page.per_page)
        .all(c)
        .await?;
    Ok((
        rows.into_iter().map(from_model).collect::<Result<_>>()?,
        total,
    ))
}

/// Every current rating matching the filter (for exports), at most `limit`.
pub async fn library_all(
    c: &impl ConnectionTrait,
    f: &LibraryFilter,
    limit: u64,
) -> Result<Vec<RatingRow>> {
    rating::Entity::find()
        .filter(library_condition(f))
        .order_by_desc(rating::Column::Stars)
        .order_by_desc(rating::Column::Total)
        .order_by_asc(rating::Column::RatingId)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

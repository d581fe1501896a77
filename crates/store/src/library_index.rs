//! The library's search index (`library_term`): the bigrams of each current rating's name,
//! employer and specialty (`talentlib_domain::search`), with the columns the library filters
//! and sorts by, so a text search reads one range of one index instead of every rating.
//!
//! Only current ratings are indexed. Finalizing a batch leaves the index to a background job
//! (`INDEX_JOB`), enqueued in the finalize transaction; while such a job is pending the index
//! is stale and text search scans the ratings instead, so answers are always exact.

use crate::entity::{application, job, library_term, rating};
use crate::ratings::{LibraryFilter, RatingRow};
use crate::Result;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, SelectStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use talentlib_domain::application::Status;
use talentlib_domain::ids::{BatchId, UserId};
use talentlib_domain::search::entry_terms;

/// The job that brings the index up to date for a finalized batch (payload: the batch id).
pub const INDEX_JOB: &str = "library.index";

/// Term rows per INSERT (7 columns: well under every backend's bound-parameter limit).
const INSERT_CHUNK: usize = 2_000;

/// Adds the terms of these (current) ratings; indexing a rating twice changes nothing.
pub async fn index(c: &impl ConnectionTrait, rows: &[RatingRow]) -> Result<()> {
    // (term, rating) pairs in the primary key's order: each insert lands beside the previous
    // one in the B-tree instead of on a random page of it.
    let mut entries: Vec<(String, u8, i64, String, &RatingRow)> = Vec::new();
    for r in rows {
        let fields = [
            Some(r.name.as_str()),
            r.employer.as_deref(),
            r.major.as_deref(),
        ];
        let id = r.id.to_string();
        for term in entry_terms(fields.into_iter().flatten()) {
            entries.push((term, r.stars, r.total, id.clone(), r));
        }
    }
    entries.sort_unstable_by(|a, b| (&a.0, a.1, a.2, &a.3).cmp(&(&b.0, b.1, b.2, &b.3)));
    let models: Vec<library_term::ActiveModel> = entries
        .into_iter()
        .map(|(term, stars, total, id, r)| library_term::ActiveModel {
            term: Set(term),
            stars: Set(i32::from(stars)),
            total: Set(total),
            rating_id: Set(id),
            district_code: Set(r.district_code.clone()),
            work_type: Set(r.work_type.clone()),
            public_consent: Set(r.public_consent),
        })
        .collect();
    for chunk in models.chunks(INSERT_CHUNK) {
        library_term::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    library_term::Column::Term,
                    library_term::Column::Stars,
                    library_term::Column::Total,
                    library_term::Column::RatingId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// Removes the terms of every rating of these designers (their current ratings are indexed
/// again afterwards).
pub async fn unindex_designers(c: &impl ConnectionTrait, designers: &[UserId]) -> Result<()> {
    let ids: Vec<String> = designers.iter().map(ToString::to_string).collect();
    let theirs = Query::select()
        .column(rating::Column::RatingId)
        .from(rating::Entity)
        .and_where(Expr::col(rating::Column::DesignerId).is_in(ids))
        .to_owned();
    library_term::Entity::delete_many()
        .filter(library_term::Column::RatingId.in_subquery(theirs))
        .exec(c)
        .await?;
    Ok(())
}

/// Brings the index up to date for the next `limit` accepted applications of a batch after
/// `after` (application ids in order; an opaque cursor to the caller); returns the cursor of the
/// last one done, None when the batch is done. Walks the application index (batch, status, id)
/// in order and finds each rating by its application, so every chunk reads only its own rows.
pub async fn index_batch_chunk(
    c: &impl ConnectionTrait,
    batch: BatchId,
    after: Option<&str>,
    limit: u64,
) -> Result<Option<String>> {
    let mut q = application::Entity::find()
        .select_only()
        .column(application::Column::ApplicationId)
        .filter(application::Column::BatchId.eq(batch.to_string()))
        .filter(application::Column::Status.eq(Status::Accepted.as_str()));
    if let Some(after) = after {
        q = q.filter(application::Column::ApplicationId.gt(after));
    }
    let apps: Vec<String> = q
        .order_by_asc(application::Column::ApplicationId)
        .limit(limit)
        .into_tuple()
        .all(c)
        .await?;
    let Some(last) = apps.last().cloned() else {
        return Ok(None);
    };
    let rows: Vec<RatingRow> = rating::Entity::find()
        .filter(rating::Column::ApplicationId.is_in(apps))
        .filter(rating::Column::IsCurrent.eq(true))
        .all(c)
        .await?
        .into_iter()
        .map(crate::ratings::from_model)
        .collect::<Result<_>>()?;
    let designers: Vec<UserId> = rows.iter().map(|r| r.designer_id).collect();
    unindex_designers(c, &designers).await?;
    index(c, &rows).await?;
    Ok(Some(last))
}

/// Indexes the current ratings among the next `limit` ratings after `after` (rating ids in
/// order), whatever their batch; returns the last id read, None at the end. Used to rebuild the
/// index: it walks the primary key, so each chunk reads only its own rows (filtering on
/// `is_current` in SQL would lead the planner to an index that sorts every current rating).
pub async fn index_all_chunk(
    c: &impl ConnectionTrait,
    after: Option<&str>,
    limit: u64,
) -> Result<Option<String>> {
    let mut q = rating::Entity::find();
    if let Some(after) = after {
        q = q.filter(rating::Column::RatingId.gt(after));
    }
    let models = q
        .order_by_asc(rating::Column::RatingId)
        .limit(limit)
        .all(c)
        .await?;
    let Some(last) = models.last().map(|m| m.rating_id.clone()) else {
        return Ok(None);
    };
    let rows: Vec<RatingRow> = models
        .into_iter()
        .filter(|m| m.is_current)
        .map(crate::ratings::from_model)
        .collect::<Result<_>>()?;
    index(c, &rows).await?;
    Ok(Some(last))
}

/// Empties the index (a rebuild starts with this, while a pending job keeps search scanning).
pub async fn clear(c: &impl ConnectionTrait) -> Result<()> {
    library_term::Entity::delete_many().exec(c).await?;
    Ok(())
}

/// Drops every pending index job (a rebuild has made them pointless).
pub async fn drop_jobs(c: &impl ConnectionTrait) -> Result<()> {
    job::Entity::delete_many()
        .filter(job::Column::Kind.eq(INDEX_JOB))
        .exec(c)
        .await?;
    Ok(())
}

/// Rebuilds the whole index from the current ratings (the migration that introduced it).
pub async fn rebuild(c: &impl ConnectionTrait) -> Result<()> {
    clear(c).await?;
    let mut after: Option<String> = None;
    while let Some(last) = index_all_chunk(c, after.as_deref(), 5_000).await? {
        after = Some(last);
    }
    Ok(())
}

/// Whether an index job is pending (the index may lag the ratings).
pub async fn is_stale(c: &impl ConnectionTrait) -> Result<bool> {
    Ok(job::Entity::find()
        .filter(job::Column::Kind.eq(INDEX_JOB))
        .count(c)
        .await?
        > 0)
}

/// How many index entries a term has, counting no further than `cap` (choosing which of a
/// search's terms to read: the rarest).
pub async fn term_size(c: &impl ConnectionTrait, term: &str, cap: u64) -> Result<u64> {
    let capped = Query::select()
        .expr(Expr::val(1))
        .from(library_term::Entity)
        .and_where(Expr::col(library_term::Column::Term).eq(term))
        .limit(cap)
        .to_owned();
    let query = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_subquery(capped, Alias::new("capped"))
        .to_owned();
    let n: i64 = match c.query_one(&query).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The index entries matching a search: every term present (`driver` is read, the others
/// looked up beside it), the filters the index holds, and, unless `exact`, the text itself in
/// the rating. Selects `t.rating_id`; the caller adds the order and a limit, or counts.
pub fn matching(
    f: &LibraryFilter,
    driver: &str,
    others: &[String],
    exact: bool,
    text: &str,
) -> SelectStatement {
    let t = Alias::new("t");
    let mut q = Query::select();
    q.column((t.clone(), library_term::Column::RatingId))
        .from_as(library_term::Entity, t.clone())
        .and_where(Expr::col((t.clone(), library_term::Column::Term)).eq(driver));
    if let Some(s) = f.stars {
        q.and_where(Expr::col((t.clone(), library_term::Column::Stars)).eq(i32::from(s)));
    }
    if let Some(d) = &f.district_code {
        q.and_where(Expr::col((t.clone(), library_term::Column::DistrictCode)).eq(d.clone()));
    }
    if let Some(w) = &f.work_type {
        q.and_where(Expr::col((t.clone(), library_term::Column::WorkType)).eq(w.clone()));
    }
    if f.consented_only {
        q.and_where(Expr::col((t.clone(), library_term::Column::PublicConsent)).eq(true));
    }
    for (i, other) in others.iter().enumerate() {
        let u = Alias::new(format!("u{i}"));
        let same = |col: library_term::Column| Expr::col((u.clone(), col)).equals((t.clone(), col));
        let beside = Query::select()
            .expr(Expr::val(1))
            .from_as(library_term::Entity, u.clone())
            .and_where(Expr::col((u.clone(), library_term::Column::Term)).eq(other.as_str()))
            .and_where(same(library_term::Column::Stars))
            .and_where(same(library_term::Column::Total))
            .and_where(same(library_term::Column::RatingId))
            .to_owned();
        q.and_where(Expr::exists(beside));
    }
    // The index holds every searched field's terms; the public directory searches fewer
    // fields, so its matches are always checked against those.
    if !exact || f.major.is_some() || f.consented_only {
        let r = Alias::new("r");
        let mut check = Query::select();
        check
            .expr(Expr::val(1))
            .from_as(rating::Entity, r.clone())
            .and_where(
                Expr::col((r.clone(), rating::Column::RatingId))
                    .equals((t.clone(), library_term::Column::RatingId)),
            );
        if let Some(m) = &f.major {
            check.and_where(Expr::col((r.clone(), rating::Column::Major)).eq(m.clone()));
        }
        if !exact || f.consented_only {
            let like = crate::accounts::contains(text);
            let any = crate::ratings::searched_columns(f)
                .iter()
                .fold(sea_orm::Condition::any(), |any, col| {
                    any.add(Expr::col((r.clone(), *col)).like(like.clone()))
                });
            check.cond_where(any);
        }
        q.and_where(Expr::exists(check.to_owned()));
    }
    q.to_owned()
}

/// `matching` in the library's best-first order (the index's own order, read backwards).
pub fn in_library_order(mut q: SelectStatement) -> SelectStatement {
    let t = Alias::new("t");
    q.order_by((t.clone(), library_term::Column::Stars), Order::Desc)
        .order_by((t.clone(), library_term::Column::Total), Order::Desc)
        .order_by((t, library_term::Column::RatingId), Order::Desc);
    q
}

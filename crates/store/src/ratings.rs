//! Ratings: append-only; each designer's newest is marked current and forms the library.

use crate::accounts::{contains, parse_id};
use crate::entity::rating;
use crate::library_index;
use crate::{Millis, Result, StoreError};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;
use talentlib_domain::ids::{ApplicationId, BatchId, UserId};
use talentlib_domain::paging::Page;
use talentlib_domain::search::{query_terms, QueryTerms};

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

pub(crate) fn from_model(m: rating::Model) -> Result<RatingRow> {
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
    /// Name, employer or major contains this text (name or major only in the public directory,
    /// which shows nothing else: see [`searched_columns`]).
    pub text: Option<String>,
    /// Only designers who consented to the public directory.
    pub consented_only: bool,
    pub order: LibraryOrder,
}

/// The columns a text search looks in: the public directory searches only what it shows (a
/// search by employer there would tell who works where).
pub(crate) fn searched_columns(f: &LibraryFilter) -> &'static [rating::Column] {
    if f.consented_only {
        &[rating::Column::Name, rating::Column::Major]
    } else {
        &[
            rating::Column::Name,
            rating::Column::Employer,
            rating::Column::Major,
        ]
    }
}

/// The filter as a condition on ratings; the text only when `with_text` (it may be answered by
/// the search index instead).
fn library_condition(f: &LibraryFilter, with_text: bool) -> Condition {
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
    if let Some(t) = f.text.as_ref().filter(|_| with_text) {
        let any = searched_columns(f)
            .iter()
            .fold(Condition::any(), |any, col| {
                any.add(Expr::col(*col).like(contains(t)))
            });
        cond = cond.add(any);
    }
    cond
}

/// How a text search is answered: from the search index (the rating ids it matches, as a
/// subquery) or, when the index cannot answer, by the LIKE condition on the ratings.
enum TextMatch {
    None,
    Index(Box<SelectStatement>),
    Scan,
}

/// Sizes of index terms (entries, counted up to [`TERM_SIZE_CAP`]) known to the caller, who may
/// remember them: they only choose which term a search reads, so a slightly old size is fine.
pub type TermSizes = std::collections::HashMap<String, u64>;

/// Chooses how to answer the filter's text (see `library_index`): from the index unless the
/// text is one character or the index is catching up with a batch just finalized.
async fn text_match(
    c: &impl ConnectionTrait,
    f: &LibraryFilter,
    known: &TermSizes,
) -> Result<TextMatch> {
    let Some(text) = f.text.as_deref() else {
        return Ok(TextMatch::None);
    };
    let QueryTerms::All { mut terms, exact } = query_terms(text) else {
        return Ok(TextMatch::Scan);
    };
    if library_index::is_stale(c).await? {
        return Ok(TextMatch::Scan);
    }
    // Read the rarest term; look the others up beside it. Sizes are counted up to a cap: past
    // it a term is common anyway, and counting the commonest (重庆 in most employers) in full
    // would cost more than the search.
    if terms.len() > 1 {
        let mut sizes = Vec::with_capacity(terms.len());
        for t in &terms {
            sizes.push(match known.get(t) {
                Some(&n) => n,
                None => library_index::term_size(c, t, TERM_SIZE_CAP).await?,
            });
        }
        let rarest = (0..terms.len()).min_by_key(|&i| sizes[i]).unwrap_or(0);
        terms.swap(0, rarest);
    }
    let (driver, others) = terms
        .split_first()
        .map_or(("", &[][..]), |(d, o)| (d.as_str(), o));
    Ok(TextMatch::Index(Box::new(library_index::matching(
        f, driver, others, exact, text,
    ))))
}

/// Counting a term's entries stops here: past it a term is common anyway. High enough that the
/// rarest of a long text's common bigrams is still told apart at a million designers (重庆 in
/// most employers, 庆大 in one in twelve); counting 200,000 entries takes about 30 ms.
pub const TERM_SIZE_CAP: u64 = 200_000;

/// The ratings with these ids, in the order of the ids.
async fn in_order(c: &impl ConnectionTrait, ids: Vec<String>) -> Result<Vec<RatingRow>> {
    let mut rows: Vec<rating::Model> = rating::Entity::find()
        .filter(rating::Column::RatingId.is_in(ids.clone()))
        .all(c)
        .await?;
    let position: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    rows.sort_by_key(|m| {
        position
            .get(m.rating_id.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    rows.into_iter().map(from_model).collect()
}

async fn ids_of(c: &impl ConnectionTrait, q: &SelectStatement) -> Result<Vec<String>> {
    c.query_all(q)
        .await?
        .iter()
        .map(|row| Ok(row.try_get::<String>("", "rating_id")?))
        .collect()
}

/// The filtered ratings, unordered (for counting: an ORDER BY inside the count's subquery
/// would keep SQLite from answering it from the index alone).
fn filtered(
    f: &LibraryFilter,
    matched: Option<SelectStatement>,
) -> sea_orm::Select<rating::Entity> {
    let query = rating::Entity::find().filter(library_condition(f, matched.is_none()));
    match matched {
        Some(ids) => query.filter(rating::Column::RatingId.in_subquery(ids)),
        None => query,
    }
}

/// The filtered ratings in the library's order, for a page or an export.
fn ordered(f: &LibraryFilter, matched: Option<SelectStatement>) -> sea_orm::Select<rating::Entity> {
    let query = filtered(f, matched);
    // Ties broken by id, descending like the indexes' last column, so a page is an index walk.
    match f.order {
        LibraryOrder::Best => query
            .order_by_desc(rating::Column::Stars)
            .order_by_desc(rating::Column::Total),
        LibraryOrder::Newest => query.order_by_desc(rating::Column::RatedAt),
        LibraryOrder::Name => query.order_by_asc(rating::Column::Name),
    }
    .order_by_desc(rating::Column::RatingId)
}

/// How many current ratings match the filter (the library's `total_count`).
pub async fn library_count(
    c: &impl ConnectionTrait,
    f: &LibraryFilter,
    sizes: &TermSizes,
) -> Result<u64> {
    let matched = text_match(c, f, sizes).await?;
    count_matched(c, f, &matched).await
}

async fn count_matched(c: &impl ConnectionTrait, f: &LibraryFilter, m: &TextMatch) -> Result<u64> {
    match m {
        TextMatch::Index(matched) if f.order == LibraryOrder::Best => {
            let count = Query::select()
                .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                .from_subquery((**matched).clone(), Alias::new("m"))
                .to_owned();
            let n: i64 = match c.query_one(&count).await? {
                Some(row) => row.try_get("", "n")?,
                None => 0,
            };
            Ok(u64::try_from(n).unwrap_or(0))
        }
        TextMatch::Index(q) => Ok(filtered(f, Some((**q).clone())).count(c).await?),
        _ => Ok(filtered(f, None).count(c).await?),
    }
}

/// One page of current ratings and the total count; `known_total` (a count taken a moment ago)
/// spares counting again, the costly half of a page over a large library.
pub async fn library(
    c: &impl ConnectionTrait,
    f: &LibraryFilter,
    page: Page,
    known_total: Option<u64>,
    sizes: &TermSizes,
) -> Result<(Vec<RatingRow>, u64)> {
    let m = text_match(c, f, sizes).await?;
    let total = match known_total {
        Some(n) => n,
        None => count_matched(c, f, &m).await?,
    };
    match m {
        TextMatch::Index(matched) if f.order == LibraryOrder::Best => {
            let mut page_q = library_index::in_library_order(*matched);
            page_q.limit(page.per_page).offset(page.offset());
            let rows = in_order(c, ids_of(c, &page_q).await?).await?;
            Ok((rows, total))
        }
        m => {
            let matched = match m {
                TextMatch::Index(q) => Some(*q),
                _ => None,
            };
            let rows = ordered(f, matched)
                .offset(page.offset())
                .limit(page.per_page)
                .all(c)
                .await?;
            Ok((
                rows.into_iter().map(from_model).collect::<Result<_>>()?,
                total,
            ))
        }
    }
}

/// Every current rating matching the filter (for exports), at most `limit`.
pub async fn library_all(
    c: &impl ConnectionTrait,
    f: &LibraryFilter,
    limit: u64,
    sizes: &TermSizes,
) -> Result<Vec<RatingRow>> {
    let matched = match text_match(c, f, sizes).await? {
        TextMatch::Index(q) => Some(*q),
        _ => None,
    };
    let best = LibraryFilter {
        order: LibraryOrder::Best,
        ..f.clone()
    };
    ordered(&best, matched)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

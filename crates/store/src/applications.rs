//! Applications, their timeline events, and the scoped lists of them.

use crate::accounts::parse_id;
use crate::entity::{application, application_event};
use crate::{unique_as, Millis, Result, StoreError};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use talentlib_domain::application::Status;
use talentlib_domain::ids::{ApplicationId, BatchId, UserId};
use talentlib_domain::paging::Page;
use talentlib_domain::permissions::ListScope;

/// One application as stored. `form_json` holds the form without the identity fields, which
/// are in `id_number_enc`/`phone_enc`, encrypted by the service layer.
#[derive(Debug, Clone)]
pub struct ApplicationRow {
    pub id: ApplicationId,
    pub designer_id: UserId,
    pub batch_id: BatchId,
    pub status: Status,
    pub form_json: String,
    pub id_number_enc: Option<String>,
    pub phone_enc: Option<String>,
    pub name: Option<String>,
    pub district_code: Option<String>,
    pub employer: Option<String>,
    pub major_flagged: bool,
    pub review_comment: Option<String>,
    pub submitted_at: Option<Millis>,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// The first degree's major (name from the reference list, or as typed).
    pub major: Option<String>,
    pub work_type: Option<String>,
    pub public_consent: bool,
}

fn parse_status(s: &str) -> Result<Status> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("bad status {s:?}")))
}

fn from_model(m: application::Model) -> Result<ApplicationRow> {
    Ok(ApplicationRow {
        id: parse_id(&m.application_id)?,
        designer_id: parse_id(&m.designer_id)?,
        batch_id: parse_id(&m.batch_id)?,
        status: parse_status(&m.status)?,
        form_json: m.form,
        id_number_enc: m.id_number_enc,
        phone_enc: m.phone_enc,
        name: m.name,
        district_code: m.district_code,
        employer: m.employer,
        major_flagged: m.major_flagged,
        review_comment: m.review_comment,
        submitted_at: m.submitted_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
        major: m.major,
        work_type: m.work_type,
        public_consent: m.public_consent,
    })
}

fn to_active(r: &ApplicationRow) -> application::ActiveModel {
    application::ActiveModel {
        application_id: Set(r.id.to_string()),
        designer_id: Set(r.designer_id.to_string()),
        batch_id: Set(r.batch_id.to_string()),
        status: Set(r.status.as_str().to_string()),
        form: Set(r.form_json.clone()),
        id_number_enc: Set(r.id_number_enc.clone()),
        phone_enc: Set(r.phone_enc.clone()),
        name: Set(r.name.clone()),
        district_code: Set(r.district_code.clone()),
        employer: Set(r.employer.clone()),
        major_flagged: Set(r.major_flagged),
        review_comment: Set(r.review_comment.clone()),
        submitted_at: Set(r.submitted_at),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
        major: Set(r.major.clone()),
        work_type: Set(r.work_type.clone()),
        public_consent: Set(r.public_consent),
    }
}

pub async fn insert(c: &impl ConnectionTrait, r: &ApplicationRow) -> Result<()> {
    application::Entity::insert(to_active(r))
        .exec_without_returning(c)
        .await
        .map_err(unique_as("application"))?;
    Ok(())
}

/// Inserts many applications in few statements (seeding).
pub async fn insert_many(c: &impl ConnectionTrait, rows: &[ApplicationRow]) -> Result<()> {
    for chunk in rows.chunks(200) {
        application::Entity::insert_many(chunk.iter().map(to_active))
            .exec_without_returning(c)
            .await
            .map_err(unique_as("application"))?;
    }
    Ok(())
}

/// Inserts many timeline events (seeding).
pub async fn insert_events_many(
    c: &impl ConnectionTrait,
    events: &[(uuid::Uuid, Event)],
) -> Result<()> {
    for chunk in events.chunks(500) {
        let models = chunk.iter().map(|(id, e)| application_event::ActiveModel {
            event_id: Set(id.to_string()),
            application_id: Set(e.application_id.to_string()),
            at: Set(e.at),
            actor_id: Set(e.actor_id.to_string()),
            status: Set(e.status.as_str().to_string()),
            comment: Set(e.comment.clone()),
            batch_id: Set(e.batch_id.map(|b| b.to_string())),
        });
        application_event::Entity::insert_many(models)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

pub async fn get(c: &impl ConnectionTrait, id: ApplicationId) -> Result<Option<ApplicationRow>> {
    application::Entity::find_by_id(id.to_string())
        .one(c)
        .await?
        .map(from_model)
        .transpose()
}

/// Moves an application into another batch; `Duplicate("application")` when the designer
/// already has one there.
pub async fn move_to_batch(
    c: &impl ConnectionTrait,
    id: ApplicationId,
    batch: BatchId,
) -> Result<()> {
    let res = application::Entity::update_many()
        .col_expr(application::Column::BatchId, Expr::value(batch.to_string()))
        .filter(application::Column::ApplicationId.eq(id.to_string()))
        .exec(c)
        .await
        .map_err(unique_as("application"))?;
    if res.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The `updated_at` a write gives a row last written at `previous`: the current time, but always
/// later than `previous`, so that `updated_at` identifies a version of the row (optimistic saves
/// and cached views compare it) even for two writes within one millisecond.
pub fn next_version(previous: Millis, now: Millis) -> Millis {
    Ord::max(now, previous.saturating_add(1))
}

/// Writes every mutable column of the row (one UPDATE for a whole save).
pub async fn update(c: &impl ConnectionTrait, r: &ApplicationRow) -> Result<()> {
    if write_row(c, r, None).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Writes the row only if it is still the version `seen` (its `updated_at` when read); false when
/// someone else wrote it in between (or it is gone).
pub async fn update_if_unchanged(
    c: &impl ConnectionTrait,
    r: &ApplicationRow,
    seen: Millis,
) -> Result<bool> {
    write_row(c, r, Some(seen)).await
}

/// Gives the row a new version (`updated_at`, from [`next_version`]) when something shown with
/// it changed without a write of the row itself, e.g. its files.
pub async fn touch(c: &impl ConnectionTrait, id: ApplicationId, version: Millis) -> Result<()> {
    application::Entity::update_many()
        .col_expr(application::Column::UpdatedAt, Expr::value(version))
        .filter(application::Column::ApplicationId.eq(id.to_string()))
        .exec(c)
        .await?;
    Ok(())
}

async fn write_row(
    c: &impl ConnectionTrait,
    r: &ApplicationRow,
    seen: Option<Millis>,
) -> Result<bool> {
    let mut update = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(r.status.as_str()))
        .col_expr(application::Column::Form, Expr::value(r.form_json.clone()))
        .col_expr(
            application::Column::IdNumberEnc,
            Expr::value(r.id_number_enc.clone()),
        )
        .col_expr(
            application::Column::PhoneEnc,
            Expr::value(r.phone_enc.clone()),
        )
        .col_expr(application::Column::Name, Expr::value(r.name.clone()))
        .col_expr(
            application::Column::DistrictCode,
            Expr::value(r.district_code.clone()),
        )
        .col_expr(
            application::Column::Employer,
            Expr::value(r.employer.clone()),
        )
        .col_expr(
            application::Column::MajorFlagged,
            Expr::value(r.major_flagged),
        )
        .col_expr(
            application::Column::ReviewComment,
            Expr::value(r.review_comment.clone()),
        )
        .col_expr(
            application::Column::SubmittedAt,
            Expr::value(r.submitted_at),
        )
        .col_expr(application::Column::UpdatedAt, Expr::value(r.updated_at))
        .col_expr(application::Column::Major, Expr::value(r.major.clone()))
        .col_expr(
            application::Column::WorkType,
            Expr::value(r.work_type.clone()),
        )
        .col_expr(
            application::Column::PublicConsent,
            Expr::value(r.public_consent),
        )
        .filter(application::Column::ApplicationId.eq(r.id.to_string()));
    if let Some(seen) = seen {
        update = update.filter(application::Column::UpdatedAt.eq(seen));
    }
    Ok(update.exec(c).await?.rows_affected > 0)
}

/// The designer's applications, newest first.
pub async fn of_designer(
    c: &impl ConnectionTrait,
    designer: UserId,
) -> Result<Vec<ApplicationRow>> {
    application::Entity::find()
        .filter(application::Column::DesignerId.eq(designer.to_string()))
        .order_by_desc(application::Column::CreatedAt)
        .all(c)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// Filters of the application list (API.md `GET /api/v1/applications`).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub batch_id: Option<BatchId>,
    pub status: Option<Status>,
    pub district_code: Option<String>,
    /// Name or employer contains this text.
    pub text: Option<String>,
    /// Only applications whose major is (true) or is not (false) flagged for the reviewer.
    pub major_flagged: Option<bool>,
    pub order: ListOrder,
}

/// The order of an application list; every order ends with the id, so pages never overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// Latest change first (what a district officer following drafts wants).
    #[default]
    RecentChange,
    /// Earliest submitted first: the reviewers' queue, first come first served (unsubmitted last).
    SubmittedFirst,
    /// Latest submitted first (unsubmitted last).
    SubmittedLast,
    /// By name (code point order), unnamed last.
    Name,
}

/// A list line: no form, no identity data.
#[derive(Debug, Clone)]
pub struct ApplicationLine {
    pub id: ApplicationId,
    pub status: Status,
    pub batch_id: BatchId,
    pub designer_id: UserId,
    pub name: Option<String>,
    pub district_code: Option<String>,
    pub employer: Option<String>,
    pub major_flagged: bool,
    pub submitted_at: Option<Millis>,
    pub updated_at: Millis,
    pub major: Option<String>,
    pub work_type: Option<String>,
    pub public_consent: bool,
}

#[derive(FromQueryResult)]
struct LineRow {
    application_id: String,
    status: String,
    batch_id: String,
    designer_id: String,
    name: Option<String>,
    district_code: Option<String>,
    employer: Option<String>,
    major_flagged: bool,
    submitted_at: Option<i64>,
    updated_at: i64,
    major: Option<String>,
    work_type: Option<String>,
    public_consent: bool,
}

/// The condition that keeps only what the scope may see.
fn scope_condition(scope: &ListScope) -> Condition {
    if scope.everything {
        return Condition::all();
    }
    let mut any = Condition::any();
    if let Some(own) = scope.own {
        any = any.add(application::Column::DesignerId.eq(own.to_string()));
    }
    if scope.submitted {
        any = any.add(application::Column::Status.ne(Status::Draft.as_str()));
    }
    if let Some(d) = &scope.district {
        any = any.add(application::Column::DistrictCode.eq(d.clone()));
    }
    if let Some(expert) = scope.assigned_to {
        let assigned = sea_orm::sea_query::Query::select()
            .column(crate::entity::assignment::Column::ApplicationId)
            .from(crate::entity::assignment::Entity)
            .and_where(
                Expr::col(crate::entity::assignment::Column::ExpertId).eq(expert.to_string()),
            )
            .to_owned();
        any = any.add(application::Column::ApplicationId.in_subquery(assigned));
    }
    any
}

fn filter_condition(f: &ListFilter) -> Condition {
    let mut all = Condition::all();
    if let Some(b) = f.batch_id {
        all = all.add(application::Column::BatchId.eq(b.to_string()));
    }
    if let Some(s) = f.status {
        all = all.add(application::Column::Status.eq(s.as_str()));
    }
    if let Some(d) = &f.district_code {
        all = all.add(application::Column::DistrictCode.eq(d.clone()));
    }
    if let Some(t) = &f.text {
        all = all.add(
            Condition::any()
                .add(Expr::col(application::Column::Name).like(crate::accounts::contains(t)))
                .add(Expr::col(application::Column::Employer).like(crate::accounts::contains(t))),
        );
    }
    if let Some(flagged) = f.major_flagged {
        all = all.add(application::Column::MajorFlagged.eq(flagged));
    }
    all
}

/// One page of what the scope may see, newest change first, with the total count.
pub async fn list(
    c: &impl ConnectionTrait,
    scope: &ListScope,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<ApplicationLine>, u64)> {
    let query = application::Entity::find()
        .filter(scope_condition(scope))
        .filter(filter_condition(filter));
    let total = query.clone().count(c).await?;
    let rows = line_query(query, filter.order)
        .offset(page.offset())
        .limit(page.per_page)
        .into_model::<LineRow>()
        .all(c)
        .await?;
    Ok((rows.into_iter().map(to_line).collect::<Result<_>>()?, total))
}

/// Every line the scope and filter match (for batch-wide work such as assignment).
pub async fn list_all(
    c: &impl ConnectionTrait,
    scope: &ListScope,
    filter: &ListFilter,
) -> Result<Vec<ApplicationLine>> {
    let query = application::Entity::find()
        .filter(scope_condition(scope))
        .filter(filter_condition(filter));
    let rows = line_query(query, filter.order)
        .into_model::<LineRow>()
        .all(c)
        .await?;
    rows.into_iter().map(to_line).collect()
}

/// An accepted application as finalizing rates it: its list line, its panel aggregate (if any
/// expert scored) and how many score sheets it has.
#[derive(Debug, Clone)]
pub struct RatedLine {
    pub line: ApplicationLine,
    pub panel: Option<PanelAggregate>,
    pub sheets: i32,
}

#[derive(Debug, Clone)]
pub struct PanelAggregate {
    pub total: i64,
    pub categories: std::collections::BTreeMap<String, i64>,
    pub experts_scored: i32,
}

#[derive(FromQueryResult)]
struct RatedLineRow {
    #[sea_orm(nested)]
    line: LineRow,
    p_total: Option<i64>,
    p_categories: Option<String>,
    p_experts: Option<i32>,
    sheets: i64,
}

/// The next `limit` accepted applications of a batch after `after`, in id order, with their
/// panels: a batch walked chunk by chunk (finalizing 100,000 applications without holding them
/// all, in one query per chunk).
pub async fn accepted_after(
    c: &impl ConnectionTrait,
    batch: BatchId,
    after: Option<ApplicationId>,
    limit: u64,
) -> Result<Vec<RatedLine>> {
    use crate::entity::{panel, score};
    use sea_orm::sea_query::{Alias, Query};
    let a = Alias::new("a");
    let p = Alias::new("p");
    let s = Alias::new("s");
    let sheets = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_as(score::Entity, s.clone())
        .and_where(
            Expr::col((s, score::Column::ApplicationId))
                .equals((a.clone(), application::Column::ApplicationId)),
        )
        .to_owned();
    let mut query = Query::select();
    for col in LINE_COLUMNS {
        query.column((a.clone(), col));
    }
    query
        .expr_as(
            Expr::col((p.clone(), panel::Column::Total)),
            Alias::new("p_total"),
        )
        .expr_as(
            Expr::col((p.clone(), panel::Column::Categories)),
            Alias::new("p_categories"),
        )
        .expr_as(
            Expr::col((p.clone(), panel::Column::ExpertsScored)),
            Alias::new("p_experts"),
        )
        .expr_as(
            Expr::SubQuery(None, Box::new(sheets.into())),
            Alias::new("sheets"),
        )
        .from_as(application::Entity, a.clone())
        .join_as(
            sea_orm::JoinType::LeftJoin,
            panel::Entity,
            p.clone(),
            Expr::col((p, panel::Column::ApplicationId))
                .equals((a.clone(), application::Column::ApplicationId)),
        )
        .and_where(Expr::col((a.clone(), application::Column::BatchId)).eq(batch.to_string()))
        .and_where(
            Expr::col((a.clone(), application::Column::Status)).eq(Status::Accepted.as_str()),
        );
    if let Some(after) = after {
        query.and_where(
            Expr::col((a.clone(), application::Column::ApplicationId)).gt(after.to_string()),
        );
    }
    query
        .order_by((a, application::Column::ApplicationId), sea_orm::Order::Asc)
        .limit(limit);
    c.query_all(&query)
        .await?
        .iter()
        .map(|row| {
            let r = RatedLineRow::from_query_result(row, "")?;
            let panel = match (r.p_total, r.p_categories, r.p_experts) {
                (Some(total), Some(categories), Some(experts_scored)) => Some(PanelAggregate {
                    total,
                    categories: serde_json::from_str(&categories)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    experts_scored,
                }),
                _ => None,
            };
            Ok(RatedLine {
                line: to_line(r.line)?,
                panel,
                sheets: i32::try_from(r.sheets).unwrap_or(i32::MAX),
            })
        })
        .collect()
}

/// The columns of a list line, in `LineRow`'s order.
const LINE_COLUMNS: [application::Column; 13] = [
    application::Column::ApplicationId,
    application::Column::Status,
    application::Column::BatchId,
    application::Column::DesignerId,
    application::Column::Name,
    application::Column::DistrictCode,
    application::Column::Employer,
    application::Column::MajorFlagged,
    application::Column::SubmittedAt,
    application::Column::UpdatedAt,
    application::Column::Major,
    application::Column::WorkType,
    application::Column::PublicConsent,
];

fn line_query(
    query: sea_orm::Select<application::Entity>,
    order: ListOrder,
) -> sea_orm::Select<application::Entity> {
    use application::Column as C;
    use sea_orm::sea_query::NullOrdering::Last;
    use sea_orm::Order::{Asc, Desc};
    let query = line_columns(query);
    // Both databases sort NULLs the same way only when told to.
    let query = match order {
        ListOrder::RecentChange => query.order_by_desc(C::UpdatedAt),
        ListOrder::SubmittedFirst => query.order_by_with_nulls(C::SubmittedAt, Asc, Last),
        ListOrder::SubmittedLast => query.order_by_with_nulls(C::SubmittedAt, Desc, Last),
        ListOrder::Name => query.order_by_with_nulls(C::Name, Asc, Last),
    };
    query.order_by_asc(C::ApplicationId)
}

fn line_columns(
    query: sea_orm::Select<application::Entity>,
) -> sea_orm::Select<application::Entity> {
    query.select_only().columns(LINE_COLUMNS)
}

fn to_line(r: LineRow) -> Result<ApplicationLine> {
    Ok(ApplicationLine {
        id: parse_id(&r.application_id)?,
        status: parse_status(&r.status)?,
        batch_id: parse_id(&r.batch_id)?,
        designer_id: parse_id(&r.designer_id)?,
        name: r.name,
        district_code: r.district_code,
        employer: r.employer,
        major_flagged: r.major_flagged,
        submitted_at: r.submitted_at,
        updated_at: r.updated_at,
        major: r.major,
        work_type: r.work_type,
        public_consent: r.public_consent,
    })
}

#[derive(FromQueryResult)]
struct CountRow {
    status: String,
    n: i64,
}

/// How many applications the scope sees in each status.
pub async fn counts_by_status(
    c: &impl ConnectionTrait,
    scope: &ListScope,
    filter: &ListFilter,
) -> Result<Vec<(Status, u64)>> {
    let rows = application::Entity::find()
        .filter(scope_condition(scope))
        .filter(filter_condition(filter))
        .select_only()
        .column(application::Column::Status)
        .column_as(Expr::col(application::Column::ApplicationId).count(), "n")
        .group_by(application::Column::Status)
        .into_model::<CountRow>()
        .all(c)
        .await?;
    let mut out: Vec<(Status, u64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for r in rows {
        let s = parse_status(&r.status)?;
        if let Some(slot) = out.iter_mut().find(|(x, _)| *x == s) {
            slot.1 = u64::try_from(r.n).unwrap_or(0);
        }
    }
    Ok(out)
}

/// One step of an application's timeline.
#[derive(Debug, Clone)]
pub struct Event {
    pub application_id: ApplicationId,
    pub at: Millis,
    pub actor_id: UserId,
    pub status: Status,
    pub comment: Option<String>,
    /// The batch the application was in at this step (none on events older than the column).
    pub batch_id: Option<BatchId>,
}

pub async fn insert_event(c: &impl ConnectionTrait, event_id: uuid::Uuid, e: &Event) -> Result<()> {
    application_event::Entity::insert(application_event::ActiveModel {
        event_id: Set(event_id.to_string()),
        application_id: Set(e.application_id.to_string()),
        at: Set(e.at),
        actor_id: Set(e.actor_id.to_string()),
        status: Set(e.status.as_str().to_string()),
        comment: Set(e.comment.clone()),
        batch_id: Set(e.batch_id.map(|b| b.to_string())),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The timeline, oldest first.
pub async fn events(c: &impl ConnectionTrait, id: ApplicationId) -> Result<Vec<Event>> {
    application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.eq(id.to_string()))
        .order_by_asc(application_event::Column::At)
        .order_by_asc(application_event::Column::EventId)
        .all(c)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Event {
                application_id: parse_id(&m.application_id)?,
                at: m.at,
                actor_id: parse_id(&m.actor_id)?,
                status: parse_status(&m.status)?,
                comment: m.comment,
                batch_id: m.batch_id.as_deref().map(parse_id).transpose()?,
            })
        })
        .collect()
}

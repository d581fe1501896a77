//! In-app notifications and the job queue that delivers email.

use crate::accounts::parse_id;
use crate::entity::{job, notification};
use crate::{Millis, Result};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use talentlib_domain::ids::{ApplicationId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: uuid::Uuid,
    pub account_id: UserId,
    /// `decision.accept`, `decision.reject`, `decision.return`, `rating.published`.
    pub kind: String,
    pub application_id: Option<ApplicationId>,
    pub detail: Option<String>,
    pub created_at: Millis,
    pub read_at: Option<Millis>,
}

pub async fn insert(c: &impl ConnectionTrait, n: &Notification) -> Result<()> {
    notification::Entity::insert(notification::ActiveModel {
        notification_id: Set(n.id.to_string()),
        account_id: Set(n.account_id.to_string()),
        kind: Set(n.kind.clone()),
        application_id: Set(n.application_id.map(|a| a.to_string())),
        detail: Set(n.detail.clone()),
        created_at: Set(n.created_at),
        read_at: Set(n.read_at),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// How many notifications of an account are unread (the navigation's badge).
pub async fn unread_count(c: &impl ConnectionTrait, account: UserId) -> Result<u64> {
    Ok(notification::Entity::find()
        .filter(unread_of(account))
        .count(c)
        .await?)
}

fn unread_of(account: UserId) -> Condition {
    Condition::all()
        .add(notification::Column::AccountId.eq(account.to_string()))
        .add(notification::Column::ReadAt.is_null())
}

/// The newest notifications of an account, and how many are unread.
pub async fn of_account(
    c: &impl ConnectionTrait,
    account: UserId,
    limit: u64,
) -> Result<(Vec<Notification>, u64)> {
    let mine = notification::Column::AccountId.eq(account.to_string());
    let unread = unread_count(c, account).await?;
    let rows = notification::Entity::find()
        .filter(mine)
        .order_by_desc(notification::Column::CreatedAt)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Notification {
                id: parse_id(&m.notification_id)?,
                account_id: parse_id(&m.account_id)?,
                kind: m.kind,
                application_id: m.application_id.as_deref().map(parse_id).transpose()?,
                detail: m.detail,
                created_at: m.created_at,
                read_at: m.read_at,
            })
        })
        .collect::<Result<_>>()?;
    Ok((rows, unread))
}

/// Marks the account's notifications read (one, or all when `id` is None).
pub async fn mark_read(
    c: &impl ConnectionTrait,
    account: UserId,
    id: Option<uuid::Uuid>,
    at: Millis,
) -> Result<u64> {
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(at))
        .filter(notification::Column::AccountId.eq(account.to_string()))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::NotificationId.eq(id.to_string()));
    }
    Ok(q.exec(c).await?.rows_affected)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: uuid::Uuid,
    pub kind: String,
    pub payload: String,
    pub run_at: Millis,
    pub attempts: i32,
}

/// Enqueues a job inside the caller's transaction, so it exists exactly when the change does.
pub async fn enqueue(
    c: &impl ConnectionTrait,
    id: uuid::Uuid,
    kind: &str,
    payload: &str,
    now: Millis,
) -> Result<()> {
    job::Entity::insert(job::ActiveModel {
        job_id: Set(id.to_string()),
        kind: Set(kind.to_string()),
        payload: Set(payload.to_string()),
        run_at: Set(now),
        attempts: Set(0),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Claims the next due job for `lease_ms`: a conditional UPDATE, so two workers (on two servers)
/// never claim the same job, on SQLite and PostgreSQL alike.
pub async fn claim(c: &impl ConnectionTrait, now: Millis, lease_ms: i64) -> Result<Option<Job>> {
    let free = Condition::any()
        .add(job::Column::LockedUntil.is_null())
        .add(job::Column::LockedUntil.lt(now));
    let candidates = job::Entity::find()
        .filter(job::Column::RunAt.lte(now))
        .filter(free.clone())
        .order_by_asc(job::Column::RunAt)
        .limit(5)
        .all(c)
        .await?;
    for m in candidates {
        let res = job::Entity::update_many()
            .col_expr(job::Column::LockedUntil, Expr::value(now + lease_ms))
            .col_expr(
                job::Column::Attempts,
                Expr::col(job::Column::Attempts).add(1),
            )
            .filter(job::Column::JobId.eq(m.job_id.clone()))
            .filter(free.clone())
            .exec(c)
            .await?;
        if res.rows_affected == 1 {
            return Ok(Some(Job {
                id: parse_id(&m.job_id)?,
                kind: m.kind,
                payload: m.payload,
                run_at: m.run_at,
                attempts: m.attempts + 1,
            }));
        }
    }
    Ok(None)
}

pub async fn complete(c: &impl ConnectionTrait, id: uuid::Uuid) -> Result<()> {
    job::Entity::delete_by_id(id.to_string()).exec(c).await?;
    Ok(())
}

/// Reschedules a failed job; it stays in the table until it succeeds.
pub async fn retry_later(
    c: &impl ConnectionTrait,
    id: uuid::Uuid,
    run_at: Millis,
    error: &str,
) -> Result<()> {
    job::Entity::update_many()
        .col_expr(job::Column::RunAt, Expr::value(run_at))
        .col_expr(job::Column::LockedUntil, Expr::value(Option::<i64>::None))
        .col_expr(
            job::Column::LastError,
            Expr::value(error.chars().take(500).collect::<String>()),
        )
        .filter(job::Column::JobId.eq(id.to_string()))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn pending(c: &impl ConnectionTrait) -> Result<u64> {
    Ok(job::Entity::find().count(c).await?)
}

/// Inserts many notifications (publishing a batch's ratings).
pub async fn insert_many(c: &impl ConnectionTrait, rows: &[Notification]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|n| notification::ActiveModel {
            notification_id: Set(n.id.to_string()),
            account_id: Set(n.account_id.to_string()),
            kind: Set(n.kind.clone()),
            application_id: Set(n.application_id.map(|a| a.to_string())),
            detail: Set(n.detail.clone()),
            created_at: Set(n.created_at),
            read_at: Set(n.read_at),
        });
        notification::Entity::insert_many(models)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

//! Accounts, sessions (web and API) and the failed-sign-in throttle.

use crate::entity::{account, session, throttle};
use crate::{unique_as, Millis, Result, StoreError};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use talentlib_domain::ids::UserId;
use talentlib_domain::paging::Page;
use talentlib_domain::roles::{Role, Roles};

#[derive(Debug, Clone)]
pub struct Account {
    pub id: UserId,
    /// Lower-cased, so addresses are unique whatever their case.
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub roles: Roles,
    pub district_code: Option<String>,
    pub employer: Option<String>,
    pub created_at: Millis,
}

pub(crate) fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad id {s:?}")))
}

fn from_model(m: account::Model) -> Result<Account> {
    Ok(Account {
        id: parse_id(&m.account_id)?,
        email: m.email,
        name: m.name,
        password_hash: m.password_hash,
        roles: Roles::from_csv(&m.roles),
        district_code: m.district_code,
        employer: m.employer,
        created_at: m.created_at,
    })
}

pub async fn insert(c: &impl ConnectionTrait, a: &Account) -> Result<()> {
    account::Entity::insert(account::ActiveModel {
        account_id: Set(a.id.to_string()),
        email: Set(a.email.clone()),
        name: Set(a.name.clone()),
        password_hash: Set(a.password_hash.clone()),
        roles: Set(a.roles.to_csv()),
        district_code: Set(a.district_code.clone()),
        employer: Set(a.employer.clone()),
        created_at: Set(a.created_at),
    })
    .exec_without_returning(c)
    .await
    .map_err(unique_as("email"))?;
    Ok(())
}

pub async fn by_email(c: &impl ConnectionTrait, email: &str) -> Result<Option<Account>> {
    account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(c)
        .await?
        .map(from_model)
        .transpose()
}

pub async fn by_id(c: &impl ConnectionTrait, id: UserId) -> Result<Option<Account>> {
    account::Entity::find_by_id(id.to_string())
        .one(c)
        .await?
        .map(from_model)
        .transpose()
}

/// Accounts matching a text (email or name) and a role, newest first.
pub async fn list(
    c: &impl ConnectionTrait,
    text: Option<&str>,
    role: Option<Role>,
    page: Page,
) -> Result<(Vec<Account>, u64)> {
    let mut cond = Condition::all();
    if let Some(t) = text {
        cond = cond.add(
            Condition::any()
                .add(Expr::col(account::Column::Email).like(contains(t)))
                .add(Expr::col(account::Column::Name).like(contains(t))),
        );
    }
    if let Some(r) = role {
        // Roles are stored as a sorted comma list; match the whole word.
        let r = r.as_str();
        cond = cond.add(
            Condition::any()
                .add(account::Column::Roles.eq(r))
                .add(account::Column::Roles.like(format!("{r},%")))
                .add(account::Column::Roles.like(format!("%,{r}")))
                .add(account::Column::Roles.like(format!("%,{r},%"))),
        );
    }
    let query = account::Entity::find().filter(cond);
    let total = query.clone().count(c).await?;
    let rows = query
        .order_by_desc(account::Column::CreatedAt)
        .order_by_asc(account::Column::AccountId)
        .offset(page.offset())
        .limit(page.per_page)
        .all(c)
        .await?;
    Ok((
        rows.into_iter().map(from_model).collect::<Result<_>>()?,
        total,
    ))
}

/// A LIKE pattern for "contains `s`", where `%` and `_` typed by a user match themselves.
pub(crate) fn contains(s: &str) -> LikeExpr {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

pub async fn update_roles(
    c: &impl ConnectionTrait,
    id: UserId,
    roles: &Roles,
    district_code: Option<String>,
    employer: Option<String>,
) -> Result<()> {
    let res = account::Entity::update_many()
        .col_expr(account::Column::Roles, Expr::value(roles.to_csv()))
        .col_expr(account::Column::DistrictCode, Expr::value(district_code))
        .col_expr(account::Column::Employer, Expr::value(employer))
        .filter(account::Column::AccountId.eq(id.to_string()))
        .exec(c)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the secret token, hex.
    pub token_hash: String,
    pub account_id: UserId,
    pub kind: SessionKind,
    pub csrf_token: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

pub async fn insert_session(c: &impl ConnectionTrait, s: &Session) -> Result<()> {
    session::Entity::insert(session::ActiveModel {
        token_hash: Set(s.token_hash.clone()),
        account_id: Set(s.account_id.to_string()),
        kind: Set(s.kind.as_str().to_string()),
        csrf_token: Set(s.csrf_token.clone()),
        created_at: Set(s.created_at),
        expires_at: Set(s.expires_at),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

#[derive(sea_orm::FromQueryResult)]
struct SessionAccountRow {
    token_hash: String,
    csrf_token: String,
    created_at: i64,
    expires_at: i64,
    account_id: String,
    email: String,
    name: String,
    password_hash: String,
    roles: String,
    district_code: Option<String>,
    employer: Option<String>,
    account_created_at: i64,
}

/// The live session of this kind with its account, in one query (every request does this).
pub async fn session_with_account(
    c: &impl ConnectionTrait,
    token_hash: &str,
    kind: SessionKind,
    now: Millis,
) -> Result<Option<(Session, Account)>> {
    use sea_orm::{JoinType, QuerySelect, RelationDef};
    let join: RelationDef = session::Entity::belongs_to(account::Entity)
        .from(session::Column::AccountId)
        .to(account::Column::AccountId)
        .into();
    let row = session::Entity::find_by_id(token_hash.to_string())
        .filter(session::Column::Kind.eq(kind.as_str()))
        .filter(session::Column::ExpiresAt.gt(now))
        .select_only()
        .columns([
            session::Column::TokenHash,
            session::Column::CsrfToken,
            session::Column::CreatedAt,
            session::Column::ExpiresAt,
        ])
        .column_as(
            Expr::col((account::Entity, account::Column::AccountId)),
            "account_id",
        )
        .column_as(
            Expr::col((account::Entity, account::Column::Email)),
            "email",
        )
        .column_as(Expr::col((account::Entity, account::Column::Name)), "name")
        .column_as(
            Expr::col((account::Entity, account::Column::PasswordHash)),
            "password_hash",
        )
        .column_as(
            Expr::col((account::Entity, account::Column::Roles)),
            "roles",
        )
        .column_as(
            Expr::col((account::Entity, account::Column::DistrictCode)),
            "district_code",
        )
        .column_as(
            Expr::col((account::Entity, account::Column::Employer)),
            "employer",
        )
        .column_as(
            Expr::col((account::Entity, account::Column::CreatedAt)),
            "account_created_at",
        )
        .join(JoinType::InnerJoin, join)
        .into_model::<SessionAccountRow>()
        .one(c)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let account = Account {
        id: parse_id(&r.account_id)?,
        email: r.email,
        name: r.name,
        password_hash: r.password_hash,
        roles: Roles::from_csv(&r.roles),
        district_code: r.district_code,
        employer: r.employer,
        created_at: r.account_created_at,
    };
    let session = Session {
        token_hash: r.token_hash,
        account_id: account.id,
        kind,
        csrf_token: r.csrf_token,
        created_at: r.created_at,
        expires_at: r.expires_at,
    };
    Ok(Some((session, account)))
}

pub async fn delete_session(c: &impl ConnectionTrait, token_hash: &str) -> Result<()> {
    session::Entity::delete_by_id(token_hash.to_string())
        .exec(c)
        .await?;
    Ok(())
}

pub async fn delete_expired_sessions(c: &impl ConnectionTrait, now: Millis) -> Result<u64> {
    let res = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(c)
        .await?;
    Ok(res.rows_affected)
}

/// Failures counted under `key` in the window that started at or after `since`.
pub async fn failures_since(c: &impl ConnectionTrait, key: &str, since: Millis) -> Result<i32> {
    let row = throttle::Entity::find_by_id(key.to_string())
        .filter(throttle::Column::WindowStart.gte(since))
        .one(c)
        .await?;
    Ok(row.map_or(0, |r| r.failures))
}

/// Counts one attempt under `key` in one atomic statement and returns the count in the window:
/// a window older than `since` restarts at `now`. Concurrent attempts each see their own count,
/// so parallel guesses cannot all slip under the limit.
pub async fn bump(c: &impl ConnectionTrait, key: &str, now: Millis, since: Millis) -> Result<i32> {
    use sea_orm::sea_query::CaseStatement;
    let in_window = Expr::col((throttle::Entity, throttle::Column::WindowStart)).gte(since);
    let failures = CaseStatement::new()
        .case(
            in_window.clone(),
            Expr::col((throttle::Entity, throttle::Column::Failures)).add(1),
        )
        .finally(Expr::val(1));
    let window = CaseStatement::new()
        .case(
            in_window,
            Expr::col((throttle::Entity, throttle::Column::WindowStart)),
        )
        .finally(Expr::val(now));
    throttle::Entity::insert(throttle::ActiveModel {
        throttle_key: Set(key.to_string()),
        window_start: Set(now),
        failures: Set(1),
    })
    .on_conflict(
        OnConflict::column(throttle::Column::ThrottleKey)
            .value(throttle::Column::Failures, failures)
            .value(throttle::Column::WindowStart, window)
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    failures_since(c, key, since).await
}

/// Gives back one attempt (a sign-in that succeeded was not a failure).
pub async fn unbump(c: &impl ConnectionTrait, key: &str) -> Result<()> {
    throttle::Entity::update_many()
        .col_expr(
            throttle::Column::Failures,
            Expr::col(throttle::Column::Failures).sub(1),
        )
        .filter(throttle::Column::ThrottleKey.eq(key))
        .filter(throttle::Column::Failures.gt(0))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn clear_failures(c: &impl ConnectionTrait, key: &str) -> Result<()> {
    throttle::Entity::delete_by_id(key.to_string())
        .exec(c)
        .await?;
    Ok(())
}

/// Whether any account holds the role (used to tell the operator how to create the first admin).
pub async fn any_with_role(c: &impl ConnectionTrait, role: Role) -> Result<bool> {
    let (_, total) = list(
        c,
        None,
        Some(role),
        Page {
            page: 1,
            per_page: 1,
        },
    )
    .await?;
    Ok(total > 0)
}

/// Every account holding the role (experts for assignment: a few hundred at most).
pub async fn with_role(c: &impl ConnectionTrait, role: Role) -> Result<Vec<Account>> {
    let (rows, _) = list(
        c,
        None,
        Some(role),
        Page {
            page: 1,
            per_page: u64::MAX / 2,
        },
    )
    .await?;
    Ok(rows)
}

/// Inserts many accounts in few statements (seeding).
pub async fn insert_many(c: &impl ConnectionTrait, rows: &[Account]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|a| account::ActiveModel {
            account_id: Set(a.id.to_string()),
            email: Set(a.email.clone()),
            name: Set(a.name.clone()),
            password_hash: Set(a.password_hash.clone()),
            roles: Set(a.roles.to_csv()),
            district_code: Set(a.district_code.clone()),
            employer: Set(a.employer.clone()),
            created_at: Set(a.created_at),
        });
        account::Entity::insert_many(models)
            .exec_without_returning(c)
            .await
            .map_err(unique_as("email"))?;
    }
    Ok(())
}

/// Emails of the given accounts, in chunks (notifying a whole batch).
pub async fn emails_of(c: &impl ConnectionTrait, ids: &[UserId]) -> Result<Vec<(UserId, String)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let keys: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let rows = account::Entity::find()
            .filter(account::Column::AccountId.is_in(keys))
            .all(c)
            .await?;
        for r in rows {
            out.push((parse_id(&r.account_id)?, r.email));
        }
    }
    Ok(out)
}

//! Registering, signing in and out, and managing staff accounts.

use super::{audit, Actor};
use crate::auth::{self, hash_password, verify_password, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::state::{new_uuid, now_millis, AppState};
use talentlib_domain::accounts::{
    check_password, check_staff, parse_email, parse_employer, parse_name,
};
use talentlib_domain::ids::UserId;
use talentlib_domain::paging::Page;
use talentlib_domain::roles::{Role, Roles};
use talentlib_domain::{FieldError, Problem};
use talentlib_store::accounts::{self, Account, Session, SessionKind};

pub struct Registration {
    pub email: String,
    pub password: String,
    pub name: String,
}

pub struct NewStaff {
    pub email: String,
    pub password: String,
    pub name: String,
    pub roles: Vec<String>,
    pub district_code: Option<String>,
    pub employer: Option<String>,
}

/// Checks email, password and name together, so every problem shows at once.
fn check_identity(
    email: &str,
    password: &str,
    name: &str,
) -> Result<(String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let email = parse_email(email)
        .map_err(|p| errors.push(FieldError::new("email", p)))
        .ok();
    if let Err(p) = check_password(password) {
        errors.push(FieldError::new("password", p));
    }
    let name = parse_name(name)
        .map_err(|p| errors.push(FieldError::new("name", p)))
        .ok();
    match (email, name) {
        (Some(e), Some(n)) if errors.is_empty() => Ok((e, n)),
        _ => Err(errors),
    }
}

fn new_account(
    email: String,
    name: String,
    roles: Roles,
    district_code: Option<String>,
    employer: Option<String>,
) -> Account {
    Account {
        id: UserId::from_uuid(new_uuid()),
        email,
        name,
        password_hash: String::new(),
        roles,
        district_code,
        employer,
        created_at: now_millis(),
    }
}

/// Stores a checked account (its password hashed here), audited in the same transaction.
async fn insert_account(
    st: &AppState,
    mut account: Account,
    password: String,
    by: Option<&Actor>,
    ip: &str,
) -> AppResult<Account> {
    account.password_hash = hash_password(password).await?;
    let tx = st.store.write().await?;
    accounts::insert(&*tx, &account).await?;
    let detail = Some(format!("roles={}", account.roles.to_csv()));
    let actor_id = by
        .map(|a| a.user.id.to_string())
        .or(Some(account.id.to_string()));
    audit::record(
        &*tx,
        actor_id,
        Some(ip),
        "account.create",
        "account",
        Some(account.id.to_string()),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(account)
}

/// Every problem of a registration, without registering (for a form that adds its own checks).
pub fn registration_problems(r: &Registration) -> Vec<FieldError> {
    check_identity(&r.email, &r.password, &r.name)
        .err()
        .unwrap_or_default()
}

/// A designer registers themself (API.md `POST /auth/register`).
pub async fn register(st: &AppState, r: Registration, ip: &str) -> AppResult<Account> {
    let (email, name) =
        check_identity(&r.email, &r.password, &r.name).map_err(AppError::Invalid)?;
    let account = new_account(email, name, Roles::new(vec![Role::Designer]), None, None);
    insert_account(st, account, r.password, None, ip).await
}

/// An admin creates a staff account (also used by `talentlib user create`, with no actor).
pub async fn create_staff(
    st: &AppState,
    by: Option<&Actor>,
    s: NewStaff,
    ip: &str,
) -> AppResult<Account> {
    if let Some(actor) = by {
        if !actor.user.has(Role::Admin) {
            return Err(AppError::Forbidden);
        }
    }
    let mut errors = Vec::new();
    let identity = check_identity(&s.email, &s.password, &s.name)
        .map_err(|e| errors.extend(e))
        .ok();
    let district = s
        .district_code
        .filter(|d| !d.trim().is_empty())
        .map(|d| d.trim().to_string());
    let roles = check_staff(&s.roles, district.as_deref())
        .map_err(|e| errors.extend(e))
        .ok();
    let employer = parse_employer(s.employer.as_deref())
        .map_err(|p| errors.push(FieldError::new("employer", p)))
        .unwrap_or_default();
    let (Some((email, name)), Some(roles), true) = (identity, roles, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let account = new_account(email, name, roles, district, employer);
    insert_account(st, account, s.password, by, ip).await
}

/// Exchanges credentials for a session (web) or token (API). Failures are counted per account
/// and per address; past either limit the answer is 429 until the window passes, even for the
/// right password, so guessing cannot continue.
pub async fn sign_in(
    st: &AppState,
    email: &str,
    password: &str,
    ip: &str,
    kind: SessionKind,
) -> AppResult<(String, Session, Account)> {
    // No stored address holds a control character (registration refuses them), so replacing
    // them changes no match and keeps bytes PostgreSQL text cannot hold out of the queries.
    let email: String = email
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    let t = &st.config.throttle;
    let now = now_millis();
    let since = now - i64::from(t.window_minutes) * 60_000;
    let account_key = format!("account:{email}");
    let address_key = format!("address:{ip}");
    // Each attempt takes its slot before the password is checked (atomically), so parallel
    // guesses cannot all pass the limit; a success gives the slots back.
    let tx = st.store.write().await?;
    let by_account = accounts::bump(&*tx, &account_key, now, since).await?;
    let by_address = accounts::bump(&*tx, &address_key, now, since).await?;
    tx.commit().await?;
    if by_account > t.account_failures as i32 || by_address > t.address_failures as i32 {
        return Err(AppError::TooManyRequests);
    }
    let account = accounts::by_email(st.store.db(), &email).await?;
    let ok = verify_password(
        password.to_string(),
        account.as_ref().map(|a| a.password_hash.clone()),
    )
    .await?;
    let tx = st.store.write().await?;
    let Some(account) = account.filter(|_| ok) else {
        // The email is not logged: it may be a password typed in the wrong box.
        audit::record(
            &*tx,
            None,
            Some(ip),
            "auth.sign_in_failed",
            "account",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::BadCredentials);
    };
    accounts::clear_failures(&*tx, &account_key).await?;
    accounts::unbump(&*tx, &address_key).await?;
    let token = auth::new_secret();
    let hours = match kind {
        SessionKind::Web => st.config.session_hours,
        SessionKind::Api => st.config.api_token_hours,
    };
    let session = Session {
        token_hash: auth::hash_token(&token),
        account_id: account.id,
        kind,
        csrf_token: auth::new_secret(),
        created_at: now,
        expires_at: now + i64::from(hours) * 3_600_000,
    };
    accounts::insert_session(&*tx, &session).await?;
    audit::record(
        &*tx,
        Some(account.id.to_string()),
        Some(ip),
        "auth.sign_in",
        "account",
        Some(account.id.to_string()),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok((token, session, account))
}

pub async fn sign_out(st: &AppState, actor: &Actor) -> AppResult<()> {
    let tx = st.store.write().await?;
    if let auth::AuthVia::Cookie { token_hash, .. } = &actor.user.via {
        accounts::delete_session(&*tx, token_hash).await?;
        st.sessions.forget(&crate::session_cache::key(
            SessionKind::Web.as_str(),
            token_hash,
        ));
    }
    audit::by(&*tx, actor, "auth.sign_out", "account", actor.user.id, None).await?;
    tx.commit().await?;
    Ok(())
}

fn require_admin(user: &CurrentUser) -> AppResult<()> {
    user.require_any(&[Role::Admin])
}

pub async fn list_users(
    st: &AppState,
    actor: &Actor,
    text: Option<&str>,
    role: Option<Role>,
    page: Page,
) -> AppResult<(Vec<Account>, u64)> {
    require_admin(&actor.user)?;
    Ok(accounts::list(st.store.db(), text, role, page).await?)
}

/// An admin changes someone's roles, district and employer.
pub async fn set_roles(
    st: &AppState,
    actor: &Actor,
    id: UserId,
    roles: &[String],
    district_code: Option<String>,
    employer: Option<String>,
) -> AppResult<()> {
    require_admin(&actor.user)?;
    let district = district_code
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty());
    let mut errors = Vec::new();
    let roles = check_staff(roles, district.as_deref())
        .map_err(|e| errors.extend(e))
        .ok();
    let employer = parse_employer(employer.as_deref())
        .map_err(|p| errors.push(FieldError::new("employer", p)))
        .unwrap_or_default();
    let (Some(roles), true) = (roles, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    if id == actor.user.id && !roles.has(Role::Admin) {
        // Keeps at least the acting admin: nobody locks the last door from inside.
        return Err(AppError::invalid("roles", Problem::Required));
    }
    let tx = st.store.write().await?;
    accounts::update_roles(&*tx, id, &roles, district, employer).await?;
    // Their sessions must not keep the old roles, even for the memo's few seconds.
    st.sessions.forget_account(id);
    audit::by(
        &*tx,
        actor,
        "account.set_roles",
        "account",
        id,
        Some(format!("roles={}", roles.to_csv())),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

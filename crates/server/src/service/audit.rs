//! Writing to and reading the audit log.

use super::Actor;
use crate::error::{AppError, AppResult};
use crate::state::{now_millis, AppState};
use talentlib_domain::paging::Page;
use talentlib_domain::roles::Role;
use talentlib_store::audit::{self, AuditEntry, AuditFilter};
use talentlib_store::sea_orm::ConnectionTrait;

/// Appends one entry, inside the caller's transaction so the change and its record commit together.
pub async fn record(
    c: &impl ConnectionTrait,
    actor_id: Option<String>,
    ip: Option<&str>,
    action: &str,
    target_type: &str,
    target_id: Option<String>,
    detail: Option<String>,
) -> AppResult<()> {
    audit::insert(
        c,
        &AuditEntry {
            at: now_millis(),
            actor_id,
            actor_ip: ip.map(str::to_string),
            action: action.to_string(),
            target_type: target_type.to_string(),
            target_id,
            detail,
        },
    )
    .await?;
    Ok(())
}

/// Shorthand for an actor's entry.
pub async fn by(
    c: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target_type: &str,
    target_id: impl ToString,
    detail: Option<String>,
) -> AppResult<()> {
    record(
        c,
        Some(actor.user.id.to_string()),
        Some(&actor.ip),
        action,
        target_type,
        Some(target_id.to_string()),
        detail,
    )
    .await
}

/// Admins browse the log, newest first.
pub async fn list(
    st: &AppState,
    actor: &Actor,
    filter: &AuditFilter,
    page: Page,
) -> AppResult<(Vec<AuditEntry>, u64)> {
    if !actor.user.has(Role::Admin) {
        return Err(AppError::Forbidden);
    }
    let filter = by_email(st, filter).await?;
    Ok(audit::list(st.store.db(), &filter, page).await?)
}

/// The log names actors by account id; an admin may type the email they know instead. An email
/// of no account matches nothing (rather than being ignored).
async fn by_email(st: &AppState, filter: &AuditFilter) -> AppResult<AuditFilter> {
    let mut filter = filter.clone();
    if let Some(email) = filter.actor_id.as_deref().filter(|a| a.contains('@')) {
        let found =
            talentlib_store::accounts::by_email(st.store.db(), &email.trim().to_lowercase())
                .await?;
        filter.actor_id = Some(found.map_or_else(|| "-".to_string(), |a| a.id.to_string()));
    }
    Ok(filter)
}

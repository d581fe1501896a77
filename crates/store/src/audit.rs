//! The append-only audit log: every state change and every view of another person's identity
//! data (who, when, what, from where). This module only inserts and reads.

use crate::entity::audit_log;
use crate::{Millis, Result};
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use talentlib_domain::paging::Page;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: Millis,
    pub actor_id: Option<String>,
    pub actor_ip: Option<String>,
    /// What happened, e.g. `application.submit`, `identity.view`.
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    /// Extra facts as text (never identity data).
    pub detail: Option<String>,
}

pub async fn insert(c: &impl ConnectionTrait, e: &AuditEntry) -> Result<()> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        seq: NotSet,
        at: Set(e.at),
        actor_id: Set(e.actor_id.clone()),
        actor_ip: Set(e.actor_ip.clone()),
        action: Set(e.action.clone()),
        target_type: Set(e.target_type.clone()),
        target_id: Set(e.target_id.clone()),
        detail: Set(e.detail.clone()),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub action_prefix: Option<String>,
    pub target_id: Option<String>,
    pub from: Option<Millis>,
    pub to: Option<Millis>,
}

/// Newest first.
pub async fn list(
    c: &impl ConnectionTrait,
    f: &AuditFilter,
    page: Page,
) -> Result<(Vec<AuditEntry>, u64)> {
    let mut cond = Condition::all();
    if let Some(a) = &f.actor_id {
        cond = cond.add(audit_log::Column::ActorId.eq(a.clone()));
    }
    if let Some(a) = &f.action_prefix {
        cond = cond.add(audit_log::Column::Action.starts_with(a.clone()));
    }
    if let Some(t) = &f.target_id {
        cond = cond.add(audit_log::Column::TargetId.eq(t.clone()));
    }
    if let Some(from) = f.from {
        cond = cond.add(audit_log::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        cond = cond.add(audit_log::Column::At.lt(to));
    }
    let query = audit_log::Entity::find().filter(cond);
    let total = query.clone().count(c).await?;
    let rows = query
        .order_by_desc(audit_log::Column::Seq)
        .offset(page.offset())
        .limit(page.per_page)
        .all(c)
        .await?;
    let entries = rows
        .into_iter()
        .map(|m| AuditEntry {
            at: m.at,
            actor_id: m.actor_id,
            actor_ip: m.actor_ip,
            action: m.action,
            target_type: m.target_type,
            target_id: m.target_id,
            detail: m.detail,
        })
        .collect();
    Ok((entries, total))
}

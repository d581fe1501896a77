//! Reading and dismissing one's own in-app notifications.

use super::Actor;
use crate::error::AppResult;
use crate::state::{now_millis, AppState};
use talentlib_store::notifications::{self, Notification};

/// The newest `limit` notifications of the actor and how many are unread.
pub async fn mine(st: &AppState, actor: &Actor, limit: u64) -> AppResult<(Vec<Notification>, u64)> {
    Ok(notifications::of_account(st.store.db(), actor.user.id, limit).await?)
}

/// Marks one (or, with None, every) notification of the actor read.
pub async fn mark_read(st: &AppState, actor: &Actor, id: Option<uuid::Uuid>) -> AppResult<u64> {
    let tx = st.store.write().await?;
    let n = notifications::mark_read(&*tx, actor.user.id, id, now_millis()).await?;
    tx.commit().await?;
    Ok(n)
}

/// How many of the user's notifications are unread, for the navigation.
pub async fn unread_count(st: &AppState, user: talentlib_domain::ids::UserId) -> AppResult<u64> {
    Ok(notifications::unread_count(st.store.db(), user).await?)
}

//! Conflicts of interest in a batch: someone with a submitted application of their own in it is
//! a party to it (`Viewer::party_to_batch`) and takes no part in deciding on, assigning, scoring
//! or publishing its applications, whatever staff roles they hold.

use super::Actor;
use crate::error::{AppError, AppResult};
use talentlib_domain::ids::BatchId;
use talentlib_domain::permissions::Viewer;
use talentlib_store::applications;
use talentlib_store::sea_orm::ConnectionTrait;

/// Whether the actor has a submitted application of their own in the batch.
pub async fn is_party(c: &impl ConnectionTrait, actor: &Actor, batch: BatchId) -> AppResult<bool> {
    let own = applications::of_designer(c, actor.user.id).await?;
    let statuses = own.iter().filter(|a| a.batch_id == batch).map(|a| a.status);
    Ok(Viewer::party_to_batch(statuses))
}

/// 403, saying why, for a party to the batch.
pub async fn require_impartial(
    c: &impl ConnectionTrait,
    actor: &Actor,
    batch: BatchId,
) -> AppResult<()> {
    if is_party(c, actor, batch).await? {
        return Err(AppError::PartyToBatch);
    }
    Ok(())
}

//! The commission's document review: accept, reject, or return for supplement (with a comment
//! the designer sees), marking each evidence item verified or not.

use super::applications::{facts, load_visible, stored_form, ApplicationView};
use super::{audit, Actor};
use crate::error::{AppError, AppResult};
use crate::state::{new_uuid, now_millis, AppState};
use talentlib_domain::ids::ApplicationId;
use talentlib_domain::review::{check_review, Decision, ItemCheck};
use talentlib_domain::roles::Role;
use talentlib_store::applications::{self, Event};
use talentlib_store::reviews;

pub struct ReviewInput {
    pub decision: Decision,
    pub comment: Option<String>,
    pub items: Vec<ItemCheck>,
}

pub async fn decide(
    st: &AppState,
    actor: &Actor,
    id: ApplicationId,
    input: ReviewInput,
) -> AppResult<ApplicationView> {
    actor.user.require_any(&[Role::Reviewer, Role::Admin])?;
    let comment = input
        .comment
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let tx = st.store.write().await?;
    let mut row = load_visible(&*tx, actor, id).await?;
    // Seen (a reviewer sees every submitted application) but not theirs to decide.
    if !actor.user.viewer().can_decide(&facts(&row)) {
        return Err(AppError::Forbidden);
    }
    // Nor on a competitor's: someone with an application in the batch decides on none of it.
    super::impartiality::require_impartial(&*tx, actor, row.batch_id).await?;
    let status = input.decision.apply(row.status)?;
    let form = stored_form(st, &row)?;
    check_review(
        input.decision,
        comment.as_deref(),
        &input.items,
        &form.item_ids(),
    )
    .map_err(AppError::Invalid)?;
    let now = now_millis();
    reviews::upsert(&*tx, id, &input.items, actor.user.id, now).await?;
    row.status = status;
    row.review_comment = comment.clone();
    row.updated_at = applications::next_version(row.updated_at, now);
    applications::update(&*tx, &row).await?;
    let event = Event {
        application_id: id,
        at: now,
        actor_id: actor.user.id,
        status,
        comment,
        batch_id: Some(row.batch_id),
    };
    applications::insert_event(&*tx, new_uuid(), &event).await?;
    let detail = format!(
        "decision={} items={}",
        input.decision.as_str(),
        input.items.len()
    );
    audit::by(
        &*tx,
        actor,
        "application.review",
        "application",
        id,
        Some(detail),
    )
    .await?;
    if let Some(designer) = talentlib_store::accounts::by_id(&*tx, row.designer_id).await? {
        let kind = format!("decision.{}", input.decision.as_str());
        let comment = row.review_comment.clone();
        super::notify::notify(
            st,
            &*tx,
            designer.id,
            &designer.email,
            &kind,
            Some(id),
            comment,
        )
        .await?;
    }
    tx.commit().await?;
    super::applications::get(st, actor, id).await
}

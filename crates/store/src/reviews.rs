//! The reviewer's per-item verification of evidence.

use crate::accounts::parse_id;
use crate::entity::review_item;
use crate::{Millis, Result};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use talentlib_domain::ids::{ApplicationId, UserId};
use talentlib_domain::review::ItemCheck;

/// Records (or updates) the verification of each item.
pub async fn upsert(
    c: &impl ConnectionTrait,
    app: ApplicationId,
    checks: &[ItemCheck],
    by: UserId,
    at: Millis,
) -> Result<()> {
    for check in checks {
        review_item::Entity::insert(review_item::ActiveModel {
            application_id: Set(app.to_string()),
            item_id: Set(check.item_id.to_string()),
            verified: Set(check.verified),
            note: Set(check.note.clone()),
            reviewed_by: Set(by.to_string()),
            reviewed_at: Set(at),
        })
        .on_conflict(
            OnConflict::columns([
                review_item::Column::ApplicationId,
                review_item::Column::ItemId,
            ])
            .update_columns([
                review_item::Column::Verified,
                review_item::Column::Note,
                review_item::Column::ReviewedBy,
                review_item::Column::ReviewedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

/// The verification of every reviewed item of an application.
pub async fn of_application(
    c: &impl ConnectionTrait,
    app: ApplicationId,
) -> Result<Vec<ItemCheck>> {
    review_item::Entity::find()
        .filter(review_item::Column::ApplicationId.eq(app.to_string()))
        .all(c)
        .await?
        .into_iter()
        .map(|m| {
            Ok(ItemCheck {
                item_id: parse_id(&m.item_id)?,
                verified: m.verified,
                note: m.note,
            })
        })
        .collect()
}

/// Inserts many verifications of fresh applications (seeding).
pub async fn insert_many(
    c: &impl ConnectionTrait,
    rows: &[(ApplicationId, ItemCheck)],
    by: UserId,
    at: Millis,
) -> Result<()> {
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|(app, check)| review_item::ActiveModel {
            application_id: Set(app.to_string()),
            item_id: Set(check.item_id.to_string()),
            verified: Set(check.verified),
            note: Set(check.note.clone()),
            reviewed_by: Set(by.to_string()),
            reviewed_at: Set(at),
        });
        review_item::Entity::insert_many(models)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

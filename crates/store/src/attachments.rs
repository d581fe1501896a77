//! Evidence files' records. The bytes live in the file store (see the server's `files` module);
//! this table knows which application and item each file belongs to.

use crate::accounts::parse_id;
use crate::entity::attachment;
use crate::{Millis, Result};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use talentlib_domain::ids::{ApplicationId, AttachmentId, ItemId, UserId};

#[derive(Debug, Clone)]
pub struct AttachmentRow {
    pub id: AttachmentId,
    pub application_id: ApplicationId,
    /// The form item this file supports; None once that item was removed from the form.
    pub item_id: Option<ItemId>,
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub storage_key: String,
    pub uploaded_by: UserId,
    pub created_at: Millis,
}

fn from_model(m: attachment::Model) -> Result<AttachmentRow> {
    Ok(AttachmentRow {
        id: parse_id(&m.attachment_id)?,
        application_id: parse_id(&m.application_id)?,
        item_id: m.item_id.as_deref().map(parse_id).transpose()?,
        filename: m.filename,
        size: m.size,
        sha256: m.sha256,
        content_type: m.content_type,
        storage_key: m.storage_key,
        uploaded_by: parse_id(&m.uploaded_by)?,
        created_at: m.created_at,
    })
}

pub async fn insert(c: &impl ConnectionTrait, a: &AttachmentRow) -> Result<()> {
    attachment::Entity::insert(attachment::ActiveModel {
        attachment_id: Set(a.id.to_string()),
        application_id: Set(a.application_id.to_string()),
        item_id: Set(a.item_id.map(|i| i.to_string())),
        filename: Set(a.filename.clone()),
        size: Set(a.size),
        sha256: Set(a.sha256.clone()),
        content_type: Set(a.content_type.clone()),
        storage_key: Set(a.storage_key.clone()),
        uploaded_by: Set(a.uploaded_by.to_string()),
        created_at: Set(a.created_at),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

pub async fn get(c: &impl ConnectionTrait, id: AttachmentId) -> Result<Option<AttachmentRow>> {
    attachment::Entity::find_by_id(id.to_string())
        .one(c)
        .await?
        .map(from_model)
        .transpose()
}

/// All files of an application, oldest first.
pub async fn of_application(
    c: &impl ConnectionTrait,
    id: ApplicationId,
) -> Result<Vec<AttachmentRow>> {
    attachment::Entity::find()
        .filter(attachment::Column::ApplicationId.eq(id.to_string()))
        .order_by_asc(attachment::Column::CreatedAt)
        .order_by_asc(attachment::Column::AttachmentId)
        .all(c)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// Unlinks files whose item is no longer in the form (API.md: items left out are deleted with
/// their attachments' links). The files stay, unlinked, so nothing uploaded is lost silently.
pub async fn unlink_missing_items(
    c: &impl ConnectionTrait,
    app: ApplicationId,
    keep: &[ItemId],
) -> Result<u64> {
    let keep: Vec<String> = keep.iter().map(ToString::to_string).collect();
    let res = attachment::Entity::update_many()
        .col_expr(
            attachment::Column::ItemId,
            Expr::value(Option::<String>::None),
        )
        .filter(attachment::Column::ApplicationId.eq(app.to_string()))
        .filter(attachment::Column::ItemId.is_not_null())
        .filter(attachment::Column::ItemId.is_not_in(keep))
        .exec(c)
        .await?;
    Ok(res.rows_affected)
}

pub async fn delete(c: &impl ConnectionTrait, id: AttachmentId) -> Result<()> {
    attachment::Entity::delete_by_id(id.to_string())
        .exec(c)
        .await?;
    Ok(())
}

/// Inserts many attachment records (seeding).
pub async fn insert_many(c: &impl ConnectionTrait, rows: &[AttachmentRow]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|a| attachment::ActiveModel {
            attachment_id: Set(a.id.to_string()),
            application_id: Set(a.application_id.to_string()),
            item_id: Set(a.item_id.map(|i| i.to_string())),
            filename: Set(a.filename.clone()),
            size: Set(a.size),
            sha256: Set(a.sha256.clone()),
            content_type: Set(a.content_type.clone()),
            storage_key: Set(a.storage_key.clone()),
            uploaded_by: Set(a.uploaded_by.to_string()),
            created_at: Set(a.created_at),
        });
        attachment::Entity::insert_many(models)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

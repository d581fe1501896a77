//! Evidence files: upload (streamed by the handler into a staged file first), open, delete.

use super::applications::{facts, load_visible};
use super::{audit, Actor};
use crate::error::{AppError, AppResult};
use crate::files::StagedUpload;
use crate::state::{new_uuid, now_millis, AppState};
use talentlib_domain::ids::{ApplicationId, AttachmentId, ItemId};
use talentlib_domain::{Problem, RuleError};
use talentlib_store::applications::{self, ApplicationRow};
use talentlib_store::attachments::{self, AttachmentRow};

/// Checks, before any byte is read, that the actor may add files to this application.
pub async fn authorize_upload(
    st: &AppState,
    actor: &Actor,
    id: ApplicationId,
) -> AppResult<ApplicationRow> {
    let row = load_visible(st.store.db(), actor, id).await?;
    if !actor.user.viewer().is_owner(&facts(&row)) {
        return Err(AppError::NotFound);
    }
    if !row.status.is_editable() {
        return Err(AppError::Rule(RuleError::NotEditable));
    }
    Ok(row)
}

/// The base name of a client's filename: no directories, no control characters, at most 200
/// characters. It is only ever metadata, never a path on the server.
pub fn clean_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "file".to_string()
    } else {
        cleaned
    }
}

/// Keeps a staged upload as evidence for `item_id` (or unattached when None).
pub async fn save_upload(
    st: &AppState,
    actor: &Actor,
    id: ApplicationId,
    item_id: Option<ItemId>,
    filename: &str,
    staged: StagedUpload,
) -> AppResult<AttachmentRow> {
    let Some(kind) = staged.kind else {
        return Err(AppError::UnsupportedType);
    };
    let tx = st.store.write().await?;
    // Re-checked inside the transaction: the status may have changed while the file arrived.
    let row = applications::get(&*tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.designer_id != actor.user.id {
        return Err(AppError::NotFound);
    }
    if !row.status.is_editable() {
        return Err(AppError::Rule(RuleError::NotEditable));
    }
    if let Some(item) = item_id {
        let value: serde_json::Value =
            serde_json::from_str(&row.form_json).map_err(AppError::internal)?;
        let form = talentlib_domain::form::parse_form(&value)
            .map_err(|e| AppError::internal(anyhow::anyhow!("stored form unreadable: {e:?}")))?;
        if !form.item_ids().contains(&item) {
            return Err(AppError::invalid("item_id", Problem::UnknownItem));
        }
    }
    let attachment = AttachmentRow {
        id: AttachmentId::from_uuid(new_uuid()),
        application_id: id,
        item_id,
        filename: clean_filename(filename),
        size: i64::try_from(staged.size).unwrap_or(i64::MAX),
        sha256: staged.sha256.clone(),
        content_type: kind.content_type().to_string(),
        storage_key: new_uuid().simple().to_string(),
        uploaded_by: actor.user.id,
        created_at: now_millis(),
    };
    st.files
        .put(&attachment.storage_key, &staged)
        .await
        .map_err(AppError::internal)?;
    let written = async {
        attachments::insert(&*tx, &attachment).await?;
        let version = applications::next_version(row.updated_at, attachment.created_at);
        applications::touch(&*tx, id, version).await?;
        audit::by(
            &*tx,
            actor,
            "attachment.upload",
            "application",
            id,
            Some(format!("attachment={}", attachment.id)),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(e) = written {
        // No record, no file: a failed upload leaves nothing half-written behind.
        let _ = st.files.delete(&attachment.storage_key).await;
        return Err(e);
    }
    Ok(attachment)
}

/// Opens a file for someone allowed to see this application's evidence; 404 for everyone else.
pub async fn open(
    st: &AppState,
    actor: &Actor,
    id: AttachmentId,
) -> AppResult<(AttachmentRow, Vec<u8>)> {
    let db = st.store.db();
    let attachment = attachments::get(db, id).await?.ok_or(AppError::NotFound)?;
    let row = applications::get(db, attachment.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !actor
        .user
        .viewer()
        .can_open_evidence(&super::applications::viewer_facts(db, actor, &row).await?)
    {
        return Err(AppError::NotFound);
    }
    let bytes = st
        .files
        .get(&attachment.storage_key)
        .await
        .map_err(AppError::internal)?;
    if row.designer_id != actor.user.id {
        let tx = st.store.write().await?;
        audit::by(
            &*tx,
            actor,
            "attachment.view",
            "application",
            row.id,
            Some(format!("attachment={id}")),
        )
        .await?;
        tx.commit().await?;
    }
    Ok((attachment, bytes))
}

/// The owner removes a file while the application is editable.
pub async fn delete(st: &AppState, actor: &Actor, id: AttachmentId) -> AppResult<()> {
    let tx = st.store.write().await?;
    let attachment = attachments::get(&*tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let row = applications::get(&*tx, attachment.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.designer_id != actor.user.id {
        return Err(AppError::NotFound);
    }
    if !row.status.is_editable() {
        return Err(AppError::Rule(RuleError::NotEditable));
    }
    attachments::delete(&*tx, id).await?;
    applications::touch(
        &*tx,
        row.id,
        applications::next_version(row.updated_at, now_millis()),
    )
    .await?;
    audit::by(
        &*tx,
        actor,
        "attachment.delete",
        "application",
        row.id,
        Some(format!("attachment={id}")),
    )
    .await?;
    tx.commit().await?;
    // The bytes go after the record is gone; a leftover file is harmless, a dangling record is not.
    if let Err(e) = st.files.delete(&attachment.storage_key).await {
        tracing::warn!(error = %e, "could not remove a deleted attachment's file");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::clean_filename;

    #[test]
    fn filenames_lose_their_directories_and_tricks() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\Users\\李\\证书.pdf"), "证书.pdf");
        assert_eq!(clean_filename("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(clean_filename("a\u{0}b\nc.png"), "abc.png");
        assert_eq!(clean_filename(".."), "file");
        assert_eq!(clean_filename(""), "file");
        assert_eq!(clean_filename(&"长".repeat(300)).chars().count(), 200);
    }
}

//! The designer's application: create, read, save the form, submit; and the scoped lists that
//! district officers and reviewers work from.

use super::{audit, Actor};
use crate::error::{AppError, AppResult};
use crate::state::{new_uuid, now_millis, today_in_chongqing, AppState};
use std::collections::HashSet;
use talentlib_domain::application::{Stage, Status};
use talentlib_domain::batch::{submission_batch, BatchStatus, SubmitInto};
use talentlib_domain::eligibility::check_submission;
use talentlib_domain::form::{parse_form, ApplicationForm};
use talentlib_domain::identity::{mask_id_number, mask_phone};
use talentlib_domain::ids::{ApplicationId, ItemId, UserId};
use talentlib_domain::paging::Page;
use talentlib_domain::permissions::ApplicationFacts;
use talentlib_domain::roles::Role;
use talentlib_domain::RuleError;
use talentlib_store::applications::{self, ApplicationLine, ApplicationRow, Event, ListFilter};
use talentlib_store::attachments::{self, AttachmentRow};
use talentlib_store::batches;
use talentlib_store::ratings::{self, RatingRow};
use talentlib_store::sea_orm::ConnectionTrait;

/// An application as one viewer may see it.
#[derive(Debug, Clone)]
pub struct ApplicationView {
    pub id: ApplicationId,
    pub status: Status,
    pub batch_id: talentlib_domain::ids::BatchId,
    pub designer_id: UserId,
    pub submitted_at: Option<i64>,
    pub updated_at: i64,
    pub review_comment: Option<String>,
    pub major_flagged: bool,
    /// The form, with the identity fields whole or masked as the viewer is allowed.
    pub form: ApplicationForm,
    pub identity_masked: bool,
    pub attachments: Vec<AttachmentRow>,
    pub timeline: Vec<Event>,
    pub can_edit: bool,
    /// Whether the viewer may open the evidence files (district officers may not).
    pub can_open_evidence: bool,
    /// The reviewer's verification of each item (shown to commission staff only).
    pub item_checks: Vec<talentlib_domain::review::ItemCheck>,
    /// Where it stands beyond its status (scoring, rated) and, once rated, its rating.
    pub stage: Stage,
    pub rating: Option<RatingRow>,
}

/// An application of the designer's own list, with how far it has come.
pub struct MyApplication {
    pub row: ApplicationRow,
    pub stage: Stage,
    pub rating: Option<RatingRow>,
}

/// The stage of an application and its rating: its batch's status tells whether the experts are
/// scoring, and a finalized batch has published a rating.
async fn progress(
    c: &impl ConnectionTrait,
    row: &ApplicationRow,
) -> AppResult<(Stage, Option<RatingRow>)> {
    if row.status != Status::Accepted {
        return Ok((Stage::of(row.status, BatchStatus::Open, false), None));
    }
    let batch = batches::get(c, row.batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rating = ratings::of_application(c, row.id).await?;
    Ok((
        Stage::of(row.status, batch.status, rating.is_some()),
        rating,
    ))
}

pub fn facts(row: &ApplicationRow) -> ApplicationFacts<'_> {
    ApplicationFacts {
        owner: row.designer_id,
        district_code: row.district_code.as_deref(),
        status: row.status,
        // Expert assignments arrive with the scoring issue.
        assigned_to_viewer: false,
    }
}

/// Loads a row the actor may view; 404 for anyone else, as if it did not exist.
pub async fn load_visible(
    c: &impl ConnectionTrait,
    actor: &Actor,
    id: ApplicationId,
) -> AppResult<ApplicationRow> {
    let row = applications::get(c, id).await?.ok_or(AppError::NotFound)?;
    if actor
        .user
        .viewer()
        .can_view(&viewer_facts(c, actor, &row).await?)
    {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

/// The facts with the one that needs a query: whether the actor is an expert assigned to it.
pub async fn viewer_facts<'a>(
    c: &impl ConnectionTrait,
    actor: &Actor,
    row: &'a ApplicationRow,
) -> AppResult<ApplicationFacts<'a>> {
    let assigned = actor.user.has(Role::Expert)
        && talentlib_store::scoring::is_assigned(c, row.id, actor.user.id).await?;
    Ok(ApplicationFacts {
        assigned_to_viewer: assigned,
        ..facts(row)
    })
}

/// Loads a row the actor owns and may still change: 404 if not theirs, 409 if not editable.
async fn load_editable(
    c: &impl ConnectionTrait,
    actor: &Actor,
    id: ApplicationId,
) -> AppResult<ApplicationRow> {
    let row = load_visible(c, actor, id).await?;
    if !actor.user.viewer().is_owner(&facts(&row)) {
        return Err(AppError::NotFound);
    }
    if !row.status.is_editable() {
        return Err(AppError::Rule(RuleError::NotEditable));
    }
    Ok(row)
}

/// The stored form with its identity fields decrypted. The stored document is parsed again:
/// the database is an input too.
pub(crate) fn stored_form(st: &AppState, row: &ApplicationRow) -> AppResult<ApplicationForm> {
    let value: serde_json::Value =
        serde_json::from_str(&row.form_json).map_err(AppError::internal)?;
    let mut form = parse_form(&value).map_err(|e| {
        AppError::internal(anyhow::anyhow!("stored form {} unreadable: {e:?}", row.id))
    })?;
    let decrypt = |enc: &Option<String>| -> AppResult<Option<String>> {
        enc.as_deref()
            .map(|v| st.cipher.decrypt(v).map_err(AppError::internal))
            .transpose()
    };
    form.personal.id_number = decrypt(&row.id_number_enc)?;
    form.personal.phone = decrypt(&row.phone_enc)?;
    Ok(form)
}

/// Stores the form into the row: identity fields encrypted apart, list columns copied.
pub(crate) fn store_form(
    st: &AppState,
    row: &mut ApplicationRow,
    form: &ApplicationForm,
) -> AppResult<()> {
    let mut doc = form.clone();
    row.id_number_enc = doc.personal.id_number.take().map(|v| st.cipher.encrypt(&v));
    row.phone_enc = doc.personal.phone.take().map(|v| st.cipher.encrypt(&v));
    row.form_json = serde_json::to_string(&doc).map_err(AppError::internal)?;
    row.name = form.personal.name.clone();
    row.district_code = form.personal.district_code.clone();
    row.employer = form.personal.employer.clone();
    row.major = form.education.first().and_then(|e| {
        let listed = e
            .major_code
            .as_deref()
            .and_then(|c| talentlib_domain::reference::Reference::get().major(c));
        listed
            .map(|m| m.name_zh.clone())
            .or_else(|| e.major_name.clone())
    });
    row.work_type = form
        .personal
        .work_type
        .map(|w| talentlib_domain::form::Choice::as_str(&w).to_string());
    row.public_consent = form.personal.public_consent;
    Ok(())
}

async fn view(
    c: &impl ConnectionTrait,
    actor: &Actor,
    row: &ApplicationRow,
    form: ApplicationForm,
) -> AppResult<ApplicationView> {
    let viewer = actor.user.viewer();
    let facts = viewer_facts(c, actor, row).await?;
    let whole = viewer.can_see_identity(&facts);
    let (stage, rating) = progress(c, row).await?;
    let mut form = form;
    if !whole {
        form.personal.id_number = form.personal.id_number.as_deref().map(mask_id_number);
        form.personal.phone = form.personal.phone.as_deref().map(mask_phone);
    }
    Ok(ApplicationView {
        id: row.id,
        status: row.status,
        batch_id: row.batch_id,
        designer_id: row.designer_id,
        submitted_at: row.submitted_at,
        updated_at: row.updated_at,
        review_comment: row.review_comment.clone(),
        major_flagged: row.major_flagged,
        identity_masked: !whole,
        attachments: attachments::of_application(c, row.id).await?,
        timeline: applications::events(c, row.id).await?,
        can_edit: viewer.is_owner(&facts) && row.status.is_editable(),
        can_open_evidence: viewer.can_open_evidence(&facts),
        item_checks: if viewer.has(Role::Reviewer) || viewer.has(Role::Admin) {
            talentlib_store::reviews::of_application(c, row.id).await?
        } else {
            Vec::new()
        },
        stage,
        rating,
        form,
    })
}

fn has_identity(form: &ApplicationForm) -> bool {
    form.personal.id_number.is_some() || form.personal.phone.is_some()
}

/// How long a built view is kept, and how many (a view with a full form is some 10 KiB, so at
/// most about 5 MiB): an application is read again and again while its designer, or an officer
/// guiding them, works on it.
pub const VIEW_TTL: std::time::Duration = std::time::Duration::from_secs(60);
pub const VIEW_CAPACITY: usize = 500;

/// Whether the view of `row` for `actor` depends only on the row (whose `updated_at` every
/// change of the form, status, timeline or files renews) and so may be reused while the row's
/// version stays the same. Not so for reviewers and admins (their view carries the item checks,
/// and whole identity data, whose every viewing is audited), experts (assignments), or accepted
/// applications (their stage and rating follow the batch).
fn view_reusable(actor: &Actor, row: &ApplicationRow) -> bool {
    let u = &actor.user;
    row.status != Status::Accepted
        && !u.has(Role::Reviewer)
        && !u.has(Role::Admin)
        && !u.has(Role::Expert)
}

/// Reads one application. Someone other than the owner seeing the whole identity data is audited.
/// The permission check reads the row every time; only the view built from it is reused.
pub async fn get(st: &AppState, actor: &Actor, id: ApplicationId) -> AppResult<ApplicationView> {
    let db = st.store.db();
    let row = load_visible(db, actor, id).await?;
    let reusable = view_reusable(actor, &row);
    let key = format!("{id}/{}/{}", actor.user.id, row.updated_at);
    if reusable {
        if let Some(v) = st.application_views.get(&key) {
            return Ok(ApplicationView::clone(&v));
        }
    }
    let form = stored_form(st, &row)?;
    let identity_present = has_identity(&form);
    let v = view(db, actor, &row, form).await?;
    if reusable {
        st.application_views
            .put(key, std::sync::Arc::new(v.clone()));
    }
    if identity_present && !v.identity_masked && row.designer_id != actor.user.id {
        let tx = st.store.write().await?;
        audit::by(&*tx, actor, "identity.view", "application", id, None).await?;
        tx.commit().await?;
    }
    Ok(v)
}

/// A designer starts an application in the newest open batch (API.md `POST /applications`).
pub async fn create(st: &AppState, actor: &Actor) -> AppResult<ApplicationView> {
    actor.user.require_any(&[Role::Designer])?;
    let now = now_millis();
    let tx = st.store.write().await?;
    let batch = batches::newest_open(&*tx)
        .await?
        .ok_or(RuleError::NoOpenBatch)?;
    let mut form = ApplicationForm::default();
    form.personal.name = Some(actor.user.name.clone());
    form.personal.email = Some(actor.user.email.clone());
    let mut row = ApplicationRow {
        id: ApplicationId::from_uuid(new_uuid()),
        designer_id: actor.user.id,
        batch_id: batch.id,
        status: Status::Draft,
        form_json: String::new(),
        id_number_enc: None,
        phone_enc: None,
        name: None,
        district_code: None,
        employer: None,
        major_flagged: false,
        review_comment: None,
        submitted_at: None,
        created_at: now,
        updated_at: now,
        major: None,
        work_type: None,
        public_consent: false,
    };
    store_form(st, &mut row, &form)?;
    applications::insert(&*tx, &row).await?;
    let event = Event {
        application_id: row.id,
        at: now,
        actor_id: actor.user.id,
        status: Status::Draft,
        comment: None,
        batch_id: Some(row.batch_id),
    };
    applications::insert_event(&*tx, new_uuid(), &event).await?;
    audit::by(
        &*tx,
        actor,
        "application.create",
        "application",
        row.id,
        Some(format!("batch={}", batch.id)),
    )
    .await?;
    tx.commit().await?;
    view(st.store.db(), actor, &row, form).await
}

/// Saves the whole form (API.md `PUT /applications/{id}`). Drafts may be incomplete; only shape
/// problems are refused. Items keep their ids; removed items lose their files' links.
///
/// Everything but the write itself (reading the stored version, matching item ids, encrypting,
/// serialising) happens before the write lock is taken; the write then succeeds only if the row
/// is still the version read, and otherwise the save is prepared again from the newer version.
/// Concurrent saves of one application never lose each other's item ids, and the lock is held
/// only for the few statements of the write.
pub async fn save(
    st: &AppState,
    actor: &Actor,
    id: ApplicationId,
    body: &serde_json::Value,
) -> AppResult<ApplicationView> {
    /// Rounds before giving up with 409 when other saves of this application keep winning.
    const ROUNDS: usize = 5;
    // Parsed once; its errors are reported only after the checks of existence (404) and state
    // (409), which come first.
    let (parsed, parse_problems) = talentlib_domain::form::parse_form_partial(body);
    for _ in 0..ROUNDS {
        let seen = load_editable(st.store.db(), actor, id).await?;
        let saved = stored_form(st, &seen)?;
        let mut form = parsed.clone();
        let mut problems = parse_problems.clone();
        if let Err(id_problems) = form.assign_item_ids(&saved, || ItemId::from_uuid(new_uuid())) {
            problems.extend(id_problems);
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let mut row = seen.clone();
        store_form(st, &mut row, &form)?;
        row.updated_at = applications::next_version(seen.updated_at, now_millis());
        let kept = form.item_ids();
        let removed = saved
            .item_ids()
            .into_iter()
            .filter(|i| !kept.contains(i))
            .count();

        let tx = st.store.write().await?;
        if !applications::update_if_unchanged(&*tx, &row, seen.updated_at).await? {
            continue; // `tx` is dropped (rolled back); prepare again from what is stored now
        }
        let detail = if removed == 0 {
            None
        } else {
            let unlinked = attachments::unlink_missing_items(&*tx, id, &kept).await?;
            Some(format!("removed_items={removed} unlinked_files={unlinked}"))
        };
        audit::by(&*tx, actor, "application.save", "application", id, detail).await?;
        tx.commit().await?;
        return view(st.store.db(), actor, &row, form).await;
    }
    Err(AppError::Rule(RuleError::ChangedMeanwhile))
}

/// What submitting `body` would report besides its shape errors, without saving anything: the
/// form page lists every problem at once even when some fields could not be read (those are
/// left out of the check, as the shape errors already name them).
pub async fn submission_problems(
    st: &AppState,
    actor: &Actor,
    id: ApplicationId,
    body: &serde_json::Value,
) -> AppResult<Vec<talentlib_domain::FieldError>> {
    let db = st.store.db();
    let row = load_editable(db, actor, id).await?;
    let saved = stored_form(st, &row)?;
    let (mut form, _shape) = talentlib_domain::form::parse_form_partial(body);
    // Unknown or repeated ids are shape errors too; new items get ids that have no evidence.
    let _ = form.assign_item_ids(&saved, || ItemId::from_uuid(new_uuid()));
    let files = attachments::of_application(db, id).await?;
    let evidence: HashSet<ItemId> = files.iter().filter_map(|a| a.item_id).collect();
    Ok(check_submission(&form, &evidence, today_in_chongqing())
        .err()
        .unwrap_or_default())
}

/// Submits after checking everything at once (API.md `POST /applications/{id}/submit`).
pub async fn submit(st: &AppState, actor: &Actor, id: ApplicationId) -> AppResult<ApplicationView> {
    let tx = st.store.write().await?;
    let mut row = load_visible(&*tx, actor, id).await?;
    if !actor.user.viewer().is_owner(&facts(&row)) {
        return Err(AppError::NotFound);
    }
    row.status.submit()?;
    let batch = batches::get(&*tx, row.batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let open = batches::newest_open(&*tx).await?;
    let moved_from = match submission_batch(row.status, batch.status, open.is_some())? {
        SubmitInto::OwnBatch => None,
        SubmitInto::NewestOpen => {
            let open = open.ok_or(RuleError::BatchNotOpen)?;
            // One application per designer per batch: a second one there is a conflict (409).
            applications::move_to_batch(&*tx, id, open.id).await?;
            Some(std::mem::replace(&mut row.batch_id, open.id))
        }
    };
    let form = stored_form(st, &row)?;
    let files = attachments::of_application(&*tx, id).await?;
    let evidence: HashSet<ItemId> = files.iter().filter_map(|a| a.item_id).collect();
    let flags =
        check_submission(&form, &evidence, today_in_chongqing()).map_err(AppError::Invalid)?;
    let now = now_millis();
    row.status = Status::Submitted;
    row.submitted_at = Some(now);
    row.updated_at = applications::next_version(row.updated_at, now);
    row.major_flagged = flags.major_outside_list;
    applications::update(&*tx, &row).await?;
    let event = Event {
        application_id: id,
        at: now,
        actor_id: actor.user.id,
        status: Status::Submitted,
        comment: None,
        batch_id: Some(row.batch_id),
    };
    applications::insert_event(&*tx, new_uuid(), &event).await?;
    let detail = [
        flags
            .major_outside_list
            .then(|| "major_outside_list".to_string()),
        moved_from.map(|b| format!("moved_from_batch={b}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let detail = (!detail.is_empty()).then(|| detail.join(" "));
    audit::by(&*tx, actor, "application.submit", "application", id, detail).await?;
    tx.commit().await?;
    view(st.store.db(), actor, &row, form).await
}

/// One page of the applications the actor may see.
pub async fn list(
    st: &AppState,
    actor: &Actor,
    filter: &ListFilter,
    page: Page,
) -> AppResult<(Vec<ApplicationLine>, u64)> {
    let scope = actor.user.viewer().list_scope();
    Ok(applications::list(st.store.db(), &scope, filter, page).await?)
}

/// Counts by status within what the actor may see (district officers' and reviewers' dashboards).
pub async fn counts(
    st: &AppState,
    actor: &Actor,
    filter: &ListFilter,
) -> AppResult<Vec<(Status, u64)>> {
    let scope = actor.user.viewer().list_scope();
    Ok(applications::counts_by_status(st.store.db(), &scope, filter).await?)
}

/// The designer's own applications, newest first, with how far each has come.
pub async fn mine(st: &AppState, actor: &Actor) -> AppResult<Vec<MyApplication>> {
    let db = st.store.db();
    let rows = applications::of_designer(db, actor.user.id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (stage, rating) = progress(db, &row).await?;
        out.push(MyApplication { row, stage, rating });
    }
    Ok(out)
}

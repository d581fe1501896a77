//! Pages for the designer journey: "my application" (the list, starting one), the application
//! form (save, submit, add and remove items, also without JavaScript) and the read-only record
//! that everyone allowed to see an application can read and print. Handlers call the same
//! service functions as the JSON API; the form body is converted to the API's JSON shape.

mod context;
mod form_body;
mod spec;

use super::page::{redirect_with_flash, PageCtx, PageError};
use super::progress;
use crate::error::AppError;
use crate::service::applications::{self, ApplicationView};
use crate::service::{batches, Actor};
use crate::state::AppState;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use form_body::Action;
use minijinja::context;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use talentlib_domain::batch::{submission_batch, SubmitInto};
use talentlib_domain::ids::{ApplicationId, BatchId};
use talentlib_domain::roles::Role;
use talentlib_domain::{FieldError, RuleError};
use talentlib_store::batches::BatchRow;

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "designer_mine.html",
        include_str!("../../templates/designer_mine.html"),
    ),
    (
        "designer_form.html",
        include_str!("../../templates/designer_form.html"),
    ),
    (
        "designer_edit.html",
        include_str!("../../templates/designer_edit.html"),
    ),
    (
        "application_view.html",
        include_str!("../../templates/application_view.html"),
    ),
    (
        "designer_submit.html",
        include_str!("../../templates/designer_submit.html"),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/application", get(get_mine))
        .route("/me/application/new", post(post_new))
        .route("/applications/{id}", get(get_application))
        .route("/applications/{id}/edit", get(get_edit).post(post_edit))
        .route(
            "/applications/{id}/submit",
            get(get_submit).post(post_submit),
        )
}

fn submit_url(id: ApplicationId) -> String {
    format!("/applications/{id}/submit")
}

fn edit_url(id: ApplicationId) -> String {
    format!("/applications/{id}/edit")
}

fn view_url(id: ApplicationId) -> String {
    format!("/applications/{id}")
}

/// An id in a URL that is not one of ours is simply a page that does not exist.
fn parse_id(page: &PageCtx, raw: &str) -> Result<ApplicationId, PageError> {
    raw.parse().map_err(|_| page.error(AppError::NotFound))
}

/// A batch's name for display; the batch is known to exist (the application belongs to it).
async fn batch_name(st: &AppState, id: BatchId) -> Option<String> {
    talentlib_store::batches::get(st.store.db(), id)
        .await
        .ok()
        .flatten()
        .map(|b| b.name)
}

// ---------------------------------------------------------------- my application

async fn get_mine(State(st): State<AppState>, page: PageCtx) -> Result<Response, PageError> {
    let actor = page.actor()?;
    render_mine(&st, &page, &actor, StatusCode::OK, None).await
}

/// The list page; `problem` explains why starting an application did not work (409).
async fn render_mine(
    st: &AppState,
    page: &PageCtx,
    actor: &Actor,
    status: StatusCode,
    problem: Option<String>,
) -> Result<Response, PageError> {
    let rows = applications::mine(st, actor)
        .await
        .map_err(|e| page.error(e))?;
    let open = batches::open_batch(st).await.map_err(|e| page.error(e))?;
    let mut batches_seen: HashMap<BatchId, Option<BatchRow>> = HashMap::new();
    // Newest first, as the service lists them.
    let mut items = Vec::with_capacity(rows.len());
    for mine in &rows {
        let row = &mine.row;
        if let std::collections::hash_map::Entry::Vacant(slot) = batches_seen.entry(row.batch_id) {
            let b = talentlib_store::batches::get(st.store.db(), row.batch_id)
                .await
                .ok()
                .flatten();
            slot.insert(b);
        }
        let batch = batches_seen.get(&row.batch_id).and_then(Option::as_ref);
        // Where submitting would put it: a draft or returned application whose batch moved on
        // carries over to the open batch, or waits for the next one.
        let target = batch
            .filter(|_| row.status.is_editable())
            .map(|b| submission_batch(row.status, b.status, open.is_some()));
        let carries_over_to = match target {
            Some(Ok(SubmitInto::NewestOpen)) => open.as_ref().map(|b| b.name.clone()),
            _ => None,
        };
        // Returned while its batch closed: it still goes back into that batch until experts
        // are assigned, which the designer should know before the chance is gone.
        let back_into_closed = matches!(target, Some(Ok(SubmitInto::OwnBatch)))
            && row.status == talentlib_domain::application::Status::Returned
            && batch.is_some_and(|b| b.status == talentlib_domain::batch::BatchStatus::Closed);
        let rated = progress::rated(st, page.lang, mine.rating.as_ref()).await;
        items.push(json!({
            "id": row.id.to_string(),
            "status": row.status.as_str(),
            "description": progress::description(page.lang, row.status, mine.stage, rated.as_ref(), true),
            "rated": rated.is_some(),
            "batch_name": batch.map(|b| b.name.clone()),
            "updated_at": context::local_time(row.updated_at),
            "submitted_at": row.submitted_at.map(context::local_time),
            "review_comment": row.review_comment,
            "can_edit": row.status.is_editable(),
            "carries_over_to": carries_over_to,
            "back_into_closed": back_into_closed,
            "waits_for_batch": matches!(target, Some(Err(_))),
        }));
    }
    let applied = open
        .as_ref()
        .is_some_and(|b| rows.iter().any(|r| r.row.batch_id == b.id));
    // Whether to offer the button (the service decides whether starting is allowed): not while
    // an application is still in progress, which the designer continues instead.
    let in_progress = rows.iter().any(|r| r.row.status.is_in_progress());
    let can_start = open.is_some() && !applied && !in_progress && actor.user.has(Role::Designer);
    let ctx = context! {
        applications => items,
        open_batch => open.map(|b| b.name),
        in_progress,
        can_start,
        problem,
    };
    Ok(page.render_status(st, status, "designer_mine.html", ctx))
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

async fn post_new(
    State(st): State<AppState>,
    page: PageCtx,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    page.check_csrf(&f.csrf_token)?;
    match applications::create(&st, &actor).await {
        Ok(view) => Ok(redirect_with_flash(
            &edit_url(view.id),
            Some("flash.application_started"),
        )),
        Err(e @ AppError::Rule(RuleError::NoOpenBatch | RuleError::AlreadyApplied)) => {
            let message = e.message(page.lang);
            render_mine(&st, &page, &actor, e.status(), Some(message)).await
        }
        Err(e) => Err(page.error(e)),
    }
}

// ---------------------------------------------------------------- the form

#[derive(Deserialize)]
struct EditQuery {
    /// Set after the no-JavaScript "add" button: show one more empty item in this section.
    add: Option<String>,
}

async fn get_edit(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    query: Result<Query<EditQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let id = parse_id(&page, &id)?;
    let view = match editable_or_record(&st, &page, &actor, id).await? {
        Ok(view) => view,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let mut values = form_values(&view);
    if let Some(section) = query.ok().and_then(|Query(q)| q.add) {
        push_empty_item(&mut values, &section);
    }
    Ok(render_edit(
        &st,
        &page,
        &view,
        values,
        Shown::Saved,
        &[],
        None,
        StatusCode::OK,
    )
    .await)
}

/// The saved form in the API's JSON shape, as the templates read it.
fn form_values(view: &ApplicationView) -> Value {
    serde_json::to_value(&view.form).unwrap_or_else(|_| json!({}))
}

fn push_empty_item(values: &mut Value, section: &str) {
    if let Some(s) = spec::list_section(section) {
        if let Some(items) = values.get_mut(s.key).and_then(Value::as_array_mut) {
            items.push(json!({}));
        } else if let Some(root) = values.as_object_mut() {
            root.insert(s.key.to_string(), json!([{}]));
        }
    }
}

/// What the form shows: the saved application, or what was typed and could not be saved.
#[derive(Clone, Copy, PartialEq)]
enum Shown {
    Saved,
    Unsaved,
}

#[allow(clippy::too_many_arguments)]
async fn render_edit(
    st: &AppState,
    page: &PageCtx,
    view: &ApplicationView,
    values: Value,
    shown: Shown,
    errors: &[FieldError],
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let (errors, errors_list) = context::errors(page.lang, errors);
    let batch = talentlib_store::batches::get(st.store.db(), view.batch_id)
        .await
        .ok()
        .flatten();
    // The domain's rule of where a submission goes: none when its batch has moved on and no
    // batch is open, and then the form offers saving only, saying why.
    let open = batches::open_batch(st).await.ok().flatten();
    let waits_for_batch = batch
        .as_ref()
        .is_some_and(|b| submission_batch(view.status, b.status, open.is_some()).is_err());
    let ctx = context! {
        app => context::summary(view, batch.map(|b| b.name), progress::description(page.lang, view.status, view.stage, None, true)),
        waits_for_batch,
        values,
        form => context::form_spec(page.lang),
        opts => context::options(page.lang),
        files => context::files_by_item(&view.attachments),
        errors,
        errors_list,
        notice,
        unsaved => shown == Shown::Unsaved,
        upload_url => format!("/api/v1/applications/{}/attachments", view.id),
    };
    page.render_status(st, status, "designer_edit.html", ctx)
}

async fn post_edit(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let Form(pairs) = form.map_err(|e| page.error(AppError::Malformed(e.body_text())))?;
    page.check_csrf(form_body::first(&pairs, "csrf_token"))?;
    let id = parse_id(&page, &id)?;
    let action = Action::parse(form_body::first(&pairs, "action"));
    let skip = match action {
        Action::Remove(section, index) => Some((section, index)),
        _ => None,
    };
    let (body, blank_items) = form_body::to_json(&pairs, skip);
    match applications::save(&st, &actor, id, &body).await {
        Ok(saved) => after_save(&st, &page, &actor, saved, action, blank_items).await,
        Err(AppError::Invalid(mut errors)) => {
            // Nothing typed is lost: the form comes back as typed, each problem beside its field.
            let view = applications::get(&st, &actor, id)
                .await
                .map_err(|e| page.error(e))?;
            if action == Action::Submit {
                // Every problem at once: what submitting would find besides these.
                let more = applications::submission_problems(&st, &actor, id, &body)
                    .await
                    .map_err(|e| page.error(e))?;
                let known: HashSet<String> = errors.iter().map(|e| e.path.clone()).collect();
                errors.extend(more.into_iter().filter(|e| !known.contains(&e.path)));
            }
            let mut values = body;
            if let Action::Add(section) = action {
                push_empty_item(&mut values, section);
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let shown = Shown::Unsaved;
            Ok(render_edit(&st, &page, &view, values, shown, &errors, None, status).await)
        }
        Err(e @ AppError::Rule(RuleError::ChangedMeanwhile)) => {
            // Saved elsewhere meanwhile: the form comes back as typed, to be saved again.
            let view = applications::get(&st, &actor, id)
                .await
                .map_err(|e| page.error(e))?;
            let notice = Some(e.message(page.lang));
            let (shown, status) = (Shown::Unsaved, e.status());
            Ok(render_edit(&st, &page, &view, body, shown, &[], notice, status).await)
        }
        Err(e) => Err(page.error(e)),
    }
}

/// The form was saved: now do what the pressed button asked.
async fn after_save(
    st: &AppState,
    page: &PageCtx,
    actor: &Actor,
    saved: ApplicationView,
    action: Action,
    blank_items: usize,
) -> Result<Response, PageError> {
    let id = saved.id;
    match action {
        Action::Save if blank_items > 0 => Ok(redirect_with_flash(
            &edit_url(id),
            Some("flash.saved_blank_dropped"),
        )),
        Action::Save => Ok(redirect_with_flash(&edit_url(id), Some("flash.saved"))),
        Action::Add(section) => {
            let next = form_values(&saved)
                .get(section)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let to = format!("{}?add={section}#{section}-{next}-item", edit_url(id));
            Ok(redirect_with_flash(&to, Some("flash.saved")))
        }
        Action::Remove(section, _) => {
            let to = format!("{}#{section}", edit_url(id));
            Ok(redirect_with_flash(&to, Some("flash.item_removed")))
        }
        // Saved and checked: every problem now, beside its field; none, and the designer is
        // asked to confirm on a page of its own (no dialog before the check, no JavaScript).
        Action::Submit => match submission_problems_page(st, page, actor, &saved).await? {
            Some(problems) => Ok(problems),
            // The page itself says it was saved and checked.
            None => Ok(redirect_with_flash(&submit_url(id), None)),
        },
    }
}

/// The saved form with every problem submitting it would meet, beside its field; `None` when
/// there is none.
async fn submission_problems_page(
    st: &AppState,
    page: &PageCtx,
    actor: &Actor,
    view: &ApplicationView,
) -> Result<Option<Response>, PageError> {
    let values = form_values(view);
    let problems = applications::submission_problems(st, actor, view.id, &values)
        .await
        .map_err(|e| page.error(e))?;
    if problems.is_empty() {
        return Ok(None);
    }
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let shown = Shown::Saved;
    Ok(Some(
        render_edit(st, page, view, values, shown, &problems, None, status).await,
    ))
}

/// The outcome of a submission that did not go through: the saved form, with its problems
/// beside their fields or the rule's notice (no batch open, already applied...).
async fn refused_submission(
    st: &AppState,
    page: &PageCtx,
    view: &ApplicationView,
    e: AppError,
) -> Result<Response, PageError> {
    let values = form_values(view);
    match e {
        AppError::Invalid(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(render_edit(st, page, view, values, Shown::Saved, &errors, None, status).await)
        }
        e @ AppError::Rule(_) => {
            let (notice, status) = (Some(e.message(page.lang)), e.status());
            Ok(render_edit(st, page, view, values, Shown::Saved, &[], notice, status).await)
        }
        e => Err(page.error(e)),
    }
}

/// The owner's editable application, or where to go instead: its record, saying why the form
/// did not open.
async fn editable_or_record(
    st: &AppState,
    page: &PageCtx,
    actor: &Actor,
    id: ApplicationId,
) -> Result<Result<ApplicationView, Response>, PageError> {
    let view = applications::get(st, actor, id)
        .await
        .map_err(|e| page.error(e))?;
    if view.can_edit {
        return Ok(Ok(view));
    }
    // The record, with a word on why the form did not open.
    let why = if view.designer_id != actor.user.id {
        "flash.not_editable.not_owner"
    } else if view.status == talentlib_domain::application::Status::Submitted {
        "flash.not_editable.submitted"
    } else {
        "flash.not_editable.decided"
    };
    Ok(Err(redirect_with_flash(&view_url(id), Some(why))))
}

// ---------------------------------------------------------------- confirming a submission

async fn get_submit(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let id = parse_id(&page, &id)?;
    let view = match editable_or_record(&st, &page, &actor, id).await? {
        Ok(view) => view,
        Err(elsewhere) => return Ok(elsewhere),
    };
    // Opened directly, or changed since: the same checks as the button's.
    if let Some(problems) = submission_problems_page(&st, &page, &actor, &view).await? {
        return Ok(problems);
    }
    // Where it goes: its own batch, or the open one when its own has moved on.
    let db = st.store.db();
    let own = talentlib_store::batches::get(db, view.batch_id)
        .await
        .map_err(|e| page.error(e.into()))?;
    let open = batches::open_batch(&st).await.map_err(|e| page.error(e))?;
    let into =
        own.as_ref().and_then(
            |b| match submission_batch(view.status, b.status, open.is_some()) {
                Ok(SubmitInto::OwnBatch) => Some(b.name.clone()),
                Ok(SubmitInto::NewestOpen) => open.as_ref().map(|o| o.name.clone()),
                Err(_) => None,
            },
        );
    let Some(batch_name) = into else {
        // No batch to submit into: the form says why and offers saving only.
        return Ok(redirect_with_flash(&edit_url(id), None));
    };
    let ctx = context! {
        app => context! {
            id => view.id.to_string(),
            name => view.form.personal.name.as_deref(),
            items => view.form.item_ids().len(),
            files => view.attachments.len(),
            resubmission => view.status == talentlib_domain::application::Status::Returned,
        },
        batch_name,
        edit_href => edit_url(id),
    };
    Ok(page.render(&st, "designer_submit.html", ctx))
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    csrf_token: String,
}

async fn post_submit(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<ConfirmForm>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let Form(f) = form.map_err(|e| page.error(AppError::Malformed(e.body_text())))?;
    page.check_csrf(&f.csrf_token)?;
    let id = parse_id(&page, &id)?;
    let view = match editable_or_record(&st, &page, &actor, id).await? {
        Ok(view) => view,
        Err(elsewhere) => return Ok(elsewhere),
    };
    match applications::submit(&st, &actor, id).await {
        Ok(_) => Ok(redirect_with_flash(&view_url(id), Some("flash.submitted"))),
        Err(e) => refused_submission(&st, &page, &view, e).await,
    }
}

// ---------------------------------------------------------------- the record

async fn get_application(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let id = parse_id(&page, &id)?;
    let view = applications::get(&st, &actor, id)
        .await
        .map_err(|e| page.error(e))?;
    let is_owner = view.designer_id == actor.user.id;
    // Commission staff reach the document review from the record (read-only once decided).
    let can_review = view.status.was_submitted()
        && (actor.user.has(Role::Reviewer) || actor.user.has(Role::Admin));
    let rated = progress::rated(&st, page.lang, view.rating.as_ref()).await;
    let description =
        progress::description(page.lang, view.status, view.stage, rated.as_ref(), is_owner);
    let ratings_href = is_owner.then_some("/me/ratings");
    let batch_names = progress::moved_batch_names(&st, &view)
        .await
        .map_err(|e| page.error(e))?;
    let timeline = progress::timeline(
        page.lang,
        &view,
        rated.as_ref(),
        ratings_href,
        &batch_names,
        context::local_time,
    );
    // Back to where the viewer works from: their first page (my application, the district's
    // list...). Commission staff go on to the document review, which leads back to their queue.
    let back_link = super::nav::items(&actor.user.roles)
        .first()
        .filter(|_| !can_review)
        .map(|i| context! { href => i.href, label => page.t(i.label) });
    let ctx = context! {
        back_link,
        review_href => can_review.then(|| format!("/review/applications/{}", view.id)),
        ratings_href => ratings_href.filter(|_| rated.is_some()),
        app => context::summary(&view, batch_name(&st, view.batch_id).await, description),
        values => form_values(&view),
        form => context::form_spec(page.lang),
        labels => context::labels(page.lang),
        files => context::files_by_item(&view.attachments),
        timeline => timeline,
        identity_masked => view.identity_masked,
        can_open_evidence => view.can_open_evidence,
        show_major_flag => view.major_flagged && !is_owner,
        is_owner,
    };
    Ok(page.render(&st, "application_view.html", ctx))
}

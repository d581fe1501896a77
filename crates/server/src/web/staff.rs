//! Pages for the staff journey: a district officer's list of their district's applications, the
//! reviewers' list of a batch's applications, and the batches themselves (create, close).
//!
//! Every list comes from the service layer's scoped functions: a district officer never sees
//! another district's application, a reviewer never sees a draft, whatever the query asks for.

pub mod common;

use self::common::{
    clamp_page, district_name, district_options, known_district, lenient_page, message_errors,
    no_errors, opt_text, pager, query_string, status_options, time_ctx, with_query,
};
use super::page::{field_errors, redirect_with_flash, PageCtx, PageError};
use crate::error::{AppError, AppResult};
use crate::service::{applications, batches, Actor};
use crate::state::AppState;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use talentlib_domain::application::Status;
use talentlib_domain::ids::BatchId;
use talentlib_domain::paging::Page;
use talentlib_domain::roles::Role;
use talentlib_domain::{FieldError, RuleError};
use talentlib_store::applications::{ApplicationLine, ListFilter, ListOrder};
use talentlib_store::batches::BatchRow;

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "staff_parts.html",
        include_str!("../../templates/staff_parts.html"),
    ),
    (
        "staff_district.html",
        include_str!("../../templates/staff_district.html"),
    ),
    (
        "staff_review.html",
        include_str!("../../templates/staff_review.html"),
    ),
    (
        "staff_batches.html",
        include_str!("../../templates/staff_batches.html"),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/district", get(get_district))
        .route("/review", get(get_review))
        .route("/batches", get(get_batches).post(post_batches))
        .route("/batches/{id}/close", post(post_close))
}

/// Query of the application lists. Everything is text: whatever arrives, the page shows.
#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    batch_id: Option<String>,
    district_code: Option<String>,
    q: Option<String>,
    /// `flagged` / `listed`: only majors outside / inside the reference list (reviewers).
    major: Option<String>,
    /// One of `REVIEW_SORTS` (reviewers).
    sort: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// The reviewers' list orders, the default (the queue: first submitted, first reviewed) first.
const REVIEW_SORTS: [(&str, ListOrder); 4] = [
    ("submitted_asc", ListOrder::SubmittedFirst),
    ("submitted_desc", ListOrder::SubmittedLast),
    ("updated", ListOrder::RecentChange),
    ("name", ListOrder::Name),
];

/// The reviewers' sort by its query key; an unknown key is the default.
fn review_sort(raw: Option<&str>) -> (&'static str, ListOrder) {
    let raw = raw.map(str::trim).unwrap_or_default();
    REVIEW_SORTS
        .iter()
        .find(|(key, _)| *key == raw)
        .copied()
        .unwrap_or(REVIEW_SORTS[0])
}

/// The major filter by its query key: `flagged` true, `listed` false, anything else none.
fn major_filter(raw: Option<&str>) -> Option<bool> {
    match raw.map(str::trim) {
        Some("flagged") => Some(true),
        Some("listed") => Some(false),
        _ => None,
    }
}

/// An unreadable query string (e.g. a repeated parameter) reads as no filter at all.
fn lenient_query<T: Default>(q: Result<Query<T>, QueryRejection>) -> T {
    q.map(|Query(v)| v).unwrap_or_default()
}

/// A form that cannot be read at all is a malformed request (400), shown as an error page.
pub(crate) fn read_form<T>(
    page: &PageCtx,
    form: Result<Form<T>, FormRejection>,
) -> Result<T, PageError> {
    form.map(|Form(f)| f)
        .map_err(|e| page.error(AppError::Malformed(e.body_text())))
}

/// Longest search text kept (names and employers are at most a few hundred characters).
const MAX_SEARCH_CHARS: usize = 100;

/// One row of an application list, for templates.
#[derive(Serialize)]
struct Line {
    id: String,
    name: Option<String>,
    status: &'static str,
    batch_name: Option<String>,
    district: Option<String>,
    employer: Option<String>,
    submitted_at: Value,
    updated_at: Value,
    major_flagged: bool,
}

fn line(page: &PageCtx, l: &ApplicationLine, batch_names: &HashMap<BatchId, String>) -> Line {
    Line {
        id: l.id.to_string(),
        name: l.name.clone().filter(|n| !n.trim().is_empty()),
        status: l.status.as_str(),
        batch_name: batch_names.get(&l.batch_id).cloned(),
        district: l
            .district_code
            .as_deref()
            .map(|c| district_name(page.lang, c)),
        employer: l.employer.clone().filter(|e| !e.trim().is_empty()),
        submitted_at: time_ctx(l.submitted_at),
        updated_at: time_ctx(Some(l.updated_at)),
        major_flagged: l.major_flagged,
    }
}

/// A count card: a status (or "all") with its number, linking to the list filtered by it.
#[derive(Serialize)]
struct Card {
    status: &'static str,
    count: u64,
    href: String,
    current: bool,
}

/// Cards for "all" and each status. `skip_empty_drafts` leaves out a draft card showing 0
/// (reviewers never see drafts, so the card would only puzzle them).
fn cards(
    path: &str,
    keep: &[(&str, &str)],
    counts: &[(Status, u64)],
    selected: Option<Status>,
    skip_empty_drafts: bool,
) -> Vec<Card> {
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let mut out = vec![Card {
        status: "all",
        count: total,
        href: with_query(path, &query_string(keep)),
        current: selected.is_none(),
    }];
    for (s, n) in counts {
        if skip_empty_drafts && *s == Status::Draft && *n == 0 {
            continue;
        }
        let mut pairs = keep.to_vec();
        pairs.push(("status", s.as_str()));
        out.push(Card {
            status: s.as_str(),
            count: *n,
            href: with_query(path, &query_string(&pairs)),
            current: selected == Some(*s),
        });
    }
    out
}

/// One page of the scoped list; a page past the end shows the last page instead.
async fn fetch(
    st: &AppState,
    actor: &Actor,
    filter: &ListFilter,
    page: Page,
) -> AppResult<(Vec<ApplicationLine>, u64, Page)> {
    let (lines, total) = applications::list(st, actor, filter, page).await?;
    if lines.is_empty() {
        if let Some(last) = clamp_page(page, total) {
            let (lines, total) = applications::list(st, actor, filter, last).await?;
            return Ok((lines, total, last));
        }
    }
    Ok((lines, total, page))
}

fn batch_names(list: &[BatchRow]) -> HashMap<BatchId, String> {
    list.iter().map(|b| (b.id, b.name.clone())).collect()
}

fn batch_options(list: &[BatchRow]) -> Vec<[String; 2]> {
    list.iter()
        .map(|b| [b.id.to_string(), b.name.clone()])
        .collect()
}

fn known_batch(raw: Option<&str>, list: &[BatchRow]) -> Option<BatchId> {
    let id: BatchId = raw?.trim().parse().ok()?;
    list.iter().any(|b| b.id == id).then_some(id)
}

// ------------------------------------------------------------------ GET /district

async fn get_district(
    State(st): State<AppState>,
    page: PageCtx,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    actor
        .user
        .require_any(&[Role::DistrictOfficer])
        .map_err(|e| page.error(e))?;
    // Officers always have a district (the account rules require one); without it there is
    // nothing of theirs to show.
    let district = actor
        .user
        .district_code
        .clone()
        .ok_or_else(|| page.error(AppError::Forbidden))?;
    let q = lenient_query(query);
    // Batch names are public knowledge (the home page shows the open one); the reviewers' batch
    // service is not for officers, so the names are read from the store.
    let all_batches = talentlib_store::batches::list(st.store.db())
        .await
        .map_err(|e| page.error(e.into()))?;
    let batch = known_batch(q.batch_id.as_deref(), &all_batches);
    let status = q.status.as_deref().and_then(Status::parse);
    let text = opt_text(q.q.as_deref(), MAX_SEARCH_CHARS);
    let paging = lenient_page(q.page.as_deref(), q.per_page.as_deref());

    // Always narrowed to the officer's own district, even for someone who also holds a role
    // that sees more (the service's scope already excludes every other district).
    let base = ListFilter {
        batch_id: batch,
        district_code: Some(district.clone()),
        ..ListFilter::default()
    };
    let counts = applications::counts(&st, &actor, &base)
        .await
        .map_err(|e| page.error(e))?;
    let filter = ListFilter {
        status,
        text: text.clone(),
        ..base
    };
    let (rows, total, shown) = fetch(&st, &actor, &filter, paging)
        .await
        .map_err(|e| page.error(e))?;

    let names = batch_names(&all_batches);
    let batch_str = batch.map(|b| b.to_string()).unwrap_or_default();
    let status_str = status.map(|s| s.as_str()).unwrap_or_default();
    let text_str = text.clone().unwrap_or_default();
    let filters = [
        ("batch_id", batch_str.as_str()),
        ("status", status_str),
        ("q", text_str.as_str()),
    ];
    let everything: u64 = counts.iter().map(|(_, n)| n).sum();
    let ctx = context! {
        district_name => district_name(page.lang, &district),
        cards => cards("/district", &[("batch_id", batch_str.as_str())], &counts, status, false),
        lines => rows.iter().map(|l| line(&page, l, &names)).collect::<Vec<_>>(),
        total => total,
        everything => everything,
        pager => pager("/district", &filters, shown, total),
        values => context! { batch_id => batch_str, status => status_str, q => text_str },
        batch_options => batch_options(&all_batches),
        status_options => status_options(page.lang, &Status::ALL),
        filtered => status.is_some() || text.is_some() || batch.is_some(),
    };
    Ok(page.render(&st, "staff_district.html", ctx))
}

// ------------------------------------------------------------------ GET /review

async fn get_review(
    State(st): State<AppState>,
    page: PageCtx,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    actor
        .user
        .require_any(&[Role::Reviewer, Role::Admin])
        .map_err(|e| page.error(e))?;
    let all_batches = batches::list(&st, &actor)
        .await
        .map_err(|e| page.error(e))?;
    let q = lenient_query(query);
    // The asked batch, else the newest (the list is newest first).
    let selected = known_batch(q.batch_id.as_deref(), &all_batches)
        .and_then(|id| all_batches.iter().find(|b| b.id == id))
        .or_else(|| all_batches.first());
    let Some(batch) = selected else {
        return Ok(page.render(&st, "staff_review.html", context! { no_batch => true }));
    };
    let district = known_district(q.district_code.as_deref());
    let status = q.status.as_deref().and_then(Status::parse);
    let text = opt_text(q.q.as_deref(), MAX_SEARCH_CHARS);
    let major = major_filter(q.major.as_deref());
    let (sort_key, order) = review_sort(q.sort.as_deref());
    let paging = lenient_page(q.page.as_deref(), q.per_page.as_deref());

    let base = ListFilter {
        batch_id: Some(batch.id),
        ..ListFilter::default()
    };
    let counts = applications::counts(&st, &actor, &base)
        .await
        .map_err(|e| page.error(e))?;
    let filter = ListFilter {
        status,
        district_code: district.clone(),
        text: text.clone(),
        major_flagged: major,
        order,
        ..base
    };
    let (rows, total, shown) = fetch(&st, &actor, &filter, paging)
        .await
        .map_err(|e| page.error(e))?;

    let names = batch_names(&all_batches);
    let batch_str = batch.id.to_string();
    let status_str = status.map(|s| s.as_str()).unwrap_or_default();
    let district_str = district.clone().unwrap_or_default();
    let text_str = text.clone().unwrap_or_default();
    let major_str = match major {
        Some(true) => "flagged",
        Some(false) => "listed",
        None => "",
    };
    // The default order stays out of links.
    let sort_str = if sort_key == REVIEW_SORTS[0].0 {
        ""
    } else {
        sort_key
    };
    let filters = [
        ("batch_id", batch_str.as_str()),
        ("district_code", district_str.as_str()),
        ("status", status_str),
        ("major", major_str),
        ("q", text_str.as_str()),
        ("sort", sort_str),
    ];
    // Reviewers see drafts only if another role of theirs allows it (admins); offer the
    // draft filter only then.
    let statuses: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| *s != Status::Draft || actor.user.has(Role::Admin))
        .collect();
    let ctx = context! {
        batch => context! {
            id => batch_str,
            name => batch.name,
            status => batch.status.as_str(),
            created_at => time_ctx(Some(batch.created_at)),
            closed_at => time_ctx(batch.closed_at),
        },
        cards => cards("/review", &[("batch_id", batch_str.as_str())], &counts, status, true),
        lines => rows.iter().map(|l| line(&page, l, &names)).collect::<Vec<_>>(),
        total => total,
        everything => counts.iter().map(|(_, n)| n).sum::<u64>(),
        pager => pager("/review", &filters, shown, total),
        values => context! {
            batch_id => batch_str, status => status_str, district_code => district_str,
            q => text_str, major => major_str, sort => sort_key,
        },
        batch_options => batch_options(&all_batches),
        district_options => district_options(page.lang),
        status_options => status_options(page.lang, &statuses),
        major_options => ["flagged", "listed"]
            .map(|k| [k.to_string(), page.t(&format!("review_page.major_filter.{k}"))]),
        sort_options => REVIEW_SORTS
            .map(|(k, _)| [k.to_string(), page.t(&format!("review_page.sort.{k}"))]),
        filtered => status.is_some() || text.is_some() || district.is_some() || major.is_some(),
        can_manage_batches => true,
    };
    Ok(page.render(&st, "staff_review.html", ctx))
}

// ------------------------------------------------------------------ /batches

#[derive(Serialize)]
struct BatchLine {
    id: String,
    name: String,
    status: &'static str,
    created_at: Value,
    closed_at: Value,
    /// Applications received (submitted or later): what the review list shows.
    received: u64,
    drafts: u64,
    breakdown: Vec<Value>,
    review_href: String,
    can_close: bool,
}

async fn batch_lines(st: &AppState, actor: &Actor) -> AppResult<Vec<BatchLine>> {
    let list = batches::list(st, actor).await?;
    let mut out = Vec::with_capacity(list.len());
    for b in &list {
        let (_, counts) = batches::get(st, actor, b.id).await?;
        let drafts = counts
            .iter()
            .find(|(s, _)| *s == Status::Draft)
            .map_or(0, |(_, n)| *n);
        let received: u64 = counts
            .iter()
            .filter(|(s, _)| *s != Status::Draft)
            .map(|(_, n)| n)
            .sum();
        let breakdown = counts
            .iter()
            .filter(|(s, n)| *s != Status::Draft && *n > 0)
            .map(|(s, n)| context! { status => s.as_str(), count => n })
            .collect();
        out.push(BatchLine {
            id: b.id.to_string(),
            name: b.name.clone(),
            status: b.status.as_str(),
            created_at: time_ctx(Some(b.created_at)),
            closed_at: time_ctx(b.closed_at),
            received,
            drafts,
            breakdown,
            review_href: format!("/review?batch_id={}", b.id),
            can_close: b.status.accepts_submissions(),
        });
    }
    Ok(out)
}

/// The batches page, with the create form holding `name` and its problems (if any).
async fn render_batches(
    st: &AppState,
    page: &PageCtx,
    actor: &Actor,
    status: StatusCode,
    name: &str,
    errors: (Value, Value),
) -> Result<Response, PageError> {
    let lines = batch_lines(st, actor).await.map_err(|e| page.error(e))?;
    let ctx = context! {
        batches => lines,
        values => context! { name => name },
        errors => errors.0,
        errors_list => errors.1,
    };
    Ok(page.render_status(st, status, "staff_batches.html", ctx))
}

async fn get_batches(State(st): State<AppState>, page: PageCtx) -> Result<Response, PageError> {
    let actor = page.actor()?;
    render_batches(&st, &page, &actor, StatusCode::OK, "", no_errors()).await
}

#[derive(Deserialize)]
struct BatchForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    csrf_token: String,
}

async fn post_batches(
    State(st): State<AppState>,
    page: PageCtx,
    form: Result<Form<BatchForm>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let f = read_form(&page, form)?;
    page.check_csrf(&f.csrf_token)?;
    let label = |p: &str| (p == "name").then(|| page.t("batches_page.name"));
    let (status, errors) = match batches::create(&st, &actor, &f.name).await {
        Ok(_) => return Ok(redirect_with_flash("/batches", Some("flash.batch_created"))),
        Err(AppError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_errors(page.lang, &errors, label),
        ),
        Err(AppError::Rule(RuleError::BatchNameTaken)) => (
            StatusCode::CONFLICT,
            message_errors(&[("name", page.t("error.batch_name_taken"))], label),
        ),
        Err(e) => return Err(page.error(e)),
    };
    render_batches(&st, &page, &actor, status, &f.name, errors).await
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    csrf_token: String,
    /// `dashboard` when closed from the batch's own page, which is where its next step is.
    #[serde(default)]
    back_to: String,
}

async fn post_close(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<CloseForm>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let f = read_form(&page, form)?;
    page.check_csrf(&f.csrf_token)?;
    let id: BatchId = id.parse().map_err(|_| page.error(AppError::NotFound))?;
    batches::close(&st, &actor, id)
        .await
        .map_err(|e| page.error(e))?;
    let to = if f.back_to == "dashboard" {
        format!("/batches/{id}")
    } else {
        "/batches".to_string()
    };
    Ok(redirect_with_flash(&to, Some("flash.batch_closed")))
}

/// Field problems with their paths renamed (e.g. `roles[2]` → `roles`, so the message shows
/// beside the group), for forms whose fields are named differently from the service's paths.
pub(crate) fn renamed(errors: Vec<FieldError>, rename: impl Fn(&str) -> String) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError::new(rename(&e.path), e.problem))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::common::{no_errors, time_ctx};
    use crate::web::templates::Templates;
    use minijinja::{context, Value};

    /// The layout's variables plus a page's own, as `PageCtx::context` builds them.
    fn with_layout(lang: &str, page: Value) -> Value {
        let base = context! {
            lang => lang,
            other_lang => if lang == "en" { "zh-CN" } else { "en" },
            user => context! { id => "u1", name => "管理员", email => "a@x.cn", roles => vec!["admin", "reviewer"] },
            csrf_token => "tok",
            flash => Value::from(()),
            path => "/x",
        };
        context! { ..base, ..page }
    }

    fn line() -> Value {
        context! {
            id => "app-1", name => "张三<b>", status => "submitted", batch_name => "2026年第一批",
            district => "渝中区", employer => "重庆大学", submitted_at => time_ctx(Some(1_769_877_000_000)),
            updated_at => time_ctx(Some(1_769_877_000_000)), major_flagged => true,
        }
    }

    fn pager() -> Value {
        context! { page => 1, pages => 2, url_prefix => "/x?page=", count => 21, from => 1, to => 20 }
    }

    /// Every page renders in both languages, escapes what users typed, and shows no locale key
    /// in place of a text (a missing key shows itself).
    #[test]
    fn pages_render_in_both_languages_without_missing_texts() {
        let t = Templates::load().unwrap();
        let card = context! { status => "all", count => 3, href => "/district", current => true };
        let errors = no_errors();
        let pages: Vec<(&str, Value)> = vec![
            (
                "staff_district.html",
                context! {
                    district_name => "渝中区", cards => vec![card.clone()], lines => vec![line()], total => 1,
                    everything => 1, pager => pager(), values => context! { batch_id => "", status => "", q => "" },
                    batch_options => vec![["b1", "2026年第一批"]], status_options => vec![["draft", "草稿"]], filtered => false,
                },
            ),
            (
                "staff_district.html",
                context! {
                    district_name => "渝中区", cards => vec![card.clone()], lines => Vec::<Value>::new(), total => 0,
                    everything => 0, pager => pager(), values => context! { batch_id => "", status => "", q => "" },
                    batch_options => Vec::<Value>::new(), status_options => Vec::<Value>::new(), filtered => false,
                },
            ),
            ("staff_review.html", context! { no_batch => true }),
            (
                "staff_review.html",
                context! {
                    batch => context! { id => "b1", name => "2026年第一批", status => "open", created_at => time_ctx(Some(0)), closed_at => time_ctx(None) },
                    cards => vec![card], lines => vec![line()], total => 1, everything => 1, pager => pager(),
                    values => context! { batch_id => "b1", status => "", district_code => "", q => "" },
                    batch_options => vec![["b1", "2026年第一批"]], district_options => vec![["500103", "渝中区"]],
                    status_options => vec![["submitted", "已提交"]], filtered => true,
                },
            ),
            (
                "staff_batches.html",
                context! {
                    batches => vec![context! { id => "b1", name => "批", status => "open", created_at => time_ctx(Some(0)),
                        closed_at => time_ctx(None), received => 2, drafts => 1,
                        breakdown => vec![context! { status => "submitted", count => 2 }], review_href => "/review?batch_id=b1", can_close => true }],
                    values => context! { name => "" }, errors => errors.0.clone(), errors_list => errors.1.clone(),
                },
            ),
            (
                "admin_users.html",
                context! {
                    users => vec![context! { id => "u1", name => "李四", email => "l@x.cn", roles => vec!["审核"], district => "渝中区",
                        employer => Value::from(()), created_at => time_ctx(Some(0)), is_self => true, edit_href => "/admin/users?edit=u1#edit-user" }],
                    pager => pager(), values => context! { q => "", role => "" }, filtered => false,
                    list => context! { q => "", role => "", page => 1, per_page => 20 }, list_url => "/admin/users",
                    role_options => vec![["admin", "系统管理员"]], district_options => vec![["500103", "渝中区"]],
                    create => context! { roles => vec!["admin"] }, errors => errors.0.clone(), errors_list => errors.1.clone(),
                    create_open => false,
                    edit => context! { id => "u1", name => "李四", email => "l@x.cn", roles => vec!["admin"], district_code => "",
                        employer => "", errors => errors.0.clone(), errors_list => errors.1.clone() },
                },
            ),
            (
                "admin_audit.html",
                context! {
                    entries => vec![context! { time => "2026-01-01 08:00:00", iso => "2026-01-01T08:00:00+08:00", actor_id => "u1",
                        actor_short => "u1", actor_email => "a@x.cn", actor_href => "/admin/audit?actor=u1", ip => "127.0.0.1",
                        action => "auth.sign_in", action_label => "登录", target_type => "account", target_id => "u1",
                        target_short => "u1", target_href => "/admin/audit?target=u1", detail => "<x>" }],
                    pager => pager(), values => context! { actor => "", action => "", target => "", from => "", to => "" },
                    notes => vec!["note"], action_options => vec![["auth.sign_in", "登录"]], filtered => true,
                    csv_href => "/admin/audit.csv", csv_max => 10000, csv_truncated => true,
                },
            ),
            (
                "admin_audit.html",
                context! {
                    entries => Vec::<Value>::new(), pager => pager(),
                    values => context! { actor => "", action => "", target => "", from => "", to => "" },
                    notes => Vec::<String>::new(), action_options => Vec::<Value>::new(), filtered => false,
                    csv_href => "/admin/audit.csv", csv_max => 10000, csv_truncated => false,
                },
            ),
        ];
        for lang in ["zh-CN", "en"] {
            for (name, page) in &pages {
                let html = t
                    .render(name, with_layout(lang, page.clone()))
                    .unwrap_or_else(|e| panic!("{name} ({lang}): {e:#}"));
                for prefix in [
                    "staff.",
                    "_page.",
                    "audit_action.",
                    "status.",
                    "batch_status.",
                    "form.",
                    "table.",
                ] {
                    assert!(
                        !html.contains(&format!(">{prefix}"))
                            && !html.contains(&format!(" {prefix}")),
                        "{name} ({lang}) shows a locale key starting with {prefix}"
                    );
                }
                assert!(
                    !html.contains("<b>") && !html.contains("<x>"),
                    "{name} escapes"
                );
            }
        }
    }
}

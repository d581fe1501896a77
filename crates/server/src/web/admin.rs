//! Pages for the admin journey: user accounts (list, create staff, change roles) and the audit
//! log (browse, export as CSV).

use super::page::{field_errors, redirect_with_flash, PageCtx, PageError};
use super::staff::common::{
    clamp_page, district_name, district_options, encode, fmt_seconds, iso_local, lenient_page,
    message_errors, no_errors, opt_text, pager, query_string, time_ctx, with_query,
};
use super::staff::{read_form, renamed};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::service::{accounts, audit, Actor};
use crate::state::{now_millis, AppState};
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use talentlib_domain::ids::UserId;
use talentlib_domain::paging::Page;
use talentlib_domain::roles::Role;
use talentlib_domain::{FieldError, Problem, RuleError};
use talentlib_store::accounts::Account;
use talentlib_store::audit::{AuditEntry, AuditFilter};

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "admin_users.html",
        include_str!("../../templates/admin_users.html"),
    ),
    (
        "admin_audit.html",
        include_str!("../../templates/admin_audit.html"),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(get_users).post(post_users))
        .route("/admin/users/{id}/roles", get(get_roles).post(post_roles))
        .route("/admin/audit", get(get_audit))
        .route("/admin/audit.csv", get(get_audit_csv))
}

fn lenient_query<T: Default>(q: Result<Query<T>, QueryRejection>) -> T {
    q.map(|Query(v)| v).unwrap_or_default()
}

/// Loads an account for the roles editor. Only called after a service call has confirmed that
/// the actor is an admin (`list_users`), so it adds no permission of its own.
async fn account(st: &AppState, id: UserId) -> Result<Option<Account>, AppError> {
    Ok(talentlib_store::accounts::by_id(st.store.db(), id).await?)
}

// ------------------------------------------------------------------ users

#[derive(Deserialize, Default)]
struct UsersQuery {
    q: Option<String>,
    role: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    edit: Option<String>,
}

/// The list's filters, carried through the forms (hidden fields) so that saving returns to
/// the same list.
struct ListState {
    text: Option<String>,
    role: Option<Role>,
    page: Page,
}

impl ListState {
    fn read(
        q: Option<&str>,
        role: Option<&str>,
        page: Option<&str>,
        per_page: Option<&str>,
    ) -> Self {
        ListState {
            text: opt_text(q, 100),
            role: role.and_then(|r| Role::parse(r.trim())),
            page: lenient_page(page, per_page),
        }
    }

    /// The filters as query pairs (without the page).
    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.text.clone().unwrap_or_default()),
            (
                "role",
                self.role
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
            ),
        ]
    }

    /// The list's URL, page included.
    fn url(&self) -> String {
        let mut pairs = self.filter_pairs();
        if self.page.page > 1 {
            pairs.push(("page", self.page.page.to_string()));
        }
        if self.page.per_page != Page::default().per_page {
            pairs.push(("per_page", self.page.per_page.to_string()));
        }
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        with_query("/admin/users", &query_string(&borrowed))
    }

    fn hidden(&self) -> Value {
        context! {
            q => self.text.clone().unwrap_or_default(),
            role => self.role.map(|r| r.as_str()).unwrap_or_default(),
            page => self.page.page,
            per_page => self.page.per_page,
        }
    }
}

#[derive(Serialize)]
struct UserLine {
    id: String,
    name: String,
    email: String,
    roles: Vec<String>,
    district: Option<String>,
    employer: Option<String>,
    created_at: Value,
    is_self: bool,
    edit_href: String,
}

fn role_label(lang: Lang, r: &str) -> String {
    i18n::t(lang, &format!("role.{r}"), &[])
}

/// `[code, label]` pairs of the roles that `keep` accepts.
fn role_options(lang: Lang, keep: impl Fn(&Role) -> bool) -> Vec<[String; 2]> {
    Role::ALL
        .iter()
        .filter(|r| keep(r))
        .map(|r| [r.as_str().to_string(), role_label(lang, r.as_str())])
        .collect()
}

/// The roles editor of one account: whose, and the values shown in the form.
fn edit_ctx(
    a: &Account,
    roles: Vec<String>,
    district_code: Option<String>,
    employer: Option<String>,
    errors: (Value, Value),
) -> Value {
    context! {
        id => a.id.to_string(),
        name => a.name,
        email => a.email,
        roles => roles,
        district_code => district_code.unwrap_or_default(),
        employer => employer.unwrap_or_default(),
        errors => errors.0,
        errors_list => errors.1,
    }
}

struct UsersView {
    status: StatusCode,
    /// The create form's values (never the password) and problems.
    create: Value,
    create_errors: (Value, Value),
    /// Opens the create form (a `<details>`) when it has something to show.
    create_open: bool,
    edit: Option<Value>,
}

async fn render_users(
    st: &AppState,
    page: &PageCtx,
    actor: &Actor,
    list: &ListState,
    view: UsersView,
) -> Result<Response, PageError> {
    let (mut users, mut total) =
        accounts::list_users(st, actor, list.text.as_deref(), list.role, list.page)
            .await
            .map_err(|e| page.error(e))?;
    let mut shown = list.page;
    if users.is_empty() {
        if let Some(last) = clamp_page(list.page, total) {
            (users, total) = accounts::list_users(st, actor, list.text.as_deref(), list.role, last)
                .await
                .map_err(|e| page.error(e))?;
            shown = last;
        }
    }
    let shown_state = ListState {
        text: list.text.clone(),
        role: list.role,
        page: shown,
    };
    let lines: Vec<UserLine> = users
        .iter()
        .map(|a| {
            let mut pairs = shown_state.filter_pairs();
            if shown.page > 1 {
                pairs.push(("page", shown.page.to_string()));
            }
            if shown.per_page != Page::default().per_page {
                pairs.push(("per_page", shown.per_page.to_string()));
            }
            pairs.push(("edit", a.id.to_string()));
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            UserLine {
                id: a.id.to_string(),
                name: a.name.clone(),
                email: a.email.clone(),
                roles: a
                    .roles
                    .iter()
                    .map(|r| role_label(page.lang, r.as_str()))
                    .collect(),
                district: a
                    .district_code
                    .as_deref()
                    .map(|c| district_name(page.lang, c)),
                employer: a.employer.clone(),
                created_at: time_ctx(Some(a.created_at)),
                is_self: a.id == actor.user.id,
                edit_href: format!(
                    "{}#edit-user",
                    with_query("/admin/users", &query_string(&borrowed))
                ),
            }
        })
        .collect();
    let filters = shown_state.filter_pairs();
    let borrowed: Vec<(&str, &str)> = filters.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ctx = context! {
        users => lines,
        pager => pager("/admin/users", &borrowed, shown, total),
        values => context! {
            q => list.text.clone().unwrap_or_default(),
            role => list.role.map(|r| r.as_str()).unwrap_or_default(),
        },
        filtered => list.text.is_some() || list.role.is_some(),
        list => shown_state.hidden(),
        list_url => shown_state.url(),
        role_options => role_options(page.lang, |_| true),
        // A new staff account starts with staff roles only: designers register themselves.
        staff_role_options => role_options(page.lang, Role::is_staff),
        district_options => district_options(page.lang),
        create => view.create,
        errors => view.create_errors.0,
        errors_list => view.create_errors.1,
        create_open => view.create_open,
        edit => view.edit,
    };
    Ok(page.render_status(st, view.status, "admin_users.html", ctx))
}

async fn get_users(
    State(st): State<AppState>,
    page: PageCtx,
    query: Result<Query<UsersQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let q = lenient_query(query);
    let list = ListState::read(
        q.q.as_deref(),
        q.role.as_deref(),
        q.page.as_deref(),
        q.per_page.as_deref(),
    );
    // The permission check comes first (list_users is admin-only): the editor's account is
    // read only for an admin.
    accounts::list_users(
        &st,
        &actor,
        None,
        None,
        Page {
            page: 1,
            per_page: 1,
        },
    )
    .await
    .map_err(|e| page.error(e))?;
    let edit = match q
        .edit
        .as_deref()
        .and_then(|s| s.trim().parse::<UserId>().ok())
    {
        Some(id) => account(&st, id).await.map_err(|e| page.error(e))?.map(|a| {
            let roles = a.roles.iter().map(|r| r.as_str().to_string()).collect();
            edit_ctx(
                &a,
                roles,
                a.district_code.clone(),
                a.employer.clone(),
                no_errors(),
            )
        }),
        None => None,
    };
    let view = UsersView {
        status: StatusCode::OK,
        create: context! { roles => Vec::<String>::new() },
        create_errors: no_errors(),
        create_open: false,
        edit,
    };
    render_users(&st, &page, &actor, &list, view).await
}

/// A posted form as name/value pairs (checkbox groups repeat a name).
struct Posted(Vec<(String, String)>);

impl Posted {
    fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn opt(&self, name: &str) -> Option<String> {
        let v = self.one(name);
        (!v.trim().is_empty()).then_some(v)
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn list_state(&self) -> ListState {
        ListState::read(
            Some(&self.one("list_q")),
            Some(&self.one("list_role")),
            Some(&self.one("list_page")),
            Some(&self.one("list_per_page")),
        )
    }
}

/// `roles[2]` (an unknown role name) is shown beside the whole group.
fn group_roles(path: &str) -> String {
    if path.starts_with("roles[") {
        "roles".to_string()
    } else {
        path.to_string()
    }
}

fn field_label(page: &PageCtx, path: &str) -> Option<String> {
    let key = format!("users_page.field.{}", path.trim_start_matches("edit."));
    i18n::has(page.lang, &key).then(|| page.t(&key))
}

/// The fields of the create-staff form, top to bottom.
const CREATE_ORDER: [&str; 6] = [
    "email",
    "name",
    "password",
    "roles",
    "district_code",
    "employer",
];

async fn post_users(
    State(st): State<AppState>,
    page: PageCtx,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let f = Posted(read_form(&page, form)?);
    page.check_csrf(&f.one("csrf_token"))?;
    let list = f.list_state();
    let new = accounts::NewStaff {
        email: f.one("email"),
        password: f.one("password"),
        name: f.one("name"),
        roles: f.all("roles"),
        district_code: f.opt("district_code"),
        employer: f.opt("employer"),
    };
    let typed = context! {
        email => new.email.clone(),
        name => new.name.clone(),
        roles => new.roles.clone(),
        district_code => new.district_code.clone().unwrap_or_default(),
        employer => new.employer.clone().unwrap_or_default(),
    };
    let label = |p: &str| field_label(&page, p);
    let (status, errors) = match accounts::create_staff(&st, Some(&actor), new, &page.ip).await {
        Ok(account) => {
            // Back to the list, showing the new account.
            let to = with_query("/admin/users", &query_string(&[("q", &account.email)]));
            return Ok(redirect_with_flash(&to, Some("flash.staff_created")));
        }
        Err(AppError::Invalid(errors)) => {
            // The summary lists the problems in the order of the form.
            let mut errors = renamed(errors, group_roles);
            errors.sort_by_key(|e| {
                CREATE_ORDER
                    .iter()
                    .position(|p| *p == e.path)
                    .unwrap_or(CREATE_ORDER.len())
            });
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                field_errors(page.lang, &errors, label),
            )
        }
        Err(AppError::Rule(RuleError::EmailTaken)) => (
            StatusCode::CONFLICT,
            message_errors(&[("email", page.t("error.email_taken"))], label),
        ),
        Err(e) => return Err(page.error(e)),
    };
    let view = UsersView {
        status,
        create: typed,
        create_errors: errors,
        create_open: true,
        edit: None,
    };
    render_users(&st, &page, &actor, &list, view).await
}

/// The roles editor lives on the users page; this address only answers forms. A GET (e.g. the
/// language switch on a page re-shown after a refused change) goes to the editor.
async fn get_roles(Path(id): Path<String>) -> Response {
    match id.parse::<UserId>() {
        Ok(id) => axum::response::Redirect::to(&format!("/admin/users?edit={id}#edit-user"))
            .into_response(),
        Err(_) => axum::response::Redirect::to("/admin/users").into_response(),
    }
}

async fn post_roles(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let f = Posted(read_form(&page, form)?);
    page.check_csrf(&f.one("csrf_token"))?;
    let id: UserId = id.parse().map_err(|_| page.error(AppError::NotFound))?;
    let list = f.list_state();
    let roles = f.all("roles");
    let district = f.opt("district_code");
    let employer = f.opt("employer");
    let result =
        accounts::set_roles(&st, &actor, id, &roles, district.clone(), employer.clone()).await;
    let errors = match result {
        Ok(()) => return Ok(redirect_with_flash(&list.url(), Some("flash.roles_saved"))),
        Err(AppError::Invalid(errors)) => errors,
        Err(e) => return Err(page.error(e)),
    };
    let target = account(&st, id)
        .await
        .map_err(|e| page.error(e))?
        .ok_or_else(|| page.error(AppError::NotFound))?;
    let label = |p: &str| field_label(&page, p);
    // An admin removing their own admin role is refused (someone must keep the keys); say so
    // plainly rather than "required".
    let own_admin = id == actor.user.id
        && !roles.is_empty()
        && errors
            .iter()
            .any(|e| e.path == "roles" && e.problem == Problem::Required);
    let shown = if own_admin {
        message_errors(
            &[("edit.roles", page.t("users_page.keep_own_admin"))],
            label,
        )
    } else {
        let prefixed: Vec<FieldError> = renamed(errors, |p| format!("edit.{}", group_roles(p)));
        field_errors(page.lang, &prefixed, label)
    };
    let view = UsersView {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        create: context! { roles => Vec::<String>::new() },
        create_errors: no_errors(),
        create_open: false,
        edit: Some(edit_ctx(&target, roles, district, employer, shown)),
    };
    render_users(&st, &page, &actor, &list, view).await
}

// ------------------------------------------------------------------ audit log

/// The actions the log knows, for the action filter (a prefix match in the store).
const KNOWN_ACTIONS: [&str; 20] = [
    "account.create",
    "account.set_roles",
    "auth.sign_in",
    "auth.sign_in_failed",
    "auth.sign_out",
    "application.create",
    "application.save",
    "application.submit",
    "application.review",
    "attachment.upload",
    "attachment.view",
    "attachment.delete",
    "identity.view",
    "batch.create",
    "batch.close",
    "batch.assign",
    "assignment.swap",
    "score.save",
    "batch.finalize",
    "rubric.publish",
];

/// The most rows one CSV export holds.
const CSV_MAX_ROWS: usize = 10_000;

#[derive(Deserialize, Default)]
struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    target: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// The filter read from the query, the values to show in the form, and notes about values that
/// were ignored.
struct AuditState {
    filter: AuditFilter,
    values: Vec<(&'static str, String)>,
    notes: Vec<String>,
    page: Page,
}

/// The kind of thing an entry is about, in the reader's language (the stored code otherwise).
fn target_label(lang: Lang, target_type: &str) -> String {
    let key = format!("audit_target.{target_type}");
    if i18n::has(lang, &key) {
        i18n::t(lang, &key, &[])
    } else {
        target_type.to_string()
    }
}

fn action_label(lang: Lang, action: &str) -> Option<String> {
    let key = format!("audit_action.{action}");
    i18n::has(lang, &key).then(|| i18n::t(lang, &key, &[]))
}

fn read_audit(lang: Lang, q: &AuditQuery) -> AuditState {
    let actor = opt_text(q.actor.as_deref(), 100);
    let action = opt_text(q.action.as_deref(), 100);
    let target = opt_text(q.target.as_deref(), 100);
    let from_raw = opt_text(q.from.as_deref(), 30);
    let to_raw = opt_text(q.to.as_deref(), 30);
    let mut notes = Vec::new();
    let mut day = |raw: &Option<String>, key: &str| -> Option<(i64, i64)> {
        let raw = raw.as_deref()?;
        let bounds = super::staff::common::day_bounds(raw);
        if bounds.is_none() {
            notes.push(i18n::t(lang, key, &[("value", raw.to_string())]));
        }
        bounds
    };
    let from = day(&from_raw, "audit_page.bad_from").map(|(start, _)| start);
    let to = day(&to_raw, "audit_page.bad_to").map(|(_, end)| end);
    if let (Some(f), Some(t)) = (from, to) {
        if f >= t {
            notes.push(i18n::t(lang, "audit_page.from_after_to", &[]));
        }
    }
    let values = vec![
        ("actor", actor.clone().unwrap_or_default()),
        ("action", action.clone().unwrap_or_default()),
        ("target", target.clone().unwrap_or_default()),
        // Ignored dates are not carried into the links.
        ("from", from.and(from_raw.clone()).unwrap_or_default()),
        ("to", to.and(to_raw.clone()).unwrap_or_default()),
    ];
    AuditState {
        filter: AuditFilter {
            actor_id: actor,
            action_prefix: action,
            target_id: target,
            from,
            to,
        },
        values,
        notes,
        page: lenient_page(q.page.as_deref(), q.per_page.as_deref()),
    }
}

/// Emails of the actors of these entries, one lookup per distinct id, at most `max` lookups.
async fn actor_emails(
    st: &AppState,
    entries: &[AuditEntry],
    max: usize,
) -> Result<HashMap<String, String>, AppError> {
    let mut out = HashMap::new();
    let mut looked = std::collections::HashSet::new();
    for e in entries {
        let Some(id) = e.actor_id.as_deref() else {
            continue;
        };
        if looked.len() >= max || !looked.insert(id.to_string()) {
            continue;
        }
        if let Ok(uid) = id.parse::<UserId>() {
            if let Some(a) = account(st, uid).await? {
                out.insert(id.to_string(), a.email);
            }
        }
    }
    Ok(out)
}

/// What each entry's target is called: an account's email, a batch's or an applicant's name (no
/// identity data), so a reader need not look up ids. A rubric's id is its version, readable as is.
async fn target_names(
    st: &AppState,
    entries: &[AuditEntry],
) -> Result<HashMap<(String, String), String>, AppError> {
    let db = st.store.db();
    let mut out = HashMap::new();
    for e in entries {
        let Some(id) = e.target_id.as_deref() else {
            continue;
        };
        let key = (e.target_type.clone(), id.to_string());
        if out.contains_key(&key) {
            continue;
        }
        let name = match e.target_type.as_str() {
            "account" => match id.parse::<UserId>() {
                Ok(uid) => account(st, uid).await?.map(|a| a.email),
                Err(_) => None,
            },
            "batch" => match id.parse() {
                Ok(bid) => talentlib_store::batches::get(db, bid)
                    .await?
                    .map(|b| b.name),
                Err(_) => None,
            },
            "application" => match id.parse() {
                Ok(aid) => talentlib_store::applications::get(db, aid)
                    .await?
                    .and_then(|a| a.name)
                    .filter(|n| !n.trim().is_empty()),
                Err(_) => None,
            },
            _ => None,
        };
        if let Some(name) = name {
            out.insert(key, name);
        }
    }
    Ok(out)
}

fn short_id(id: &str) -> String {
    if id.chars().count() > 8 {
        format!("{}…", id.chars().take(8).collect::<String>())
    } else {
        id.to_string()
    }
}

#[derive(Serialize)]
struct AuditLine {
    time: String,
    iso: String,
    actor_id: Option<String>,
    actor_short: Option<String>,
    actor_email: Option<String>,
    actor_href: Option<String>,
    ip: Option<String>,
    action: String,
    action_label: Option<String>,
    target_type: String,
    target_id: Option<String>,
    target_short: Option<String>,
    target_name: Option<String>,
    target_href: Option<String>,
    detail: Option<String>,
}

async fn get_audit(
    State(st): State<AppState>,
    page: PageCtx,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let q = lenient_query(query);
    let state = read_audit(page.lang, &q);
    let (mut entries, mut total) = audit::list(&st, &actor, &state.filter, state.page)
        .await
        .map_err(|e| page.error(e))?;
    let mut shown = state.page;
    if entries.is_empty() {
        if let Some(last) = clamp_page(state.page, total) {
            (entries, total) = audit::list(&st, &actor, &state.filter, last)
                .await
                .map_err(|e| page.error(e))?;
            shown = last;
        }
    }
    let emails = actor_emails(&st, &entries, 100)
        .await
        .map_err(|e| page.error(e))?;
    let names = target_names(&st, &entries)
        .await
        .map_err(|e| page.error(e))?;
    let lines: Vec<AuditLine> = entries
        .iter()
        .map(|e| AuditLine {
            time: fmt_seconds(e.at),
            iso: iso_local(e.at),
            actor_id: e.actor_id.clone(),
            actor_short: e.actor_id.as_deref().map(short_id),
            actor_email: e.actor_id.as_ref().and_then(|a| emails.get(a).cloned()),
            actor_href: e
                .actor_id
                .as_deref()
                .map(|a| format!("/admin/audit?actor={}", encode(a))),
            ip: e.actor_ip.clone(),
            action: e.action.clone(),
            action_label: action_label(page.lang, &e.action),
            target_type: target_label(page.lang, &e.target_type),
            target_id: e.target_id.clone(),
            target_short: e.target_id.as_deref().map(short_id),
            target_name: e
                .target_id
                .as_ref()
                .and_then(|t| names.get(&(e.target_type.clone(), t.clone())).cloned()),
            target_href: e
                .target_id
                .as_deref()
                .map(|t| format!("/admin/audit?target={}", encode(t))),
            detail: e.detail.clone(),
        })
        .collect();
    let pairs: Vec<(&str, &str)> = state.values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let value = |k: &str| {
        state
            .values
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    // Known actions, plus the one asked for if it is some other prefix (so the select shows it).
    let mut actions: Vec<[String; 2]> = KNOWN_ACTIONS
        .iter()
        .map(|a| {
            let label = action_label(page.lang, a).unwrap_or_else(|| (*a).to_string());
            [(*a).to_string(), format!("{label} ({a})")]
        })
        .collect();
    let asked = value("action");
    if !asked.is_empty() && !KNOWN_ACTIONS.contains(&asked.as_str()) {
        actions.push([asked.clone(), asked.clone()]);
    }
    let raw_from = opt_text(q.from.as_deref(), 30).unwrap_or_default();
    let raw_to = opt_text(q.to.as_deref(), 30).unwrap_or_default();
    let ctx = context! {
        entries => lines,
        pager => pager("/admin/audit", &pairs, shown, total),
        values => context! {
            actor => value("actor"),
            action => asked,
            target => value("target"),
            from => raw_from,
            to => raw_to,
        },
        notes => state.notes,
        action_options => actions,
        filtered => pairs.iter().any(|(_, v)| !v.is_empty()),
        csv_href => with_query("/admin/audit.csv", &query_string(&pairs)),
        csv_max => CSV_MAX_ROWS,
        csv_truncated => total > CSV_MAX_ROWS as u64,
    };
    Ok(page.render(&st, "admin_audit.html", ctx))
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading
/// `=`, `+`, `-`, `@` or tab/CR is prefixed with `'` so spreadsheet programs never read the
/// cell as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv_line(out: &mut String, fields: &[&str]) {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

async fn get_audit_csv(
    State(st): State<AppState>,
    page: PageCtx,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let q = lenient_query(query);
    let mut state = read_audit(page.lang, &q);
    // Entries written while the export runs would shift the pages: stop at the start time.
    let started = now_millis();
    state.filter.to = Some(state.filter.to.map_or(started + 1, |t| t.min(started + 1)));
    let per_page = Page::MAX_PER_PAGE;
    let mut rows: Vec<AuditEntry> = Vec::new();
    let mut n = 1;
    loop {
        let (entries, _) = audit::list(&st, &actor, &state.filter, Page { page: n, per_page })
            .await
            .map_err(|e| page.error(e))?;
        let last = (entries.len() as u64) < per_page;
        rows.extend(entries);
        if last || rows.len() >= CSV_MAX_ROWS {
            break;
        }
        n += 1;
    }
    rows.truncate(CSV_MAX_ROWS);
    let emails = actor_emails(&st, &rows, 500)
        .await
        .map_err(|e| page.error(e))?;

    let mut out = String::from("\u{feff}");
    let head: Vec<String> = [
        "time",
        "actor_id",
        "actor_email",
        "address",
        "action",
        "action_label",
        "target_type",
        "target_id",
        "detail",
    ]
    .iter()
    .map(|c| page.t(&format!("audit_page.csv.{c}")))
    .collect();
    csv_line(
        &mut out,
        &head.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for e in &rows {
        let actor_id = e.actor_id.clone().unwrap_or_default();
        let email = emails.get(&actor_id).cloned().unwrap_or_default();
        let label = action_label(page.lang, &e.action).unwrap_or_default();
        csv_line(
            &mut out,
            &[
                &fmt_seconds(e.at),
                &actor_id,
                &email,
                e.actor_ip.as_deref().unwrap_or(""),
                &e.action,
                &label,
                &e.target_type,
                e.target_id.as_deref().unwrap_or(""),
                e.detail.as_deref().unwrap_or(""),
            ],
        );
    }
    let stamp: String = fmt_seconds(started)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let disposition = format!("attachment; filename=\"talentlib-audit-{stamp}.csv\"");
    let mut res = (StatusCode::OK, out).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("重庆"), "重庆");
        let mut out = String::new();
        csv_line(&mut out, &["a", "b,c", ""]);
        assert_eq!(out, "a,\"b,c\",\r\n");
    }

    #[test]
    fn audit_dates_are_read_in_china_time_and_bad_ones_noted() {
        let q = AuditQuery {
            from: Some("2026-02-01".into()),
            to: Some("2026-02-30".into()),
            ..AuditQuery::default()
        };
        let s = read_audit(Lang::En, &q);
        assert!(s.filter.from.is_some());
        assert_eq!(s.filter.to, None);
        assert_eq!(s.notes.len(), 1);
        assert!(s.values.iter().any(|(k, v)| *k == "to" && v.is_empty()));
    }
}

//! Public pages: home, sign in, register, sign out, language switch.

use super::page::{
    add_cookie, field_errors, redirect_with_flash, safe_local_path, PageCtx, PageError,
};
use crate::auth::SESSION_COOKIE;
use crate::error::AppError;
use crate::middleware::LANG_COOKIE;
use crate::service::{accounts, batches};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use minijinja::context;
use serde::Deserialize;
use talentlib_domain::{FieldError, Problem};
use talentlib_store::accounts::SessionKind;

pub const TEMPLATES: &[(&str, &str)] = &[
    ("home.html", include_str!("../../templates/home.html")),
    ("signin.html", include_str!("../../templates/signin.html")),
    (
        "register.html",
        include_str!("../../templates/register.html"),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(get_home))
        .route("/signin", get(get_signin).post(post_signin))
        .route("/register", get(get_register).post(post_register))
        .route("/signout", post(post_signout))
        .route("/lang", get(get_lang))
}

async fn get_home(State(st): State<AppState>, page: PageCtx) -> Result<Response, PageError> {
    let open = batches::open_batch(&st).await.map_err(|e| page.error(e))?;
    let open_batch = open.map(|b| context! { name => b.name });
    // The star levels as the rubric in force names them, from the provisional star up.
    let rubric = crate::service::rubrics::current_view(&st)
        .await
        .map_err(|e| page.error(e))?;
    let star_names = super::rubric::star_names_upward(page.lang, &rubric);
    Ok(page.render(&st, "home.html", context! { open_batch, star_names }))
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn get_signin(
    State(st): State<AppState>,
    page: PageCtx,
    Query(q): Query<NextQuery>,
) -> Response {
    page.render(
        &st,
        "signin.html",
        context! { next => safe_local_path(q.next.as_deref()), email => "" },
    )
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
    next: Option<String>,
}

fn session_cookie(page: &PageCtx, token: &str, max_age_secs: i64) -> String {
    let secure = if page.secure_cookies { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    )
}

async fn post_signin(
    State(st): State<AppState>,
    page: PageCtx,
    Form(f): Form<SignInForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&f.csrf_token)?;
    match accounts::sign_in(&st, &f.email, &f.password, &page.ip, SessionKind::Web).await {
        Ok((token, session, account)) => {
            let next = match f.next.as_deref() {
                Some(n) if n != "/" => safe_local_path(Some(n)),
                _ => super::nav::landing(&account.roles).to_string(),
            };
            let mut res = Redirect::to(&next).into_response();
            let max_age = (session.expires_at - session.created_at) / 1000;
            add_cookie(res.headers_mut(), &session_cookie(&page, &token, max_age));
            Ok(res)
        }
        Err(e @ (AppError::BadCredentials | AppError::TooManyRequests | AppError::Invalid(_))) => {
            let status = e.status();
            let message = e.message(page.lang);
            let ctx = context! { next => safe_local_path(f.next.as_deref()), email => f.email, form_error => message };
            Ok(page.render_status(&st, status, "signin.html", ctx))
        }
        Err(e) => Err(page.error(e)),
    }
}

async fn get_register(State(st): State<AppState>, page: PageCtx) -> Response {
    page.render(&st, "register.html", context! { values => context! {} })
}

/// The registration form's fields, in the order register.html shows them.
const REGISTER_FIELDS: [&str; 4] = ["name", "email", "password", "password_confirm"];

#[derive(Deserialize)]
struct RegisterForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The password typed again (the web form only: a typo would lock the designer out).
    #[serde(default)]
    password_confirm: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    csrf_token: String,
}

/// The problem of the repeated password, if any (none while the password itself is blank).
fn confirmation_problem(password: &str, again: &str) -> Option<Problem> {
    if password.is_empty() || again == password {
        None
    } else if again.is_empty() {
        Some(Problem::Required)
    } else {
        Some(Problem::PasswordsDiffer)
    }
}

async fn post_register(
    State(st): State<AppState>,
    page: PageCtx,
    Form(f): Form<RegisterForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&f.csrf_token)?;
    let r = accounts::Registration {
        email: f.email.clone(),
        password: f.password.clone(),
        name: f.name.clone(),
    };
    let outcome = match confirmation_problem(&f.password, &f.password_confirm) {
        Some(problem) => {
            let mut errors = accounts::registration_problems(&r);
            errors.push(FieldError::new("password_confirm", problem));
            Err(AppError::Invalid(errors))
        }
        None => accounts::register(&st, r, &page.ip).await,
    };
    let errors = match outcome {
        Ok(_) => {
            // Signed in straight away: the next step is the application.
            let (token, session, _) =
                accounts::sign_in(&st, &f.email, &f.password, &page.ip, SessionKind::Web)
                    .await
                    .map_err(|e| page.error(e))?;
            let mut res = redirect_with_flash("/me/application", Some("flash.registered"));
            let max_age = (session.expires_at - session.created_at) / 1000;
            add_cookie(res.headers_mut(), &session_cookie(&page, &token, max_age));
            return Ok(res);
        }
        Err(AppError::Invalid(errors)) => errors,
        Err(AppError::Rule(talentlib_domain::RuleError::EmailTaken)) => {
            vec![FieldError::new("email", Problem::EmailTaken)]
        }
        Err(e) => return Err(page.error(e)),
    };
    // The summary lists the problems in the order of the form's fields.
    let mut errors = errors;
    errors.sort_by_key(|e| {
        REGISTER_FIELDS
            .iter()
            .position(|f| *f == e.path)
            .unwrap_or(REGISTER_FIELDS.len())
    });
    let (errors_map, errors_list) = field_errors(page.lang, &errors, |p| {
        Some(page.t(&format!("register.{p}")))
    });
    let ctx = context! {
        values => context! { email => f.email, name => f.name },
        errors => errors_map,
        errors_list => errors_list,
    };
    Ok(page.render_status(&st, StatusCode::UNPROCESSABLE_ENTITY, "register.html", ctx))
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

async fn post_signout(
    State(st): State<AppState>,
    page: PageCtx,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    if let Ok(actor) = page.actor() {
        page.check_csrf(&f.csrf_token)?;
        accounts::sign_out(&st, &actor)
            .await
            .map_err(|e| page.error(e))?;
    }
    let mut res = redirect_with_flash("/", Some("flash.signed_out"));
    add_cookie(
        res.headers_mut(),
        &format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(res)
}

#[derive(Deserialize)]
struct LangQuery {
    to: Option<String>,
    back: Option<String>,
}

async fn get_lang(Query(q): Query<LangQuery>) -> Response {
    let lang =
        q.to.as_deref()
            .and_then(crate::i18n::Lang::parse)
            .unwrap_or_default();
    let mut res = Redirect::to(&safe_local_path(q.back.as_deref())).into_response();
    add_cookie(
        res.headers_mut(),
        &format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        ),
    );
    res
}

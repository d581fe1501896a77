//! `/auth/register`, `/auth/token`, `/users`, `/me`.

use super::input::Body;
use super::views::{TokenView, UserView};
use super::AdminActor;
use crate::auth::ClientIp;
use crate::error::{AppResult, ErrorBody};
use crate::service::{accounts, Actor};
use crate::state::{rfc3339, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use talentlib_store::accounts::SessionKind;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/register", post(post_register))
        .route("/auth/token", post(post_token))
        .route("/users", post(post_users))
        .route("/me", get(get_me))
}

/// Register a designer account.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts",
    request_body(content = Object, description = "`{email, password, name}`; password at least 10 characters"),
    responses((status = 201, body = UserView), (status = 409, description = "email_taken", body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 400, body = ErrorBody)))]
pub async fn post_register(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    mut body: Body,
) -> AppResult<(StatusCode, Json<UserView>)> {
    let r = accounts::Registration {
        email: body.string("email"),
        password: body.string("password"),
        name: body.string("name"),
    };
    body.finish()?;
    let account = accounts::register(&st, r, &ip).await?;
    Ok((StatusCode::CREATED, Json(UserView::from(&account))))
}

/// Exchange credentials for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "accounts",
    request_body(content = Object, description = "`{email, password}`"),
    responses((status = 200, body = TokenView), (status = 401, description = "same answer for unknown email and wrong password", body = ErrorBody),
              (status = 429, description = "too many failures for this account or address", body = ErrorBody)))]
pub async fn post_token(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    mut body: Body,
) -> AppResult<Json<TokenView>> {
    let email = body.string("email");
    let password = body.string("password");
    body.finish()?;
    let (token, session, account) =
        accounts::sign_in(&st, &email, &password, &ip, SessionKind::Api).await?;
    Ok(Json(TokenView {
        token,
        expires_at: rfc3339(session.expires_at),
        user: UserView::from(&account),
    }))
}

/// Create a staff account (admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])),
    request_body(content = Object, description = "`{email, password, name, roles:[...], district_code?, employer?}`"),
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_users(
    State(st): State<AppState>,
    AdminActor(actor): AdminActor,
    mut body: Body,
) -> AppResult<(StatusCode, Json<UserView>)> {
    let staff = accounts::NewStaff {
        email: body.string("email"),
        password: body.string("password"),
        name: body.string("name"),
        roles: body.string_list("roles"),
        district_code: body.opt_string("district_code"),
        employer: body.opt_string("employer"),
    };
    body.finish()?;
    let ip = actor.ip.clone();
    let account = accounts::create_staff(&st, Some(&actor), staff, &ip).await?;
    Ok((StatusCode::CREATED, Json(UserView::from(&account))))
}

/// The current user.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
pub async fn get_me(actor: Actor) -> Json<UserView> {
    Json(UserView::from(&actor.user))
}

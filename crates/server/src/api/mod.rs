//! The JSON API of API.md, version 1. Handlers parse, call a service function, and render a view.

pub mod accounts;
pub mod applications;
pub mod attachments;
pub mod batches;
pub mod input;
pub mod library;
pub mod notifications;
pub mod openapi;
pub mod reference;
pub mod scoring;
pub mod views;

use crate::auth::{ClientIp, CurrentUser};
use crate::error::AppError;
use crate::service::Actor;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(accounts::router())
        .merge(reference::router())
        .merge(batches::router())
        .merge(applications::router())
        .merge(attachments::router())
        .merge(scoring::router())
        .merge(library::router())
        .merge(notifications::router())
        .merge(openapi::router())
        .fallback(|| async { AppError::NotFound })
}

/// The signed-in user and their address: what every service call needs.
impl FromRequestParts<AppState> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, AppError> {
        let user = CurrentUser::from_request_parts(parts, st).await?;
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, st).await;
        Ok(Actor { user, ip })
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident: $($role:ident),+) => {
        $(#[$doc])*
        pub struct $name(pub Actor);

        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, AppError> {
                let actor = Actor::from_request_parts(parts, st).await?;
                actor.user.require_any(&[$(talentlib_domain::roles::Role::$role),+])?;
                Ok($name(actor))
            }
        }
    };
}

role_extractor!(
    /// An admin (403 for anyone else), checked before the body is read.
    AdminActor: Admin
);
role_extractor!(
    /// Commission staff who run batches and review: reviewers and admins.
    ReviewerActor: Reviewer, Admin
);
role_extractor!(
    /// A designer (self-registered applicant).
    DesignerActor: Designer
);

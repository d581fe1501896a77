//! The OpenAPI document of the API, served at `/api/v1/openapi.json`.

use crate::state::AppState;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "TalentLib API", version = "1",
        description = "Chongqing's Thousand Talents Library of outstanding industrial designers. Every error has the body `{\"error\": {\"code\", \"message\", \"fields\": [{\"path\", \"code\", \"message\"}]}}`; messages follow Accept-Language (Simplified Chinese by default)."),
    paths(
        super::accounts::post_register, super::accounts::post_token, super::accounts::post_users, super::accounts::get_me,
        super::reference::get_districts, super::reference::get_majors, super::reference::get_titles,
        super::reference::get_degrees, super::reference::get_awards, super::reference::get_rubric,
        super::reference::post_rubric, super::reference::get_rubric_version,
        super::batches::post_batches, super::batches::get_batches, super::batches::get_batch, super::batches::post_close,
        super::applications::post_applications, super::applications::get_application, super::applications::put_application,
        super::applications::post_submit, super::applications::get_applications, super::applications::post_review,
        super::scoring::get_reference_score, super::scoring::post_assign, super::scoring::post_swap, super::scoring::post_finalize,
        super::scoring::get_finalize_preview, super::scoring::get_my_assignments, super::scoring::post_scores,
        super::scoring::get_rating, super::scoring::get_ratings, super::scoring::get_panel, super::scoring::get_panels, super::scoring::get_progress, super::library::get_library, super::library::get_export_csv,
        super::notifications::get_notifications, super::notifications::post_read,
        super::attachments::post_attachments, super::attachments::get_attachment, super::attachments::delete_attachment,
    ),
    modifiers(&BearerAuth),
    tags((name = "accounts"), (name = "reference"), (name = "batches"), (name = "applications"), (name = "review"), (name = "scoring"), (name = "library"), (name = "notifications"))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_every_route_of_the_contract() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        for path in [
            "/api/v1/auth/register",
            "/api/v1/auth/token",
            "/api/v1/users",
            "/api/v1/me",
            "/api/v1/reference/districts",
            "/api/v1/reference/majors",
            "/api/v1/rubric",
            "/api/v1/batches",
            "/api/v1/batches/{id}",
            "/api/v1/batches/{id}/close",
            "/api/v1/applications",
            "/api/v1/applications/{id}",
            "/api/v1/applications/{id}/submit",
            "/api/v1/applications/{id}/attachments",
            "/api/v1/attachments/{id}",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} missing");
        }
        assert!(doc["components"]["schemas"]
            .get("ApplicationForm")
            .is_some());
    }
}

//! Public reference data and the rubric in force.

use super::input::JsonValue;
use super::AdminActor;
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use talentlib_domain::reference::Reference;
use talentlib_domain::rubric::Rubric;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reference/districts", get(get_districts))
        .route("/reference/majors", get(get_majors))
        .route("/reference/titles", get(get_titles))
        .route("/reference/degrees", get(get_degrees))
        .route("/reference/awards", get(get_awards))
        .route("/rubric", get(get_rubric).post(post_rubric))
        .route("/rubric/versions/{version}", get(get_rubric_version))
}

#[derive(Serialize, ToSchema)]
pub struct CodeName {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// district/county/autonomous_county/functional_zone, or the major's category.
    pub kind: String,
}

/// Chongqing's districts, counties and the notice's functional zones.
#[utoipa::path(get, path = "/api/v1/reference/districts", tag = "reference", responses((status = 200, body = Vec<CodeName>)))]
pub async fn get_districts() -> Json<Vec<CodeName>> {
    Json(
        Reference::get()
            .districts
            .iter()
            .map(|d| CodeName {
                code: d.code.clone(),
                name_zh: d.name_zh.clone(),
                name_en: d.name_en.clone(),
                kind: d.kind.clone(),
            })
            .collect(),
    )
}

/// Industrial-design-related majors.
#[utoipa::path(get, path = "/api/v1/reference/majors", tag = "reference", responses((status = 200, body = Vec<CodeName>)))]
pub async fn get_majors() -> Json<Vec<CodeName>> {
    Json(
        Reference::get()
            .majors
            .iter()
            .map(|m| CodeName {
                code: m.code.clone(),
                name_zh: m.name_zh.clone(),
                name_en: m.name_en.clone(),
                kind: m.category.clone(),
            })
            .collect(),
    )
}

/// Professional titles by series and level.
#[utoipa::path(get, path = "/api/v1/reference/titles", tag = "reference",
    responses((status = 200, body = Vec<talentlib_domain::reference::TitleRow>)))]
pub async fn get_titles() -> Json<&'static [talentlib_domain::reference::TitleRow]> {
    Json(&Reference::get().titles)
}

/// Education levels and degrees.
#[utoipa::path(get, path = "/api/v1/reference/degrees", tag = "reference",
    responses((status = 200, body = Vec<talentlib_domain::reference::DegreeRow>)))]
pub async fn get_degrees() -> Json<&'static [talentlib_domain::reference::DegreeRow]> {
    Json(&Reference::get().degrees)
}

/// Named design awards with their tiers.
#[utoipa::path(get, path = "/api/v1/reference/awards", tag = "reference",
    responses((status = 200, body = Vec<talentlib_domain::reference::AwardRow>)))]
pub async fn get_awards() -> Json<&'static [talentlib_domain::reference::AwardRow]> {
    Json(&Reference::get().awards)
}

/// The scoring rubric in force.
#[utoipa::path(get, path = "/api/v1/rubric", tag = "reference", responses((status = 200, body = Rubric)))]
pub async fn get_rubric(State(st): State<AppState>) -> AppResult<Json<Rubric>> {
    Ok(Json(crate::service::rubrics::current_view(&st).await?))
}

/// A published rubric version (old versions stay readable).
#[utoipa::path(get, path = "/api/v1/rubric/versions/{version}", tag = "reference",
    params(("version" = String, Path)), responses((status = 200, body = Rubric), (status = 404, body = ErrorBody)))]
pub async fn get_rubric_version(
    State(st): State<AppState>,
    Path(version): Path<String>,
) -> AppResult<Json<Rubric>> {
    Ok(Json(
        crate::service::rubrics::version(&st, &version)
            .await?
            .view(),
    ))
}

/// Publish a new rubric version (admin), in the shape of the default rubric file.
#[utoipa::path(post, path = "/api/v1/rubric", tag = "reference", security(("bearer" = [])),
    request_body(content = Object, description = "a rubric in the shape of seed/scoring-rubric.json"),
    responses((status = 201, body = Rubric), (status = 403, body = ErrorBody), (status = 409, description = "rubric_version_taken", body = ErrorBody),
              (status = 422, description = "every problem listed", body = ErrorBody)))]
pub async fn post_rubric(
    State(st): State<AppState>,
    AdminActor(actor): AdminActor,
    JsonValue(body): JsonValue,
) -> AppResult<(StatusCode, Json<Rubric>)> {
    let def = crate::service::rubrics::publish(&st, &actor, &body).await?;
    Ok((StatusCode::CREATED, Json(def.view())))
}

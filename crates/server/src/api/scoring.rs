//! Reference scores, expert assignment, scoring, finalizing and ratings.

use super::input::{parse_id, Body, JsonValue};
use super::ReviewerActor;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::service::{scoring, Actor};
use crate::state::{rfc3339, AppState};
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use std::collections::BTreeMap;

use talentlib_domain::{FieldError, Problem};
use talentlib_store::ratings::RatingRow;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/applications/{id}/reference-score",
            get(get_reference_score),
        )
        .route("/applications/{id}/scores", post(post_scores))
        .route("/applications/{id}/rating", get(get_rating))
        .route("/applications/{id}/assignments/swap", post(post_swap))
        .route("/batches/{id}/assign", post(post_assign))
        .route("/batches/{id}/finalize", post(post_finalize))
        .route("/batches/{id}/finalize-preview", get(get_finalize_preview))
        .route("/experts/me/assignments", get(get_my_assignments))
        .route("/designers/{id}/ratings", get(get_ratings))
        .route("/applications/{id}/panel", get(get_panel))
        .route("/batches/{id}/panels", get(get_panels))
        .route("/batches/{id}/progress", get(get_progress))
}

fn two_dp(hundredths: i64) -> f64 {
    hundredths as f64 / 100.0
}

#[derive(Serialize, ToSchema)]
pub struct ItemPointsView {
    pub item_id: Option<String>,
    pub category: String,
    pub points: f64,
    /// The rubric rule that gave the points.
    pub rule: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReferenceScoreView {
    pub categories: BTreeMap<String, f64>,
    pub total: f64,
    pub items: Vec<ItemPointsView>,
}

/// The reference score by the rubric in force, from verified items only, explained per item.
#[utoipa::path(get, path = "/api/v1/applications/{id}/reference-score", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = ReferenceScoreView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_reference_score(
    State(st): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Json<ReferenceScoreView>> {
    let s = scoring::reference_score(&st, &actor, parse_id(&id)?).await?;
    Ok(Json(ReferenceScoreView {
        categories: s
            .categories
            .iter()
            .map(|(k, p)| (k.clone(), p.to_f64_2dp()))
            .collect(),
        total: s.total.to_f64_2dp(),
        items: s
            .items
            .into_iter()
            .map(|i| ItemPointsView {
                item_id: i.item_id,
                category: i.category.to_string(),
                points: i.points.to_f64_2dp(),
                rule: i.rule.to_string(),
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AssignmentItemView {
    pub application_id: String,
    pub expert_ids: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AssignView {
    /// How many (application, expert) assignments were drawn.
    pub assignments: usize,
    pub seed: u64,
    pub preview: bool,
    pub items: Vec<AssignmentItemView>,
}

/// Assign experts to every accepted application of a closed batch (or preview the draw).
#[utoipa::path(post, path = "/api/v1/batches/{id}/assign", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body(content = Object, description = "`{experts_per_application, seed?, preview?}`"),
    responses((status = 200, body = AssignView), (status = 403, body = ErrorBody, description = "not a reviewer or admin, or a party to the batch (an application of their own is in it)"), (status = 404, body = ErrorBody),
              (status = 409, description = "batch_not_closed or too_few_experts", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_assign(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    Path(id): Path<String>,
    mut body: Body,
) -> AppResult<Json<AssignView>> {
    let batch = parse_id(&id)?;
    let per = body.opt_u64("experts_per_application");
    let seed = body.opt_u64("seed");
    let preview = body.opt_bool("preview").unwrap_or(false);
    if per.is_none() && body.errors.is_empty() {
        body.errors.push(FieldError::new(
            "experts_per_application",
            Problem::Required,
        ));
    }
    if per.is_some_and(|n| !(1..=100).contains(&n)) {
        body.errors.push(FieldError::new(
            "experts_per_application",
            Problem::OutOfRange { min: 1, max: 100 },
        ));
    }
    body.finish()?;
    let req = scoring::AssignRequest {
        per_application: per.unwrap_or(1) as usize,
        seed,
        preview,
    };
    let result = scoring::assign(&st, &actor, batch, req).await?;
    Ok(Json(AssignView {
        assignments: result.items.iter().map(|a| a.expert_ids.len()).sum(),
        seed: result.seed,
        preview,
        items: result
            .items
            .iter()
            .map(|a| AssignmentItemView {
                application_id: a.application_id.to_string(),
                expert_ids: a.expert_ids.iter().map(ToString::to_string).collect(),
            })
            .collect(),
    }))
}

/// Replace one expert on one application (reviewer).
#[utoipa::path(post, path = "/api/v1/applications/{id}/assignments/swap", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path)), request_body(content = Object, description = "`{from, to}` expert ids"),
    responses((status = 200), (status = 403, body = ErrorBody, description = "not a reviewer or admin, or a party to the batch (an application of their own is in it)"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_swap(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    Path(id): Path<String>,
    mut body: Body,
) -> AppResult<Json<serde_json::Value>> {
    let app = parse_id(&id)?;
    let from = body.string("from");
    let to = body.string("to");
    body.finish()?;
    let bad = |p: &str| AppError::invalid(p, Problem::UnknownItem);
    let from = from.parse().map_err(|_| bad("from"))?;
    let to = to.parse().map_err(|_| bad("to"))?;
    scoring::swap_expert(&st, &actor, app, from, to).await?;
    Ok(Json(
        serde_json::json!({"application_id": id, "from": from.to_string(), "to": to.to_string()}),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct FinalizeView {
    pub batch_id: String,
    pub status: String,
    pub ratings: usize,
    pub rubric_version: String,
    /// How many ratings at each star level ("0" is the Provisional Star).
    pub distribution: BTreeMap<String, u64>,
}

fn distribution(by_stars: &BTreeMap<u8, u64>) -> BTreeMap<String, u64> {
    by_stars.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

/// Compute and publish every accepted application's rating (all assignments must be scored).
#[utoipa::path(post, path = "/api/v1/batches/{id}/finalize", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = FinalizeView), (status = 403, body = ErrorBody, description = "not a reviewer or admin, or a party to the batch (an application of their own is in it)"), (status = 404, body = ErrorBody),
              (status = 409, description = "batch_not_scoring or unscored_assignments", body = ErrorBody)))]
pub async fn post_finalize(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    Path(id): Path<String>,
    JsonValue(_): JsonValue,
) -> AppResult<Json<FinalizeView>> {
    let outcome = scoring::finalize(&st, &actor, parse_id(&id)?).await?;
    Ok(Json(FinalizeView {
        batch_id: id,
        status: "finalized".into(),
        ratings: outcome.rated as usize,
        distribution: distribution(&outcome.distribution),
        rubric_version: outcome.rubric_version,
    }))
}

/// The star distribution finalizing would produce now, without publishing anything.
#[utoipa::path(get, path = "/api/v1/batches/{id}/finalize-preview", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = BTreeMap<String, u64>), (status = 403, body = ErrorBody, description = "not a reviewer or admin, or a party to the batch (an application of their own is in it)"), (status = 409, body = ErrorBody)))]
pub async fn get_finalize_preview(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    Path(id): Path<String>,
) -> AppResult<Json<BTreeMap<String, u64>>> {
    let d = scoring::preview_finalize(&st, &actor, parse_id(&id)?).await?;
    Ok(Json(
        d.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct MyAssignmentView {
    pub application_id: String,
    pub batch_id: String,
    pub scored: bool,
}

/// The signed-in expert's assignments.
#[utoipa::path(get, path = "/api/v1/experts/me/assignments", tag = "scoring", security(("bearer" = [])),
    responses((status = 200, body = Vec<MyAssignmentView>), (status = 403, body = ErrorBody)))]
pub async fn get_my_assignments(
    State(st): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Vec<MyAssignmentView>>> {
    let list = scoring::my_assignments(&st, &actor).await?;
    Ok(Json(
        list.into_iter()
            .map(|a| MyAssignmentView {
                application_id: a.application_id.to_string(),
                batch_id: a.batch_id.to_string(),
                scored: a.scored,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ScoresView {
    pub application_id: String,
    pub scores: BTreeMap<String, f64>,
    pub total: f64,
}

/// An assigned expert's scores per category, each within `[0, max]`; revisable until finalized.
#[utoipa::path(post, path = "/api/v1/applications/{id}/scores", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path)), request_body(content = Object, description = "`{scores:{category_key: number}, comment?}`"),
    responses((status = 200, body = ScoresView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "batch_finalized", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_scores(
    State(st): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> AppResult<Json<ScoresView>> {
    actor
        .user
        .require_any(&[talentlib_domain::roles::Role::Expert])?;
    let app = parse_id(&id)?;
    let Some(obj) = body.as_object() else {
        return Err(AppError::invalid(
            "",
            Problem::WrongType { expected: "object" },
        ));
    };
    let empty = serde_json::Map::new();
    let scores = match obj.get("scores") {
        Some(serde_json::Value::Object(m)) => m,
        None | Some(serde_json::Value::Null) => &empty,
        Some(_) => {
            return Err(AppError::invalid(
                "scores",
                Problem::WrongType { expected: "object" },
            ))
        }
    };
    let comment = match obj.get("comment") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(AppError::invalid(
                "comment",
                Problem::WrongType { expected: "string" },
            ))
        }
    };
    let sheet = scoring::save_scores(&st, &actor, app, scores, comment).await?;
    Ok(Json(ScoresView {
        application_id: id,
        total: two_dp(sheet.total()),
        scores: sheet
            .scores
            .iter()
            .map(|(k, v)| (k.clone(), two_dp(*v)))
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct RatingView {
    pub total: f64,
    pub stars: u8,
    pub categories: BTreeMap<String, f64>,
    pub rubric_version: String,
    pub batch_id: String,
    pub rated_at: String,
    pub application_id: String,
    pub designer_id: String,
    /// Whether this is the designer's rating in force (a later batch supersedes it).
    pub current: bool,
}

impl From<&RatingRow> for RatingView {
    fn from(r: &RatingRow) -> Self {
        RatingView {
            total: two_dp(r.total),
            stars: r.stars,
            categories: r
                .categories
                .iter()
                .map(|(k, v)| (k.clone(), two_dp(*v)))
                .collect(),
            rubric_version: r.rubric_version.clone(),
            batch_id: r.batch_id.to_string(),
            rated_at: rfc3339(r.rated_at),
            application_id: r.application_id.to_string(),
            designer_id: r.designer_id.to_string(),
            current: r.is_current,
        }
    }
}

/// The application's rating; 404 before its batch is finalized.
#[utoipa::path(get, path = "/api/v1/applications/{id}/rating", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = RatingView), (status = 404, body = ErrorBody)))]
pub async fn get_rating(
    State(st): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Json<RatingView>> {
    Ok(Json(RatingView::from(
        &scoring::rating_of(&st, &actor, parse_id(&id)?).await?,
    )))
}

/// A designer's rating history, newest first (the designer and staff).
#[utoipa::path(get, path = "/api/v1/designers/{id}/ratings", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Vec<RatingView>), (status = 404, body = ErrorBody)))]
pub async fn get_ratings(
    State(st): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<RatingView>>> {
    let list = scoring::history(&st, &actor, parse_id(&id)?).await?;
    Ok(Json(list.iter().map(RatingView::from).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct PanelView {
    pub application_id: String,
    pub experts_scored: i32,
    /// The aggregated total (trimmed mean from 5 experts).
    pub total: f64,
    pub mean: f64,
    pub median: f64,
    pub std_dev: f64,
    /// Highest minus lowest expert total.
    pub spread: f64,
    /// The experts disagree widely (spread above a fifth of the maximum total).
    pub disagreement: bool,
    pub categories: BTreeMap<String, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district_code: Option<String>,
    /// Each expert's sheet (in the single-application view).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<SheetView>,
}

#[derive(Serialize, ToSchema)]
pub struct SheetView {
    pub expert_id: String,
    pub total: f64,
    pub scores: BTreeMap<String, f64>,
    pub comment: Option<String>,
    pub updated_at: String,
}

fn cats(m: &BTreeMap<String, i64>) -> BTreeMap<String, f64> {
    m.iter().map(|(k, v)| (k.clone(), two_dp(*v))).collect()
}

/// An application's panel: aggregate, statistics and each expert's sheet (reviewers).
#[utoipa::path(get, path = "/api/v1/applications/{id}/panel", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = PanelView), (status = 403, body = ErrorBody, description = "not a reviewer or admin, or a party to the batch (an application of their own is in it)"), (status = 404, body = ErrorBody)))]
pub async fn get_panel(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    Path(id): Path<String>,
) -> AppResult<Json<PanelView>> {
    let (panel, sheets) = scoring::panel(&st, &actor, parse_id(&id)?).await?;
    let panel = panel.ok_or(AppError::NotFound)?;
    Ok(Json(PanelView {
        application_id: id,
        experts_scored: panel.experts_scored,
        total: two_dp(panel.total),
        mean: two_dp(panel.mean),
        median: two_dp(panel.median),
        std_dev: two_dp(panel.std_dev),
        spread: two_dp(panel.spread),
        disagreement: panel.disagreement,
        categories: cats(&panel.categories),
        name: None,
        district_code: None,
        sheets: sheets
            .iter()
            .map(|s| SheetView {
                expert_id: s.expert_id.to_string(),
                total: two_dp(s.sheet.total()),
                scores: cats(&s.sheet.scores),
                comment: s.comment.clone(),
                updated_at: rfc3339(s.updated_at),
            })
            .collect(),
    }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct PanelsQuery {
    /// total_desc (default), total_asc or spread_desc.
    pub sort: Option<String>,
    /// Only applications where the experts disagree widely.
    pub disagreement: Option<bool>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PanelListView {
    pub items: Vec<PanelView>,
    pub total_count: u64,
}

/// A batch's applications with their panel figures, sorted (reviewers; `per_page` up to 250).
#[utoipa::path(get, path = "/api/v1/batches/{id}/panels", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path), PanelsQuery), responses((status = 200, body = PanelListView), (status = 403, body = ErrorBody, description = "not a reviewer or admin, or a party to the batch (an application of their own is in it)"), (status = 422, body = ErrorBody)))]
pub async fn get_panels(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<PanelsQuery>,
) -> AppResult<Json<PanelListView>> {
    use talentlib_store::panels::PanelOrder;
    let batch = parse_id(&id)?;
    let order = match q.sort.as_deref() {
        None | Some("total_desc") => PanelOrder::TotalDesc,
        Some("total_asc") => PanelOrder::TotalAsc,
        Some("spread_desc") => PanelOrder::SpreadDesc,
        Some(_) => {
            return Err(AppError::invalid(
                "sort",
                Problem::UnknownValue {
                    allowed: "total_desc|total_asc|spread_desc".into(),
                },
            ))
        }
    };
    let per_page = match q.per_page.as_deref() {
        None | Some("") => 50,
        Some(s) => s
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=250).contains(n))
            .ok_or_else(|| {
                AppError::invalid("per_page", Problem::OutOfRange { min: 1, max: 250 })
            })?,
    };
    let page = talentlib_domain::paging::Page::parse(q.page.as_deref(), None)
        .map_err(AppError::Invalid)?;
    let page = talentlib_domain::paging::Page {
        page: page.page,
        per_page,
    };
    let (lines, total_count) = scoring::batch_panels(
        &st,
        &actor,
        batch,
        order,
        q.disagreement.unwrap_or(false),
        page,
    )
    .await?;
    let items = lines
        .into_iter()
        .map(|l| PanelView {
            categories: serde_json::from_str::<BTreeMap<String, i64>>(&l.categories)
                .map(|m| cats(&m))
                .unwrap_or_default(),
            application_id: l.application_id,
            experts_scored: l.experts_scored,
            total: two_dp(l.total),
            mean: two_dp(l.mean),
            median: two_dp(l.median),
            std_dev: two_dp(l.std_dev),
            spread: two_dp(l.spread),
            disagreement: l.disagreement,
            name: l.name,
            district_code: l.district_code,
            sheets: Vec::new(),
        })
        .collect();
    Ok(Json(PanelListView { items, total_count }))
}

#[derive(Serialize, ToSchema)]
pub struct ExpertProgressView {
    pub expert_id: String,
    pub name: String,
    pub assigned: u64,
    pub scored: u64,
}

/// Scoring progress per expert in a batch (reviewers).
#[utoipa::path(get, path = "/api/v1/batches/{id}/progress", tag = "scoring", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Vec<ExpertProgressView>), (status = 403, body = ErrorBody, description = "not a reviewer or admin, or a party to the batch (an application of their own is in it)")))]
pub async fn get_progress(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<ExpertProgressView>>> {
    let rows = scoring::progress_by_expert(&st, &actor, parse_id(&id)?).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, name, assigned, scored)| ExpertProgressView {
                expert_id: id.to_string(),
                name,
                assigned,
                scored,
            })
            .collect(),
    ))
}

//! `/applications`: create, read, save, submit, list.

use super::input::{parse_id, JsonValue};
use super::views::{ApplicationJson, ApplicationLineView, ApplicationListView};
use super::{DesignerActor, ReviewerActor};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::service::{applications, Actor};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use talentlib_domain::application::Status;
use talentlib_domain::paging::{filter_text, Page};
use talentlib_domain::{FieldError, Problem};
use talentlib_store::applications::ListFilter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/applications",
            post(post_applications).get(get_applications),
        )
        .route(
            "/applications/{id}",
            get(get_application).put(put_application),
        )
        .route("/applications/{id}/submit", post(post_submit))
        .route("/applications/{id}/review", post(post_review))
}

/// Start an application in the newest open batch.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", security(("bearer" = [])),
    request_body(content = Object, description = "`{}`"),
    responses((status = 201, body = ApplicationJson), (status = 403, body = ErrorBody),
              (status = 409, description = "no_open_batch or already_applied", body = ErrorBody)))]
pub async fn post_applications(
    State(st): State<AppState>,
    DesignerActor(actor): DesignerActor,
    JsonValue(body): JsonValue,
) -> AppResult<(StatusCode, Json<ApplicationJson>)> {
    if !body.is_object() {
        return Err(AppError::invalid(
            "",
            Problem::WrongType { expected: "object" },
        ));
    }
    let view = applications::create(&st, &actor).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// The whole application, as the caller may see it (identity data masked where not allowed).
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = ApplicationJson), (status = 404, body = ErrorBody)))]
pub async fn get_application(
    State(st): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Json<ApplicationJson>> {
    Ok(Json(
        applications::get(&st, &actor, parse_id(&id)?).await?.into(),
    ))
}

/// Save the whole form (owner, while draft or returned). Only shape errors are refused.
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = talentlib_domain::form::ApplicationForm,
    responses((status = 200, body = ApplicationJson), (status = 404, body = ErrorBody),
              (status = 409, description = "not_editable; or changed_meanwhile when other saves of the same application kept getting in first (reload and save again)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_application(
    State(st): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> AppResult<Json<ApplicationJson>> {
    Ok(Json(
        applications::save(&st, &actor, parse_id(&id)?, &body)
            .await?
            .into(),
    ))
}

/// Submit: every eligibility and completeness problem is listed at once (422).
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = ApplicationJson), (status = 404, body = ErrorBody),
              (status = 409, description = "not_submittable or batch_not_open", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_submit(
    State(st): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Json<ApplicationJson>> {
    Ok(Json(
        applications::submit(&st, &actor, parse_id(&id)?)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct ListQuery {
    pub batch_id: Option<String>,
    pub status: Option<String>,
    pub district_code: Option<String>,
    /// Name or employer contains this text.
    pub q: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl ListQuery {
    /// Every bad parameter at once (422); an id that is not ours matches nothing.
    pub fn parse(&self) -> Result<(ListFilter, Page), AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let page = Page::parse(self.page.as_deref(), self.per_page.as_deref())
            .map_err(|e| errors.extend(e))
            .ok();
        let blank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let status = match blank(&self.status) {
            None => None,
            Some(s) => {
                let parsed = Status::parse(&s);
                if parsed.is_none() {
                    let allowed = Status::ALL.map(|s| s.as_str()).join("|");
                    errors.push(FieldError::new("status", Problem::UnknownValue { allowed }));
                }
                parsed
            }
        };
        let batch_id = match blank(&self.batch_id) {
            None => None,
            Some(b) => match b.parse() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.push(FieldError::new("batch_id", Problem::UnknownItem));
                    None
                }
            },
        };
        let text = filter_text("q", self.q.as_deref(), &mut errors);
        let district_code =
            filter_text("district_code", self.district_code.as_deref(), &mut errors);
        match page {
            Some(page) if errors.is_empty() => Ok((
                ListFilter {
                    batch_id,
                    status,
                    district_code,
                    text,
                    ..ListFilter::default()
                },
                page,
            )),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

/// The applications the caller may see (a designer: their own; a district officer: their
/// district; a reviewer: everything submitted).
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", security(("bearer" = [])),
    params(ListQuery), responses((status = 200, body = ApplicationListView), (status = 422, body = ErrorBody)))]
pub async fn get_applications(
    State(st): State<AppState>,
    actor: Actor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<ApplicationListView>> {
    let (filter, page) = q.parse()?;
    let (lines, total_count) = applications::list(&st, &actor, &filter, page).await?;
    Ok(Json(ApplicationListView {
        items: lines.iter().map(ApplicationLineView::from).collect(),
        total_count,
    }))
}

/// Parses `{decision, comment, items:[{item_id, verified, note?}]}`, every problem at once.
fn parse_review(body: &serde_json::Value) -> Result<crate::service::review::ReviewInput, AppError> {
    use serde_json::Value;
    use talentlib_domain::review::{Decision, ItemCheck};
    let Some(obj) = body.as_object() else {
        return Err(AppError::invalid(
            "",
            Problem::WrongType { expected: "object" },
        ));
    };
    let mut errors: Vec<FieldError> = Vec::new();
    let allowed = || Decision::ALL.map(|d| d.as_str()).join("|");
    let decision = match obj.get("decision") {
        None | Some(Value::Null) => {
            errors.push(FieldError::new("decision", Problem::Required));
            None
        }
        Some(Value::String(s)) => {
            let d = Decision::parse(s);
            if d.is_none() {
                errors.push(FieldError::new(
                    "decision",
                    Problem::UnknownValue { allowed: allowed() },
                ));
            }
            d
        }
        Some(_) => {
            errors.push(FieldError::new(
                "decision",
                Problem::WrongType { expected: "string" },
            ));
            None
        }
    };
    let comment = match obj.get("comment") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(FieldError::new(
                "comment",
                Problem::WrongType { expected: "string" },
            ));
            None
        }
    };
    let mut items = Vec::new();
    match obj.get("items") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) if list.len() <= 1000 => {
            for (i, item) in list.iter().enumerate() {
                let at = |f: &str| format!("items[{i}].{f}");
                let Some(o) = item.as_object() else {
                    errors.push(FieldError::new(
                        format!("items[{i}]"),
                        Problem::WrongType { expected: "object" },
                    ));
                    continue;
                };
                let item_id = match o.get("item_id").and_then(Value::as_str).map(str::parse) {
                    Some(Ok(id)) => Some(id),
                    Some(Err(_)) => {
                        errors.push(FieldError::new(at("item_id"), Problem::UnknownItem));
                        None
                    }
                    None => {
                        errors.push(FieldError::new(at("item_id"), Problem::Required));
                        None
                    }
                };
                let verified = match o.get("verified") {
                    Some(Value::Bool(b)) => Some(*b),
                    None | Some(Value::Null) => {
                        errors.push(FieldError::new(at("verified"), Problem::Required));
                        None
                    }
                    Some(_) => {
                        errors.push(FieldError::new(
                            at("verified"),
                            Problem::WrongType {
                                expected: "boolean",
                            },
                        ));
                        None
                    }
                };
                let note = match o.get("note") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
                    Some(_) => {
                        errors.push(FieldError::new(
                            at("note"),
                            Problem::WrongType { expected: "string" },
                        ));
                        None
                    }
                };
                if let (Some(item_id), Some(verified)) = (item_id, verified) {
                    items.push(ItemCheck {
                        item_id,
                        verified,
                        note,
                    });
                }
            }
        }
        Some(Value::Array(_)) => {
            errors.push(FieldError::new("items", Problem::TooMany { max: 1000 }))
        }
        Some(_) => errors.push(FieldError::new(
            "items",
            Problem::WrongType { expected: "array" },
        )),
    }
    match decision {
        Some(decision) if errors.is_empty() => Ok(crate::service::review::ReviewInput {
            decision,
            comment,
            items,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Review a submitted application: accept, reject, or return for supplement (a comment is
/// required to return). Only verified items count towards the reference score.
#[utoipa::path(post, path = "/api/v1/applications/{id}/review", tag = "review", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body(content = Object, description = "`{decision: accept|reject|return, comment, items:[{item_id, verified, note?}]}`"),
    responses((status = 200, body = ApplicationJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "not_reviewable", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_review(
    State(st): State<AppState>,
    ReviewerActor(actor): ReviewerActor,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> AppResult<Json<ApplicationJson>> {
    let id = parse_id(&id)?;
    let input = parse_review(&body)?;
    Ok(Json(
        crate::service::review::decide(&st, &actor, id, input)
            .await?
            .into(),
    ))
}

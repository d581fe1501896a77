//! Pages for experts (their queue of assigned applications and the scoring form), for designers
//! (their rating) and for everyone signed in (notifications). Handlers call the scoring service:
//! the checks of a score sheet, the reference score and who may see what are decided there.
//!
//! An expert sees their own sheet only: nothing on these pages reveals another expert's scores.

mod evidence;
mod notifications;
mod ratings;

use super::page::{field_errors, redirect_with_flash, PageCtx, PageError};
use super::rubric::{date_text, figure, max_total, two_dp};
use super::staff::common::district_name;
use crate::error::AppError;
use crate::service::scoring::{self, MyAssignment};
use crate::service::{applications, rubrics, Actor};
use crate::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use minijinja::{context, Value};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use talentlib_domain::batch::BatchStatus;
use talentlib_domain::ids::{ApplicationId, BatchId};
use talentlib_domain::roles::Role;
use talentlib_domain::rubric::CATEGORY_KEYS;
use talentlib_domain::RuleError;
use talentlib_store::batches::BatchRow;

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "rating_parts.html",
        include_str!("../../templates/rating_parts.html"),
    ),
    (
        "expert_queue.html",
        include_str!("../../templates/expert_queue.html"),
    ),
    (
        "expert_score.html",
        include_str!("../../templates/expert_score.html"),
    ),
    (
        "rating_mine.html",
        include_str!("../../templates/rating_mine.html"),
    ),
    (
        "notifications_list.html",
        include_str!("../../templates/notifications_list.html"),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/expert", get(get_queue))
        .route("/expert/applications/{id}", get(get_score).post(post_score))
        .route("/me/ratings", get(ratings::get_mine))
        .route("/notifications", get(notifications::get_list))
        .route(
            "/notifications/read",
            axum::routing::post(notifications::post_read),
        )
}

fn score_url(id: ApplicationId) -> String {
    format!("/expert/applications/{id}")
}

// ------------------------------------------------------------------ the queue

/// The expert's assignments in working order: newest batch first, then as assigned.
struct Queue {
    items: Vec<MyAssignment>,
    batches: HashMap<BatchId, BatchRow>,
}

impl Queue {
    async fn load(st: &AppState, actor: &Actor) -> Result<Queue, AppError> {
        let mut items = scoring::my_assignments(st, actor).await?;
        // Batch names and states are not secret (the home page shows the open one); the
        // reviewers' batch service is not for experts, so they are read from the store.
        let batches: HashMap<BatchId, BatchRow> = talentlib_store::batches::list(st.store.db())
            .await?
            .into_iter()
            .map(|b| (b.id, b))
            .collect();
        let created = |id: &BatchId| batches.get(id).map_or(0, |b| b.created_at);
        // Stable: within a batch the service's order (as assigned) is kept.
        items.sort_by_key(|a| std::cmp::Reverse(created(&a.batch_id)));
        Ok(Queue { items, batches })
    }

    fn can_score(&self, batch: BatchId) -> bool {
        self.batches
            .get(&batch)
            .is_some_and(|b| b.status != BatchStatus::Finalized)
    }

    /// The first assignment still to score (in a batch not yet finalized), other than `skip`.
    fn next_unscored(&self, skip: Option<ApplicationId>) -> Option<ApplicationId> {
        self.items
            .iter()
            .find(|a| !a.scored && Some(a.application_id) != skip && self.can_score(a.batch_id))
            .map(|a| a.application_id)
    }
}

#[derive(Serialize)]
struct QueueLine {
    href: String,
    name: String,
    district: Option<String>,
    scored: bool,
    my_total: Option<String>,
    updated: Option<String>,
    can_score: bool,
    is_next: bool,
}

#[derive(Serialize)]
struct QueueBatch {
    name: String,
    status: &'static str,
    total: usize,
    scored: usize,
    lines: Vec<QueueLine>,
}

async fn get_queue(State(st): State<AppState>, page: PageCtx) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let queue = Queue::load(&st, &actor).await.map_err(|e| page.error(e))?;
    let next = queue.next_unscored(None);
    let db = st.store.db();
    let mut groups: Vec<QueueBatch> = Vec::new();
    let mut group_of: HashMap<BatchId, usize> = HashMap::new();
    for a in &queue.items {
        let row = talentlib_store::applications::get(db, a.application_id)
            .await
            .map_err(|e| page.error(e.into()))?;
        let sheet = if a.scored {
            scoring::my_sheet(&st, &actor, a.application_id)
                .await
                .map_err(|e| page.error(e))?
        } else {
            None
        };
        let line = QueueLine {
            href: score_url(a.application_id),
            name: row
                .as_ref()
                .and_then(|r| r.name.clone())
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| page.t("expert.queue.unnamed")),
            district: row
                .as_ref()
                .and_then(|r| r.district_code.as_deref())
                .map(|c| district_name(page.lang, c)),
            scored: a.scored,
            my_total: sheet.as_ref().map(|s| two_dp(s.sheet.total())),
            updated: sheet.as_ref().map(|s| date_text(s.updated_at)),
            can_score: queue.can_score(a.batch_id),
            is_next: Some(a.application_id) == next,
        };
        let i = *group_of.entry(a.batch_id).or_insert_with(|| {
            let b = queue.batches.get(&a.batch_id);
            groups.push(QueueBatch {
                name: b.map(|b| b.name.clone()).unwrap_or_default(),
                status: b.map_or("scoring", |b| b.status.as_str()),
                total: 0,
                scored: 0,
                lines: Vec::new(),
            });
            groups.len() - 1
        });
        let g = &mut groups[i];
        g.total += 1;
        g.scored += usize::from(a.scored);
        g.lines.push(line);
    }
    let total = queue.items.len();
    let scored = queue.items.iter().filter(|a| a.scored).count();
    let ctx = context! {
        groups => groups,
        total => total,
        scored => scored,
        next_href => next.map(score_url),
        // "Continue" once something was scored, "start" before.
        started => scored > 0,
        // Whether any batch still takes scores (else scoring is over for now).
        any_open => queue.items.iter().any(|a| queue.can_score(a.batch_id)),
    };
    Ok(page.render(&st, "expert_queue.html", ctx))
}

// ------------------------------------------------------------------ the scoring form

/// What the expert typed (or what was saved), by category key, and the comment.
struct Typed {
    scores: BTreeMap<String, String>,
    comment: String,
}

#[derive(Serialize)]
struct CategoryInput {
    key: String,
    name: String,
    max: String,
    reference: String,
    value: String,
}

/// Why the form is shown again: field problems (422), or a whole-form message (409).
enum Outcome {
    Fresh,
    Invalid(Vec<talentlib_domain::FieldError>),
    Message(String),
}

fn parse_app_id(page: &PageCtx, raw: &str) -> Result<ApplicationId, PageError> {
    raw.parse().map_err(|_| page.error(AppError::NotFound))
}

async fn render_score(
    st: &AppState,
    page: &PageCtx,
    actor: &Actor,
    id: ApplicationId,
    typed: Option<Typed>,
    outcome: Outcome,
    status: StatusCode,
) -> Result<Response, PageError> {
    let err = |e| page.error(e);
    actor.user.require_any(&[Role::Expert]).map_err(err)?;
    let queue = Queue::load(st, actor).await.map_err(err)?;
    // Only the expert's own assignments: anything else does not exist for this page.
    let Some(position) = queue.items.iter().position(|a| a.application_id == id) else {
        return Err(page.error(AppError::NotFound));
    };
    let assignment = &queue.items[position];
    let view = applications::get(st, actor, id).await.map_err(err)?;
    let reference = scoring::reference_score(st, actor, id).await.map_err(err)?;
    let rubric = rubrics::for_batch(st.store.db(), view.batch_id)
        .await
        .map_err(err)?
        .view();
    let saved = scoring::my_sheet(st, actor, id).await.map_err(err)?;
    let typed = typed.unwrap_or_else(|| Typed {
        scores: saved
            .as_ref()
            .map(|s| {
                s.sheet
                    .scores
                    .iter()
                    .map(|(k, v)| (k.clone(), two_dp(*v)))
                    .collect()
            })
            .unwrap_or_default(),
        comment: saved
            .as_ref()
            .and_then(|s| s.comment.clone())
            .unwrap_or_default(),
    });
    let categories: Vec<CategoryInput> = rubric
        .categories
        .iter()
        .map(|c| CategoryInput {
            key: c.key.clone(),
            name: super::rubric::by_lang(page.lang, &c.name_zh, &c.name_en),
            max: figure(c.max),
            reference: two_dp(
                reference
                    .categories
                    .get(&c.key)
                    .map_or(0, |p| p.to_hundredths()),
            ),
            value: typed.scores.get(&c.key).cloned().unwrap_or_default(),
        })
        .collect();
    // The total as the page opens; scoring.js keeps it current while typing.
    let typed_total: Option<i64> = categories
        .iter()
        .map(|c| {
            let v = c.value.trim();
            if v.is_empty() {
                Some(0)
            } else {
                v.parse::<f64>()
                    .ok()
                    .and_then(talentlib_domain::points::hundredths_of)
            }
        })
        .sum();
    let names: HashMap<String, String> = categories
        .iter()
        .map(|c| (format!("scores.{}", c.key), c.name.clone()))
        .collect();
    let (errors, errors_list, message) = match &outcome {
        Outcome::Invalid(list) => {
            let (m, l) = field_errors(page.lang, list, |p| {
                names
                    .get(p)
                    .cloned()
                    .or_else(|| (p == "comment").then(|| page.t("expert.score.comment")))
            });
            (m, l, None)
        }
        Outcome::Message(text) => (
            Value::from_serialize(BTreeMap::<String, String>::new()),
            Value::from_serialize(Vec::<String>::new()),
            Some(text.clone()),
        ),
        Outcome::Fresh => (
            Value::from_serialize(BTreeMap::<String, String>::new()),
            Value::from_serialize(Vec::<String>::new()),
            None,
        ),
    };
    let batch = queue.batches.get(&assignment.batch_id);
    let finalized = !queue.can_score(assignment.batch_id);
    let ctx = context! {
        app => context! {
            id => id.to_string(),
            action => score_url(id),
            name => view.form.personal.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| page.t("expert.queue.unnamed")),
            facts => evidence::applicant(page.lang, &view),
            can_open_evidence => view.can_open_evidence,
        },
        batch => context! {
            name => batch.map(|b| b.name.clone()),
            status => batch.map(|b| b.status.as_str()),
        },
        sections => evidence::sections(page.lang, &view, &reference, &rubric),
        reference_total => two_dp(reference.total.to_hundredths()),
        categories => categories,
        comment => typed.comment,
        typed_total => typed_total.map(two_dp),
        max_total => two_dp(max_total(&rubric)),
        rubric_version => rubric.version,
        saved_at => saved.as_ref().map(|s| super::staff::common::fmt_minutes(s.updated_at)),
        scored => saved.is_some(),
        finalized => finalized,
        position => position + 1,
        count => queue.items.len(),
        has_next => queue.next_unscored(Some(id)).is_some(),
        errors => errors,
        errors_list => errors_list,
        message => message,
    };
    Ok(page.render_status(st, status, "expert_score.html", ctx))
}

async fn get_score(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let id = parse_app_id(&page, &id)?;
    render_score(&st, &page, &actor, id, None, Outcome::Fresh, StatusCode::OK).await
}

/// Digits typed with a Chinese input method (full-width) read as ordinary digits.
fn normalise_number(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c),
            '．' | '。' => '.',
            other => other,
        })
        .collect()
}

/// The sheet as the JSON API takes it: a number where a number was typed, the text itself
/// otherwise (so the service reports it as not a number), nothing for an empty box (reported
/// as missing).
fn raw_sheet(scores: &BTreeMap<String, String>) -> serde_json::Map<String, serde_json::Value> {
    let mut raw = serde_json::Map::new();
    for (key, text) in scores {
        let text = normalise_number(text);
        if text.is_empty() {
            continue;
        }
        let value = text
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map_or_else(
                || serde_json::Value::String(text.clone()),
                serde_json::Value::Number,
            );
        raw.insert(key.clone(), value);
    }
    raw
}

async fn post_score(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let id = parse_app_id(&page, &id)?;
    let pairs = form
        .map(|Form(p)| p)
        .map_err(|e| page.error(AppError::Malformed(e.body_text())))?;
    let first = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    page.check_csrf(&first("csrf_token"))?;
    let typed = Typed {
        scores: CATEGORY_KEYS
            .iter()
            .map(|k| (k.to_string(), first(&format!("scores.{k}"))))
            .collect(),
        comment: first("comment"),
    };
    let go_next = first("action") == "next";
    let comment = Some(typed.comment.clone()).filter(|c| !c.trim().is_empty());
    match scoring::save_scores(&st, &actor, id, &raw_sheet(&typed.scores), comment).await {
        Ok(_) => {
            if !go_next {
                return Ok(redirect_with_flash(
                    &score_url(id),
                    Some("flash.expert.saved"),
                ));
            }
            let queue = Queue::load(&st, &actor).await.map_err(|e| page.error(e))?;
            Ok(match queue.next_unscored(Some(id)) {
                Some(next) => {
                    redirect_with_flash(&score_url(next), Some("flash.expert.saved_next"))
                }
                None => redirect_with_flash("/expert", Some("flash.expert.all_done")),
            })
        }
        Err(AppError::Invalid(errors)) => {
            render_score(
                &st,
                &page,
                &actor,
                id,
                Some(typed),
                Outcome::Invalid(errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e @ AppError::Rule(RuleError::BatchFinalized)) => {
            let message = e.message(page.lang);
            render_score(
                &st,
                &page,
                &actor,
                id,
                Some(typed),
                Outcome::Message(message),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(page.error(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_scores_become_the_api_sheet() {
        let mut typed = BTreeMap::new();
        typed.insert("titles".to_string(), " １２．５ ".to_string());
        typed.insert("awards".to_string(), "".to_string());
        typed.insert("articles".to_string(), "abc".to_string());
        typed.insert("honors".to_string(), "inf".to_string());
        let raw = raw_sheet(&typed);
        assert_eq!(raw.get("titles"), Some(&serde_json::json!(12.5)));
        assert!(!raw.contains_key("awards"));
        assert_eq!(raw.get("articles"), Some(&serde_json::json!("abc")));
        assert_eq!(raw.get("honors"), Some(&serde_json::json!("inf")));
    }
}

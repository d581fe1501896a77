//! How far an application has come, for the designer's pages and the review page: the timeline
//! (what happened, the present step, the steps ahead) and one sentence on where it stands. The
//! stage itself is decided in the domain (`Stage::of`); this module only words it.

use super::rubric::{star_name, two_dp};
use crate::i18n::{self, Lang};
use crate::service::applications::ApplicationView;
use crate::service::rubrics;
use crate::state::AppState;
use serde_json::{json, Value};
use std::collections::HashMap;
use talentlib_domain::application::{Stage, Status};
use talentlib_domain::ids::BatchId;
use talentlib_store::applications::Event;
use talentlib_store::ratings::RatingRow;

/// A published rating as the pages show it.
pub struct Rated {
    /// The star level's name by the rubric the rating was made with (暂定星级 … 五星级).
    pub stars: String,
    pub total: String,
    pub rated_at: i64,
}

/// The rating in the page's language. The rubric of the rating's version names the stars; the
/// one in force does if that version cannot be read any more.
pub async fn rated(st: &AppState, lang: Lang, rating: Option<&RatingRow>) -> Option<Rated> {
    let r = rating?;
    let rubric = match rubrics::version(st, &r.rubric_version).await {
        Ok(def) => def.view(),
        Err(_) => rubrics::current(st.store.db()).await.ok()?.view(),
    };
    Some(Rated {
        stars: star_name(lang, &rubric, r.stars),
        total: two_dp(r.total),
        rated_at: r.rated_at,
    })
}

/// Where the application stands, in one sentence: to its owner in the second person ("please
/// revise…"), to staff about the applicant.
pub fn description(
    lang: Lang,
    status: Status,
    stage: Stage,
    rated: Option<&Rated>,
    owner: bool,
) -> String {
    match (stage, rated) {
        (Stage::Rated, Some(r)) => i18n::t(
            lang,
            "stage_desc.rated",
            &[("stars", r.stars.clone()), ("total", r.total.clone())],
        ),
        (Stage::Scoring, _) => i18n::t(lang, "stage_desc.scoring", &[]),
        _ if owner && matches!(status, Status::Draft | Status::Returned) => {
            i18n::t(lang, &format!("status_desc.own_{}", status.as_str()), &[])
        }
        _ => i18n::t(lang, &format!("status_desc.{}", status.as_str()), &[]),
    }
}

/// The submissions that moved the application into another batch (its own had closed while it
/// was returned): (event index, batch before, batch after).
fn batch_moves(events: &[Event]) -> Vec<(usize, BatchId, BatchId)> {
    let mut moves = Vec::new();
    let mut before: Option<BatchId> = None;
    for (i, e) in events.iter().enumerate() {
        if let (Some(from), Some(to)) = (before, e.batch_id) {
            if from != to && e.status == Status::Submitted {
                moves.push((i, from, to));
            }
        }
        before = e.batch_id.or(before);
    }
    moves
}

/// The names of the batches the timeline's moves name; no query when nothing moved.
pub async fn moved_batch_names(
    st: &AppState,
    view: &ApplicationView,
) -> crate::error::AppResult<HashMap<BatchId, String>> {
    if batch_moves(&view.timeline).is_empty() {
        return Ok(HashMap::new());
    }
    let all = talentlib_store::batches::list(st.store.db()).await?;
    Ok(all.into_iter().map(|b| (b.id, b.name)).collect())
}

fn step(label: String, state: &str) -> Value {
    json!({"label": label, "state": state})
}

/// The progress of an application: its events (returns with the reviewer's comment), the
/// present step, and the steps still ahead. Accepted applications go on to expert scoring and
/// the rating; `ratings_href` links the rating (the owner's `/me/ratings`).
pub fn timeline(
    lang: Lang,
    view: &ApplicationView,
    rated: Option<&Rated>,
    ratings_href: Option<&str>,
    batch_names: &HashMap<BatchId, String>,
    time: impl Fn(i64) -> String,
) -> Value {
    let t = |k: &str| i18n::t(lang, k, &[]);
    let mut steps: Vec<Value> = Vec::new();
    let mut returned_before = false;
    let moves = batch_moves(&view.timeline);
    let name = |b: &BatchId| batch_names.get(b).cloned().unwrap_or_default();
    for (i, e) in view.timeline.iter().enumerate() {
        let moved = moves
            .iter()
            .find(|(at, _, _)| *at == i)
            .map(|(_, from, to)| {
                i18n::t(
                    lang,
                    "timeline.moved",
                    &[("from", name(from)), ("to", name(to))],
                )
            });
        let key = match e.status {
            Status::Draft => "timeline.created",
            Status::Submitted if returned_before => "timeline.resubmitted",
            Status::Submitted => "timeline.submitted",
            Status::Returned => "timeline.returned",
            Status::Accepted => "timeline.accepted",
            Status::Rejected => "timeline.rejected",
        };
        returned_before |= e.status == Status::Returned;
        steps.push(json!({
            "label": t(key),
            "state": "done",
            "date": time(e.at),
            "note": e.comment.clone().or(moved),
        }));
    }
    let mark_last_current = |steps: &mut Vec<Value>| {
        if let Some(last) = steps.last_mut() {
            last["state"] = json!("current");
        }
    };
    match view.stage {
        Stage::Draft => {
            mark_last_current(&mut steps);
            steps.push(step(t("timeline.submitted"), "todo"));
            steps.push(step(t("timeline.review"), "todo"));
        }
        Stage::Returned => {
            mark_last_current(&mut steps);
            steps.push(step(t("timeline.resubmitted"), "todo"));
            steps.push(step(t("timeline.review"), "todo"));
        }
        // The commission's review is what happens now.
        Stage::Submitted => steps.push(step(t("timeline.review"), "current")),
        Stage::Rejected => mark_last_current(&mut steps),
        Stage::Accepted => {
            mark_last_current(&mut steps);
            steps.push(step(t("timeline.scoring"), "todo"));
            steps.push(step(t("timeline.rated"), "todo"));
        }
        Stage::Scoring => {
            let mut scoring = step(t("timeline.scoring"), "current");
            scoring["note"] = json!(t("timeline.scoring_note"));
            steps.push(scoring);
            steps.push(step(t("timeline.rated"), "todo"));
        }
        Stage::Rated => {
            steps.push(step(t("timeline.scoring"), "done"));
            let mut last = match rated {
                Some(r) => {
                    let mut s = step(
                        i18n::t(lang, "timeline.rated_as", &[("stars", r.stars.clone())]),
                        "current",
                    );
                    s["date"] = json!(time(r.rated_at));
                    s["note"] = json!(i18n::t(
                        lang,
                        "timeline.rated_total",
                        &[("total", r.total.clone())]
                    ));
                    s
                }
                None => step(t("timeline.rated"), "current"),
            };
            if let Some(href) = ratings_href {
                last["href"] = json!(href);
                last["link"] = json!(t("timeline.view_rating"));
            }
            steps.push(last);
        }
    }
    Value::Array(steps)
}

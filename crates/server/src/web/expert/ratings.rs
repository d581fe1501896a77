//! `GET /me/ratings`: a designer's current star level, total and per-category figures against
//! each category's maximum (by the rubric version the rating used), and the history of ratings.

use super::super::page::{PageCtx, PageError};
use super::super::rubric::{by_lang, date_text, figure, max_total, stars_ctx, two_dp};
use crate::service::{rubrics, scoring};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use serde::Serialize;
use std::collections::HashMap;
use talentlib_domain::ids::BatchId;
use talentlib_domain::roles::Role;
use talentlib_domain::rubric::Rubric;

#[derive(Serialize)]
struct CategoryLine {
    key: String,
    name: String,
    value: String,
    max: String,
    /// For `<meter>`: plain numbers.
    value_num: f64,
    max_num: f64,
    counted: bool,
}

#[derive(Serialize)]
struct HistoryLine {
    date: String,
    batch: Option<String>,
    stars: minijinja::Value,
    total: String,
    rubric_version: String,
    current: bool,
    application_href: String,
}

/// The rubric a rating was made with (old versions stay readable); the one in force if that
/// version cannot be read any more.
async fn rubric_of(
    st: &AppState,
    cache: &mut HashMap<String, Rubric>,
    version: &str,
) -> Result<Rubric, crate::error::AppError> {
    if let Some(r) = cache.get(version) {
        return Ok(r.clone());
    }
    let r = match rubrics::version(st, version).await {
        Ok(def) => def.view(),
        Err(_) => rubrics::current(st.store.db()).await?.view(),
    };
    cache.insert(version.to_string(), r.clone());
    Ok(r)
}

pub async fn get_mine(State(st): State<AppState>, page: PageCtx) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let err = |e| page.error(e);
    actor.user.require_any(&[Role::Designer]).map_err(err)?;
    let list = scoring::history(&st, &actor, actor.user.id)
        .await
        .map_err(err)?;
    let batches: HashMap<BatchId, String> = talentlib_store::batches::list(st.store.db())
        .await
        .map_err(|e| page.error(e.into()))?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let mut cache: HashMap<String, Rubric> = HashMap::new();
    let mut history = Vec::with_capacity(list.len());
    for r in &list {
        let rubric = rubric_of(&st, &mut cache, &r.rubric_version)
            .await
            .map_err(err)?;
        history.push(HistoryLine {
            date: date_text(r.rated_at),
            batch: batches.get(&r.batch_id).cloned(),
            stars: stars_ctx(page.lang, &rubric, r.stars),
            total: two_dp(r.total),
            rubric_version: r.rubric_version.clone(),
            current: r.is_current,
            application_href: format!("/applications/{}", r.application_id),
        });
    }
    let current = list.iter().find(|r| r.is_current).or(list.first());
    let current_ctx = match current {
        None => None,
        Some(r) => {
            let rubric = rubric_of(&st, &mut cache, &r.rubric_version)
                .await
                .map_err(err)?;
            let categories: Vec<CategoryLine> = rubric
                .categories
                .iter()
                .map(|c| {
                    let h = r.categories.get(&c.key).copied().unwrap_or(0);
                    CategoryLine {
                        key: c.key.clone(),
                        name: by_lang(page.lang, &c.name_zh, &c.name_en),
                        value: two_dp(h),
                        max: figure(c.max),
                        value_num: h as f64 / 100.0,
                        max_num: c.max,
                        counted: h > 0,
                    }
                })
                .collect();
            // The next level up, and how far away it is.
            let next_level = rubric
                .stars
                .iter()
                .filter(|s| s.stars > r.stars)
                .min_by_key(|s| s.stars)
                .map(|s| {
                    let need =
                        talentlib_domain::points::Points::from_f64(s.min_total).to_hundredths();
                    context! {
                        name => by_lang(page.lang, &s.name_zh, &s.name_en),
                        min_total => figure(s.min_total),
                        gap => two_dp((need - r.total).max(0)),
                    }
                });
            let rated: Vec<&str> = categories
                .iter()
                .filter(|c| c.counted)
                .map(|c| c.name.as_str())
                .collect();
            let not_rated: Vec<&str> = categories
                .iter()
                .filter(|c| !c.counted)
                .map(|c| c.name.as_str())
                .collect();
            Some(context! {
                stars => stars_ctx(page.lang, &rubric, r.stars),
                total => two_dp(r.total),
                total_num => r.total as f64 / 100.0,
                max_total => two_dp(max_total(&rubric)),
                max_total_num => max_total(&rubric) as f64 / 100.0,
                date => date_text(r.rated_at),
                batch => batches.get(&r.batch_id).cloned(),
                rubric_version => r.rubric_version.clone(),
                categories => categories,
                rated_sections => rated.join(page.t("rating.list_separator").as_str()),
                unrated_sections => not_rated.join(page.t("rating.list_separator").as_str()),
                next_level => next_level,
                application_href => format!("/applications/{}", r.application_id),
                scale => rubric.stars.iter().map(|s| context! {
                    stars => stars_ctx(page.lang, &rubric, s.stars),
                    min_total => figure(s.min_total),
                    reached => s.stars == r.stars,
                }).collect::<Vec<_>>(),
            })
        }
    };
    let ctx = context! {
        current => current_ctx,
        history => history,
    };
    Ok(page.render(&st, "rating_mine.html", ctx))
}

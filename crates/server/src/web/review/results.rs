//! A scored batch's results (`GET /batches/{id}/results`): every scored application with its
//! panel figures, sortable and filterable by disagreement; and one application's panel
//! (`GET /batches/{id}/results/{application_id}`): each expert's sheet and the statistics.

use super::{account_names, fmt, path_id, staff_actor};
use crate::error::AppError;
use crate::i18n;
use crate::service::{batches, rubrics, scoring};
use crate::state::AppState;
use crate::web::page::{PageCtx, PageError};
use crate::web::rubric::{category_name, star_name};
use crate::web::staff::common::{district_name, encode, time_ctx};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use minijinja::{context, Value};
use serde::Deserialize;
use std::collections::BTreeMap;
use talentlib_domain::batch::BatchStatus;
use talentlib_domain::ids::{ApplicationId, BatchId, UserId};
use talentlib_domain::paging::Page;
use talentlib_domain::points::Points;
use talentlib_domain::rubric::{Rubric, CATEGORY_KEYS};
use talentlib_store::panels::PanelOrder;

/// Page sizes offered; any number from 1 to the maximum is accepted in the URL.
const PER_PAGE_CHOICES: [u64; 4] = [20, 50, 100, 250];
const DEFAULT_PER_PAGE: u64 = 50;
const MAX_PER_PAGE: u64 = 250;

#[derive(Deserialize, Default)]
pub(super) struct ResultsQuery {
    sort: Option<String>,
    disagree: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

fn order_of(raw: Option<&str>) -> (PanelOrder, &'static str) {
    match raw {
        Some("total_asc") => (PanelOrder::TotalAsc, "total_asc"),
        Some("spread_desc") => (PanelOrder::SpreadDesc, "spread_desc"),
        _ => (PanelOrder::TotalDesc, "total_desc"),
    }
}

/// The category columns: key and title, in the form's order.
/// The categories' column heads, named as the rubric in force names them.
fn category_heads(lang: crate::i18n::Lang, rubric: &Rubric) -> Vec<Value> {
    CATEGORY_KEYS
        .iter()
        .map(|k| context! { key => k, title => category_name(lang, rubric, k) })
        .collect()
}

fn category_cells(m: &BTreeMap<String, i64>) -> Vec<String> {
    CATEGORY_KEYS
        .iter()
        .map(|k| fmt::two_dp(m.get(*k).copied().unwrap_or(0)))
        .collect()
}

pub(super) async fn get_results(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    query: Result<Query<ResultsQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = staff_actor(&page)?;
    let id: BatchId = path_id(&page, &id)?;
    let lang = page.lang;
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let (batch, _) = batches::get(&st, &actor, id)
        .await
        .map_err(|e| page.error(e))?;
    // In every state, not only once there are scores to hide.
    crate::service::impartiality::require_impartial(st.store.db(), &actor, id)
        .await
        .map_err(|e| page.error(e))?;
    let rubric = rubrics::for_batch(st.store.db(), id)
        .await
        .map_err(|e| page.error(e))?;
    let rubric_view = rubric.view();
    let (order, sort) = order_of(q.sort.as_deref());
    let disagree = matches!(q.disagree.as_deref(), Some("1" | "true" | "on"));
    let per_page = q
        .per_page
        .as_deref()
        .and_then(|p| p.trim().parse::<u64>().ok())
        .map_or(DEFAULT_PER_PAGE, |n| n.clamp(1, MAX_PER_PAGE));
    let mut paging = Page {
        page: q
            .page
            .as_deref()
            .and_then(|p| p.trim().parse::<u64>().ok())
            .filter(|p| (1..=1_000_000).contains(p))
            .unwrap_or(1),
        per_page,
    };
    let batch_ctx = context! {
        id => batch.id.to_string(),
        name => &batch.name,
        status => batch.status.as_str(),
    };
    let values = context! {
        sort, disagree, per_page => per_page.to_string(),
    };
    let per_page_options: Vec<[String; 2]> = PER_PAGE_CHOICES
        .iter()
        .map(|n| {
            [
                n.to_string(),
                i18n::t(
                    lang,
                    "batch.results.per_page_n",
                    &[("count", n.to_string())],
                ),
            ]
        })
        .collect();
    let sort_options: Vec<[String; 2]> = ["total_desc", "total_asc", "spread_desc"]
        .iter()
        .map(|s| [s.to_string(), page.t(&format!("batch.results.sort.{s}"))])
        .collect();
    if !matches!(batch.status, BatchStatus::Scoring | BatchStatus::Finalized) {
        let ctx = context! {
            batch => batch_ctx, ready => false, values, per_page_options, sort_options,
        };
        return Ok(page.render(&st, "review_results.html", ctx));
    }
    let (mut lines, mut total) = scoring::batch_panels(&st, &actor, id, order, disagree, paging)
        .await
        .map_err(|e| page.error(e))?;
    let pages = total.div_ceil(per_page).max(1);
    if lines.is_empty() && total > 0 && paging.page > pages {
        paging.page = pages;
        (lines, total) = scoring::batch_panels(&st, &actor, id, order, disagree, paging)
            .await
            .map_err(|e| page.error(e))?;
    }
    // With the filter on and nothing found, say whether anything is scored at all.
    let everything = if disagree && total == 0 {
        let one = Page {
            page: 1,
            per_page: 1,
        };
        scoring::batch_panels(&st, &actor, id, order, false, one)
            .await
            .map_err(|e| page.error(e))?
            .1
    } else {
        total
    };
    let id_str = batch.id.to_string();
    let rows: Vec<Value> = lines
        .iter()
        .map(|l| {
            let cats: BTreeMap<String, i64> =
                serde_json::from_str(&l.categories).unwrap_or_default();
            context! {
                href => format!("/batches/{id_str}/results/{}", l.application_id),
                name => l.name.clone().filter(|n| !n.trim().is_empty()),
                district => l.district_code.as_deref().map(|c| district_name(lang, c)),
                experts => l.experts_scored,
                total => fmt::two_dp(l.total),
                // The batch's rubric maps the total to stars, as finalizing does (and did).
                stars => star_name(lang, &rubric_view, rubric.stars_for(Points::from_hundredths(l.total))),
                mean => fmt::two_dp(l.mean),
                median => fmt::two_dp(l.median),
                std_dev => fmt::two_dp(l.std_dev),
                spread => fmt::two_dp(l.spread),
                disagreement => l.disagreement,
                categories => category_cells(&cats),
            }
        })
        .collect();
    let mut keep = format!("/batches/{id_str}/results?sort={sort}");
    if disagree {
        keep.push_str("&disagree=1");
    }
    if per_page != DEFAULT_PER_PAGE {
        keep.push_str(&format!("&per_page={}", encode(&per_page.to_string())));
    }
    let from = paging.offset() + 1;
    let ctx = context! {
        batch => batch_ctx,
        ready => true,
        finalized => batch.status == BatchStatus::Finalized,
        values,
        per_page_options,
        sort_options,
        categories => category_heads(lang, &rubric_view),
        rows,
        total,
        everything,
        filtered => disagree,
        pager => context! {
            page => paging.page,
            pages => total.div_ceil(per_page).max(1),
            url_prefix => format!("{keep}&page="),
            count => total,
            from => from,
            to => (paging.offset() + per_page).min(total),
        },
    };
    Ok(page.render(&st, "review_results.html", ctx))
}

pub(super) async fn get_panel(
    State(st): State<AppState>,
    page: PageCtx,
    Path((id, app)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let actor = staff_actor(&page)?;
    let lang = page.lang;
    let id: BatchId = path_id(&page, &id)?;
    let app: ApplicationId = path_id(&page, &app)?;
    let db = st.store.db();
    let (batch, _) = batches::get(&st, &actor, id)
        .await
        .map_err(|e| page.error(e))?;
    let (panel, sheets) = scoring::panel(&st, &actor, app)
        .await
        .map_err(|e| page.error(e))?;
    let row = talentlib_store::applications::get(db, app)
        .await
        .map_err(|e| page.error(e.into()))?
        .filter(|r| r.batch_id == id)
        .ok_or_else(|| page.error(AppError::NotFound))?;
    let assigned = talentlib_store::scoring::experts_of(db, app)
        .await
        .map_err(|e| page.error(e.into()))?;
    let mut ids: Vec<UserId> = sheets.iter().map(|s| s.expert_id).collect();
    ids.extend(assigned.iter().copied());
    let names = account_names(&st, &ids).await;
    let name_of = |e: &UserId| names.get(e).cloned().unwrap_or_else(|| e.to_string());
    let rubric = rubrics::for_batch(db, id)
        .await
        .map_err(|e| page.error(e))?;
    let rubric_view = rubric.view();
    let caps: Vec<String> = CATEGORY_KEYS
        .iter()
        .map(|k| fmt::points(rubric.cap(k)))
        .collect();
    let max_total: Points = CATEGORY_KEYS.iter().map(|k| rubric.cap(k)).sum();
    // The reference score is a help for reading the sheets; the panel stands without it.
    let reference = scoring::reference_score(&st, &actor, app).await.ok();
    let mut sheet_rows: Vec<(i64, Value)> = sheets
        .iter()
        .map(|s| {
            let total = s.sheet.total();
            (
                total,
                context! {
                    expert => name_of(&s.expert_id),
                    total => fmt::two_dp(total),
                    scores => category_cells(&s.sheet.scores),
                    comment => s.comment.clone().filter(|c| !c.trim().is_empty()),
                    updated_at => time_ctx(Some(s.updated_at)),
                },
            )
        })
        .collect();
    sheet_rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    let pending: Vec<String> = assigned
        .iter()
        .filter(|e| !sheets.iter().any(|s| s.expert_id == **e))
        .map(name_of)
        .collect();
    let stats = panel.as_ref().map(|p| {
        context! {
            experts_scored => p.experts_scored,
            total => fmt::two_dp(p.total),
            mean => fmt::two_dp(p.mean),
            median => fmt::two_dp(p.median),
            std_dev => fmt::two_dp(p.std_dev),
            spread => fmt::two_dp(p.spread),
            disagreement => p.disagreement,
            categories => category_cells(&p.categories),
            updated_at => time_ctx(Some(p.updated_at)),
        }
    });
    let ctx = context! {
        batch => context! { id => batch.id.to_string(), name => &batch.name, status => batch.status.as_str() },
        app => context! {
            id => app.to_string(),
            name => row.name.clone().filter(|n| !n.trim().is_empty()),
            district => row.district_code.as_deref().map(|c| district_name(lang, c)),
            employer => row.employer.clone().filter(|e| !e.trim().is_empty()),
            status => row.status.as_str(),
        },
        categories => category_heads(lang, &rubric_view),
        caps,
        max_total => fmt::points(max_total),
        sheets => sheet_rows.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        pending,
        stats,
        reference => reference.map(|r| context! {
            total => fmt::points(r.total),
            categories => CATEGORY_KEYS.iter().map(|k| fmt::points(r.categories.get(*k).copied().unwrap_or(Points::ZERO))).collect::<Vec<_>>(),
        }),
    };
    Ok(page.render(&st, "review_panel.html", ctx))
}

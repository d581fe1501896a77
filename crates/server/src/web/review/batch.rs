//! A batch's dashboard (`GET /batches/{id}`): its lifecycle and what blocks the next step,
//! applications by status and the review progress; once closed, the expert assignment (preview,
//! then commit); while scoring, each expert's progress, swapping an expert on an application and
//! the finalize preview; once finalized, the star distribution.

use super::{fmt, path_id, staff_actor};
use crate::error::{AppError, AppResult};
use crate::i18n::{self, Lang};
use crate::service::scoring::{self, AssignRequest, AssignResult};
use crate::service::{applications, batches, Actor};
use crate::state::AppState;
use crate::web::page::{redirect_with_flash, PageCtx, PageError};
use crate::web::rubric::star_name;
use crate::web::staff::common::{message_errors, no_errors, time_ctx};
use crate::web::staff::read_form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use talentlib_domain::application::Status;
use talentlib_domain::assignment::{is_conflict, Applicant, Expert};
use talentlib_domain::batch::BatchStatus;
use talentlib_domain::ids::{ApplicationId, BatchId, UserId};
use talentlib_domain::paging::Page;
use talentlib_domain::roles::Role;
use talentlib_domain::rubric::Rubric;
use talentlib_domain::{Problem, RuleError};
use talentlib_store::accounts::Account;
use talentlib_store::applications::{ApplicationLine, ListFilter};

/// Applications per page of the assignments list (swap forms).
const SWAP_PER_PAGE: u64 = 20;
/// Rows of a previewed draw shown (the expert loads always cover everyone).
const PREVIEW_ROWS: usize = 300;

#[derive(Deserialize, Default)]
pub(super) struct DashQuery {
    page: Option<String>,
}

/// What a form post adds to the dashboard when it comes back (problems, a previewed draw).
#[derive(Default)]
struct Extra {
    per: Option<String>,
    seed: Option<String>,
    assign_errors: Option<(Value, Value)>,
    assign_notice: Option<String>,
    /// Experts are short: admins get a link to the users page, where experts are added.
    assign_users_link: bool,
    preview: Option<Value>,
    swap_problem: Option<Value>,
    finalize_notice: Option<String>,
    page: u64,
}

fn t(lang: Lang, key: &str) -> String {
    i18n::t(lang, key, &[])
}

fn tn(lang: Lang, key: &str, n: u64) -> String {
    i18n::t(lang, key, &[("count", n.to_string())])
}

/// Every accepted application of the batch (paged through the scoped list).
async fn accepted_lines(
    st: &AppState,
    actor: &Actor,
    batch: BatchId,
) -> AppResult<Vec<ApplicationLine>> {
    let filter = ListFilter {
        batch_id: Some(batch),
        status: Some(Status::Accepted),
        ..ListFilter::default()
    };
    let mut out = Vec::new();
    for n in 1..=10_000u64 {
        let page = Page {
            page: n,
            per_page: Page::MAX_PER_PAGE,
        };
        let (lines, total) = applications::list(st, actor, &filter, page).await?;
        let done = lines.is_empty() || out.len() + lines.len() >= total as usize;
        out.extend(lines);
        if done {
            break;
        }
    }
    Ok(out)
}

fn app_name(lang: Lang, name: Option<&String>) -> String {
    name.map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| t(lang, "staff.unnamed"))
}

/// Star levels from five down to the provisional star (named by the rubric), with counts and
/// shares.
fn star_rows(lang: Lang, rubric: &Rubric, dist: &BTreeMap<u8, u64>) -> (Vec<Value>, u64) {
    let total: u64 = dist.values().sum();
    let rows = (0..=5u8)
        .rev()
        .map(|s| {
            let n = dist.get(&s).copied().unwrap_or(0);
            context! {
                stars => s,
                label => star_name(lang, rubric, s),
                count => n,
                percent => fmt::percent(n, total),
            }
        })
        .collect();
    (rows, total)
}

/// The draw of a preview: each application's experts and each expert's load.
fn preview_ctx(
    lang: Lang,
    result: &AssignResult,
    per: usize,
    apps: &[ApplicationLine],
    experts: &[Account],
) -> Value {
    let names: HashMap<ApplicationId, &ApplicationLine> = apps.iter().map(|l| (l.id, l)).collect();
    let expert_names: HashMap<UserId, &Account> = experts.iter().map(|a| (a.id, a)).collect();
    let expert_name = |id: &UserId| {
        expert_names
            .get(id)
            .map_or_else(|| id.to_string(), |a| a.name.clone())
    };
    let mut load: HashMap<UserId, u64> = experts.iter().map(|a| (a.id, 0)).collect();
    for a in &result.items {
        for e in &a.expert_ids {
            *load.entry(*e).or_default() += 1;
        }
    }
    let rows: Vec<Value> = result
        .items
        .iter()
        .take(PREVIEW_ROWS)
        .map(|a| {
            let line = names.get(&a.application_id);
            context! {
                id => a.application_id.to_string(),
                name => app_name(lang, line.and_then(|l| l.name.as_ref())),
                employer => line.and_then(|l| l.employer.clone()),
                experts => a.expert_ids.iter().map(expert_name).collect::<Vec<_>>(),
            }
        })
        .collect();
    let mut loads: Vec<(String, Option<String>, u64)> = load
        .iter()
        .map(|(id, n)| {
            let employer = expert_names.get(id).and_then(|a| a.employer.clone());
            (expert_name(id), employer, *n)
        })
        .collect();
    loads.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    let max = loads.iter().map(|l| l.2).max().unwrap_or(0);
    let min = loads.iter().map(|l| l.2).min().unwrap_or(0);
    context! {
        seed => result.seed.to_string(),
        per => per,
        applications => result.items.len(),
        assignments => result.items.iter().map(|a| a.expert_ids.len()).sum::<usize>(),
        rows => rows,
        more => result.items.len().saturating_sub(PREVIEW_ROWS),
        loads => loads.into_iter().map(|(name, employer, n)| context! { name, employer, count => n }).collect::<Vec<_>>(),
        load_min => min,
        load_max => max,
    }
}

#[derive(Serialize)]
struct ExpertOnApp {
    id: String,
    name: String,
    scored: bool,
}

#[derive(Serialize)]
struct SwapRow {
    id: String,
    name: String,
    employer: Option<String>,
    experts: Vec<ExpertOnApp>,
    /// `[id, name]` of the experts on the panel, for the "replace" select.
    on_panel: Vec<[String; 2]>,
    /// `[id, name]` of every expert who may take over (not on the panel, no conflict).
    candidates: Vec<[String; 2]>,
}

/// The assignments list of one page of accepted applications, with the swap choices.
async fn swap_rows(
    lang: Lang,
    st: &AppState,
    actor: &Actor,
    batch: BatchId,
    experts: &[Account],
    page: u64,
) -> AppResult<(Vec<SwapRow>, u64, u64)> {
    let db = st.store.db();
    let filter = ListFilter {
        batch_id: Some(batch),
        status: Some(Status::Accepted),
        ..ListFilter::default()
    };
    let mut paging = Page {
        page: page.max(1),
        per_page: SWAP_PER_PAGE,
    };
    let (mut lines, total) = applications::list(st, actor, &filter, paging).await?;
    let pages = total.div_ceil(SWAP_PER_PAGE).max(1);
    if lines.is_empty() && total > 0 && paging.page > pages {
        paging.page = pages;
        lines = applications::list(st, actor, &filter, paging).await?.0;
    }
    // The panels of the shown page only: a batch may hold 100,000 applications.
    let shown: Vec<ApplicationId> = lines.iter().map(|l| l.id).collect();
    let mut panels: HashMap<ApplicationId, Vec<UserId>> = HashMap::new();
    let mut scored: HashSet<(ApplicationId, UserId)> = HashSet::new();
    for (app, expert, done) in talentlib_store::scoring::panels_of(db, &shown).await? {
        panels.entry(app).or_default().push(expert);
        if done {
            scored.insert((app, expert));
        }
    }
    let by_id: HashMap<UserId, &Account> = experts.iter().map(|a| (a.id, a)).collect();
    let rows = lines
        .iter()
        .map(|l| {
            let mut on: Vec<UserId> = panels.get(&l.id).cloned().unwrap_or_default();
            on.sort_by_key(|e| by_id.get(e).map(|a| a.name.clone()));
            let applicant = Applicant {
                application_id: l.id,
                designer_id: l.designer_id,
                name: None,
                employer: l.employer.clone(),
            };
            let candidates = experts
                .iter()
                .filter(|a| !on.contains(&a.id))
                .filter(|a| {
                    !is_conflict(
                        &applicant,
                        &Expert {
                            id: a.id,
                            employer: a.employer.clone(),
                        },
                    )
                })
                .map(|a| [a.id.to_string(), a.name.clone()])
                .collect();
            SwapRow {
                id: l.id.to_string(),
                name: app_name(lang, l.name.as_ref()),
                employer: l.employer.clone(),
                experts: on
                    .iter()
                    .map(|e| ExpertOnApp {
                        id: e.to_string(),
                        name: by_id
                            .get(e)
                            .map_or_else(|| e.to_string(), |a| a.name.clone()),
                        scored: scored.contains(&(l.id, *e)),
                    })
                    .collect(),
                on_panel: on
                    .iter()
                    .map(|e| {
                        let name = by_id
                            .get(e)
                            .map_or_else(|| e.to_string(), |a| a.name.clone());
                        [e.to_string(), name]
                    })
                    .collect(),
                candidates,
            }
        })
        .collect();
    Ok((rows, total, paging.page))
}

async fn render(
    st: &AppState,
    page: &PageCtx,
    actor: &Actor,
    id: BatchId,
    extra: Extra,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let err = |e: AppError| page.error(e);
    let (batch, counts) = batches::get(st, actor, id).await.map_err(err)?;
    let count = |s: Status| counts.iter().find(|(x, _)| *x == s).map_or(0, |(_, n)| *n);
    let (drafts, submitted, returned, accepted, rejected) = (
        count(Status::Draft),
        count(Status::Submitted),
        count(Status::Returned),
        count(Status::Accepted),
        count(Status::Rejected),
    );
    let decided = returned + accepted + rejected;
    // Star levels are named as the batch's rubric (pinned once scoring starts) names them.
    let rubric = crate::service::rubrics::for_batch(st.store.db(), batch.id)
        .await
        .map_err(err)?
        .view();
    let id_str = batch.id.to_string();
    let cards: Vec<Value> = counts
        .iter()
        .filter(|(s, n)| *s != Status::Draft || *n > 0)
        .map(|(s, n)| {
            context! {
                status => s.as_str(),
                count => n,
                // Drafts are counted but not listed to reviewers (only submitted ones are).
                href => (*s != Status::Draft)
                    .then(|| format!("/review?batch_id={id_str}&status={}", s.as_str())),
                current => false,
            }
        })
        .collect();
    let position = BatchStatus::ALL
        .iter()
        .position(|s| *s == batch.status)
        .unwrap_or(0);
    let lifecycle: Vec<Value> = BatchStatus::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            // The last step, once reached, is done as well as current.
            let state = match i.cmp(&position) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal if *s == BatchStatus::Finalized => "done",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "todo",
            };
            let current = i == position;
            context! { status => s.as_str(), label => t(lang, &format!("batch_status.{}", s.as_str())), state, current }
        })
        .collect();

    let experts = talentlib_store::accounts::with_role(st.store.db(), Role::Expert)
        .await
        .map_err(|e| err(e.into()))?;
    // A party to the batch sees its overview, but none of its scoring, and is told why.
    let party = crate::service::impartiality::is_party(st.store.db(), actor, id)
        .await
        .map_err(err)?;
    // What stands between this step and the next: blockers stop it, warnings only caution.
    let mut blockers: Vec<Value> = Vec::new();
    let mut block = |kind: &str, text: String| blockers.push(context! { kind, text });
    let mut scoring_ctx = Value::from(());
    let mut finalized_ctx = Value::from(());
    match batch.status {
        BatchStatus::Open => {
            // What closing does to the applications still on their way, said before closing.
            if submitted > 0 {
                block("warn", tn(lang, "batch.block.pending_reviews", submitted));
            }
            if drafts > 0 {
                block("warn", tn(lang, "batch.block.drafts_before_close", drafts));
            }
            if returned > 0 {
                block(
                    "warn",
                    tn(lang, "batch.block.returned_before_close", returned),
                );
            }
        }
        BatchStatus::Closed => {
            if submitted > 0 {
                block(
                    "warn",
                    tn(lang, "batch.block.pending_before_assign", submitted),
                );
            }
            if returned > 0 {
                block(
                    "warn",
                    tn(lang, "batch.block.returned_before_assign", returned),
                );
            }
            if accepted == 0 {
                block("block", t(lang, "batch.block.no_accepted"));
            }
            if experts.is_empty() {
                block("block", t(lang, "batch.block.no_experts"));
            }
        }
        BatchStatus::Scoring if party => {}
        BatchStatus::Scoring => {
            let progress = scoring::progress_by_expert(st, actor, id)
                .await
                .map_err(err)?;
            let assigned: u64 = progress.iter().map(|p| p.2).sum();
            let scored: u64 = progress.iter().map(|p| p.3).sum();
            let rows: Vec<Value> = progress
                .iter()
                .map(|(eid, name, n, s)| {
                    context! {
                        id => eid.to_string(),
                        name => if name.trim().is_empty() { eid.to_string() } else { name.clone() },
                        assigned => n,
                        scored => s,
                        remaining => n.saturating_sub(*s),
                        percent => fmt::percent(*s, *n),
                    }
                })
                .collect();
            let finalize = match scoring::preview_finalize(st, actor, id).await {
                Ok(dist) => {
                    let (stars, rated) = star_rows(lang, &rubric, &dist);
                    context! { ready => true, stars, rated }
                }
                Err(AppError::Rule(RuleError::UnscoredAssignments)) => {
                    block(
                        "block",
                        i18n::t(
                            lang,
                            "batch.block.unscored",
                            &[
                                ("remaining", assigned.saturating_sub(scored).to_string()),
                                ("assigned", assigned.to_string()),
                            ],
                        ),
                    );
                    context! { ready => false }
                }
                Err(AppError::Rule(RuleError::UnassignedApplications)) => {
                    block("block", t(lang, "batch.block.unassigned"));
                    context! { ready => false }
                }
                Err(AppError::Rule(_)) => context! { ready => false },
                Err(e) => return Err(err(e)),
            };
            if submitted > 0 {
                block(
                    "warn",
                    tn(lang, "batch.block.pending_in_scoring", submitted),
                );
            }
            // Wide disagreement does not block publishing, but deserves a look first.
            let one = talentlib_domain::paging::Page {
                page: 1,
                per_page: 1,
            };
            let order = talentlib_store::panels::PanelOrder::TotalDesc;
            let (_, disagreeing) = scoring::batch_panels(st, actor, id, order, true, one)
                .await
                .map_err(err)?;
            if disagreeing > 0 {
                block("warn", tn(lang, "batch.block.disagreements", disagreeing));
            }
            let (rows_swap, total_swap, shown) =
                swap_rows(lang, st, actor, id, &experts, extra.page)
                    .await
                    .map_err(err)?;
            let pages = total_swap.div_ceil(SWAP_PER_PAGE).max(1);
            scoring_ctx = context! {
                progress => rows,
                assigned => assigned,
                scored => scored,
                percent => fmt::percent(scored, assigned),
                finalize => finalize,
                swaps => rows_swap,
                swap_pager => context! {
                    page => shown,
                    pages => pages,
                    url_prefix => format!("/batches/{id_str}?page="),
                    count => total_swap,
                },
                swap_page => shown,
            };
        }
        BatchStatus::Finalized => {
            let dist = finalized_distribution(st, actor, id).await.map_err(err)?;
            let (stars, rated) = star_rows(lang, &rubric, &dist);
            finalized_ctx = context! { stars, rated };
        }
    }
    let next = match batch.status {
        BatchStatus::Open => Some("close"),
        BatchStatus::Closed => Some("assign"),
        BatchStatus::Scoring => Some("finalize"),
        BatchStatus::Finalized => None,
    };
    let (assign_errors, assign_errors_list) = extra.assign_errors.unwrap_or_else(no_errors);
    let ctx = context! {
        party => party,
        batch => context! {
            id => &id_str,
            name => &batch.name,
            status => batch.status.as_str(),
            created_at => time_ctx(Some(batch.created_at)),
            closed_at => time_ctx(batch.closed_at),
        },
        lifecycle => lifecycle,
        next => next,
        blockers => blockers,
        cards => cards,
        review => context! {
            drafts, submitted, returned, accepted, rejected, decided,
            received => submitted + decided,
            percent => fmt::percent(decided, submitted + decided),
        },
        experts_count => experts.len(),
        assign => context! {
            per => extra.per.unwrap_or_else(|| "3".into()),
            seed => extra.seed.unwrap_or_default(),
            errors => assign_errors,
            errors_list => assign_errors_list,
            notice => extra.assign_notice,
            users_href => extra.assign_users_link.then_some("/admin/users"),
            preview => extra.preview,
        },
        scoring => scoring_ctx,
        swap_problem => extra.swap_problem,
        finalize_notice => extra.finalize_notice,
        finalized => finalized_ctx,
        has_results => matches!(batch.status, BatchStatus::Scoring | BatchStatus::Finalized),
    };
    Ok(page.render_status(st, status, "review_batch.html", ctx))
}

/// The star levels published for a finalized batch: the rating of each scored application.
async fn finalized_distribution(
    st: &AppState,
    actor: &Actor,
    batch: BatchId,
) -> AppResult<BTreeMap<u8, u64>> {
    use talentlib_store::panels::PanelOrder;
    let mut dist: BTreeMap<u8, u64> = (0..=5).map(|s| (s, 0)).collect();
    let db = st.store.db();
    for n in 1..=10_000u64 {
        let page = Page {
            page: n,
            per_page: 250,
        };
        let (lines, total) =
            scoring::batch_panels(st, actor, batch, PanelOrder::TotalDesc, false, page).await?;
        for l in &lines {
            let Ok(app) = l.application_id.parse::<ApplicationId>() else {
                continue;
            };
            if let Some(r) = talentlib_store::ratings::of_application(db, app).await? {
                if r.batch_id == batch {
                    *dist.entry(r.stars).or_default() += 1;
                }
            }
        }
        if lines.is_empty() || n * 250 >= total {
            break;
        }
    }
    Ok(dist)
}

pub(super) async fn get_batch(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    query: Result<Query<DashQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = staff_actor(&page)?;
    let id: BatchId = path_id(&page, &id)?;
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let extra = Extra {
        page: q.page.and_then(|p| p.trim().parse().ok()).unwrap_or(1),
        ..Extra::default()
    };
    render(&st, &page, &actor, id, extra, StatusCode::OK).await
}

// ------------------------------------------------------------------ assignment

#[derive(Deserialize)]
pub(super) struct AssignForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    experts_per_application: String,
    #[serde(default)]
    seed: String,
    #[serde(default)]
    action: String,
    /// `per:seed` of the draw the page previewed; a commit saves only that draw.
    #[serde(default)]
    previewed: String,
}

pub(super) async fn post_assign(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<AssignForm>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = staff_actor(&page)?;
    let f = read_form(&page, form)?;
    page.check_csrf(&f.csrf_token)?;
    let id: BatchId = path_id(&page, &id)?;
    let lang = page.lang;
    let label = |p: &str| match p {
        "experts_per_application" => Some(t(lang, "batch.assign.per")),
        "seed" => Some(t(lang, "batch.assign.seed")),
        _ => None,
    };
    let per_raw = f.experts_per_application.trim().to_string();
    let seed_raw = f.seed.trim().to_string();
    let mut problems: Vec<(&str, String)> = Vec::new();
    let per = match per_raw.parse::<usize>() {
        Ok(n) if (1..=100).contains(&n) => Some(n),
        _ if per_raw.is_empty() => {
            problems.push((
                "experts_per_application",
                i18n::problem(lang, &Problem::Required),
            ));
            None
        }
        _ => {
            problems.push((
                "experts_per_application",
                i18n::problem(lang, &Problem::OutOfRange { min: 1, max: 100 }),
            ));
            None
        }
    };
    let seed = if seed_raw.is_empty() {
        None
    } else {
        match seed_raw.parse::<u64>() {
            Ok(s) => Some(s),
            Err(_) => {
                problems.push(("seed", t(lang, "batch.assign.seed_invalid")));
                None
            }
        }
    };
    // The rule: a draw is committed only after it has been seen. A commit of settings
    // other than the previewed ones (or of no seed, a draw nobody has seen) previews instead.
    let commit_seen = f.action == "commit"
        && !seed_raw.is_empty()
        && f.previewed.trim() == format!("{per_raw}:{seed_raw}");
    let preview = !commit_seen;
    let unseen_commit = f.action == "commit" && !commit_seen;
    let mut extra = Extra {
        per: Some(per_raw.clone()),
        seed: Some(seed_raw.clone()),
        page: 1,
        ..Extra::default()
    };
    let Some(per) = per.filter(|_| problems.is_empty()) else {
        extra.assign_errors = Some(message_errors(&problems, label));
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&st, &page, &actor, id, extra, status).await;
    };
    let req = AssignRequest {
        per_application: per,
        seed,
        preview,
    };
    match scoring::assign(&st, &actor, id, req).await {
        Ok(result) if preview => {
            let apps = accepted_lines(&st, &actor, id)
                .await
                .map_err(|e| page.error(e))?;
            let experts = talentlib_store::accounts::with_role(st.store.db(), Role::Expert)
                .await
                .map_err(|e| page.error(e.into()))?;
            extra.seed = Some(result.seed.to_string());
            extra.preview = Some(preview_ctx(lang, &result, per, &apps, &experts));
            if unseen_commit {
                extra.assign_notice = Some(t(lang, "batch.assign.preview_changed"));
            }
            render(&st, &page, &actor, id, extra, StatusCode::OK).await
        }
        Ok(_) => Ok(redirect_with_flash(
            &format!("/batches/{id}"),
            Some("flash.batch_assigned"),
        )),
        Err(AppError::Invalid(errors)) => {
            let items: Vec<(&str, String)> = errors
                .iter()
                .map(|e| {
                    let path = if e.path == "seed" {
                        "seed"
                    } else {
                        "experts_per_application"
                    };
                    (path, i18n::problem(lang, &e.problem))
                })
                .collect();
            extra.assign_errors = Some(message_errors(&items, label));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&st, &page, &actor, id, extra, status).await
        }
        Err(e @ AppError::Rule(_)) => {
            extra.assign_notice = Some(e.message(lang));
            extra.assign_users_link = matches!(e, AppError::Rule(RuleError::TooFewExperts(_)))
                && actor.user.has(Role::Admin);
            render(&st, &page, &actor, id, extra, StatusCode::CONFLICT).await
        }
        Err(e) => Err(page.error(e)),
    }
}

// ------------------------------------------------------------------ swapping an expert

#[derive(Deserialize)]
pub(super) struct SwapForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    application_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
}

pub(super) async fn post_swap(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<SwapForm>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = staff_actor(&page)?;
    let f = read_form(&page, form)?;
    page.check_csrf(&f.csrf_token)?;
    let id: BatchId = path_id(&page, &id)?;
    let lang = page.lang;
    let app: ApplicationId = f
        .application_id
        .trim()
        .parse()
        .map_err(|_| page.error(AppError::Malformed("application_id".into())))?;
    let list_page: u64 = f.page.trim().parse().unwrap_or(1);
    let from: Option<UserId> = f.from.trim().parse().ok();
    let to: Option<UserId> = f.to.trim().parse().ok();
    let on_panel = match from {
        Some(from) => talentlib_store::scoring::is_assigned(st.store.db(), app, from)
            .await
            .map_err(|e| page.error(e.into()))?,
        None => false,
    };
    let outcome: Result<(), (StatusCode, String)> = match (from, to) {
        (None, _) | (_, None) => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            t(lang, "batch.swap.choose"),
        )),
        (Some(_), Some(_)) if !on_panel => {
            Err((StatusCode::CONFLICT, t(lang, "batch.swap.not_assigned")))
        }
        (Some(from), Some(to)) => match scoring::swap_expert(&st, &actor, app, from, to).await {
            Ok(()) => Ok(()),
            Err(AppError::Rule(RuleError::TooFewExperts(_))) => {
                Err((StatusCode::CONFLICT, t(lang, "batch.swap.conflict")))
            }
            Err(e @ AppError::Rule(_)) => Err((StatusCode::CONFLICT, e.message(lang))),
            Err(AppError::Invalid(errors)) => {
                let duplicate = errors
                    .iter()
                    .any(|e| matches!(e.problem, Problem::DuplicateItem));
                let message = if duplicate {
                    t(lang, "batch.swap.duplicate")
                } else {
                    t(lang, "batch.swap.not_expert")
                };
                Err((StatusCode::UNPROCESSABLE_ENTITY, message))
            }
            Err(AppError::NotFound) => {
                Err((StatusCode::CONFLICT, t(lang, "batch.swap.not_assigned")))
            }
            Err(e) => return Err(page.error(e)),
        },
    };
    match outcome {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/batches/{id}?page={list_page}#assign-{app}"),
            Some("flash.batch_expert_swapped"),
        )),
        Err((status, message)) => {
            let extra = Extra {
                swap_problem: Some(context! {
                    application_id => app.to_string(),
                    message,
                    from => f.from.trim(),
                    to => f.to.trim(),
                }),
                page: list_page,
                ..Extra::default()
            };
            render(&st, &page, &actor, id, extra, status).await
        }
    }
}

// ------------------------------------------------------------------ finalizing

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

pub(super) async fn post_finalize(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = staff_actor(&page)?;
    let f = read_form(&page, form)?;
    page.check_csrf(&f.csrf_token)?;
    let id: BatchId = path_id(&page, &id)?;
    match scoring::finalize(&st, &actor, id).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/batches/{id}"),
            Some("flash.batch_finalized"),
        )),
        Err(e @ AppError::Rule(_)) => {
            let extra = Extra {
                finalize_notice: Some(e.message(page.lang)),
                page: 1,
                ..Extra::default()
            };
            render(&st, &page, &actor, id, extra, StatusCode::CONFLICT).await
        }
        Err(e) => Err(page.error(e)),
    }
}

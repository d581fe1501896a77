//! Expert assignment, scoring, reference scores, finalizing a batch and reading ratings.

use super::applications::{load_visible, stored_form};
use super::impartiality::require_impartial;
use super::{audit, rubrics, Actor};
use crate::error::{AppError, AppResult};
use crate::state::{new_uuid, now_millis, today_in_chongqing, AppState};
use std::collections::{BTreeMap, HashMap, HashSet};
use talentlib_domain::application::Status;
use talentlib_domain::assignment::{self, Applicant, AssignError, Assignment, Expert};
use talentlib_domain::ids::{ApplicationId, BatchId, ItemId, UserId};
use talentlib_domain::permissions::ListScope;
use talentlib_domain::roles::Role;
use talentlib_domain::rubric::ReferenceScore;
use talentlib_domain::scoring::{aggregate, parse_sheet, ScoreSheet};
use talentlib_domain::RuleError;
use talentlib_store::accounts;
use talentlib_store::applications::{self, ListFilter};
use talentlib_store::batches;
use talentlib_store::ratings::{self, RatingRow};
use talentlib_store::scoring::{self as store_scoring, AssignmentRow, ScoreRow};
use talentlib_store::sea_orm::ConnectionTrait;

/// The reference score of an application by the rubric in force, from verified items only.
pub async fn reference_score(
    st: &AppState,
    actor: &Actor,
    id: ApplicationId,
) -> AppResult<ReferenceScore> {
    actor
        .user
        .require_any(&[Role::Reviewer, Role::Expert, Role::Admin])?;
    let db = st.store.db();
    let row = load_visible(db, actor, id).await?;
    let form = stored_form(st, &row)?;
    let verified: HashSet<ItemId> = talentlib_store::reviews::of_application(db, id)
        .await?
        .into_iter()
        .filter(|c| c.verified)
        .map(|c| c.item_id)
        .collect();
    let rubric = rubrics::for_batch(db, row.batch_id).await?;
    Ok(rubric.reference_score(&form, &verified, today_in_chongqing().year()))
}

pub struct AssignRequest {
    pub per_application: usize,
    pub seed: Option<u64>,
    pub preview: bool,
}

pub struct AssignResult {
    pub seed: u64,
    pub items: Vec<Assignment>,
}

/// Draws (and unless previewing, saves) experts for every accepted application of a closed batch.
pub async fn assign(
    st: &AppState,
    actor: &Actor,
    batch_id: BatchId,
    req: AssignRequest,
) -> AppResult<AssignResult> {
    actor.user.require_any(&[Role::Reviewer, Role::Admin])?;
    let seed = req.seed.unwrap_or_else(rand::random);
    let tx = st.store.write().await?;
    let batch = batches::get(&*tx, batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_impartial(&*tx, actor, batch_id).await?;
    let next = batch.status.start_scoring()?;
    let everything = ListScope {
        everything: true,
        own: None,
        submitted: false,
        district: None,
        assigned_to: None,
    };
    let filter = ListFilter {
        batch_id: Some(batch_id),
        status: Some(Status::Accepted),
        ..ListFilter::default()
    };
    let lines = applications::list_all(&*tx, &everything, &filter).await?;
    let applicants: Vec<Applicant> = lines
        .iter()
        .map(|l| Applicant {
            application_id: l.id,
            designer_id: l.designer_id,
            name: l.name.clone(),
            employer: l.employer.clone(),
        })
        .collect();
    let experts: Vec<Expert> = accounts::with_role(&*tx, Role::Expert)
        .await?
        .into_iter()
        .map(|a| Expert {
            id: a.id,
            employer: a.employer,
        })
        .collect();
    let items = assignment::assign(&applicants, &experts, req.per_application, seed).map_err(
        |e| match e {
            AssignError::NoneRequested => AppError::invalid(
                "experts_per_application",
                talentlib_domain::Problem::OutOfRange { min: 1, max: 100 },
            ),
            AssignError::TooFewEligible(s) => AppError::Rule(RuleError::TooFewExperts(Some(s))),
        },
    )?;
    if req.preview {
        return Ok(AssignResult { seed, items });
    }
    let now = now_millis();
    let rows: Vec<AssignmentRow> = items
        .iter()
        .flat_map(|a| {
            a.expert_ids.iter().map(move |e| AssignmentRow {
                application_id: a.application_id,
                expert_id: *e,
                batch_id,
                assigned_at: now,
            })
        })
        .collect();
    store_scoring::insert_assignments(&*tx, &rows).await?;
    debug_assert_eq!(next, talentlib_domain::batch::BatchStatus::Scoring);
    let rubric = rubrics::current(&*tx).await?;
    batches::start_scoring(&*tx, batch_id, &rubric.version).await?;
    let detail = format!(
        "seed={seed} experts_per_application={} applications={} rubric={}",
        req.per_application,
        items.len(),
        rubric.version
    );
    audit::by(&*tx, actor, "batch.assign", "batch", batch_id, Some(detail)).await?;
    tx.commit().await?;
    Ok(AssignResult { seed, items })
}

/// A reviewer replaces one expert on one application by hand (never with a conflict).
pub async fn swap_expert(
    st: &AppState,
    actor: &Actor,
    app: ApplicationId,
    from: UserId,
    to: UserId,
) -> AppResult<()> {
    actor.user.require_any(&[Role::Reviewer, Role::Admin])?;
    let tx = st.store.write().await?;
    let row = applications::get(&*tx, app)
        .await?
        .ok_or(AppError::NotFound)?;
    let batch = batches::get(&*tx, row.batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_impartial(&*tx, actor, row.batch_id).await?;
    if batch.status != talentlib_domain::batch::BatchStatus::Scoring {
        return Err(AppError::Rule(RuleError::BatchNotScoring));
    }
    let expert = accounts::by_id(&*tx, to)
        .await?
        .filter(|a| a.roles.has(Role::Expert))
        .ok_or_else(|| AppError::invalid("expert_id", talentlib_domain::Problem::UnknownItem))?;
    let applicant = Applicant {
        application_id: app,
        designer_id: row.designer_id,
        name: row.name.clone(),
        employer: row.employer.clone(),
    };
    if assignment::is_conflict(
        &applicant,
        &Expert {
            id: expert.id,
            employer: expert.employer,
        },
    ) {
        return Err(AppError::Rule(RuleError::TooFewExperts(None)));
    }
    store_scoring::swap_expert(&*tx, app, from, to, now_millis())
        .await
        .map_err(|e| match e {
            talentlib_store::StoreError::Duplicate(_) => {
                AppError::invalid("expert_id", talentlib_domain::Problem::DuplicateItem)
            }
            other => other.into(),
        })?;
    // The replaced expert's sheet is gone: the panel must not count it.
    let rubric = rubrics::for_batch(&*tx, row.batch_id).await?;
    refresh_panel(&*tx, app, row.batch_id, &rubric).await?;
    audit::by(
        &*tx,
        actor,
        "assignment.swap",
        "application",
        app,
        Some(format!("from={from} to={to}")),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub struct MyAssignment {
    pub application_id: ApplicationId,
    pub batch_id: BatchId,
    pub scored: bool,
}

pub async fn my_assignments(st: &AppState, actor: &Actor) -> AppResult<Vec<MyAssignment>> {
    actor.user.require_any(&[Role::Expert])?;
    let db = st.store.db();
    let rows = store_scoring::assignments_of_expert(db, actor.user.id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let scored = store_scoring::score_of(db, r.application_id, actor.user.id)
            .await?
            .is_some();
        out.push(MyAssignment {
            application_id: r.application_id,
            batch_id: r.batch_id,
            scored,
        });
    }
    Ok(out)
}

/// An assigned expert saves (or revises) their scores until the batch is finalized.
pub async fn save_scores(
    st: &AppState,
    actor: &Actor,
    app: ApplicationId,
    raw: &serde_json::Map<String, serde_json::Value>,
    comment: Option<String>,
) -> AppResult<ScoreSheet> {
    actor.user.require_any(&[Role::Expert])?;
    let tx = st.store.write().await?;
    if !store_scoring::is_assigned(&*tx, app, actor.user.id).await? {
        return Err(AppError::NotFound);
    }
    let row = applications::get(&*tx, app)
        .await?
        .ok_or(AppError::NotFound)?;
    let batch = batches::get(&*tx, row.batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if batch.status == talentlib_domain::batch::BatchStatus::Finalized {
        return Err(AppError::Rule(RuleError::BatchFinalized));
    }
    let rubric = rubrics::for_batch(&*tx, row.batch_id).await?;
    let sheet = parse_sheet(raw, &rubric).map_err(AppError::Invalid)?;
    let comment = comment
        .map(|c| c.trim().chars().take(2000).collect::<String>())
        .filter(|c| !c.is_empty());
    let score = ScoreRow {
        application_id: app,
        expert_id: actor.user.id,
        batch_id: row.batch_id,
        sheet: sheet.clone(),
        comment,
        updated_at: now_millis(),
    };
    store_scoring::upsert_score(&*tx, &score).await?;
    refresh_panel(&*tx, app, row.batch_id, &rubric).await?;
    audit::by(
        &*tx,
        actor,
        "score.save",
        "application",
        app,
        // In points, as every page shows them (the sheet counts hundredths).
        Some(format!("total={:.2}", sheet.total() as f64 / 100.0)),
    )
    .await?;
    tx.commit().await?;
    Ok(sheet)
}

/// The expert's own sheet for an application, if any.
pub async fn my_sheet(
    st: &AppState,
    actor: &Actor,
    app: ApplicationId,
) -> AppResult<Option<ScoreRow>> {
    Ok(store_scoring::score_of(st.store.db(), app, actor.user.id).await?)
}

/// What finalizing published: how many ratings at each star level, by which rubric.
pub struct Outcome {
    pub rated: u64,
    /// Stars (0 is the Provisional Star) → how many ratings, every level present.
    pub distribution: BTreeMap<u8, u64>,
    pub rubric_version: String,
}

/// Applications rated per step of a finalize: bounds memory whatever the batch's size.
const RATE_CHUNK: u64 = 2_000;

/// Rates a batch's accepted applications chunk by chunk, from their experts' score sheets.
struct Rater {
    batch_id: BatchId,
    rubric: talentlib_domain::rubric::RubricDef,
    now: i64,
    after: Option<ApplicationId>,
}

impl Rater {
    /// Refuses (409) while any assignment is unscored.
    async fn start(c: &impl ConnectionTrait, batch_id: BatchId, now: i64) -> AppResult<Rater> {
        if store_scoring::unscored_count(c, batch_id).await? > 0 {
            return Err(AppError::Rule(RuleError::UnscoredAssignments));
        }
        Ok(Rater {
            batch_id,
            rubric: rubrics::for_batch(c, batch_id).await?,
            now,
            after: None,
        })
    }

    /// The next chunk's ratings, or None when every accepted application is rated. Each
    /// application's aggregate comes from its panel, which the domain's `aggregate` keeps
    /// current as experts score; a panel that does not count every sheet is recomputed from the
    /// sheets. An accepted application without any sheet stops finalizing (409).
    async fn next(&mut self, c: &impl ConnectionTrait) -> AppResult<Option<Vec<RatingRow>>> {
        let lines = applications::accepted_after(c, self.batch_id, self.after, RATE_CHUNK).await?;
        let Some(last) = lines.last() else {
            return Ok(None);
        };
        self.after = Some(last.line.id);
        let mut ratings = Vec::with_capacity(lines.len());
        for rated in lines {
            let (total, categories) = match rated.panel {
                Some(p) if p.experts_scored == rated.sheets && rated.sheets > 0 => {
                    (p.total, p.categories)
                }
                _ => {
                    let sheets: Vec<ScoreSheet> = store_scoring::scores_of(c, rated.line.id)
                        .await?
                        .into_iter()
                        .map(|s| s.sheet)
                        .collect();
                    let agg = aggregate(&sheets)
                        .ok_or(AppError::Rule(RuleError::UnassignedApplications))?;
                    (agg.total, agg.categories)
                }
            };
            let line = rated.line;
            ratings.push(RatingRow {
                id: new_uuid(),
                designer_id: line.designer_id,
                application_id: line.id,
                batch_id: self.batch_id,
                total,
                stars: self
                    .rubric
                    .stars_for(talentlib_domain::points::Points::from_hundredths(total)),
                categories,
                rubric_version: self.rubric.version.clone(),
                rated_at: self.now,
                is_current: true,
                name: line.name.unwrap_or_default(),
                district_code: line.district_code,
                employer: line.employer,
                major: line.major,
                work_type: line.work_type,
                public_consent: line.public_consent,
            });
        }
        Ok(Some(ratings))
    }
}

fn empty_distribution() -> BTreeMap<u8, u64> {
    (0..=5).map(|s| (s, 0)).collect()
}

/// The star distribution finalizing would produce (stars → count), without publishing. It is
/// read from the panel aggregates, which the same domain rule keeps current as experts score,
/// so the batch page can show it on every visit even for a batch of 100,000 applications.
pub async fn preview_finalize(
    st: &AppState,
    actor: &Actor,
    batch_id: BatchId,
) -> AppResult<BTreeMap<u8, u64>> {
    actor.user.require_any(&[Role::Reviewer, Role::Admin])?;
    let db = st.store.db();
    require_impartial(db, actor, batch_id).await?;
    let batch = batches::get(db, batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    batch.status.finalize()?;
    if store_scoring::unscored_count(db, batch_id).await? > 0 {
        return Err(AppError::Rule(RuleError::UnscoredAssignments));
    }
    let totals = talentlib_store::panels::totals_of_accepted(db, batch_id).await?;
    let accepted = accepted_count(db, batch_id).await?;
    if (totals.len() as u64) < accepted {
        return Err(AppError::Rule(RuleError::UnassignedApplications));
    }
    let rubric = rubrics::for_batch(db, batch_id).await?;
    let mut dist = empty_distribution();
    for total in totals {
        let stars = rubric.stars_for(talentlib_domain::points::Points::from_hundredths(total));
        *dist.entry(stars).or_default() += 1;
    }
    Ok(dist)
}

async fn accepted_count(c: &impl ConnectionTrait, batch_id: BatchId) -> AppResult<u64> {
    let everything = ListScope {
        everything: true,
        own: None,
        submitted: false,
        district: None,
        assigned_to: None,
    };
    let filter = ListFilter {
        batch_id: Some(batch_id),
        ..ListFilter::default()
    };
    Ok(applications::counts_by_status(c, &everything, &filter)
        .await?
        .into_iter()
        .find(|(s, _)| *s == Status::Accepted)
        .map_or(0, |(_, n)| n))
}

/// Computes and publishes every accepted application's rating in one transaction, from the
/// experts' sheets, chunk by chunk; designers are notified in the same transaction.
pub async fn finalize(st: &AppState, actor: &Actor, batch_id: BatchId) -> AppResult<Outcome> {
    actor.user.require_any(&[Role::Reviewer, Role::Admin])?;
    let tx = st.store.write().await?;
    let batch = batches::get(&*tx, batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_impartial(&*tx, actor, batch_id).await?;
    let next = batch.status.finalize()?;
    let now = now_millis();
    let outcome = tx
        .bulk(|| async {
            let mut rater = Rater::start(&*tx, batch_id, now).await?;
            let mut outcome = Outcome {
                rated: 0,
                distribution: empty_distribution(),
                rubric_version: rater.rubric.version.clone(),
            };
            while let Some(chunk) = rater.next(&*tx).await? {
                ratings::publish(&*tx, &chunk).await?;
                notify_ratings(st, &*tx, &chunk, now).await?;
                outcome.rated += chunk.len() as u64;
                for r in &chunk {
                    *outcome.distribution.entry(r.stars).or_default() += 1;
                }
            }
            Ok::<_, AppError>(outcome)
        })
        .await?;
    batches::set_status(&*tx, batch_id, next, now).await?;
    // The search index catches up in the background; text search scans until it has.
    talentlib_store::notifications::enqueue(
        &*tx,
        new_uuid(),
        talentlib_store::library_index::INDEX_JOB,
        &batch_id.to_string(),
        now,
    )
    .await?;
    let detail = format!(
        "ratings={} rubric={}",
        outcome.rated, outcome.rubric_version
    );
    audit::by(
        &*tx,
        actor,
        "batch.finalize",
        "batch",
        batch_id,
        Some(detail),
    )
    .await?;
    tx.commit().await?;
    st.library_counts.clear();
    Ok(outcome)
}

fn is_staff(actor: &Actor) -> bool {
    actor.user.viewer().is_staff()
}

/// An application's rating, for whoever may see the application; 404 before finalizing.
pub async fn rating_of(st: &AppState, actor: &Actor, app: ApplicationId) -> AppResult<RatingRow> {
    let db = st.store.db();
    // Only to check that the actor may see the application (404 otherwise).
    load_visible(db, actor, app).await?;
    ratings::of_application(db, app)
        .await?
        .ok_or(AppError::NotFound)
}

/// A designer's ratings, newest first: to the designer and to staff.
pub async fn history(st: &AppState, actor: &Actor, designer: UserId) -> AppResult<Vec<RatingRow>> {
    if actor.user.id != designer && !is_staff(actor) {
        return Err(AppError::NotFound);
    }
    Ok(ratings::history(st.store.db(), designer).await?)
}

/// Tells every rated designer: in-app always, by email when SMTP is configured.
async fn notify_ratings(
    st: &AppState,
    c: &impl talentlib_store::sea_orm::ConnectionTrait,
    rated: &[RatingRow],
    now: i64,
) -> AppResult<()> {
    use talentlib_store::notifications::{self, Notification};
    let rows: Vec<Notification> = rated
        .iter()
        .map(|r| Notification {
            id: new_uuid(),
            account_id: r.designer_id,
            kind: super::notify::RATING_PUBLISHED.into(),
            application_id: Some(r.application_id),
            detail: Some(r.stars.to_string()),
            created_at: now,
            read_at: None,
        })
        .collect();
    notifications::insert_many(c, &rows).await?;
    if st.config.smtp.is_some() {
        let rubric = rubrics::current(c).await?.view();
        let ids: Vec<UserId> = rated.iter().map(|r| r.designer_id).collect();
        let stars: HashMap<UserId, u8> = rated.iter().map(|r| (r.designer_id, r.stars)).collect();
        for (id, email) in accounts::emails_of(c, &ids).await? {
            let detail = stars.get(&id).map(ToString::to_string);
            super::notify::enqueue_email(
                c,
                &email,
                super::notify::RATING_PUBLISHED,
                detail.as_deref(),
                Some(&rubric),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// Recomputes an application's panel aggregate from its sheets (after each score change).
pub async fn refresh_panel(
    c: &impl talentlib_store::sea_orm::ConnectionTrait,
    app: ApplicationId,
    batch: BatchId,
    rubric: &talentlib_domain::rubric::RubricDef,
) -> AppResult<()> {
    let sheets: Vec<ScoreSheet> = store_scoring::scores_of(c, app)
        .await?
        .into_iter()
        .map(|s| s.sheet)
        .collect();
    match panel_row(app, batch, &sheets, rubric, now_millis()) {
        Some(row) => talentlib_store::panels::upsert(c, &row).await?,
        None => talentlib_store::panels::delete(c, app).await?,
    }
    Ok(())
}

/// The panel figures of a set of sheets: the aggregated total plus spread statistics.
pub fn panel_row(
    app: ApplicationId,
    batch: BatchId,
    sheets: &[ScoreSheet],
    rubric: &talentlib_domain::rubric::RubricDef,
    now: i64,
) -> Option<talentlib_store::panels::PanelRow> {
    let agg = aggregate(sheets)?;
    let totals: Vec<i64> = sheets.iter().map(ScoreSheet::total).collect();
    let max_total: i64 = talentlib_domain::rubric::CATEGORY_KEYS
        .iter()
        .map(|k| rubric.cap(k).to_hundredths())
        .sum();
    let spread = talentlib_domain::scoring::spread(&totals, max_total)?;
    Some(talentlib_store::panels::PanelRow {
        application_id: app,
        batch_id: batch,
        experts_scored: i32::try_from(sheets.len()).unwrap_or(i32::MAX),
        total: agg.total,
        mean: spread.mean,
        median: spread.median,
        std_dev: spread.std_dev,
        spread: spread.range,
        disagreement: spread.disagreement,
        categories: agg.categories,
        updated_at: now,
    })
}

/// The panel of one application with every expert's sheet (reviewers and admins).
pub async fn panel(
    st: &AppState,
    actor: &Actor,
    app: ApplicationId,
) -> AppResult<(Option<talentlib_store::panels::PanelRow>, Vec<ScoreRow>)> {
    actor.user.require_any(&[Role::Reviewer, Role::Admin])?;
    let db = st.store.db();
    let row = load_visible(db, actor, app).await?;
    require_impartial(db, actor, row.batch_id).await?;
    Ok((
        talentlib_store::panels::of_application(db, app).await?,
        store_scoring::scores_of(db, app).await?,
    ))
}

/// Scoring progress per expert in a batch: (expert id, name, assigned, scored).
pub async fn progress_by_expert(
    st: &AppState,
    actor: &Actor,
    batch: BatchId,
) -> AppResult<Vec<(UserId, String, u64, u64)>> {
    actor.user.require_any(&[Role::Reviewer, Role::Admin])?;
    let db = st.store.db();
    require_impartial(db, actor, batch).await?;
    let per = store_scoring::progress_by_expert(db, batch).await?;
    let names: HashMap<UserId, String> = accounts::with_role(db, Role::Expert)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let mut rows: Vec<(UserId, String, u64, u64)> = per
        .into_iter()
        .map(|(id, n, s)| (id, names.get(&id).cloned().unwrap_or_default(), n, s))
        .collect();
    rows.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(rows)
}

/// One page of a scored batch's applications with their panel figures.
pub async fn batch_panels(
    st: &AppState,
    actor: &Actor,
    batch: BatchId,
    order: talentlib_store::panels::PanelOrder,
    disagreement_only: bool,
    page: talentlib_domain::paging::Page,
) -> AppResult<(Vec<talentlib_store::panels::PanelLine>, u64)> {
    actor.user.require_any(&[Role::Reviewer, Role::Admin])?;
    let db = st.store.db();
    require_impartial(db, actor, batch).await?;
    Ok(talentlib_store::panels::list(db, batch, order, disagreement_only, page).await?)
}

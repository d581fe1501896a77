//! The rubric in force and its published versions.

use super::{audit, Actor};
use crate::error::{AppError, AppResult};
use crate::state::{now_millis, AppState};
use talentlib_domain::ids::BatchId;
use talentlib_domain::roles::Role;
use talentlib_domain::rubric::RubricDef;
use talentlib_domain::RuleError;
use talentlib_store::rubrics::{self, RubricRow};
use talentlib_store::sea_orm::ConnectionTrait;

fn parse_row(row: &RubricRow) -> AppResult<RubricDef> {
    let v: serde_json::Value = serde_json::from_str(&row.body).map_err(AppError::internal)?;
    RubricDef::parse(&v).map_err(|e| {
        AppError::internal(anyhow::anyhow!(
            "stored rubric {} invalid: {e:?}",
            row.version
        ))
    })
}

/// The highest reference wage accepted, in yuan a year (a typo guard, far above any real wage).
pub const MAX_REFERENCE_WAGE_CNY: i64 = 10_000_000;

/// Publishes the rubric in force again as `version`, with the reference wage of personal
/// compensation set to `wage_cny` yuan a year: the yearly figure an administrator sets
/// (scoring-rubric.md F, e.g. Chongqing's average annual wage), without editing the file.
pub async fn publish_reference_wage(
    st: &AppState,
    actor: &Actor,
    version: &str,
    wage_cny: i64,
) -> AppResult<RubricDef> {
    actor.user.require_any(&[Role::Admin])?;
    if !(1..=MAX_REFERENCE_WAGE_CNY).contains(&wage_cny) {
        return Err(AppError::invalid(
            "reference_wage_cny",
            talentlib_domain::Problem::OutOfRange {
                min: 1,
                max: MAX_REFERENCE_WAGE_CNY,
            },
        ));
    }
    let text = match rubrics::current(st.store.db()).await? {
        Some(row) => row.body,
        None => talentlib_domain::rubric::DEFAULT_RUBRIC_JSON.to_string(),
    };
    let mut body: serde_json::Value = serde_json::from_str(&text).map_err(AppError::internal)?;
    let compensation = body
        .pointer_mut("/categories/compensation")
        .and_then(serde_json::Value::as_object_mut)
        .ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("rubric in force has no compensation"))
        })?;
    compensation.insert("reference_wage_cny".into(), wage_cny.into());
    if let Some(root) = body.as_object_mut() {
        root.insert("version".into(), version.trim().into());
    }
    publish(st, actor, &body).await
}

/// The newest published rubric, or the built-in default when none was published.
pub async fn current(c: &impl ConnectionTrait) -> AppResult<RubricDef> {
    match rubrics::current(c).await? {
        Some(row) => parse_row(&row),
        None => Ok(RubricDef::default_rubric()),
    }
}

/// The published shape of the rubric in force (names, caps, thresholds), for pages and the API
/// that name star levels: reused for a few seconds rather than read and checked again on every
/// page; this process forgets it when it publishes a version.
pub async fn current_view(st: &AppState) -> AppResult<talentlib_domain::rubric::Rubric> {
    if let Some(view) = st.rubric_view.get("current") {
        return Ok(view);
    }
    let view = current(st.store.db()).await?.view();
    st.rubric_view.put("current".into(), view.clone());
    Ok(view)
}

/// The rubric a batch is scored by: the version pinned when its experts were assigned, else
/// (before scoring starts) the one in force.
pub async fn for_batch(c: &impl ConnectionTrait, batch: BatchId) -> AppResult<RubricDef> {
    let pinned = talentlib_store::batches::get(c, batch)
        .await?
        .and_then(|b| b.rubric_version);
    match pinned {
        Some(v) => of_version(c, &v).await,
        None => current(c).await,
    }
}

/// A given version (old ones stay readable); the default is always available.
pub async fn version(st: &AppState, version: &str) -> AppResult<RubricDef> {
    of_version(st.store.db(), version).await
}

async fn of_version(c: &impl ConnectionTrait, version: &str) -> AppResult<RubricDef> {
    match rubrics::get(c, version).await? {
        Some(row) => parse_row(&row),
        None if version == RubricDef::default_rubric().version => Ok(RubricDef::default_rubric()),
        None => Err(AppError::NotFound),
    }
}

/// Every version, newest first (the default last, if it was never republished).
pub async fn list(st: &AppState) -> AppResult<Vec<(String, i64)>> {
    let mut out: Vec<(String, i64)> = rubrics::list(st.store.db())
        .await?
        .into_iter()
        .map(|r| (r.version, r.created_at))
        .collect();
    let default = RubricDef::default_rubric().version;
    if !out.iter().any(|(v, _)| *v == default) {
        out.push((default, 0));
    }
    Ok(out)
}

/// An admin publishes a new version; it is validated with every problem listed (422).
pub async fn publish(
    st: &AppState,
    actor: &Actor,
    body: &serde_json::Value,
) -> AppResult<RubricDef> {
    actor.user.require_any(&[Role::Admin])?;
    let def = RubricDef::parse(body).map_err(AppError::Invalid)?;
    if def.version == RubricDef::default_rubric().version {
        return Err(AppError::Rule(RuleError::RubricVersionTaken));
    }
    let row = RubricRow {
        version: def.version.clone(),
        body: serde_json::to_string(body).map_err(AppError::internal)?,
        created_by: Some(actor.user.id.to_string()),
        created_at: now_millis(),
    };
    let tx = st.store.write().await?;
    rubrics::insert(&*tx, &row).await.map_err(|e| match e {
        talentlib_store::StoreError::Duplicate(_) => AppError::Rule(RuleError::RubricVersionTaken),
        other => other.into(),
    })?;
    audit::by(&*tx, actor, "rubric.publish", "rubric", &def.version, None).await?;
    tx.commit().await?;
    st.rubric_view.clear();
    Ok(def)
}

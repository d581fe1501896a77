//! The administrator's rubric pages: the rubric in force, every published version, and
//! publishing a new one (a JSON file or pasted JSON). Also the small display helpers that the
//! scoring, rating and library pages share: scores with 2 decimals, dates in UTC+8, star levels
//! named by the rubric.

use super::page::{redirect_with_flash, PageCtx, PageError};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::service::rubrics;
use crate::state::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use minijinja::{context, Value};
use serde::Serialize;
use talentlib_domain::roles::Role;
use talentlib_domain::rubric::{Rubric, RubricDef};
use talentlib_domain::RuleError;

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "rubric_parts.html",
        include_str!("../../templates/rubric_parts.html"),
    ),
    (
        "rubric_admin.html",
        include_str!("../../templates/rubric_admin.html"),
    ),
    (
        "rubric_version.html",
        include_str!("../../templates/rubric_version.html"),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/rubric", get(get_rubric).post(post_rubric))
        .route(
            "/admin/rubric/reference-wage",
            axum::routing::post(post_reference_wage),
        )
        .route("/admin/rubric/{version}", get(get_version))
}

// ------------------------------------------------------------------ shared display helpers

/// Hundredths as a number with exactly 2 decimals (`1250` → `12.50`), without float rounding.
pub(crate) fn two_dp(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let a = hundredths.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// A rubric figure (a cap, a threshold) with 2 decimals.
pub(crate) fn figure(x: f64) -> String {
    two_dp(talentlib_domain::points::Points::from_f64(x).to_hundredths())
}

/// `YYYY-MM-DD` in China Standard Time (UTC+8).
pub(crate) fn date_text(millis: i64) -> String {
    super::staff::common::fmt_minutes(millis)
        .chars()
        .take(10)
        .collect()
}

pub(crate) use crate::i18n::{by_lang, star_name};

/// A star level for templates: `{n, name, glyphs ("★★★☆☆", hidden from screen readers, which
/// read the name)}`.
pub(crate) fn stars_ctx(lang: Lang, rubric: &Rubric, stars: u8) -> Value {
    let n = usize::from(stars.min(5));
    let glyphs = format!("{}{}", "★".repeat(n), "☆".repeat(5 - n));
    let name = star_name(lang, rubric, stars);
    context! { n => stars, name => name, glyphs => glyphs }
}

/// A scoring category's name as the rubric in force calls it; the form's section title for a
/// key the rubric does not name (education is checked, not scored).
pub(crate) fn category_name(lang: Lang, rubric: &Rubric, key: &str) -> String {
    rubric
        .categories
        .iter()
        .find(|c| c.key == key)
        .map(|c| by_lang(lang, &c.name_zh, &c.name_en))
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| i18n::t(lang, &format!("section.{key}"), &[]))
}

/// The star levels from the provisional star up to five stars, by name.
pub(crate) fn star_names_upward(lang: Lang, rubric: &Rubric) -> Vec<String> {
    (0..=5u8).map(|s| star_name(lang, rubric, s)).collect()
}

/// `[stars, name]` pairs from five stars down to the provisional star, for the stars filter.
pub(crate) fn star_options(lang: Lang, rubric: &Rubric) -> Vec<[String; 2]> {
    rubric
        .stars
        .iter()
        .map(|s| [s.stars.to_string(), by_lang(lang, &s.name_zh, &s.name_en)])
        .collect()
}

/// The sum of the categories' maxima, in hundredths.
pub(crate) fn max_total(rubric: &Rubric) -> i64 {
    rubric
        .categories
        .iter()
        .map(|c| talentlib_domain::points::Points::from_f64(c.max).to_hundredths())
        .sum()
}

#[derive(Serialize)]
struct CategoryRow {
    key: String,
    name: String,
    max: String,
}

#[derive(Serialize)]
struct StarRow {
    stars: u8,
    name: String,
    glyphs: String,
    min_total: String,
    /// The next level's threshold (exclusive upper bound), none for the top level.
    below: Option<String>,
}

/// A rubric for the templates: version, categories with their maxima, star thresholds.
fn rubric_ctx(lang: Lang, def: &RubricDef) -> Value {
    let view = def.view();
    let categories: Vec<CategoryRow> = view
        .categories
        .iter()
        .map(|c| CategoryRow {
            key: c.key.clone(),
            name: by_lang(lang, &c.name_zh, &c.name_en),
            max: figure(c.max),
        })
        .collect();
    // `stars` runs from 5 down to 0: the level above a row is the one before it.
    let stars: Vec<StarRow> = view
        .stars
        .iter()
        .enumerate()
        .map(|(i, s)| StarRow {
            stars: s.stars,
            name: by_lang(lang, &s.name_zh, &s.name_en),
            glyphs: format!(
                "{}{}",
                "★".repeat(usize::from(s.stars.min(5))),
                "☆".repeat(5 - usize::from(s.stars.min(5)))
            ),
            min_total: figure(s.min_total),
            below: i
                .checked_sub(1)
                .and_then(|j| view.stars.get(j))
                .map(|up| figure(up.min_total)),
        })
        .collect();
    context! {
        version => view.version.clone(),
        categories => categories,
        stars => stars,
        max_total => two_dp(max_total(&view)),
        lookback_years => def.lookback_years,
        reference_wage => def.compensation.reference_wage_cny.map(|w| format!("{w:.0}")),
    }
}

// ------------------------------------------------------------------ GET /admin/rubric

#[derive(Serialize)]
struct VersionRow {
    version: String,
    href: String,
    published: Option<String>,
    current: bool,
}

fn require_admin(page: &PageCtx) -> Result<crate::service::Actor, PageError> {
    let actor = page.actor()?;
    actor
        .user
        .require_any(&[Role::Admin])
        .map_err(|e| page.error(e))?;
    Ok(actor)
}

/// Percent-encodes a version for a path segment.
fn version_href(version: &str) -> String {
    format!("/admin/rubric/{}", super::staff::common::encode(version))
}

/// What the upload form shows again after a failed attempt.
#[derive(Default)]
struct Attempt {
    json: String,
    /// One message for the whole upload (malformed JSON, nothing sent, version taken).
    message: Option<String>,
    /// Every problem of a well-formed but invalid rubric: `{path, message}`.
    problems: Vec<Value>,
    /// The reference-wage form as typed, with what was wrong, after a failed attempt.
    wage: Option<WageAttempt>,
}

#[derive(Serialize)]
struct WageAttempt {
    version: String,
    amount: String,
    version_error: Option<String>,
    amount_error: Option<String>,
}

async fn render(
    st: &AppState,
    page: &PageCtx,
    status: StatusCode,
    attempt: Attempt,
) -> Result<Response, PageError> {
    let current = rubrics::current(st.store.db())
        .await
        .map_err(|e| page.error(e))?;
    let versions: Vec<VersionRow> = rubrics::list(st)
        .await
        .map_err(|e| page.error(e))?
        .into_iter()
        .map(|(version, created_at)| VersionRow {
            href: version_href(&version),
            current: version == current.version,
            published: (created_at > 0).then(|| date_text(created_at)),
            version,
        })
        .collect();
    let wage = attempt.wage.unwrap_or_else(|| WageAttempt {
        // A new version name: the one in force and the year the wage is for.
        version: format!(
            "{}-{}",
            current.version,
            crate::state::today_in_chongqing().year()
        ),
        amount: current
            .compensation
            .reference_wage_cny
            .map(|w| format!("{w:.0}"))
            .unwrap_or_default(),
        version_error: None,
        amount_error: None,
    });
    let ctx = context! {
        wage => Value::from_serialize(&wage),
        rubric => rubric_ctx(page.lang, &current),
        current_href => version_href(&current.version),
        versions => versions,
        json => attempt.json,
        message => attempt.message,
        problems => attempt.problems,
    };
    Ok(page.render_status(st, status, "rubric_admin.html", ctx))
}

async fn get_rubric(State(st): State<AppState>, page: PageCtx) -> Result<Response, PageError> {
    require_admin(&page)?;
    render(&st, &page, StatusCode::OK, Attempt::default()).await
}

/// Larger than any sensible rubric; the request body limit applies before this anyway.
const MAX_RUBRIC_BYTES: usize = 1024 * 1024;

async fn post_rubric(
    State(st): State<AppState>,
    page: PageCtx,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let actor = require_admin(&page)?;
    let mut multipart = multipart.map_err(|e| page.error(AppError::Malformed(e.body_text())))?;
    let malformed = |e: axum::extract::multipart::MultipartError| {
        page.error(AppError::Malformed(e.body_text()))
    };
    let mut csrf = String::new();
    let mut file: Option<Vec<u8>> = None;
    let mut text = String::new();
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        match field.name() {
            Some("csrf_token") => csrf = field.text().await.map_err(malformed)?,
            Some("file") => {
                let bytes = field.bytes().await.map_err(malformed)?;
                if !bytes.is_empty() {
                    file = Some(bytes.to_vec());
                }
            }
            Some("json") => text = field.text().await.map_err(malformed)?,
            _ => {}
        }
    }
    page.check_csrf(&csrf)?;

    // A chosen file wins over the text box; its text is shown in the box if it must be fixed.
    let source: Vec<u8> = match file {
        Some(bytes) => {
            if let Ok(s) = std::str::from_utf8(&bytes) {
                text = s.to_string();
            }
            bytes
        }
        None => text.clone().into_bytes(),
    };
    let keep = if text.len() <= MAX_RUBRIC_BYTES {
        text.clone()
    } else {
        String::new()
    };
    if source.iter().all(u8::is_ascii_whitespace) {
        let attempt = Attempt::message(keep, page.t("rubric.upload.nothing"));
        return render(&st, &page, StatusCode::UNPROCESSABLE_ENTITY, attempt).await;
    }
    if source.len() > MAX_RUBRIC_BYTES {
        let attempt = Attempt::message(keep, page.t("rubric.upload.too_large"));
        return render(&st, &page, StatusCode::PAYLOAD_TOO_LARGE, attempt).await;
    }
    let value: serde_json::Value = match serde_json::from_slice(&source) {
        Ok(v) => v,
        Err(e) => {
            let message = i18n::t(
                page.lang,
                "rubric.upload.malformed",
                &[
                    ("line", e.line().to_string()),
                    ("column", e.column().to_string()),
                ],
            );
            let attempt = Attempt::message(keep, message);
            return render(&st, &page, StatusCode::BAD_REQUEST, attempt).await;
        }
    };
    match rubrics::publish(&st, &actor, &value).await {
        Ok(_) => Ok(redirect_with_flash(
            "/admin/rubric",
            Some("flash.rubric.published"),
        )),
        Err(AppError::Invalid(errors)) => {
            let problems = errors
                .iter()
                .map(|e| {
                    context! {
                        path => if e.path.is_empty() { page.t("rubric.upload.whole_file") } else { e.path.clone() },
                        message => i18n::problem(page.lang, &e.problem),
                    }
                })
                .collect();
            let attempt = Attempt {
                json: keep,
                problems,
                ..Attempt::default()
            };
            render(&st, &page, StatusCode::UNPROCESSABLE_ENTITY, attempt).await
        }
        Err(e @ AppError::Rule(RuleError::RubricVersionTaken)) => {
            let attempt = Attempt::message(keep, e.message(page.lang));
            render(&st, &page, StatusCode::CONFLICT, attempt).await
        }
        Err(e) => Err(page.error(e)),
    }
}

impl Attempt {
    fn message(json: String, message: String) -> Attempt {
        Attempt {
            json,
            message: Some(message),
            problems: Vec::new(),
            wage: None,
        }
    }
}

/// `POST /admin/rubric/reference-wage`: the rubric in force published again as a new version
/// with the year's reference wage for personal compensation.
async fn post_reference_wage(
    State(st): State<AppState>,
    page: PageCtx,
    form: Result<
        axum::extract::Form<Vec<(String, String)>>,
        axum::extract::rejection::FormRejection,
    >,
) -> Result<Response, PageError> {
    let actor = require_admin(&page)?;
    let axum::extract::Form(pairs) =
        form.map_err(|e| page.error(AppError::Malformed(e.body_text())))?;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    page.check_csrf(field("csrf_token"))?;
    let (version, amount) = (field("version"), field("reference_wage_cny"));
    // 95,000 and 95 000 are read as 95000.
    let digits: String = amount
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '_'))
        .collect();
    let result = match digits.trim().parse::<i64>() {
        Ok(wage) => rubrics::publish_reference_wage(&st, &actor, version, wage).await,
        Err(_) if digits.trim().is_empty() => Err(AppError::invalid(
            "reference_wage_cny",
            talentlib_domain::Problem::Required,
        )),
        Err(_) => Err(AppError::invalid(
            "reference_wage_cny",
            talentlib_domain::Problem::WrongType {
                expected: "integer",
            },
        )),
    };
    let mut typed = WageAttempt {
        version: version.to_string(),
        amount: amount.to_string(),
        version_error: None,
        amount_error: None,
    };
    let status = match result {
        Ok(_) => {
            return Ok(redirect_with_flash(
                "/admin/rubric",
                Some("flash.rubric.published"),
            ))
        }
        Err(AppError::Invalid(errors)) => {
            for e in &errors {
                let message = Some(i18n::problem(page.lang, &e.problem));
                if e.path == "reference_wage_cny" {
                    typed.amount_error = message;
                } else {
                    typed.version_error = message;
                }
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e @ AppError::Rule(RuleError::RubricVersionTaken)) => {
            typed.version_error = Some(e.message(page.lang));
            StatusCode::CONFLICT
        }
        Err(e) => return Err(page.error(e)),
    };
    let attempt = Attempt {
        wage: Some(typed),
        ..Attempt::default()
    };
    render(&st, &page, status, attempt).await
}

// ------------------------------------------------------------------ GET /admin/rubric/{version}

async fn get_version(
    State(st): State<AppState>,
    page: PageCtx,
    Path(version): Path<String>,
) -> Result<Response, PageError> {
    require_admin(&page)?;
    let def = rubrics::version(&st, &version)
        .await
        .map_err(|e| page.error(e))?;
    let current = rubrics::current(st.store.db())
        .await
        .map_err(|e| page.error(e))?;
    let source = serde_json::to_string_pretty(&def.source).unwrap_or_default();
    let ctx = context! {
        rubric => rubric_ctx(page.lang, &def),
        is_current => def.version == current.version,
        source => source,
    };
    Ok(page.render(&st, "rubric_version.html", ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_decimals_without_float_noise() {
        assert_eq!(two_dp(0), "0.00");
        assert_eq!(two_dp(1250), "12.50");
        assert_eq!(two_dp(5), "0.05");
        assert_eq!(two_dp(-105), "-1.05");
        assert_eq!(figure(0.1 + 0.2), "0.30");
        assert_eq!(figure(15.0), "15.00");
    }

    #[test]
    fn star_levels_are_named_by_the_rubric() {
        let view = RubricDef::default_rubric().view();
        let three = stars_ctx(Lang::Zh, &view, 3);
        assert_eq!(
            three.get_attr("glyphs").ok().map(|v| v.to_string()),
            Some("★★★☆☆".to_string())
        );
        assert_eq!(star_options(Lang::Zh, &view).len(), 6);
        assert_eq!(max_total(&view), 10_000);
        // Screen readers read the name, never "0 颗星".
        assert_eq!(
            stars_ctx(Lang::Zh, &view, 0)
                .get_attr("name")
                .ok()
                .map(|v| v.to_string()),
            Some("暂定星级".to_string())
        );
    }

    /// The form's section titles and the default rubric name the categories alike, so a
    /// designer, a reviewer and an expert read the same words.
    #[test]
    fn the_forms_sections_are_named_as_the_default_rubric_names_its_categories() {
        let rubric = RubricDef::default_rubric().view();
        for lang in [Lang::Zh, Lang::En] {
            for c in &rubric.categories {
                assert_eq!(
                    i18n::t(lang, &format!("section.{}", c.key), &[]),
                    category_name(lang, &rubric, &c.key),
                    "{}",
                    c.key
                );
            }
        }
        assert_eq!(
            star_names_upward(Lang::Zh, &rubric),
            ["暂定星级", "一星级", "二星级", "三星级", "四星级", "五星级"]
        );
        assert_eq!(star_names_upward(Lang::En, &rubric)[0], "Provisional Star");
        assert_eq!(category_name(Lang::Zh, &rubric, "education"), "学历学位");
    }

    /// A rubric file may name its categories in English too; the built-in names stand in.
    #[test]
    fn english_category_names_come_from_the_rubric_when_it_has_them() {
        let mut source = RubricDef::default_rubric().source;
        source["version"] = serde_json::json!("named-1");
        source["categories"]["titles"]["label_en"] = serde_json::json!("Titles");
        let Ok(def) = RubricDef::parse(&source) else {
            panic!("the rubric parses");
        };
        let view = def.view();
        assert_eq!(category_name(Lang::En, &view, "titles"), "Titles");
        assert_eq!(
            category_name(Lang::En, &view, "awards"),
            "Competition awards"
        );
        assert_eq!(category_name(Lang::Zh, &view, "titles"), "职称");
    }
}

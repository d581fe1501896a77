//! `/library`: the rated designers (staff: all; public: consented only), and exports.

use crate::auth::{ClientIp, MaybeUser};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::service::{library, Actor};
use crate::state::{rfc3339, AppState};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use talentlib_domain::paging::{filter_text, Page};
use talentlib_domain::{FieldError, Problem};
use talentlib_store::ratings::{LibraryFilter, LibraryOrder, RatingRow};
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/library", get(get_library))
        .route("/library/export.csv", get(get_export_csv))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct LibraryQuery {
    pub stars: Option<String>,
    pub district_code: Option<String>,
    /// Name, employer or major contains this text.
    pub q: Option<String>,
    pub work_type: Option<String>,
    pub major: Option<String>,
    /// best (default), newest or name.
    pub sort: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl LibraryQuery {
    pub fn parse(&self) -> Result<(LibraryFilter, Page), AppError> {
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
        let stars = match blank(&self.stars) {
            None => None,
            Some(s) => match s.parse::<u8>() {
                Ok(n) if n <= 5 => Some(n),
                _ => {
                    errors.push(FieldError::new(
                        "stars",
                        Problem::OutOfRange { min: 0, max: 5 },
                    ));
                    None
                }
            },
        };
        let order = match blank(&self.sort).as_deref() {
            None | Some("best") => LibraryOrder::Best,
            Some("newest") => LibraryOrder::Newest,
            Some("name") => LibraryOrder::Name,
            Some(_) => {
                errors.push(FieldError::new(
                    "sort",
                    Problem::UnknownValue {
                        allowed: "best|newest|name".into(),
                    },
                ));
                LibraryOrder::Best
            }
        };
        let text = filter_text("q", self.q.as_deref(), &mut errors);
        let filter = LibraryFilter {
            stars,
            district_code: filter_text("district_code", self.district_code.as_deref(), &mut errors),
            work_type: filter_text("work_type", self.work_type.as_deref(), &mut errors),
            major: filter_text("major", self.major.as_deref(), &mut errors),
            text,
            consented_only: true,
            order,
        };
        match page {
            Some(page) if errors.is_empty() => Ok((filter, page)),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LibraryItemView {
    pub designer_id: String,
    pub name: String,
    pub district_code: Option<String>,
    pub stars: u8,
    pub total: f64,
    pub rated_at: String,
    /// The designer's major (their specialty).
    pub specialty: Option<String>,
}

impl From<&RatingRow> for LibraryItemView {
    fn from(r: &RatingRow) -> Self {
        LibraryItemView {
            designer_id: r.designer_id.to_string(),
            name: r.name.clone(),
            district_code: r.district_code.clone(),
            stars: r.stars,
            total: r.total as f64 / 100.0,
            rated_at: rfc3339(r.rated_at),
            specialty: r.major.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LibraryView {
    pub items: Vec<LibraryItemView>,
    pub total_count: u64,
}

/// Current ratings. Staff see every designer; without a token only those who consented.
#[utoipa::path(get, path = "/api/v1/library", tag = "library", params(LibraryQuery),
    responses((status = 200, body = LibraryView), (status = 422, body = ErrorBody)))]
pub async fn get_library(
    State(st): State<AppState>,
    MaybeUser(user): MaybeUser,
    ClientIp(ip): ClientIp,
    Query(q): Query<LibraryQuery>,
) -> AppResult<Json<LibraryView>> {
    let (filter, page) = q.parse()?;
    let actor = user.map(|user| Actor { user, ip });
    let (rows, total_count) = library::list(&st, actor.as_ref(), filter, page).await?;
    Ok(Json(LibraryView {
        items: rows.iter().map(LibraryItemView::from).collect(),
        total_count,
    }))
}

pub fn csv_field(s: &str) -> String {
    // Cells starting with = + - @ would run as formulas in a spreadsheet: prefix them.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// CSV export of the library under the filter (staff; a district officer gets their district).
#[utoipa::path(get, path = "/api/v1/library/export.csv", tag = "library", security(("bearer" = [])), params(LibraryQuery),
    responses((status = 200, description = "text/csv"), (status = 403, body = ErrorBody)))]
pub async fn get_export_csv(
    State(st): State<AppState>,
    actor: Actor,
    Query(q): Query<LibraryQuery>,
) -> AppResult<impl IntoResponse> {
    let (filter, _) = q.parse()?;
    let rows = library::export(&st, &actor, filter).await?;
    let mut out = String::from(
        "\u{feff}designer_id,name,district_code,stars,total,specialty,employer,rated_at\n",
    );
    for r in &rows {
        let line = [
            r.designer_id.to_string(),
            r.name.clone(),
            r.district_code.clone().unwrap_or_default(),
            r.stars.to_string(),
            format!("{:.2}", r.total as f64 / 100.0),
            r.major.clone().unwrap_or_default(),
            r.employer.clone().unwrap_or_default(),
            rfc3339(r.rated_at),
        ]
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
        out.push_str(&line);
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"talentlib-library.csv\"",
            ),
        ],
        out,
    ))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("李,明"), "\"李,明\"");
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("plain"), "plain");
    }
}

//! `/library`: the library of rated designers. The public directory (not signed in, or a
//! designer) lists only designers who consented, with name, district, specialty and stars; staff
//! see every current rating with its total and date, and can export what they filtered as CSV or
//! XLSX. What is visible to whom is decided by `service::library`, never here.

mod export;

use super::page::{PageCtx, PageError};
use super::rubric::{date_text, star_options, stars_ctx, two_dp};
use super::staff::common::{
    clamp_page, district_name, district_options, known_district, lenient_page, opt_text, pager,
    query_string, with_query,
};
use crate::i18n::{self, Lang};
use crate::service::{library, rubrics};
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use minijinja::context;
use serde::{Deserialize, Serialize};
use talentlib_domain::form::{Choice, WorkType};
use talentlib_domain::paging::Page;
use talentlib_domain::rubric::Rubric;
use talentlib_store::ratings::{LibraryFilter, LibraryOrder, RatingRow};

pub const TEMPLATES: &[(&str, &str)] = &[(
    "library_list.html",
    include_str!("../../templates/library_list.html"),
)];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/library", get(get_library))
        .route("/library/export.csv", get(export::get_csv))
        .route("/library/export.xlsx", get(export::get_xlsx))
}

/// Results per page.
const PER_PAGE: u64 = 20;
/// Longest search text kept.
const MAX_SEARCH_CHARS: usize = 100;

/// The query as typed; anything unreadable is read as "no filter", never as an error page.
#[derive(Deserialize, Default)]
struct LibraryQuery {
    q: Option<String>,
    stars: Option<String>,
    district_code: Option<String>,
    work_type: Option<String>,
    /// A reference major's Chinese name, as ratings store it.
    major: Option<String>,
    sort: Option<String>,
    page: Option<String>,
}

/// The filter with its values as they go back into links and the form.
struct Filters {
    filter: LibraryFilter,
    page: Page,
    q: String,
    stars: String,
    district_code: String,
    work_type: String,
    major: String,
    sort: &'static str,
}

impl Filters {
    fn read(query: Result<Query<LibraryQuery>, QueryRejection>) -> Filters {
        let q = query.map(|Query(q)| q).unwrap_or_default();
        let text = opt_text(q.q.as_deref(), MAX_SEARCH_CHARS);
        let stars = q
            .stars
            .as_deref()
            .and_then(|s| s.trim().parse::<u8>().ok())
            .filter(|s| *s <= 5);
        let district = known_district(q.district_code.as_deref());
        let work_type = q
            .work_type
            .as_deref()
            .and_then(|w| WorkType::parse(w.trim()))
            .map(|w| w.as_str());
        // Only a major of the reference list (an applicant's own wording is found by the search).
        let major = q.major.as_deref().map(str::trim).and_then(|m| {
            talentlib_domain::reference::Reference::get()
                .majors
                .iter()
                .find(|r| r.name_zh == m)
                .map(|r| r.name_zh.clone())
        });
        let (order, sort) = match q.sort.as_deref().map(str::trim) {
            Some("newest") => (LibraryOrder::Newest, "newest"),
            Some("name") => (LibraryOrder::Name, "name"),
            _ => (LibraryOrder::Best, "best"),
        };
        let page = Page {
            page: lenient_page(q.page.as_deref(), None).page,
            per_page: PER_PAGE,
        };
        Filters {
            filter: LibraryFilter {
                stars,
                district_code: district.clone(),
                work_type: work_type.map(str::to_string),
                major: major.clone(),
                text: text.clone(),
                // The service sets this from who is asking.
                consented_only: true,
                order,
            },
            page,
            q: text.unwrap_or_default(),
            stars: stars.map(|s| s.to_string()).unwrap_or_default(),
            district_code: district.unwrap_or_default(),
            work_type: work_type.unwrap_or_default().to_string(),
            major: major.unwrap_or_default(),
            sort,
        }
    }

    /// The filters as query pairs (the default sort left out), for links.
    fn pairs(&self) -> Vec<(&str, &str)> {
        let sort = if self.sort == "best" { "" } else { self.sort };
        vec![
            ("q", self.q.as_str()),
            ("stars", self.stars.as_str()),
            ("district_code", self.district_code.as_str()),
            ("work_type", self.work_type.as_str()),
            ("major", self.major.as_str()),
            ("sort", sort),
        ]
    }

    fn any(&self) -> bool {
        !(self.q.is_empty()
            && self.stars.is_empty()
            && self.district_code.is_empty()
            && self.work_type.is_empty()
            && self.major.is_empty())
    }
}

pub(crate) fn work_type_label(lang: Lang, code: &str) -> String {
    let key = format!("enum.work_type.{code}");
    if i18n::has(lang, &key) {
        i18n::t(lang, &key, &[])
    } else {
        code.to_string()
    }
}

/// A major as stored (its Chinese name, or the applicant's own wording) in the page's language
/// when it is a reference major.
fn major_label(lang: Lang, stored: &str) -> String {
    match lang {
        Lang::Zh => stored.to_string(),
        Lang::En => talentlib_domain::reference::Reference::get()
            .majors
            .iter()
            .find(|m| m.name_zh == stored)
            .map_or_else(|| stored.to_string(), |m| m.name_en.clone()),
    }
}

#[derive(Serialize)]
struct Line {
    name: String,
    district: Option<String>,
    specialty: Option<String>,
    stars: minijinja::Value,
    /// Staff only.
    total: Option<String>,
    rated: Option<String>,
    employer: Option<String>,
    work_type: Option<String>,
}

fn line(lang: Lang, rubric: &Rubric, r: &RatingRow, staff: bool) -> Line {
    let nonblank = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
    Line {
        name: r.name.clone(),
        district: r.district_code.as_deref().map(|c| district_name(lang, c)),
        specialty: nonblank(&r.major).map(|m| major_label(lang, &m)),
        stars: stars_ctx(lang, rubric, r.stars),
        total: staff.then(|| two_dp(r.total)),
        rated: staff.then(|| date_text(r.rated_at)),
        employer: if staff { nonblank(&r.employer) } else { None },
        work_type: if staff {
            r.work_type.as_deref().map(|w| work_type_label(lang, w))
        } else {
            None
        },
    }
}

async fn get_library(
    State(st): State<AppState>,
    page: PageCtx,
    query: Result<Query<LibraryQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = page.actor().ok();
    let staff = library::is_staff(actor.as_ref());
    let f = Filters::read(query);
    let (mut rows, mut total) = library::list(&st, actor.as_ref(), f.filter.clone(), f.page)
        .await
        .map_err(|e| page.error(e))?;
    let mut shown = f.page;
    // A page past the end shows the last page instead.
    if rows.is_empty() {
        if let Some(last) = clamp_page(f.page, total) {
            (rows, total) = library::list(&st, actor.as_ref(), f.filter.clone(), last)
                .await
                .map_err(|e| page.error(e))?;
            shown = last;
        }
    }
    let rubric = rubrics::current_view(&st)
        .await
        .map_err(|e| page.error(e))?;
    let pairs = f.pairs();
    let export_query = query_string(&pairs);
    let work_types: Vec<[String; 2]> = WorkType::ALL
        .iter()
        .map(|w| {
            [
                w.as_str().to_string(),
                work_type_label(page.lang, w.as_str()),
            ]
        })
        .collect();
    let sorts: Vec<[String; 2]> = ["best", "newest", "name"]
        .iter()
        .map(|s| [s.to_string(), page.t(&format!("library.sort.{s}"))])
        .collect();
    // Officers export their own district only (the service narrows it); say so beside the buttons.
    let district_only = actor.as_ref().is_some_and(library::own_district_only);
    let ctx = context! {
        staff => staff,
        lines => rows.iter().map(|r| line(page.lang, &rubric, r, staff)).collect::<Vec<_>>(),
        total => total,
        pager => pager("/library", &pairs, shown, total),
        values => context! {
            q => f.q,
            stars => f.stars,
            district_code => f.district_code,
            work_type => f.work_type,
            major => f.major,
            sort => f.sort,
        },
        filtered => f.any(),
        star_options => star_options(page.lang, &rubric),
        district_options => district_options(page.lang),
        work_type_options => work_types,
        major_options => talentlib_domain::reference::Reference::get()
            .majors
            .iter()
            .map(|m| [m.name_zh.clone(), major_label(page.lang, &m.name_zh)])
            .collect::<Vec<_>>(),
        sort_options => sorts,
        export_csv => with_query("/library/export.csv", &export_query),
        export_xlsx => with_query("/library/export.xlsx", &export_query),
        district_only => district_only,
        own_district => actor.as_ref().and_then(|a| a.user.district_code.as_deref().map(|c| district_name(page.lang, c))),
        scale => rubric.stars.iter().map(|s| context! {
            stars => stars_ctx(page.lang, &rubric, s.stars),
            min_total => super::rubric::figure(s.min_total),
        }).collect::<Vec<_>>(),
    };
    Ok(page.render(&st, "library_list.html", ctx))
}

//! `GET /library/export.csv` and `/library/export.xlsx`: the library under the page's filters,
//! for staff (a district officer gets their district; `service::library::export` decides).
//! Columns are headed in Chinese: the files go to the commission's own offices.

use super::super::page::{PageCtx, PageError};
use super::super::rubric::{date_text, star_name, two_dp};
use super::super::staff::common::district_name;
use super::{work_type_label, Filters, LibraryQuery};
use crate::api::library::csv_field;
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::service::{library, rubrics};
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use talentlib_domain::rubric::Rubric;
use talentlib_store::ratings::RatingRow;

/// The files' language: the header row and the labels in cells.
const FILE_LANG: Lang = Lang::Zh;
const SHEET_NAME: &str = "千人库";
const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The columns: locale key of the header and the width in characters.
const COLUMNS: &[(&str, f64)] = &[
    ("library.export.col.name", 14.0),
    ("library.export.col.district", 14.0),
    ("library.export.col.specialty", 22.0),
    ("library.export.col.employer", 30.0),
    ("library.export.col.work_type", 16.0),
    ("library.export.col.stars", 8.0),
    ("library.export.col.star_level", 12.0),
    ("library.export.col.total", 10.0),
    ("library.export.col.rated_at", 13.0),
    ("library.export.col.rubric_version", 16.0),
];

/// One row's cells as text (the total also as a number, for the spreadsheet).
fn cells(rubric: &Rubric, r: &RatingRow) -> [String; 10] {
    [
        r.name.clone(),
        r.district_code
            .as_deref()
            .map(|c| district_name(FILE_LANG, c))
            .unwrap_or_default(),
        r.major.clone().unwrap_or_default(),
        r.employer.clone().unwrap_or_default(),
        r.work_type
            .as_deref()
            .map(|w| work_type_label(FILE_LANG, w))
            .unwrap_or_default(),
        r.stars.to_string(),
        star_name(FILE_LANG, rubric, r.stars),
        two_dp(r.total),
        date_text(r.rated_at),
        r.rubric_version.clone(),
    ]
}

/// The export's rows and the rubric that names the star levels.
async fn rows(
    st: &AppState,
    page: &PageCtx,
    query: Result<Query<LibraryQuery>, QueryRejection>,
) -> Result<(Vec<RatingRow>, Rubric), PageError> {
    let actor = page.actor()?;
    let f = Filters::read(query);
    let rows = library::export(st, &actor, f.filter)
        .await
        .map_err(|e| page.error(e))?;
    let rubric = rubrics::current_view(st).await.map_err(|e| page.error(e))?;
    Ok((rows, rubric))
}

fn filename(ext: &str) -> String {
    let today = date_text(crate::state::now_millis()).replace('-', "");
    format!("talentlib-library-{today}.{ext}")
}

fn download(content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
    let mut res = body.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// CSV: UTF-8 with a byte-order mark (so spreadsheet programs read the Chinese), each cell
/// quoted as needed and formula-like cells defused (`api::library::csv_field`).
pub fn csv(rubric: &Rubric, rows: &[RatingRow]) -> String {
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = COLUMNS
        .iter()
        .map(|(key, _)| csv_field(&i18n::t(FILE_LANG, key, &[])))
        .collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for r in rows {
        let line: Vec<String> = cells(rubric, r).iter().map(|c| csv_field(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// XLSX: one sheet named 千人库, a bold header row that stays in view, set column widths, the
/// total as a number with 2 decimals. Strings are written as strings: nothing runs as a formula.
pub fn xlsx(rubric: &Rubric, rows: &[RatingRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let number = Format::new().set_num_format("0.00");
    for (col, (key, width)) in COLUMNS.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.set_column_width(col, *width)?;
        sheet.write_string_with_format(0, col, i18n::t(FILE_LANG, key, &[]), &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (col, text) in cells(rubric, r).into_iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            match col {
                5 => {
                    sheet.write_number(row, col, f64::from(r.stars))?;
                }
                7 => {
                    sheet.write_number_with_format(row, col, r.total as f64 / 100.0, &number)?;
                }
                _ => {
                    sheet.write_string(row, col, text)?;
                }
            }
        }
    }
    book.save_to_buffer()
}

pub async fn get_csv(
    State(st): State<AppState>,
    page: PageCtx,
    query: Result<Query<LibraryQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let (rows, rubric) = rows(&st, &page, query).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        &filename("csv"),
        csv(&rubric, &rows).into_bytes(),
    ))
}

pub async fn get_xlsx(
    State(st): State<AppState>,
    page: PageCtx,
    query: Result<Query<LibraryQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let (rows, rubric) = rows(&st, &page, query).await?;
    let body = xlsx(&rubric, &rows).map_err(|e| page.error(AppError::internal(e)))?;
    Ok(download(XLSX_TYPE, &filename("xlsx"), body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use talentlib_domain::rubric::RubricDef;

    fn row(name: &str, employer: &str) -> RatingRow {
        RatingRow {
            id: uuid::Uuid::nil(),
            designer_id: talentlib_domain::ids::UserId::from_uuid(uuid::Uuid::nil()),
            application_id: talentlib_domain::ids::ApplicationId::from_uuid(uuid::Uuid::nil()),
            batch_id: talentlib_domain::ids::BatchId::from_uuid(uuid::Uuid::nil()),
            total: 7250,
            stars: 4,
            categories: Default::default(),
            rubric_version: "default-1".into(),
            rated_at: 1_769_877_000_000,
            is_current: true,
            name: name.into(),
            district_code: Some("500103".into()),
            employer: Some(employer.into()),
            major: Some("工业设计".into()),
            work_type: Some("services".into()),
            public_consent: true,
        }
    }

    #[test]
    fn csv_has_bom_chinese_header_and_defused_cells() {
        let rubric = RubricDef::default_rubric().view();
        let text = csv(&rubric, &[row("=HYPERLINK(\"x\")", "重庆,设计")]);
        assert!(text.starts_with('\u{feff}'));
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        assert!(lines.next().is_some_and(|h| h.starts_with("姓名")));
        let data = lines.next().unwrap_or_default();
        assert!(data.starts_with("\"'=HYPERLINK(\"\"x\"\")\""), "{data}");
        assert!(data.contains("\"重庆,设计\""));
        assert!(data.contains(",72.50,2026-02-01,"));
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let rubric = RubricDef::default_rubric().view();
        let bytes = xlsx(&rubric, &[row("李明", "单位")]).unwrap_or_default();
        assert!(bytes.starts_with(b"PK"));
    }
}

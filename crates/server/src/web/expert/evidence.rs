//! What the scoring page shows of an application: the applicant's facts (never the identity
//! numbers), each section's items with their labelled values and evidence files, and beside each
//! item the reference points and the rubric rule that gave them, in words. Presentation only: the points
//! come from `scoring::reference_score`.

use super::super::review::fmt::explain_rule;
use super::super::rubric::{by_lang, category_name, two_dp};
use super::super::staff::common::district_name;
use crate::i18n::{self, Lang};
use crate::service::applications::ApplicationView;
use serde::Serialize;
use serde_json::Value as Json;
use talentlib_domain::reference::Reference;
use talentlib_domain::rubric::{ReferenceScore, Rubric};
use talentlib_store::attachments::AttachmentRow;

/// A section's fields in the form's order, with the option list an enum field's value is
/// labelled from (`enum.<list>.<value>`).
type FieldSpec = (&'static str, Option<&'static str>);

const EDUCATION: &[FieldSpec] = &[
    ("degree", Some("degree")),
    ("major_code", None),
    ("major_name", None),
    ("institution", None),
    ("graduated_on", None),
];

/// The rubric's categories (API.md keys) and the fields of their items.
const SECTIONS: &[(&str, &[FieldSpec])] = &[
    (
        "titles",
        &[
            ("name", None),
            ("level", Some("title_level")),
            ("issuer", None),
            ("awarded_on", None),
        ],
    ),
    (
        "awards",
        &[
            ("name", None),
            ("tier", Some("award_tier")),
            ("rank", Some("award_rank")),
            ("year", None),
            ("work_title", None),
            ("role", Some("award_role")),
        ],
    ),
    (
        "articles",
        &[
            ("title", None),
            ("venue", None),
            ("indexing", Some("indexing")),
            ("published_on", None),
            ("author_rank", None),
        ],
    ),
    (
        "ip_rights",
        &[
            ("title", None),
            ("kind", Some("ip_kind")),
            ("number", None),
            ("granted_on", None),
            ("inventor_rank", None),
        ],
    ),
    (
        "honors",
        &[
            ("name", None),
            ("level", Some("honor_level")),
            ("issuer", None),
            ("year", None),
        ],
    ),
    (
        "compensation",
        &[("annual_income_cny", None), ("year", None)],
    ),
    (
        "projects",
        &[
            ("name", None),
            ("level", Some("project_level")),
            ("role", Some("project_role")),
            ("started_on", None),
            ("status", Some("project_status")),
            ("funding_cny", None),
        ],
    ),
];

#[derive(Serialize)]
pub struct FieldLine {
    label: String,
    value: String,
}

#[derive(Serialize)]
pub struct FileLine {
    id: String,
    filename: String,
    /// `pdf`, `image` or `other`: how the page previews it.
    kind: &'static str,
    size: String,
}

#[derive(Serialize)]
pub struct RefLine {
    points: String,
    rule: String,
}

#[derive(Serialize)]
pub struct ItemLine {
    /// Anchor of the item on the page.
    anchor: String,
    title: String,
    fields: Vec<FieldLine>,
    files: Vec<FileLine>,
    /// The item's reference points; none when the reviewer did not verify it (it counts for
    /// nothing in the reference score).
    reference: Option<RefLine>,
}

#[derive(Serialize)]
pub struct SectionLine {
    key: String,
    title: String,
    /// The category's reference points (capped) and maximum; none for education.
    reference: Option<String>,
    max: Option<String>,
    items: Vec<ItemLine>,
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1_048_576 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else if bytes >= 1024 {
        format!("{} KB", (bytes + 512) / 1024)
    } else {
        format!("{bytes} B")
    }
}

fn files_of(attachments: &[AttachmentRow], item_id: &str) -> Vec<FileLine> {
    attachments
        .iter()
        .filter(|a| a.item_id.is_some_and(|i| i.to_string() == item_id))
        .map(|a| FileLine {
            id: a.id.to_string(),
            filename: a.filename.clone(),
            kind: match a.content_type.as_str() {
                "application/pdf" => "pdf",
                "image/jpeg" | "image/png" => "image",
                _ => "other",
            },
            size: size_text(a.size),
        })
        .collect()
}

/// A stored value as text: enums by their label, majors by name, numbers and dates as they are.
fn value_text(lang: Lang, field: &str, options: Option<&str>, v: &Json) -> Option<String> {
    let text = match v {
        Json::Null => return None,
        Json::String(s) if s.trim().is_empty() => return None,
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        Json::Bool(b) => i18n::t(lang, if *b { "form.yes" } else { "form.no" }, &[]),
        _ => return None,
    };
    Some(match options {
        Some(list) => {
            let key = format!("enum.{list}.{text}");
            if i18n::has(lang, &key) {
                i18n::t(lang, &key, &[])
            } else {
                text
            }
        }
        None if field == "major_code" => Reference::get()
            .major(&text)
            .map(|m| by_lang(lang, &m.name_zh, &m.name_en))
            .unwrap_or(text),
        None => text,
    })
}

#[allow(clippy::too_many_arguments)]
fn item_line(
    lang: Lang,
    section: &str,
    section_title: &str,
    index: usize,
    spec: &[FieldSpec],
    item: &Json,
    attachments: &[AttachmentRow],
    reference: Option<&ReferenceScore>,
) -> ItemLine {
    let id = item.get("id").and_then(Json::as_str).unwrap_or_default();
    let fields: Vec<FieldLine> = spec
        .iter()
        .filter_map(|(name, options)| {
            let v = item.get(*name)?;
            Some(FieldLine {
                label: i18n::t(lang, &format!("field.{section}.{name}"), &[]),
                value: value_text(lang, name, *options, v)?,
            })
        })
        .collect();
    let number = (index + 1).to_string();
    let section_title = section_title.to_string();
    let title = match section {
        // Compensation has no name: the section's title says what it is.
        "compensation" => section_title,
        _ => ["name", "title"]
            .iter()
            .find_map(|f| item.get(*f).and_then(Json::as_str))
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                i18n::t(
                    lang,
                    "expert.evidence.item_title",
                    &[("number", number.clone()), ("title", s.to_string())],
                )
            })
            .unwrap_or_else(|| {
                i18n::t(
                    lang,
                    "expert.evidence.item_untitled",
                    &[("section", section_title), ("number", number)],
                )
            }),
    };
    let reference = reference.and_then(|r| {
        r.items
            .iter()
            .find(|i| i.item_id.as_deref() == Some(id))
            .map(|i| RefLine {
                points: two_dp(i.points.to_hundredths()),
                rule: explain_rule(lang, &i.rule),
            })
    });
    ItemLine {
        anchor: format!("item-{section}-{}", index + 1),
        title,
        fields,
        files: files_of(attachments, id),
        reference,
    }
}

/// The applicant's facts for the head of the page (no ID number, phone or email).
pub fn applicant(lang: Lang, view: &ApplicationView) -> Vec<FieldLine> {
    let p = &view.form.personal;
    let label = |f: &str| i18n::t(lang, &format!("field.personal.{f}"), &[]);
    let mut out = Vec::new();
    let mut push = |f: &str, v: Option<String>| {
        if let Some(value) = v.filter(|s| !s.trim().is_empty()) {
            out.push(FieldLine {
                label: label(f),
                value,
            });
        }
    };
    push("name", p.name.clone());
    push(
        "district_code",
        p.district_code.as_deref().map(|c| district_name(lang, c)),
    );
    push("employer", p.employer.clone());
    push("position", p.position.clone());
    push(
        "work_type",
        p.work_type.map(|w| {
            let v = talentlib_domain::form::Choice::as_str(&w);
            i18n::t(lang, &format!("enum.work_type.{v}"), &[])
        }),
    );
    push("design_years", p.design_years.map(|y| y.to_string()));
    out
}

/// Education first (eligibility, not scored), then the seven scored sections.
pub fn sections(
    lang: Lang,
    view: &ApplicationView,
    reference: &ReferenceScore,
    rubric: &Rubric,
) -> Vec<SectionLine> {
    let form = serde_json::to_value(&view.form).unwrap_or(Json::Null);
    let list = |key: &str| -> Vec<Json> {
        match form.get(key) {
            Some(Json::Array(items)) => items.clone(),
            Some(Json::Object(o)) => vec![Json::Object(o.clone())],
            _ => Vec::new(),
        }
    };
    let mut out = Vec::with_capacity(SECTIONS.len() + 1);
    let education_title = i18n::t(lang, "section.education", &[]);
    out.push(SectionLine {
        key: "education".into(),
        title: education_title.clone(),
        reference: None,
        max: None,
        items: list("education")
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item_line(
                    lang,
                    "education",
                    &education_title,
                    i,
                    EDUCATION,
                    item,
                    &view.attachments,
                    None,
                )
            })
            .collect(),
    });
    for (key, spec) in SECTIONS {
        let max = rubric
            .categories
            .iter()
            .find(|c| c.key == *key)
            .map(|c| super::super::rubric::figure(c.max));
        let title = category_name(lang, rubric, key);
        let items = list(key)
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let attachments = &view.attachments;
                item_line(
                    lang,
                    key,
                    &title,
                    i,
                    spec,
                    item,
                    attachments,
                    Some(reference),
                )
            })
            .collect();
        out.push(SectionLine {
            key: key.to_string(),
            title,
            reference: Some(two_dp(
                reference
                    .categories
                    .get(*key)
                    .map_or(0, |p| p.to_hundredths()),
            )),
            max,
            items,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_labelled() {
        let v = Json::String("gold".into());
        assert_eq!(
            value_text(Lang::Zh, "rank", Some("award_rank"), &v).as_deref(),
            Some("金奖/一等奖")
        );
        assert_eq!(value_text(Lang::Zh, "name", None, &Json::Null), None);
        assert_eq!(
            value_text(Lang::En, "year", None, &serde_json::json!(2024)).as_deref(),
            Some("2024")
        );
        assert_eq!(size_text(2048), "2 KB");
    }
}

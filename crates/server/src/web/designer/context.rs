//! What the designer's templates are given: the form table with its labels in the page's
//! language, option lists, evidence files by item, error messages with their anchors and
//! labels. Presentation only: no rule is decided here.

use super::spec::{self, FieldSpec, Kind, SectionSpec};
use crate::i18n::{self, Lang};
use crate::service::applications::ApplicationView;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use talentlib_domain::form::{self, Choice};
use talentlib_domain::reference::Reference;
use talentlib_domain::{FieldError, Problem};
use talentlib_store::attachments::AttachmentRow;

#[derive(Serialize)]
struct FieldPage {
    name: &'static str,
    label: String,
    hint: Option<String>,
    kind: &'static str,
    /// The `<input type>` for text-like kinds.
    input_type: &'static str,
    inputmode: Option<&'static str>,
    options: Option<&'static str>,
    required: bool,
    width: Option<&'static str>,
    autocomplete: Option<&'static str>,
}

#[derive(Serialize)]
struct SectionPage {
    key: &'static str,
    list: bool,
    title: String,
    intro: Option<String>,
    fields: Vec<FieldPage>,
}

fn optional(lang: Lang, key: &str) -> Option<String> {
    i18n::has(lang, key).then(|| i18n::t(lang, key, &[]))
}

fn field_label(lang: Lang, section: &str, field: &str) -> String {
    i18n::t(lang, &format!("field.{section}.{field}"), &[])
}

fn field_page(lang: Lang, section: &SectionSpec, f: &FieldSpec) -> FieldPage {
    let (input_type, inputmode) = match f.kind {
        Kind::Email => ("email", None),
        Kind::Tel => ("tel", None),
        Kind::Int => ("text", Some("numeric")),
        Kind::Date => ("date", None),
        Kind::Month => ("month", None),
        _ => ("text", None),
    };
    FieldPage {
        name: f.name,
        label: field_label(lang, section.key, f.name),
        hint: optional(lang, &format!("hint.{}.{}", section.key, f.name)),
        kind: f.kind.as_str(),
        input_type,
        inputmode,
        options: f.kind.options(),
        required: f.required,
        width: f.width,
        autocomplete: f.autocomplete,
    }
}

fn section_page(lang: Lang, s: &SectionSpec) -> SectionPage {
    SectionPage {
        key: s.key,
        list: s.list,
        title: i18n::t(lang, &format!("section.{}", s.key), &[]),
        intro: optional(lang, &format!("section_intro.{}", s.key)),
        fields: s.fields.iter().map(|f| field_page(lang, s, f)).collect(),
    }
}

/// `{personal: section, sections: [section...]}` with every label translated.
pub fn form_spec(lang: Lang) -> Value {
    json!({
        "personal": section_page(lang, &spec::PERSONAL),
        "sections": spec::SECTIONS.iter().map(|s| section_page(lang, s)).collect::<Vec<_>>(),
    })
}

fn choices<C: Choice>(lang: Lang, name: &str) -> Vec<(String, String)> {
    C::ALL
        .iter()
        .map(|c| {
            let v = c.as_str();
            (
                v.to_string(),
                i18n::t(lang, &format!("enum.{name}.{v}"), &[]),
            )
        })
        .collect()
}

fn option_lists(lang: Lang) -> BTreeMap<&'static str, Vec<(String, String)>> {
    use form::*;
    let reference = Reference::get();
    let name = |zh: &str, en: &str| match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    };
    let mut majors: Vec<(String, String)> = reference
        .majors
        .iter()
        .map(|m| (m.code.clone(), name(&m.name_zh, &m.name_en)))
        .collect();
    majors.push((
        super::form_body::MAJOR_OTHER.to_string(),
        i18n::t(lang, "option.major_other", &[]),
    ));
    BTreeMap::from([
        ("gender", choices::<Gender>(lang, "gender")),
        ("connection", choices::<Connection>(lang, "connection")),
        ("work_type", choices::<WorkType>(lang, "work_type")),
        ("degree", choices::<Degree>(lang, "degree")),
        ("title_level", choices::<TitleLevel>(lang, "title_level")),
        ("award_tier", choices::<AwardTier>(lang, "award_tier")),
        ("award_rank", choices::<AwardRank>(lang, "award_rank")),
        ("award_role", choices::<AwardRole>(lang, "award_role")),
        ("indexing", choices::<Indexing>(lang, "indexing")),
        ("ip_kind", choices::<IpKind>(lang, "ip_kind")),
        ("honor_level", choices::<HonorLevel>(lang, "honor_level")),
        (
            "project_level",
            choices::<ProjectLevel>(lang, "project_level"),
        ),
        ("project_role", choices::<ProjectRole>(lang, "project_role")),
        (
            "project_status",
            choices::<ProjectStatus>(lang, "project_status"),
        ),
        (
            "district",
            reference
                .districts
                .iter()
                .map(|d| (d.code.clone(), name(&d.name_zh, &d.name_en)))
                .collect(),
        ),
        ("major", majors),
    ])
}

/// Option lists as `[value, label]` pairs, for the select and radios macros.
pub fn options(lang: Lang) -> Value {
    json!(option_lists(lang))
}

/// The same lists as `{list: {value: label}}`, for showing a stored value.
pub fn labels(lang: Lang) -> Value {
    let map: BTreeMap<&str, BTreeMap<String, String>> = option_lists(lang)
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect();
    json!(map)
}

/// Evidence files by the id of the item they support (files whose item was removed are left out).
pub fn files_by_item(files: &[AttachmentRow]) -> Value {
    let mut map: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for a in files {
        if let Some(item) = a.item_id {
            map.entry(item.to_string()).or_default().push(json!({
                "id": a.id.to_string(),
                "filename": a.filename,
                "size": a.size,
            }));
        }
    }
    json!(map)
}

/// The parts of an error path: `awards[1].year` → ("awards", Some(1), Some("year")).
fn split_path(path: &str) -> (&str, Option<usize>, Option<&str>) {
    let (head, field) = match path.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (path, None),
    };
    match head.split_once('[') {
        Some((section, rest)) => {
            let index = rest.strip_suffix(']').and_then(|i| i.parse().ok());
            (section, index, field)
        }
        None => (head, None, field),
    }
}

/// Where the error summary links to: the field's id (the macros' rule), except for a whole item
/// (missing evidence), which goes to the item's file input, and an item's id, to the item
/// (`awards-1-item`: one dash, so it never meets a field's `awards-1--name`).
pub fn anchor(path: &str) -> String {
    let id = |p: &str| -> String {
        p.chars()
            .map(|c| if matches!(c, '[' | ']' | '.') { '-' } else { c })
            .collect()
    };
    match split_path(path) {
        (section, Some(i), None) => format!("{section}-{i}--files"),
        (section, Some(i), Some("id")) => format!("{section}-{i}-item"),
        ("compensation", None, None) => "compensation-files".to_string(),
        ("compensation", None, Some("id")) => "compensation".to_string(),
        _ => id(path),
    }
}

/// The label an error is listed under in the summary: the field's label, with its section and
/// item number for list items.
pub fn label(lang: Lang, path: &str) -> Option<String> {
    let (key, index, field) = split_path(path);
    let section = spec::section(key)?;
    let title = i18n::t(lang, &format!("section.{key}"), &[]);
    let field_text = match (field, index) {
        (Some("id"), Some(i)) => {
            let number = (i + 1).to_string();
            let item = [("section", title), ("number", number)];
            return Some(i18n::t(lang, "application.item_label", &item));
        }
        (Some(f), _) if f != "id" => {
            section.field(f)?;
            field_label(lang, key, f)
        }
        // A whole item: what the domain reports there is its missing evidence.
        (None, Some(_)) => i18n::t(lang, "application.evidence", &[]),
        (_, None) if key == "compensation" => i18n::t(lang, "application.evidence", &[]),
        // A whole section: no eligible degree, too many items.
        _ => return Some(title),
    };
    Some(match index {
        Some(i) => i18n::t(
            lang,
            "application.item_field_label",
            &[
                ("section", title),
                ("number", (i + 1).to_string()),
                ("field", field_text),
            ],
        ),
        None if key == "personal" => field_text,
        None => i18n::t(
            lang,
            "application.section_field_label",
            &[("section", title), ("field", field_text)],
        ),
    })
}

/// A problem's message. A form field only ever meets `wrong_type` as text where a whole number
/// belongs, which deserves plainer words than the API's "expected integer".
fn problem(lang: Lang, p: &Problem) -> String {
    if let Problem::WrongType { expected } = p {
        let key = format!("problem.wrong_type_{expected}");
        if i18n::has(lang, &key) {
            return i18n::t(lang, &key, &[]);
        }
    }
    i18n::problem(lang, p)
}

/// `(errors, errors_list)` for the templates: messages by path for each field, and the summary's
/// list with anchors and labels.
pub fn errors(lang: Lang, errors: &[FieldError]) -> (Value, Value) {
    let mut map = Map::new();
    let mut list = Vec::new();
    for e in errors {
        let message = problem(lang, &e.problem);
        map.entry(e.path.clone())
            .or_insert_with(|| Value::String(message.clone()));
        list.push(json!({
            "path": e.path,
            "message": message,
            "anchor": anchor(&e.path),
            "label": label(lang, &e.path),
        }));
    }
    (Value::Object(map), Value::Array(list))
}

/// A timestamp as a date and time in Chongqing (UTC+8), for people rather than machines.
pub fn local_time(millis: i64) -> String {
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
    else {
        return String::new();
    };
    let t = t.to_offset(offset);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// The facts every designer page shows about one application; `description` says where it
/// stands (scoring, rated: see `progress`).
pub fn summary(view: &ApplicationView, batch_name: Option<String>, description: String) -> Value {
    json!({
        "id": view.id.to_string(),
        "status": view.status.as_str(),
        "stage": view.stage.as_str(),
        "description": description,
        "batch_name": batch_name,
        "updated_at": local_time(view.updated_at),
        "submitted_at": view.submitted_at.map(local_time),
        "review_comment": view.review_comment,
        "can_edit": view.can_edit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_the_macros_ids() {
        assert_eq!(anchor("personal.id_number"), "personal-id_number");
        assert_eq!(anchor("awards[1].year"), "awards-1--year");
        assert_eq!(anchor("awards[1]"), "awards-1--files");
        assert_eq!(anchor("awards[1].id"), "awards-1-item");
        assert_eq!(anchor("compensation"), "compensation-files");
        assert_eq!(anchor("compensation.year"), "compensation-year");
        assert_eq!(anchor("education"), "education");
        assert_eq!(anchor(""), "");
        assert_eq!(anchor("a[b[c]]"), "a-b-c--");
    }

    #[test]
    fn labels_name_section_item_and_field() {
        assert_eq!(
            label(Lang::Zh, "personal.id_number").as_deref(),
            Some("公民身份号码")
        );
        let year = label(Lang::Zh, "awards[1].year").unwrap_or_default();
        assert!(year.contains("竞赛获奖") && year.contains('2') && year.contains("获奖年份"));
        assert!(label(Lang::Zh, "awards[0]").is_some_and(|l| l.contains("证明材料")));
        assert!(label(Lang::Zh, "compensation").is_some_and(|l| l.contains("证明材料")));
        assert_eq!(label(Lang::Zh, "education").as_deref(), Some("学历学位"));
        assert!(label(Lang::Zh, "awards[0].id").is_some_and(|l| !l.contains("证明材料")));
        let wrong = Problem::WrongType {
            expected: "integer",
        };
        assert!(!problem(Lang::Zh, &wrong).contains("integer"));
        assert_eq!(label(Lang::Zh, "nope.x"), None);
        assert_eq!(label(Lang::Zh, "awards[1].nope"), None);
        assert_eq!(label(Lang::Zh, ""), None);
    }

    #[test]
    fn times_are_shown_in_chongqing() {
        // 2024-01-01T16:30:00Z is half past midnight the next day in Chongqing.
        assert_eq!(local_time(1_704_126_600_000), "2024-01-02 00:30");
    }
}

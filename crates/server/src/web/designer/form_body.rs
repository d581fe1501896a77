//! The edit page's `application/x-www-form-urlencoded` body (`personal.name`, `awards[3].year`,
//! `compensation.annual_income_cny`...) turned into the JSON shape of API.md's
//! `PUT /api/v1/applications/{id}`, so the page saves through the same service and the same
//! domain parser as the API.
//!
//! Only shapes are decided here, never rules: indices are compacted in ascending order (so the
//! domain's error paths, `awards[1].year`, match the re-rendered form), empty text is absent,
//! whole numbers become JSON integers (anything else stays text, for the domain to report as
//! `wrong_type`), ticked checkboxes are true. Unknown or malformed names are ignored; nothing
//! here panics whatever the input.

use super::spec::{self, FieldSpec, Kind, SectionSpec};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Most pairs read from one body: the whole form at its largest (100 items in each of seven
/// lists) stays far below this.
pub const MAX_PAIRS: usize = 6000;
/// Longest name considered: real ones are under 40 characters.
const MAX_NAME: usize = 64;
/// Longest index accepted (`awards[123456].x`); the domain refuses more than 100 items anyway.
const MAX_INDEX_DIGITS: usize = 6;
/// The major select's choice for a major outside the reference list. It is saved as it is: a
/// code outside the list, which the domain accepts with a `major_name` and flags for review.
pub const MAJOR_OTHER: &str = "other";

/// What the designer asked for with the button they pressed (`name="action"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Save,
    Submit,
    /// `add:awards`: save, then show one more empty item in that section.
    Add(&'static str),
    /// `remove:awards[3]`: drop that item (as posted), then save.
    Remove(&'static str, u32),
}

impl Action {
    /// Anything unrecognised is a plain save: the least surprising thing a form button can do.
    pub fn parse(raw: &str) -> Action {
        if raw == "submit" {
            return Action::Submit;
        }
        if let Some(key) = raw.strip_prefix("add:") {
            if let Some(s) = spec::list_section(key) {
                return Action::Add(s.key);
            }
        }
        if let Some(rest) = raw.strip_prefix("remove:") {
            if let Some((section, index, "")) = split_item(rest) {
                if let Some(s) = spec::list_section(section) {
                    return Action::Remove(s.key, index);
                }
            }
        }
        Action::Save
    }
}

/// The value of the first pair named `name`, or "".
pub fn first<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .take(MAX_PAIRS)
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// `awards[3].year` → ("awards", 3, "year"); `awards[3]` → ("awards", 3, ""). None for anything
/// else: no index, a sign, too many digits, nested brackets.
fn split_item(name: &str) -> Option<(&str, u32, &str)> {
    let open = name.find('[')?;
    let close = open + name[open..].find(']')?;
    let digits = &name[open + 1..close];
    if digits.is_empty()
        || digits.len() > MAX_INDEX_DIGITS
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let index = digits.parse().ok()?;
    let rest = &name[close + 1..];
    let field = match rest.strip_prefix('.') {
        Some(field) => field,
        None if rest.is_empty() => "",
        None => return None,
    };
    Some((&name[..open], index, field))
}

/// Where one posted name belongs.
enum Target {
    Personal(&'static FieldSpec),
    Compensation(Field),
    Item(&'static SectionSpec, u32, Field),
}

/// A field of an item: one of the section's, or the hidden `id`.
enum Field {
    Id,
    Spec(&'static FieldSpec),
}

fn field_of(section: &'static SectionSpec, name: &str) -> Option<Field> {
    if name == "id" {
        Some(Field::Id)
    } else {
        section.field(name).map(Field::Spec)
    }
}

fn target(name: &str) -> Option<Target> {
    if name.len() > MAX_NAME {
        return None;
    }
    if let Some(field) = name.strip_prefix("personal.") {
        return spec::PERSONAL.field(field).map(Target::Personal);
    }
    if let Some(field) = name.strip_prefix("compensation.") {
        let section = spec::section("compensation")?;
        return field_of(section, field).map(Target::Compensation);
    }
    let (key, index, field) = split_item(name)?;
    let section = spec::list_section(key)?;
    field_of(section, field).map(|f| Target::Item(section, index, f))
}

/// Full-width digits (typed with a Chinese input method) read as ASCII ones.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect()
}

/// The JSON value of one posted field, or None when it counts as not given.
fn json_value(kind: Kind, raw: &str) -> Option<Value> {
    if kind == Kind::Checkbox {
        return Some(Value::Bool(true));
    }
    if raw.trim().is_empty() {
        return None;
    }
    match kind {
        Kind::Int => {
            let normalised = ascii_digits(raw.trim());
            Some(match normalised.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => Value::String(raw.to_string()),
            })
        }
        _ => Some(Value::String(raw.to_string())),
    }
}

fn put(map: &mut Map<String, Value>, field: &Field, raw: &str) {
    let (name, value) = match field {
        Field::Id => (
            "id",
            (!raw.trim().is_empty()).then(|| Value::String(raw.to_string())),
        ),
        Field::Spec(f) => (f.name, json_value(f.kind, raw)),
    };
    match value {
        Some(v) => {
            map.insert(name.to_string(), v);
        }
        // A later empty duplicate clears an earlier value: the last pair wins, as in a browser.
        None => {
            map.remove(name);
        }
    }
}

/// Converts the posted pairs. `skip` names one item (as posted, before compaction) to leave out:
/// the "remove" button of a page without JavaScript.
/// Also says how many new items were left wholly empty (and so are no items at all): the page
/// says so rather than letting an added item vanish unremarked.
pub fn to_json(pairs: &[(String, String)], skip: Option<(&str, u32)>) -> (Value, usize) {
    let mut blank_items = 0;
    let mut personal = Map::new();
    let mut compensation = Map::new();
    let mut lists: BTreeMap<&'static str, BTreeMap<u32, Map<String, Value>>> = BTreeMap::new();
    for (name, raw) in pairs.iter().take(MAX_PAIRS) {
        match target(name) {
            Some(Target::Personal(f)) => put(&mut personal, &Field::Spec(f), raw),
            Some(Target::Compensation(field)) => put(&mut compensation, &field, raw),
            Some(Target::Item(section, index, field)) => {
                if skip == Some((section.key, index)) {
                    continue;
                }
                let item = lists
                    .entry(section.key)
                    .or_default()
                    .entry(index)
                    .or_default();
                put(item, &field, raw);
            }
            None => {}
        }
    }
    for f in spec::PERSONAL
        .fields
        .iter()
        .filter(|f| f.kind == Kind::Checkbox)
    {
        personal.entry(f.name).or_insert(Value::Bool(false));
    }
    let mut root = Map::new();
    root.insert("personal".into(), Value::Object(personal));
    for section in spec::SECTIONS.iter().filter(|s| s.list) {
        // Ascending index order, compacted; a new item left wholly empty is no item at all.
        let posted = lists.remove(section.key).unwrap_or_default();
        let before = posted.len();
        let items: Vec<Value> = posted
            .into_values()
            .filter(|item| !item.is_empty())
            .map(Value::Object)
            .collect();
        blank_items += before - items.len();
        root.insert(section.key.into(), Value::Array(items));
    }
    let given = compensation.keys().any(|k| k != "id");
    root.insert(
        "compensation".into(),
        if given {
            Value::Object(compensation)
        } else {
            Value::Null
        },
    );
    (Value::Object(root), blank_items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_typical_body_takes_the_api_shape() {
        let body = pairs(&[
            ("csrf_token", "x"),
            ("action", "save"),
            ("personal.name", "张三"),
            ("personal.gender", "male"),
            ("personal.design_years", "12"),
            ("personal.clean_record_declared", "true"),
            ("personal.email", ""),
            ("education[0].degree", "master"),
            ("education[0].major_code", "080205"),
            ("awards[0].id", "6f1c0b1e-8d7a-4c55-9a53-0d1f5b7e2c11"),
            ("awards[0].name", "红点奖"),
            ("awards[0].year", "2023"),
            ("compensation.annual_income_cny", "360000"),
            ("compensation.year", ""),
        ]);
        let v = to_json(&body, None).0;
        assert_eq!(
            v,
            json!({
                "personal": {"name": "张三", "gender": "male", "design_years": 12,
                             "clean_record_declared": true, "public_consent": false},
                "education": [{"degree": "master", "major_code": "080205"}],
                "titles": [],
                "awards": [{"id": "6f1c0b1e-8d7a-4c55-9a53-0d1f5b7e2c11", "name": "红点奖", "year": 2023}],
                "articles": [], "ip_rights": [], "honors": [], "projects": [],
                "compensation": {"annual_income_cny": 360000}
            })
        );
        assert!(talentlib_domain::form::parse_form(&v).is_ok());
    }

    #[test]
    fn indices_are_compacted_in_ascending_order() {
        let body = pairs(&[
            ("awards[3].name", "B"),
            ("awards[0].name", "A"),
            ("awards[12].name", "C"),
            ("awards[3].year", "20x4"),
        ]);
        let v = to_json(&body, None).0;
        assert_eq!(
            v["awards"],
            json!([{"name": "A"}, {"name": "B", "year": "20x4"}, {"name": "C"}])
        );
        // The domain's path then points at the re-rendered item.
        let errors = talentlib_domain::form::parse_form(&v).unwrap_err();
        assert_eq!(errors[0].path, "awards[1].year");
        assert_eq!(errors[0].problem.code(), "wrong_type");
    }

    #[test]
    fn numbers_checkboxes_majors_and_empty_sections() {
        let body = pairs(&[
            ("personal.design_years", " ２０ "),
            ("personal.public_consent", "anything"),
            ("education[0].major_code", MAJOR_OTHER),
            ("education[0].major_name", "交通工具造型"),
            ("projects[0].funding_cny", "1.5万"),
            ("compensation.id", "6f1c0b1e-8d7a-4c55-9a53-0d1f5b7e2c11"),
            ("titles[4].name", "  "),
        ]);
        let v = to_json(&body, None).0;
        assert_eq!(v["personal"]["design_years"], json!(20));
        assert_eq!(v["personal"]["public_consent"], json!(true));
        assert_eq!(v["personal"]["clean_record_declared"], json!(false));
        assert_eq!(
            v["education"],
            json!([{"major_code": MAJOR_OTHER, "major_name": "交通工具造型"}])
        );
        assert_eq!(v["projects"][0]["funding_cny"], json!("1.5万"));
        assert_eq!(v["compensation"], Value::Null);
        assert_eq!(v["titles"], json!([]));
    }

    #[test]
    fn a_saved_item_left_empty_is_kept_a_new_one_is_not() {
        let body = pairs(&[
            ("honors[0].id", "6f1c0b1e-8d7a-4c55-9a53-0d1f5b7e2c11"),
            ("honors[0].name", ""),
            ("honors[1].name", ""),
        ]);
        let (v, blank) = to_json(&body, None);
        assert_eq!(
            v["honors"],
            json!([{"id": "6f1c0b1e-8d7a-4c55-9a53-0d1f5b7e2c11"}])
        );
        assert_eq!(blank, 1, "the new empty one is counted");
    }

    #[test]
    fn remove_skips_the_item_as_posted() {
        let body = pairs(&[
            ("awards[0].name", "A"),
            ("awards[5].name", "B"),
            ("awards[7].name", "C"),
        ]);
        let action = Action::parse("remove:awards[5]");
        assert_eq!(action, Action::Remove("awards", 5));
        let Action::Remove(section, index) = action else {
            unreachable!()
        };
        let v = to_json(&body, Some((section, index))).0;
        assert_eq!(v["awards"], json!([{"name": "A"}, {"name": "C"}]));
    }

    #[test]
    fn actions() {
        assert_eq!(Action::parse("save"), Action::Save);
        assert_eq!(Action::parse("submit"), Action::Submit);
        assert_eq!(Action::parse("add:awards"), Action::Add("awards"));
        assert_eq!(Action::parse("add:compensation"), Action::Save);
        assert_eq!(Action::parse("add:personal"), Action::Save);
        assert_eq!(Action::parse("remove:awards[1].name"), Action::Save);
        assert_eq!(Action::parse("remove:awards[-1]"), Action::Save);
        assert_eq!(Action::parse("remove:nope[1]"), Action::Save);
        assert_eq!(Action::parse(""), Action::Save);
        assert_eq!(Action::parse("删除"), Action::Save);
    }

    #[test]
    fn hostile_names_are_ignored_without_panicking() {
        let long = "a".repeat(100_000);
        let long_index = format!("awards[{}].name", "9".repeat(10_000));
        let body = pairs(&[
            ("awards[99999999999].name", "x"),
            ("awards[-1].name", "x"),
            ("awards[+1].name", "x"),
            ("awards[].name", "x"),
            ("awards[1", "x"),
            ("awards]1[.name", "x"),
            ("a[b[c]]", "x"),
            ("awards[1][2].name", "x"),
            ("awards[1].name.x", "x"),
            ("awards[1].__proto__", "x"),
            ("awards[１].name", "x"),
            ("personal", "x"),
            ("personal.", "x"),
            ("personal.unknown", "x"),
            ("compensation", "x"),
            ("compensation.id.x", "x"),
            ("[0].name", "x"),
            ("[", "x"),
            ("]", "x"),
            ("", ""),
            ("é[0].x", "x"),
            ("awards[0]é.name", "x"),
            (&long, "x"),
            (&long_index, "x"),
            ("awards[999999].name", "far"),
        ]);
        let v = to_json(&body, None).0;
        // Only the one well-formed name survives, compacted to index 0.
        assert_eq!(v["awards"], json!([{"name": "far"}]));
        assert_eq!(
            v["personal"],
            json!({"public_consent": false, "clean_record_declared": false})
        );
        assert!(talentlib_domain::form::parse_form(&v).is_ok());
        for name in ["a[b[c]]", "awards[", "[]", "x[0]", &long] {
            assert!(split_item(name).is_none_or(|(s, _, _)| spec::list_section(s).is_none()));
        }
    }

    #[test]
    fn pairs_beyond_the_cap_are_not_read() {
        let mut body: Vec<(String, String)> = (0..MAX_PAIRS)
            .map(|i| (format!("honors[{}].name", i % 50), "n".to_string()))
            .collect();
        body.push(("personal.name".into(), "late".into()));
        let v = to_json(&body, None).0;
        assert!(v["personal"].get("name").is_none());
        assert_eq!(v["honors"].as_array().map(Vec::len), Some(50));
    }

    #[test]
    fn the_last_of_duplicate_names_wins() {
        let body = pairs(&[("personal.name", "A"), ("personal.name", "B")]);
        assert_eq!(to_json(&body, None).0["personal"]["name"], json!("B"));
        assert_eq!(first(&body, "personal.name"), "A");
        assert_eq!(first(&body, "missing"), "");
    }
}

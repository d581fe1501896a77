//! Interface languages. Every visible string comes from `locales/*.toml` (flat `"dotted.key" =
//! "text"` files with `{name}` placeholders); Simplified Chinese is the default.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(&self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn other(&self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh-CN" | "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// From an `Accept-Language` header: English only when it is preferred over Chinese.
    pub fn from_accept_language(header: &str) -> Lang {
        for part in header.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Lang::Zh;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Zh
    }
}

type Table = HashMap<String, String>;

/// Merges flat locale files (the general one and one per feature area).
fn load(texts: &[&str]) -> Table {
    texts
        .iter()
        .flat_map(|text| {
            let parsed: toml::Table = toml::from_str(text).unwrap_or_default();
            parsed
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
        })
        .collect()
}

fn table(lang: Lang) -> &'static Table {
    static ZH: OnceLock<Table> = OnceLock::new();
    static EN: OnceLock<Table> = OnceLock::new();
    match lang {
        Lang::Zh => ZH.get_or_init(|| {
            load(&[
                include_str!("../locales/zh-CN.toml"),
                include_str!("../locales/scoring.zh-CN.toml"),
            ])
        }),
        Lang::En => EN.get_or_init(|| {
            load(&[
                include_str!("../locales/en.toml"),
                include_str!("../locales/scoring.en.toml"),
            ])
        }),
    }
}

/// The text for `key`, with `{name}` placeholders filled. A missing key shows itself, so the
/// gap is visible (and the locale tests fail) rather than silently blank.
pub fn t(lang: Lang, key: &str, params: &[(&str, String)]) -> String {
    let mut text = match table(lang).get(key) {
        Some(s) => s.clone(),
        None => return key.to_string(),
    };
    for (name, value) in params {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

pub fn has(lang: Lang, key: &str) -> bool {
    table(lang).contains_key(key)
}

/// A name in the reader's language, from a pair kept in data (the rubric, reference lists).
pub fn by_lang(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// The name of a star level (5 … 0, where 0 is the provisional star) as the rubric calls it:
/// 暂定星级, 一星级 … 五星级.
pub fn star_name(lang: Lang, rubric: &talentlib_domain::rubric::Rubric, stars: u8) -> String {
    rubric
        .stars
        .iter()
        .find(|s| s.stars == stars)
        .map(|s| by_lang(lang, &s.name_zh, &s.name_en))
        .unwrap_or_else(|| t(lang, "rating.stars_n", &[("n", stars.to_string())]))
}

/// The message for a field problem.
pub fn problem(lang: Lang, p: &talentlib_domain::Problem) -> String {
    // The expected type is a word for programs ("integer"); readers get it in their language.
    let params: Vec<(&str, String)> = p
        .params()
        .into_iter()
        .map(|(name, value)| {
            let key = format!("expected.{}", value.replace(' ', "_"));
            if name == "expected" && has(lang, &key) {
                (name, t(lang, &key, &[]))
            } else {
                (name, value)
            }
        })
        .collect();
    t(lang, &format!("problem.{}", p.code()), &params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_file_parses() {
        for text in [
            include_str!("../locales/zh-CN.toml"),
            include_str!("../locales/en.toml"),
            include_str!("../locales/scoring.zh-CN.toml"),
            include_str!("../locales/scoring.en.toml"),
        ] {
            assert!(toml::from_str::<toml::Table>(text).is_ok());
        }
    }

    #[test]
    fn both_locales_have_the_same_keys() {
        let zh: std::collections::BTreeSet<_> = table(Lang::Zh).keys().collect();
        let en: std::collections::BTreeSet<_> = table(Lang::En).keys().collect();
        assert!(zh.len() > 100);
        assert_eq!(
            zh.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&&String>::new()
        );
    }

    #[test]
    fn every_problem_status_role_and_choice_has_a_label() {
        use talentlib_domain::form::*;
        let mut keys: Vec<String> = Vec::new();
        for code in [
            "required",
            "wrong_type",
            "unknown_value",
            "too_long",
            "too_many",
            "out_of_range",
            "invalid_date",
            "invalid_month",
            "in_future",
            "invalid_email",
            "weak_password",
            "invalid_id_number",
            "id_number_age",
            "id_number_gender_mismatch",
            "invalid_phone",
            "unknown_district",
            "no_eligible_degree",
            "major_name_required",
            "declaration_required",
            "evidence_required",
            "unknown_item",
            "duplicate_item",
            "comment_required",
        ] {
            keys.push(format!("problem.{code}"));
        }
        for s in talentlib_domain::application::Status::ALL {
            keys.push(format!("status.{}", s.as_str()));
        }
        for r in talentlib_domain::roles::Role::ALL {
            keys.push(format!("role.{}", r.as_str()));
        }
        fn choices<C: Choice>(keys: &mut Vec<String>, name: &str) {
            keys.extend(C::ALL.iter().map(|c| format!("enum.{name}.{}", c.as_str())));
        }
        choices::<Gender>(&mut keys, "gender");
        choices::<Connection>(&mut keys, "connection");
        choices::<WorkType>(&mut keys, "work_type");
        choices::<Degree>(&mut keys, "degree");
        choices::<TitleLevel>(&mut keys, "title_level");
        choices::<AwardTier>(&mut keys, "award_tier");
        choices::<AwardRank>(&mut keys, "award_rank");
        choices::<AwardRole>(&mut keys, "award_role");
        choices::<Indexing>(&mut keys, "indexing");
        choices::<IpKind>(&mut keys, "ip_kind");
        choices::<HonorLevel>(&mut keys, "honor_level");
        choices::<ProjectLevel>(&mut keys, "project_level");
        choices::<ProjectRole>(&mut keys, "project_role");
        choices::<ProjectStatus>(&mut keys, "project_status");
        let missing: Vec<&String> = keys
            .iter()
            .filter(|k| !has(Lang::Zh, k) || !has(Lang::En, k))
            .collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
    }

    #[test]
    fn expected_types_are_named_in_the_readers_language() {
        let p = talentlib_domain::Problem::WrongType {
            expected: "integer",
        };
        assert_eq!(problem(Lang::Zh, &p), "格式不正确，应为整数");
        assert!(problem(Lang::En, &p).ends_with("a whole number"));
    }

    #[test]
    fn placeholders_are_filled() {
        let msg = t(Lang::En, "problem.too_long", &[("max", "500".into())]);
        assert!(msg.contains("500") && !msg.contains("{max}"));
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh;q=0.5"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("zh-CN,en;q=0.5"), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }
}

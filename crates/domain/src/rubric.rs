//! The scoring rubric as data (API.md `GET/POST /api/v1/rubric`; `seed/scoring-rubric.md`). The
//! default is `seed/scoring-rubric.json`; an admin may publish new versions in the same shape.
//! This module parses and validates a rubric file and computes the reference score of a form:
//! per item, per category with caps, from verified items only, explaining each rule applied.

use crate::error::{FieldError, Problem};
use crate::form::{
    ApplicationForm, AwardRank, AwardRole, Choice, HonorLevel, Indexing, IpKind, ProjectLevel,
    ProjectRole, TitleLevel,
};
use crate::ids::ItemId;
use crate::points::Points;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// The default rubric's file, as shipped (seed/scoring-rubric.json).
pub const DEFAULT_RUBRIC_JSON: &str = include_str!("../../../seed/scoring-rubric.json");

/// The categories in the order of the form (API.md category keys).
pub const CATEGORY_KEYS: [&str; 7] = [
    "titles",
    "awards",
    "articles",
    "ip_rights",
    "honors",
    "compensation",
    "projects",
];

fn english_name(key: &str) -> &'static str {
    match key {
        "titles" => "Professional titles",
        "awards" => "Competition awards",
        "articles" => "Published articles",
        "ip_rights" => "Intellectual property",
        "honors" => "Honorary titles",
        "compensation" => "Personal compensation",
        "projects" => "Research projects",
        _ => "",
    }
}

const STAR_CODES: [(&str, u8); 6] = [
    ("five_star", 5),
    ("four_star", 4),
    ("three_star", 3),
    ("two_star", 2),
    ("one_star", 1),
    ("provisional", 0),
];

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TitlesRule {
    pub cap: f64,
    pub points_by_level: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AwardsRule {
    pub cap: f64,
    /// tier → grade (grand/high/mid/merit) → points.
    pub points: BTreeMap<String, BTreeMap<String, f64>>,
    pub role_factor: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ArticlesRule {
    pub cap: f64,
    pub points: BTreeMap<String, f64>,
    pub author_factor: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IpRule {
    pub cap: f64,
    pub points: BTreeMap<String, f64>,
    #[serde(default)]
    pub sub_caps: BTreeMap<String, f64>,
    pub inventor_factor: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct HonorsRule {
    pub cap: f64,
    pub points: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Band {
    pub min_ratio: f64,
    pub points: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CompensationRule {
    pub cap: f64,
    /// Set by an administrator each year; without it compensation scores 0 and says why.
    #[serde(default)]
    pub reference_wage_cny: Option<f64>,
    pub bands: Vec<Band>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ProjectsRule {
    pub cap: f64,
    /// level → role (lead/key_member/member) → points.
    pub points: BTreeMap<String, BTreeMap<String, f64>>,
    #[serde(default)]
    pub enterprise_commissioned_min_contract_cny: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct StarLevel {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub min_score: f64,
}

/// A whole rubric, as in the JSON file.
#[derive(Debug, Clone, Serialize)]
pub struct RubricDef {
    pub version: String,
    pub lookback_years: Option<i32>,
    pub titles: TitlesRule,
    pub awards: AwardsRule,
    pub articles: ArticlesRule,
    pub ip_rights: IpRule,
    pub honors: HonorsRule,
    pub compensation: CompensationRule,
    pub projects: ProjectsRule,
    pub labels_zh: BTreeMap<String, String>,
    /// English names a rubric file may give (`label_en`); the built-in ones otherwise.
    pub labels_en: BTreeMap<String, String>,
    pub star_levels: Vec<StarLevel>,
    /// The file as given, kept so that old versions stay readable exactly.
    pub source: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Category {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StarThreshold {
    pub stars: u8,
    pub min_total: f64,
    pub name_zh: String,
    pub name_en: String,
}

/// What `GET /api/v1/rubric` publishes.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rubric {
    pub version: String,
    pub categories: Vec<Category>,
    /// From 5 stars down to 0, the "Provisional Star".
    pub stars: Vec<StarThreshold>,
}

/// Top-level keys of a rubric file: the ones the engine reads and the documented ones it keeps
/// for people (notes, gates and settings a later version may use). Anything else is most likely
/// a misspelling, which would silently change scores, so it is refused.
const ROOT_KEYS: &[&str] = &[
    "name",
    "status",
    "version",
    "max_total",
    "lookback_years",
    "lookback_applies_to",
    "rounding",
    "categories",
    "star_levels",
    "optional_gates",
    "expert_aggregation",
    "notes",
];

/// Each category's keys: what its rule reads plus the documented informational ones.
const CATEGORY_KEYS_ALLOWED: &[(&str, &[&str])] = &[
    (
        "titles",
        &[
            "cap",
            "points_by_level",
            "rule",
            "vocational_skill_equivalence_enabled",
            "relevance_factor",
        ],
    ),
    (
        "awards",
        &[
            "cap",
            "points",
            "role_factor",
            "student_category_factor",
            "same_work_rule",
        ],
    ),
    ("articles", &["cap", "points", "author_factor"]),
    (
        "ip_rights",
        &["cap", "points", "sub_caps", "inventor_factor", "count_only"],
    ),
    ("honors", &["cap", "points", "rule"]),
    (
        "compensation",
        &[
            "cap",
            "mode",
            "reference_wage_cny",
            "reference_wage_note",
            "bands",
        ],
    ),
    (
        "projects",
        &["cap", "points", "enterprise_commissioned_min_contract_cny"],
    ),
];

/// Keys every category may carry: its names and a free note.
const COMMON_CATEGORY_KEYS: &[&str] = &["label_zh", "label_en", "note"];

fn unknown_keys(root: &serde_json::Map<String, Value>, errors: &mut Vec<FieldError>) {
    for key in root.keys().filter(|k| !ROOT_KEYS.contains(&k.as_str())) {
        errors.push(FieldError::new(key.clone(), Problem::UnknownField));
    }
    if let Some(Value::Array(levels)) = root.get("star_levels") {
        for (i, level) in levels.iter().enumerate() {
            let Value::Object(fields) = level else {
                continue;
            };
            for key in fields.keys() {
                if !["code", "name_zh", "name_en", "min_score", "note"].contains(&key.as_str()) {
                    errors.push(FieldError::new(
                        format!("star_levels[{i}].{key}"),
                        Problem::UnknownField,
                    ));
                }
            }
        }
    }
    let Some(Value::Object(cats)) = root.get("categories") else {
        return;
    };
    for (cat, body) in cats {
        let allowed = CATEGORY_KEYS_ALLOWED.iter().find(|(k, _)| k == cat);
        let (Some((_, allowed)), Value::Object(fields)) = (allowed, body) else {
            if allowed.is_none() {
                errors.push(FieldError::new(
                    format!("categories.{cat}"),
                    Problem::UnknownField,
                ));
            }
            continue;
        };
        for key in fields.keys() {
            if !allowed.contains(&key.as_str()) && !COMMON_CATEGORY_KEYS.contains(&key.as_str()) {
                errors.push(FieldError::new(
                    format!("categories.{cat}.{key}"),
                    Problem::UnknownField,
                ));
            }
        }
    }
}

fn category<T: for<'de> Deserialize<'de>>(
    cats: &serde_json::Map<String, Value>,
    key: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let path = format!("categories.{key}");
    match cats.get(key) {
        None => {
            errors.push(FieldError::new(path, Problem::Required));
            None
        }
        Some(v) => match serde_json::from_value::<T>(v.clone()) {
            Ok(t) => Some(t),
            Err(_) => {
                errors.push(FieldError::new(
                    path,
                    Problem::WrongType {
                        expected: "rubric category",
                    },
                ));
                None
            }
        },
    }
}

impl RubricDef {
    /// Parses and validates a rubric file, reporting every problem at once: every category
    /// present with a positive cap, point values not negative, all six star levels with
    /// thresholds that rise with the stars and start at 0.
    pub fn parse(v: &Value) -> Result<RubricDef, Vec<FieldError>> {
        let mut errors = Vec::new();
        let Some(root) = v.as_object() else {
            return Err(vec![FieldError::new(
                "",
                Problem::WrongType { expected: "object" },
            )]);
        };
        unknown_keys(root, &mut errors);
        let version = match root.get("version") {
            Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= 50 => {
                s.trim().to_string()
            }
            Some(Value::String(s)) if s.chars().count() > 50 => {
                errors.push(FieldError::new("version", Problem::TooLong { max: 50 }));
                String::new()
            }
            _ => {
                errors.push(FieldError::new("version", Problem::Required));
                String::new()
            }
        };
        let lookback_years = match root.get("lookback_years") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_i64() {
                Some(n) if (1..=100).contains(&n) => Some(n as i32),
                _ => {
                    errors.push(FieldError::new(
                        "lookback_years",
                        Problem::OutOfRange { min: 1, max: 100 },
                    ));
                    None
                }
            },
        };
        let empty = serde_json::Map::new();
        let cats = match root.get("categories") {
            Some(Value::Object(m)) => m,
            _ => {
                errors.push(FieldError::new("categories", Problem::Required));
                &empty
            }
        };
        let titles: Option<TitlesRule> = category(cats, "titles", &mut errors);
        let awards: Option<AwardsRule> = category(cats, "awards", &mut errors);
        let articles: Option<ArticlesRule> = category(cats, "articles", &mut errors);
        let ip_rights: Option<IpRule> = category(cats, "ip_rights", &mut errors);
        let honors: Option<HonorsRule> = category(cats, "honors", &mut errors);
        let compensation: Option<CompensationRule> = category(cats, "compensation", &mut errors);
        let projects: Option<ProjectsRule> = category(cats, "projects", &mut errors);
        let caps = [
            ("titles", titles.as_ref().map(|c| c.cap)),
            ("awards", awards.as_ref().map(|c| c.cap)),
            ("articles", articles.as_ref().map(|c| c.cap)),
            ("ip_rights", ip_rights.as_ref().map(|c| c.cap)),
            ("honors", honors.as_ref().map(|c| c.cap)),
            ("compensation", compensation.as_ref().map(|c| c.cap)),
            ("projects", projects.as_ref().map(|c| c.cap)),
        ];
        for (key, cap) in caps {
            if let Some(cap) = cap {
                if !(cap > 0.0 && cap <= 1000.0) {
                    errors.push(FieldError::new(
                        format!("categories.{key}.cap"),
                        Problem::OutOfRange { min: 0, max: 1000 },
                    ));
                }
            }
        }
        let mut negative = |key: &str, values: Vec<f64>| {
            if values.iter().any(|x| !x.is_finite() || *x < 0.0) {
                errors.push(FieldError::new(
                    format!("categories.{key}.points"),
                    Problem::OutOfRange { min: 0, max: 1000 },
                ));
            }
        };
        if let Some(t) = &titles {
            negative("titles", t.points_by_level.values().copied().collect());
        }
        if let Some(a) = &awards {
            negative(
                "awards",
                a.points
                    .values()
                    .flat_map(|m| m.values().copied())
                    .collect(),
            );
        }
        if let Some(a) = &articles {
            negative("articles", a.points.values().copied().collect());
        }
        if let Some(a) = &ip_rights {
            negative("ip_rights", a.points.values().copied().collect());
        }
        if let Some(h) = &honors {
            negative("honors", h.points.values().copied().collect());
        }
        if let Some(p) = &projects {
            negative(
                "projects",
                p.points
                    .values()
                    .flat_map(|m| m.values().copied())
                    .collect(),
            );
        }
        let labels = |field: &str| -> BTreeMap<String, String> {
            CATEGORY_KEYS
                .iter()
                .filter_map(|k| {
                    cats.get(*k)
                        .and_then(|c| c.get(field))
                        .and_then(Value::as_str)
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(|l| (k.to_string(), l.to_string()))
                })
                .collect()
        };
        let labels_zh = labels("label_zh");
        let labels_en = labels("label_en");

        let star_levels: Vec<StarLevel> = match root
            .get("star_levels")
            .map(|v| serde_json::from_value::<Vec<StarLevel>>(v.clone()))
        {
            Some(Ok(levels)) => levels,
            _ => {
                errors.push(FieldError::new("star_levels", Problem::Required));
                Vec::new()
            }
        };
        if !star_levels.is_empty() {
            let mut by_stars: Vec<(u8, f64)> = Vec::new();
            for (i, level) in star_levels.iter().enumerate() {
                match STAR_CODES.iter().find(|(c, _)| *c == level.code) {
                    Some((_, n)) => by_stars.push((*n, level.min_score)),
                    None => errors.push(FieldError::new(
                        format!("star_levels[{i}].code"),
                        Problem::UnknownValue {
                            allowed: STAR_CODES.map(|(c, _)| c).join("|"),
                        },
                    )),
                }
            }
            by_stars.sort_by_key(|(n, _)| *n);
            let stars: Vec<u8> = by_stars.iter().map(|(n, _)| *n).collect();
            if stars != [0, 1, 2, 3, 4, 5] {
                errors.push(FieldError::new("star_levels", Problem::Required));
            } else {
                if by_stars[0].1 != 0.0 {
                    errors.push(FieldError::new(
                        "star_levels.provisional.min_score",
                        Problem::OutOfRange { min: 0, max: 0 },
                    ));
                }
                // Thresholds must rise strictly with the stars.
                if by_stars
                    .windows(2)
                    .any(|w| w[1].1.partial_cmp(&w[0].1) != Some(std::cmp::Ordering::Greater))
                    || by_stars.iter().any(|(_, m)| !m.is_finite())
                {
                    errors.push(FieldError::new(
                        "star_levels",
                        Problem::OutOfRange { min: 0, max: 1000 },
                    ));
                }
            }
        }
        match (
            titles,
            awards,
            articles,
            ip_rights,
            honors,
            compensation,
            projects,
        ) {
            (
                Some(titles),
                Some(awards),
                Some(articles),
                Some(ip_rights),
                Some(honors),
                Some(compensation),
                Some(projects),
            ) if errors.is_empty() => Ok(RubricDef {
                version,
                lookback_years,
                titles,
                awards,
                articles,
                ip_rights,
                honors,
                compensation,
                projects,
                labels_zh,
                labels_en,
                star_levels,
                source: v.clone(),
            }),
            _ => Err(errors),
        }
    }

    /// The default rubric shipped with TalentLib (its parsing is covered by tests).
    #[allow(clippy::expect_used)]
    pub fn default_rubric() -> RubricDef {
        let v: Value = serde_json::from_str(DEFAULT_RUBRIC_JSON).expect("embedded rubric is JSON");
        RubricDef::parse(&v).expect("embedded default rubric is valid")
    }

    pub fn cap(&self, key: &str) -> Points {
        Points::from_f64(match key {
            "titles" => self.titles.cap,
            "awards" => self.awards.cap,
            "articles" => self.articles.cap,
            "ip_rights" => self.ip_rights.cap,
            "honors" => self.honors.cap,
            "compensation" => self.compensation.cap,
            "projects" => self.projects.cap,
            _ => 0.0,
        })
    }

    /// Star thresholds, highest first, as (stars, min_total in points).
    pub fn thresholds(&self) -> Vec<(u8, Points)> {
        let mut t: Vec<(u8, Points)> = self
            .star_levels
            .iter()
            .filter_map(|l| {
                STAR_CODES
                    .iter()
                    .find(|(c, _)| *c == l.code)
                    .map(|(_, n)| (*n, Points::from_f64(l.min_score)))
            })
            .collect();
        t.sort_by_key(|x| std::cmp::Reverse(x.0));
        t
    }

    /// The highest star level whose threshold the total reaches (API.md: `min_total` ≤ total).
    pub fn stars_for(&self, total: Points) -> u8 {
        self.thresholds()
            .into_iter()
            .find(|(_, min)| *min <= total)
            .map_or(0, |(s, _)| s)
    }

    pub fn view(&self) -> Rubric {
        Rubric {
            version: self.version.clone(),
            categories: CATEGORY_KEYS
                .iter()
                .map(|k| Category {
                    key: k.to_string(),
                    name_zh: self.labels_zh.get(*k).cloned().unwrap_or_default(),
                    name_en: self
                        .labels_en
                        .get(*k)
                        .cloned()
                        .unwrap_or_else(|| english_name(k).to_string()),
                    max: self.cap(k).to_f64_2dp(),
                })
                .collect(),
            stars: {
                let mut s: Vec<StarThreshold> =
                    self.star_levels
                        .iter()
                        .filter_map(|l| {
                            STAR_CODES.iter().find(|(c, _)| *c == l.code).map(|(_, n)| {
                                StarThreshold {
                                    stars: *n,
                                    min_total: l.min_score,
                                    name_zh: l.name_zh.clone(),
                                    name_en: l.name_en.clone(),
                                }
                            })
                        })
                        .collect();
                s.sort_by_key(|x| std::cmp::Reverse(x.stars));
                s
            },
        }
    }
}

/// One item's contribution to the reference score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemPoints {
    pub item_id: Option<String>,
    pub category: &'static str,
    pub points: Points,
    /// Which rule gave the points; its code is e.g. `awards.national.grand × lead 1`.
    pub rule: Rule,
}

/// The reference score: per category (capped), total, and the explanation per item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceScore {
    pub categories: BTreeMap<String, Points>,
    pub total: Points,
    pub items: Vec<ItemPoints>,
}

fn lookup(map: &BTreeMap<String, f64>, key: &str) -> f64 {
    map.get(key).copied().unwrap_or(0.0)
}

fn award_grade(rank: AwardRank) -> &'static str {
    match rank {
        AwardRank::Grand | AwardRank::Gold => "grand",
        AwardRank::Silver => "high",
        AwardRank::Bronze => "mid",
        AwardRank::Excellence | AwardRank::Finalist => "merit",
    }
}

impl RubricDef {
    /// Computes the reference score of a form from the verified items only (API.md). `year` is
    /// the current year, for the look-back window on awards, articles, IP and projects.
    pub fn reference_score(
        &self,
        form: &ApplicationForm,
        verified: &HashSet<ItemId>,
        year: i32,
    ) -> ReferenceScore {
        let counts = |id: &Option<ItemId>| id.is_some_and(|i| verified.contains(&i));
        let recent = |y: Option<i32>| match (self.lookback_years, y) {
            (Some(n), Some(y)) => y > year - n,
            _ => true,
        };
        let mut items: Vec<ItemPoints> = Vec::new();
        let push = |items: &mut Vec<ItemPoints>,
                    id: &Option<ItemId>,
                    category: &'static str,
                    points: Points,
                    rule: Rule| {
            items.push(ItemPoints {
                item_id: id.map(|i| i.to_string()),
                category,
                points,
                rule,
            });
        };

        // A. Titles: the highest only.
        let mut best: Option<(Points, &Option<ItemId>, Rule)> = None;
        for t in form.titles.iter().filter(|t| counts(&t.id)) {
            let key = match t.level {
                Some(TitleLevel::Senior) => "senior",
                Some(TitleLevel::DeputySenior) => "sub_senior",
                Some(TitleLevel::Intermediate) => "intermediate",
                Some(TitleLevel::Junior) => "junior_assistant",
                None => "none",
            };
            let p = Points::from_f64(lookup(&self.titles.points_by_level, key));
            if best.as_ref().is_none_or(|(b, _, _)| p > *b) {
                best = Some((p, &t.id, Rule::Title { level: key }));
            }
        }
        for t in form.titles.iter().filter(|t| counts(&t.id)) {
            match &best {
                Some((p, id, rule)) if *id == &t.id => {
                    push(&mut items, &t.id, "titles", *p, rule.clone())
                }
                _ => push(
                    &mut items,
                    &t.id,
                    "titles",
                    Points::ZERO,
                    Rule::TitleNotHighest,
                ),
            }
        }

        // B. Awards: tier × grade × role; one work counts once, at its highest award.
        let mut by_work: BTreeMap<String, Points> = BTreeMap::new();
        for a in form.awards.iter().filter(|a| counts(&a.id)) {
            let (Some(tier), Some(rank)) = (a.tier, a.rank) else {
                push(
                    &mut items,
                    &a.id,
                    "awards",
                    Points::ZERO,
                    Rule::Incomplete { category: "awards" },
                );
                continue;
            };
            if !recent(a.year.map(|y| y as i32)) {
                push(
                    &mut items,
                    &a.id,
                    "awards",
                    Points::ZERO,
                    Rule::OutsideLookback { category: "awards" },
                );
                continue;
            }
            let grade = award_grade(rank);
            let base = self
                .awards
                .points
                .get(tier.as_str())
                .map_or(0.0, |m| lookup(m, grade));
            let (role_key, factor) = match a.role {
                Some(AwardRole::Member) => {
                    ("rank_2_3", lookup(&self.awards.role_factor, "rank_2_3"))
                }
                _ => ("lead", lookup(&self.awards.role_factor, "lead")),
            };
            let mut p = Points::from_f64(base).times(factor);
            let mut rule = Rule::Award {
                tier: tier.as_str(),
                grade,
                role: role_key,
                factor,
            };
            if let Some(work) = a.work_title.as_deref().map(|w| w.trim().to_lowercase()) {
                let previous = by_work.get(&work).copied().unwrap_or(Points::ZERO);
                if p <= previous {
                    rule = Rule::SameWorkCountedOnce;
                    p = Points::ZERO;
                } else {
                    by_work.insert(work, p);
                    // The lower award of the same work no longer counts: take its points back.
                    p = Points(p.0 - previous.0);
                }
            }
            push(&mut items, &a.id, "awards", p, rule);
        }

        // C. Articles: indexing × author position.
        for a in form.articles.iter().filter(|a| counts(&a.id)) {
            if !recent(a.published_on.map(|d| d.0.year())) {
                push(
                    &mut items,
                    &a.id,
                    "articles",
                    Points::ZERO,
                    Rule::OutsideLookback {
                        category: "articles",
                    },
                );
                continue;
            }
            let row = match a.indexing {
                Some(Indexing::General) => "journal_general",
                Some(_) => "journal_indexed_or_core",
                None => {
                    push(
                        &mut items,
                        &a.id,
                        "articles",
                        Points::ZERO,
                        Rule::Incomplete {
                            category: "articles",
                        },
                    );
                    continue;
                }
            };
            let author = match a.author_rank.unwrap_or(1) {
                1 => "first_or_corresponding",
                2 => "second",
                _ => "other",
            };
            let factor = lookup(&self.articles.author_factor, author);
            let p = Points::from_f64(lookup(&self.articles.points, row)).times(factor);
            push(
                &mut items,
                &a.id,
                "articles",
                p,
                Rule::Article {
                    row,
                    author,
                    factor,
                },
            );
        }

        // D. IP: granted only; kind × inventor position; design patents under their sub-cap.
        let design_sub_cap = self
            .ip_rights
            .sub_caps
            .get("design_patent")
            .map(|c| Points::from_f64(*c));
        let mut design_total = Points::ZERO;
        for r in form.ip_rights.iter().filter(|r| counts(&r.id)) {
            let Some(granted) = r.granted_on else {
                push(
                    &mut items,
                    &r.id,
                    "ip_rights",
                    Points::ZERO,
                    Rule::NotGranted,
                );
                continue;
            };
            if !recent(Some(granted.0.year())) {
                push(
                    &mut items,
                    &r.id,
                    "ip_rights",
                    Points::ZERO,
                    Rule::OutsideLookback {
                        category: "ip_rights",
                    },
                );
                continue;
            }
            let row = match r.kind {
                Some(IpKind::Other) => "artwork_copyright_registration",
                Some(k) => k.as_str(),
                None => {
                    push(
                        &mut items,
                        &r.id,
                        "ip_rights",
                        Points::ZERO,
                        Rule::Incomplete {
                            category: "ip_rights",
                        },
                    );
                    continue;
                }
            };
            let inventor = match r.inventor_rank.unwrap_or(1) {
                1 => "rank_1",
                2 => "rank_2",
                3 => "rank_3",
                _ => "rank_4_plus",
            };
            let factor = lookup(&self.ip_rights.inventor_factor, inventor);
            let mut p = Points::from_f64(lookup(&self.ip_rights.points, row)).times(factor);
            let mut sub_capped = false;
            if r.kind == Some(IpKind::DesignPatent) {
                if let Some(cap) = design_sub_cap {
                    let room = Points((cap.0 - design_total.0).max(0));
                    if p > room {
                        p = room;
                        sub_capped = true;
                    }
                    design_total = design_total + p;
                }
            }
            let rule = Rule::IpRight {
                row,
                inventor,
                factor,
                sub_capped,
            };
            push(&mut items, &r.id, "ip_rights", p, rule);
        }

        // E. Honours: the highest in full, each further one at half.
        let mut honors: Vec<(Points, &Option<ItemId>, &'static str)> = form
            .honors
            .iter()
            .filter(|h| counts(&h.id))
            .map(|h| {
                let key = match h.level {
                    Some(HonorLevel::National) => "national",
                    Some(HonorLevel::Provincial) => "provincial",
                    Some(HonorLevel::Municipal) | Some(HonorLevel::District) => "municipal",
                    None => "association_or_enterprise",
                };
                (
                    Points::from_f64(lookup(&self.honors.points, key)),
                    &h.id,
                    key,
                )
            })
            .collect();
        honors.sort_by_key(|x| std::cmp::Reverse(x.0));
        for (i, (p, id, key)) in honors.into_iter().enumerate() {
            if i == 0 {
                let rule = Rule::Honor {
                    level: key,
                    further: false,
                };
                push(&mut items, id, "honors", p, rule);
            } else {
                push(
                    &mut items,
                    id,
                    "honors",
                    p.times(0.5),
                    Rule::Honor {
                        level: key,
                        further: true,
                    },
                );
            }
        }

        // F. Compensation: income ÷ the reference wage, by bands.
        if let Some(c) = form.compensation.as_ref().filter(|c| counts(&c.id)) {
            match (
                self.compensation.reference_wage_cny.filter(|w| *w > 0.0),
                c.annual_income_cny,
            ) {
                (Some(wage), Some(income)) => {
                    let ratio = income as f64 / wage;
                    let band = self
                        .compensation
                        .bands
                        .iter()
                        .filter(|b| ratio >= b.min_ratio)
                        .max_by(|a, b| a.min_ratio.total_cmp(&b.min_ratio));
                    let p = band.map_or(Points::ZERO, |b| Points::from_f64(b.points));
                    let min = band.map_or(0.0, |b| b.min_ratio);
                    push(
                        &mut items,
                        &c.id,
                        "compensation",
                        p,
                        Rule::CompensationBand { min_ratio: min },
                    );
                }
                (None, _) => push(
                    &mut items,
                    &c.id,
                    "compensation",
                    Points::ZERO,
                    Rule::ReferenceWageNotSet,
                ),
                (_, None) => push(
                    &mut items,
                    &c.id,
                    "compensation",
                    Points::ZERO,
                    Rule::Incomplete {
                        category: "compensation",
                    },
                ),
            }
        }

        // G. Projects: level × role; enterprise projects need a minimum contract.
        for p in form.projects.iter().filter(|p| counts(&p.id)) {
            if !recent(p.started_on.map(|d| d.0.year())) {
                push(
                    &mut items,
                    &p.id,
                    "projects",
                    Points::ZERO,
                    Rule::OutsideLookback {
                        category: "projects",
                    },
                );
                continue;
            }
            let (Some(level), Some(role)) = (p.level, p.role) else {
                push(
                    &mut items,
                    &p.id,
                    "projects",
                    Points::ZERO,
                    Rule::Incomplete {
                        category: "projects",
                    },
                );
                continue;
            };
            let level_key = match level {
                ProjectLevel::Enterprise => "enterprise_commissioned",
                other => other.as_str(),
            };
            let role_key = match role {
                ProjectRole::Leader => "lead",
                ProjectRole::Core => "key_member",
                ProjectRole::Participant => "member",
            };
            let min = self
                .projects
                .enterprise_commissioned_min_contract_cny
                .unwrap_or(0);
            if level == ProjectLevel::Enterprise && p.funding_cny.unwrap_or(0) < min {
                push(
                    &mut items,
                    &p.id,
                    "projects",
                    Points::ZERO,
                    Rule::EnterpriseBelowMinimum { min_cny: min },
                );
                continue;
            }
            let pts = self
                .projects
                .points
                .get(level_key)
                .map_or(0.0, |m| lookup(m, role_key));
            push(
                &mut items,
                &p.id,
                "projects",
                Points::from_f64(pts),
                Rule::Project {
                    level: level_key,
                    role: role_key,
                },
            );
        }

        let mut categories = BTreeMap::new();
        for key in CATEGORY_KEYS {
            let raw: Points = items
                .iter()
                .filter(|i| i.category == key)
                .map(|i| i.points)
                .sum();
            categories.insert(key.to_string(), raw.min(self.cap(key)));
        }
        let total = categories.values().copied().sum();
        ReferenceScore {
            categories,
            total,
            items,
        }
    }
}

#[cfg(test)]
mod tests;

mod rule;
pub use rule::Rule;

//! The scoring rubric as data (API.md `GET /api/v1/rubric`). The default is
//! `seed/scoring-rubric.json`; this module reads it into the shape the API publishes. The rubric
//! engine itself (reference scores) arrives with the review issue.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rubric {
    pub version: String,
    pub categories: Vec<Category>,
    /// From 5 stars down to 0, the "Provisional Star".
    pub stars: Vec<StarThreshold>,
}

#[derive(Deserialize)]
struct FileCategory {
    label_zh: String,
    cap: f64,
}

#[derive(Deserialize)]
struct FileStar {
    code: String,
    name_zh: String,
    name_en: String,
    min_score: f64,
}

#[derive(Deserialize)]
struct RubricFile {
    version: String,
    categories: BTreeMap<String, FileCategory>,
    star_levels: Vec<FileStar>,
}

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

fn stars_of(code: &str) -> Option<u8> {
    Some(match code {
        "five_star" => 5,
        "four_star" => 4,
        "three_star" => 3,
        "two_star" => 2,
        "one_star" => 1,
        "provisional" => 0,
        _ => return None,
    })
}

/// Why a rubric file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RubricError {
    #[error("rubric is not valid JSON of the expected shape: {0}")]
    Shape(#[from] serde_json::Error),
    #[error("rubric lacks category {0}")]
    MissingCategory(&'static str),
    #[error("unknown star level {0}")]
    UnknownStarLevel(String),
}

impl Rubric {
    /// Reads a rubric file in the shape of `seed/scoring-rubric.json`.
    pub fn from_file_json(text: &str) -> Result<Rubric, RubricError> {
        let file: RubricFile = serde_json::from_str(text)?;
        let mut categories = Vec::new();
        for key in CATEGORY_KEYS {
            let c = file
                .categories
                .get(key)
                .ok_or(RubricError::MissingCategory(key))?;
            categories.push(Category {
                key: key.to_string(),
                name_zh: c.label_zh.clone(),
                name_en: english_name(key).to_string(),
                max: c.cap,
            });
        }
        let mut stars = Vec::new();
        for s in file.star_levels {
            let n =
                stars_of(&s.code).ok_or_else(|| RubricError::UnknownStarLevel(s.code.clone()))?;
            stars.push(StarThreshold {
                stars: n,
                min_total: s.min_score,
                name_zh: s.name_zh,
                name_en: s.name_en,
            });
        }
        stars.sort_by(|a, b| b.stars.cmp(&a.stars));
        Ok(Rubric {
            version: file.version,
            categories,
            stars,
        })
    }

    /// The default rubric shipped with TalentLib. Parsing is covered by tests.
    #[allow(clippy::expect_used)]
    pub fn default_rubric() -> Rubric {
        Rubric::from_file_json(include_str!("../../../seed/scoring-rubric.json"))
            .expect("embedded default rubric parses")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rubric_has_every_category_and_six_star_levels() {
        let r = Rubric::default_rubric();
        assert_eq!(r.version, "default-1");
        assert_eq!(
            r.categories
                .iter()
                .map(|c| c.key.as_str())
                .collect::<Vec<_>>(),
            CATEGORY_KEYS
        );
        assert_eq!(r.categories.iter().map(|c| c.max).sum::<f64>(), 100.0);
        assert_eq!(
            r.stars.iter().map(|s| s.stars).collect::<Vec<_>>(),
            [5, 4, 3, 2, 1, 0]
        );
        assert_eq!(r.stars[5].min_total, 0.0);
        assert_eq!(r.stars[5].name_en, "Provisional Star");
    }
}

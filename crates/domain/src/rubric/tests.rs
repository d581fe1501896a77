use super::*;
use crate::form::parse_form;
use serde_json::json;
use uuid::Uuid;

fn default_json() -> Value {
    serde_json::from_str(include_str!("../../../../seed/scoring-rubric.json")).unwrap()
}

fn with_ids(v: Value) -> (ApplicationForm, HashSet<ItemId>) {
    let mut f = parse_form(&v).unwrap();
    f.assign_item_ids(&ApplicationForm::default(), || {
        ItemId::from_uuid(Uuid::new_v4())
    })
    .unwrap();
    let ids = f.item_ids().into_iter().collect();
    (f, ids)
}

#[test]
fn the_default_rubric_has_every_category_and_six_star_levels() {
    let r = RubricDef::default_rubric();
    let v = r.view();
    assert_eq!(v.version, "default-1");
    assert_eq!(
        v.categories
            .iter()
            .map(|c| c.key.as_str())
            .collect::<Vec<_>>(),
        CATEGORY_KEYS
    );
    assert_eq!(v.categories.iter().map(|c| c.max).sum::<f64>(), 100.0);
    assert_eq!(
        v.stars.iter().map(|s| s.stars).collect::<Vec<_>>(),
        [5, 4, 3, 2, 1, 0]
    );
    assert_eq!(v.stars[5].name_en, "Provisional Star");
}

#[test]
fn each_threshold_at_and_just_below() {
    let r = RubricDef::default_rubric();
    for (stars, min) in [(5u8, 85.0), (4, 70.0), (3, 55.0), (2, 40.0), (1, 25.0)] {
        assert_eq!(r.stars_for(Points::from_f64(min)), stars);
        assert_eq!(r.stars_for(Points::from_f64(min - 0.01)), stars - 1);
    }
    assert_eq!(r.stars_for(Points::ZERO), 0);
    assert_eq!(r.stars_for(Points::from_f64(100.0)), 5);
}

#[test]
fn misspelt_keys_are_refused_not_ignored() {
    assert!(RubricDef::parse(&default_json()).is_ok());
    let mut v = default_json();
    v["categories"]["titles"]["max"] = json!(-5);
    v["categories"]["talks"] = json!({"cap": 5});
    v["star_levels"][0]["min_scor"] = json!(80);
    v["lookback_yeras"] = json!(5);
    let errors = RubricDef::parse(&v).unwrap_err();
    let unknown: Vec<&str> = errors
        .iter()
        .filter(|e| e.problem == Problem::UnknownField)
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(
        unknown,
        [
            "lookback_yeras",
            "star_levels[0].min_scor",
            "categories.talks",
            "categories.titles.max"
        ]
    );
}

#[test]
fn invalid_rubrics_list_every_problem() {
    let mut v = default_json();
    v["categories"].as_object_mut().unwrap().remove("honors");
    v["categories"]["awards"]["cap"] = json!(-1);
    v["star_levels"][1]["min_score"] = json!(90); // four-star above five-star
    let errors = RubricDef::parse(&v).unwrap_err();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"categories.honors"), "{paths:?}");
    assert!(paths.contains(&"categories.awards.cap"), "{paths:?}");
    assert!(paths.contains(&"star_levels"), "{paths:?}");
    assert!(RubricDef::parse(&json!([])).is_err());
    assert!(RubricDef::parse(&json!({})).unwrap_err().len() >= 3);
}

#[test]
fn reference_score_counts_verified_items_only_with_caps_and_rules() {
    let mut v = default_json();
    v["categories"]["compensation"]["reference_wage_cny"] = json!(100000);
    let r = RubricDef::parse(&v).unwrap();
    let (form, all) = with_ids(json!({
        "titles": [{"level": "intermediate"}, {"level": "deputy_senior"}],
        "awards": [
            {"tier": "national", "rank": "gold", "year": 2024, "role": "lead", "work_title": "A"},
            {"tier": "provincial", "rank": "gold", "year": 2024, "role": "lead", "work_title": "A"},
            {"tier": "international", "rank": "silver", "year": 2023, "role": "member"},
            {"tier": "national", "rank": "gold", "year": 2000, "role": "lead"}
        ],
        "articles": [{"indexing": "core", "published_on": "2022-01-01", "author_rank": 2}],
        "ip_rights": [{"kind": "design_patent", "granted_on": "2023-01-01", "inventor_rank": 1},
                      {"kind": "invention_patent", "inventor_rank": 1}],
        "honors": [{"level": "provincial"}, {"level": "national"}],
        "compensation": {"annual_income_cny": 300000, "year": 2025},
        "projects": [{"level": "enterprise", "role": "leader", "started_on": "2023-01-01", "funding_cny": 50000},
                     {"level": "provincial", "role": "core", "started_on": "2023-01-01"}]
    }));
    let s = r.reference_score(&form, &all, 2026);
    let cat = |k: &str| s.categories[k].to_f64_2dp();
    assert_eq!(cat("titles"), 12.0); // highest only
    assert_eq!(cat("awards"), 12.0 + 8.0 * 0.6); // same work once, old award outside the window
    assert_eq!(cat("articles"), 2.0);
    assert_eq!(cat("ip_rights"), 2.0); // the pending patent scores 0
    assert_eq!(cat("honors"), 10.0); // 10 + 3, capped at 10
    assert_eq!(cat("compensation"), 8.0); // ratio 3
    assert_eq!(cat("projects"), 2.5); // enterprise project below the minimum contract
    assert_eq!(
        s.total.to_f64_2dp(),
        12.0 + 16.8 + 2.0 + 2.0 + 10.0 + 8.0 + 2.5
    );

    // Nothing verified: nothing counts.
    let none = r.reference_score(&form, &HashSet::new(), 2026);
    assert_eq!(none.total, Points::ZERO);
    assert!(none.items.is_empty());
}

#[test]
fn compensation_without_a_reference_wage_scores_zero_and_says_why() {
    let r = RubricDef::default_rubric();
    let (form, all) =
        with_ids(json!({"compensation": {"annual_income_cny": 999999, "year": 2025}}));
    let s = r.reference_score(&form, &all, 2026);
    assert_eq!(s.total, Points::ZERO);
    assert_eq!(s.items[0].rule, Rule::ReferenceWageNotSet);
}

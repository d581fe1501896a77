use super::*;
use proptest::prelude::*;
use serde_json::json;
use uuid::Uuid;

fn fresh() -> ItemId {
    ItemId::from_uuid(Uuid::new_v4())
}

#[test]
fn an_empty_object_is_an_empty_draft() {
    assert_eq!(parse_form(&json!({})).unwrap(), ApplicationForm::default());
}

#[test]
fn every_shape_problem_is_reported_at_once() {
    let body = json!({
        "personal": {"name": 5, "gender": "robot", "design_years": -1, "public_consent": "yes"},
        "awards": [{"year": -2024}, "not an object", {"tier": "galactic", "year": 2024.5}],
        "titles": {"not": "a list"},
        "articles": [{"published_on": "2024-02-30", "author_rank": 0}],
        "education": [{"graduated_on": "2024-13"}],
        "compensation": {"annual_income_cny": -1}
    });
    let errors = parse_form(&body).unwrap_err();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "personal.name",
            "personal.gender",
            "personal.design_years",
            "personal.public_consent",
            "education[0].graduated_on",
            "titles",
            "awards[0].year",
            "awards[1]",
            "awards[2].tier",
            "awards[2].year",
            "articles[0].published_on",
            "articles[0].author_rank",
            "compensation.annual_income_cny"
        ]
    );
}

#[test]
fn unknown_fields_are_ignored_so_a_get_can_be_sent_back() {
    let body = json!({"id": "x", "status": "draft", "personal": {"name": "张三", "extra": 1}});
    assert_eq!(
        parse_form(&body).unwrap().personal.name.as_deref(),
        Some("张三")
    );
}

#[test]
fn oversized_text_and_lists_are_refused() {
    let long = "设".repeat(MAX_TEXT + 1);
    let errors = parse_form(&json!({"personal": {"employer": long}})).unwrap_err();
    assert_eq!(errors[0].problem, Problem::TooLong { max: MAX_TEXT });
    let many: Vec<Value> = (0..=MAX_ITEMS).map(|_| json!({})).collect();
    let errors = parse_form(&json!({"honors": many})).unwrap_err();
    assert_eq!(errors[0].problem, Problem::TooMany { max: MAX_ITEMS });
}

#[test]
fn item_ids_survive_saves_and_new_items_get_fresh_ones() {
    let mut first =
        parse_form(&json!({"awards": [{"name": "红点"}], "compensation": {"year": 2024}})).unwrap();
    first
        .assign_item_ids(&ApplicationForm::default(), fresh)
        .unwrap();
    let award_id = first.awards[0].id.unwrap();
    let body =
        json!({"awards": [{"name": "新"}, {"id": award_id.to_string(), "name": "红点 Best"}]});
    let mut second = parse_form(&body).unwrap();
    second.assign_item_ids(&first, fresh).unwrap();
    assert_eq!(second.awards[1].id, Some(award_id));
    assert_ne!(second.awards[0].id, Some(award_id));
    assert!(second.compensation.is_none());
}

#[test]
fn foreign_or_duplicated_item_ids_are_refused() {
    let mut saved = parse_form(&json!({"awards": [{}], "titles": [{}]})).unwrap();
    saved
        .assign_item_ids(&ApplicationForm::default(), fresh)
        .unwrap();
    let award = saved.awards[0].id.unwrap().to_string();
    // An id from another section, an id never issued, and the same id twice.
    let body = json!({"titles": [{"id": award}], "honors": [{"id": fresh().to_string()}],
                      "awards": [{"id": award}, {"id": award}]});
    let errors = parse_form(&body)
        .unwrap()
        .assign_item_ids(&saved, fresh)
        .unwrap_err();
    let got: Vec<(&str, &Problem)> = errors
        .iter()
        .map(|e| (e.path.as_str(), &e.problem))
        .collect();
    assert_eq!(
        got,
        [
            ("titles[0].id", &Problem::UnknownItem),
            ("awards[1].id", &Problem::DuplicateItem),
            ("honors[0].id", &Problem::UnknownItem)
        ]
    );
}

#[test]
fn dates_and_months_round_trip() {
    assert_eq!(
        serde_json::to_value(parse_day("2024-02-29").unwrap()).unwrap(),
        json!("2024-02-29")
    );
    assert!(parse_day("2023-02-29").is_none());
    assert!(parse_day("２０２４-01-01").is_none());
    assert_eq!(
        serde_json::to_value(parse_month("2019-07").unwrap()).unwrap(),
        json!("2019-07")
    );
    assert!(parse_month("-001-01").is_none());
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "male",
            "senior",
            "2024-01-01",
            "2024-01",
            "national",
            "grand"
        ])
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "personal",
                    "awards",
                    "titles",
                    "name",
                    "year",
                    "tier",
                    "id",
                    "gender",
                    "compensation",
                    "design_years",
                    "awarded_on",
                    "education",
                    "graduated_on"
                ]),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

proptest! {
    #[test]
    fn parsing_any_json_never_panics_and_serialises_back(v in arb_json()) {
        if let Ok(mut form) = parse_form(&v) {
            form.assign_item_ids(&ApplicationForm::default(), fresh).ok();
            let again = parse_form(&serde_json::to_value(&form).unwrap());
            prop_assert!(again.is_ok());
        }
    }

    #[test]
    fn ids_are_stable_across_any_number_of_saves(n in 1usize..6, saves in 1usize..4) {
        let items: Vec<Value> = (0..n).map(|i| json!({"name": format!("奖{i}")})).collect();
        let mut saved = parse_form(&json!({"awards": items})).unwrap();
        saved.assign_item_ids(&ApplicationForm::default(), fresh).unwrap();
        let ids = saved.item_ids();
        for _ in 0..saves {
            let mut again = parse_form(&serde_json::to_value(&saved).unwrap()).unwrap();
            again.assign_item_ids(&saved, fresh).unwrap();
            prop_assert_eq!(again.item_ids(), ids.clone());
            saved = again;
        }
    }
}

use super::*;
use crate::form::parse_form;
use crate::identity::check_char;
use serde_json::json;
use time::macros::date;
use uuid::Uuid;

const TODAY: Date = date!(2026 - 12 - 03);

fn id_number(first17: &str) -> String {
    format!("{first17}{}", check_char(first17.as_bytes()).unwrap())
}

/// A complete, eligible application (the ID number is generated, not a real person's).
fn complete() -> serde_json::Value {
    json!({
        "personal": {"name": "李设计", "gender": "male", "id_number": id_number("50010319900101123"),
            "phone": "13812345678", "email": "li@example.cn", "district_code": "500103",
            "connection": "native", "employer": "重庆某设计公司", "position": "设计总监",
            "work_type": "services", "design_years": 10, "clean_record_declared": true},
        "education": [{"degree": "bachelor", "major_code": "080205", "institution": "重庆大学", "graduated_on": "2012-07"}],
        "awards": [{"name": "红点奖", "tier": "international", "rank": "gold", "year": 2023}],
        "compensation": {"annual_income_cny": 300000, "year": 2025}
    })
}

fn form_with_ids(v: serde_json::Value) -> ApplicationForm {
    let mut f = parse_form(&v).unwrap();
    f.assign_item_ids(&ApplicationForm::default(), || {
        ItemId::from_uuid(Uuid::new_v4())
    })
    .unwrap();
    f
}

fn all_evidence(f: &ApplicationForm) -> HashSet<ItemId> {
    f.item_ids().into_iter().collect()
}

fn paths(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.path.as_str()).collect()
}

#[test]
fn a_complete_application_passes() {
    let f = form_with_ids(complete());
    assert_eq!(
        check_submission(&f, &all_evidence(&f), TODAY),
        Ok(ReviewFlags::default())
    );
}

#[test]
fn an_empty_draft_lists_every_missing_field() {
    let f = ApplicationForm::default();
    let errors = check_submission(&f, &HashSet::new(), TODAY).unwrap_err();
    assert_eq!(
        paths(&errors),
        [
            "personal.name",
            "personal.gender",
            "personal.id_number",
            "personal.phone",
            "personal.district_code",
            "personal.connection",
            "personal.work_type",
            "personal.clean_record_declared",
            "education"
        ]
    );
    assert_eq!(errors[8].problem, Problem::NoEligibleDegree);
}

#[test]
fn invalid_identity_district_and_missing_evidence_are_all_reported() {
    let mut v = complete();
    v["personal"]["id_number"] = json!("500103199001011230");
    v["personal"]["phone"] = json!("12345");
    v["personal"]["district_code"] = json!("110105");
    v["personal"]["clean_record_declared"] = json!(false);
    let f = form_with_ids(v);
    let mut evidence = all_evidence(&f);
    evidence.remove(&f.awards[0].id.unwrap());
    let errors = check_submission(&f, &evidence, TODAY).unwrap_err();
    let got: Vec<(&str, &Problem)> = errors
        .iter()
        .map(|e| (e.path.as_str(), &e.problem))
        .collect();
    assert!(got.contains(&("personal.id_number", &Problem::InvalidIdNumber)));
    assert!(got.contains(&("personal.phone", &Problem::InvalidPhone)));
    assert!(got.contains(&("personal.district_code", &Problem::UnknownDistrict)));
    assert!(got.contains(&(
        "personal.clean_record_declared",
        &Problem::DeclarationRequired
    )));
    assert!(got.contains(&("awards[0]", &Problem::EvidenceRequired)));
    assert_eq!(errors.len(), 5);
}

#[test]
fn a_major_outside_the_list_is_flagged_not_refused_when_named() {
    let mut v = complete();
    v["education"][0]["major_code"] = json!("999999");
    v["education"][0]["major_name"] = json!("交互媒体设计");
    let f = form_with_ids(v.clone());
    assert_eq!(
        check_submission(&f, &all_evidence(&f), TODAY),
        Ok(ReviewFlags {
            major_outside_list: true
        })
    );
    v["education"][0]["major_name"] = json!(null);
    let f = form_with_ids(v);
    let errors = check_submission(&f, &all_evidence(&f), TODAY).unwrap_err();
    assert_eq!(paths(&errors), ["education[0].major_name"]);
}

#[test]
fn gender_must_agree_with_the_id_number_and_dates_cannot_be_in_the_future() {
    let mut v = complete();
    v["personal"]["gender"] = json!("female");
    v["awards"][0]["year"] = json!(2030);
    let f = form_with_ids(v);
    let errors = check_submission(&f, &all_evidence(&f), TODAY).unwrap_err();
    assert_eq!(paths(&errors), ["personal.gender", "awards[0].year"]);
}

#[test]
fn emails_are_checked_lightly() {
    assert!(is_plausible_email("a.b@c.cn"));
    for bad in [
        "",
        "a@",
        "@b.cn",
        "a b@c.cn",
        "a@b",
        "a@.cn",
        "a@b.cn.",
        "a\u{0}@b.cn",
        "a\u{7f}@b.cn",
    ] {
        assert!(!is_plausible_email(bad), "{bad}");
    }
}

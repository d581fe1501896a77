//! Applications: create, read, save the form, submit, list (API.md "Applications" and "The
//! application form").

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

const SECTIONS: [&str; 8] = [
    "education",
    "titles",
    "awards",
    "articles",
    "ip_rights",
    "honors",
    "compensation",
    "projects",
];

fn path_of(id: &str) -> String {
    format!("/applications/{id}")
}

#[tokio::test]
async fn a_designer_starts_a_draft_in_the_newest_open_batch() {
    let app = spawn_app().await;
    let _older = app.open_batch().await;
    let newest = app.open_batch().await;
    let designer = app.designer().await;
    let body = expect(
        app.post("/applications", &designer.token, json!({})).await,
        201,
    )
    .await;
    let id = body["id"].as_str().expect("id");
    assert!(
        !id.is_empty() && id.parse::<u64>().is_err(),
        "opaque id: {id}"
    );
    assert_eq!(body["status"], "draft");
    assert_eq!(body["batch_id"], newest.as_str());

    let got = expect(app.get(&path_of(id), &designer.token).await, 200).await;
    assert_eq!(got["id"], id);
    assert_eq!(got["status"], "draft");
    assert_eq!(got["batch_id"], newest.as_str());
    assert_eq!(got["designer_id"], designer.id.as_str());
    assert!(got["submitted_at"].is_null(), "{got}");
    for key in [
        "personal",
        "education",
        "titles",
        "awards",
        "articles",
        "ip_rights",
        "honors",
        "compensation",
        "projects",
    ] {
        assert!(got.get(key).is_some(), "{key} in {got}");
    }
    for key in [
        "education",
        "titles",
        "awards",
        "articles",
        "ip_rights",
        "honors",
        "projects",
    ] {
        assert_eq!(got[key], json!([]), "{key}");
    }
}

#[tokio::test]
async fn an_empty_body_also_starts_a_draft() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let res = app
        .req(Method::POST, "/applications", Some(&designer.token))
        .send()
        .await
        .unwrap();
    let body = expect(res, 201).await;
    assert_eq!(body["status"], "draft");
}

#[tokio::test]
async fn one_application_per_designer_per_batch() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let first = app.draft(&designer).await;
    expect_error(
        app.post("/applications", &designer.token, json!({})).await,
        409,
        "already_applied",
    )
    .await;
    let list = expect(app.get("/applications", &designer.token).await, 200).await;
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["items"][0]["id"], first.as_str());
}

#[tokio::test]
async fn concurrent_creates_make_one_application() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let mut handles = Vec::new();
    for _ in 0..6 {
        let req = app
            .req(Method::POST, "/applications", Some(&designer.token))
            .json(&json!({}));
        handles.push(tokio::spawn(req.send()));
    }
    let mut created = 0;
    for h in handles {
        let (status, body) = status_and_body(h.await.unwrap().unwrap()).await;
        match status {
            201 => created += 1,
            409 => assert_eq!(body["error"]["code"], "already_applied"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1);
}

#[tokio::test]
async fn no_open_batch_is_409() {
    let app = spawn_app().await;
    let designer = app.designer().await;
    expect_error(
        app.post("/applications", &designer.token, json!({})).await,
        409,
        "no_open_batch",
    )
    .await;
}

#[tokio::test]
async fn only_designers_start_applications() {
    let app = spawn_app().await;
    app.open_batch().await;
    for roles in [
        &["reviewer"][..],
        &["admin"],
        &["expert"],
        &["service_staff"],
    ] {
        let user = app.staff(roles, None, None).await;
        expect_error(
            app.post("/applications", &user.token, json!({})).await,
            403,
            "forbidden",
        )
        .await;
    }
    let officer = app.staff(&["district_officer"], Some("500103"), None).await;
    expect_error(
        app.post("/applications", &officer.token, json!({})).await,
        403,
        "forbidden",
    )
    .await;
    let res = app
        .req(Method::POST, "/applications", None)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    expect_error(res, 401, "unauthenticated").await;
}

#[tokio::test]
async fn the_whole_form_round_trips_with_chinese_text() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let form = full_form();
    let saved = expect(
        app.put(&path_of(&id), &designer.token, form.clone()).await,
        200,
    )
    .await;
    assert_contains(&form, &saved, "PUT");
    assert_eq!(saved["id"], id.as_str());
    assert_eq!(saved["status"], "draft");
    // Every item, and compensation, has a server-assigned id; all distinct.
    let ids = item_ids(&saved);
    assert_eq!(ids.len(), 10, "{saved}");
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len());

    let got = expect(app.get(&path_of(&id), &designer.token).await, 200).await;
    assert_contains(&form, &got, "GET");
    for section in ["personal"].iter().chain(SECTIONS.iter()) {
        assert_eq!(
            got[*section], saved[*section],
            "{section}: PUT and GET answer the same"
        );
    }
    // The owner sees the identity data whole.
    assert_eq!(got["personal"]["id_number"], form["personal"]["id_number"]);
    assert_eq!(got["personal"]["phone"], "13987654321");
    assert_eq!(got["personal"]["position"], "首席设计师 🚗「山城」");
}

#[tokio::test]
async fn item_ids_are_kept_when_sent_back_and_new_items_get_new_ones() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let saved = expect(
        app.put(&path_of(&id), &designer.token, full_form()).await,
        200,
    )
    .await;

    // Sending back exactly what GET gave keeps every id.
    let got = expect(app.get(&path_of(&id), &designer.token).await, 200).await;
    let again = expect(
        app.put(&path_of(&id), &designer.token, got.clone()).await,
        200,
    )
    .await;
    assert_eq!(item_ids(&again), item_ids(&saved));

    // Reordered, one kept, one new: the kept one keeps its id wherever it is.
    let first = saved["awards"][0].clone();
    let mut form = full_form();
    let mut fresh = form["awards"][1].clone();
    fresh["name"] = json!("金点设计奖");
    form["awards"] = json!([fresh, first]);
    let body = expect(app.put(&path_of(&id), &designer.token, form).await, 200).await;
    let awards = body["awards"].as_array().unwrap();
    assert_eq!(awards.len(), 2);
    assert_eq!(awards[1]["id"], saved["awards"][0]["id"]);
    assert_eq!(awards[1]["name"], "红点奖");
    assert_eq!(awards[0]["name"], "金点设计奖");
    let new_id = awards[0]["id"].as_str().expect("new item gets an id");
    assert!(
        !item_ids(&saved).contains(&new_id.to_string()),
        "a new item gets a new id"
    );
    // Items without id in other sections were new as well.
    assert_ne!(body["education"][0]["id"], saved["education"][0]["id"]);
}

#[tokio::test]
async fn items_left_out_are_deleted_and_their_files_unlinked() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let saved = expect(
        app.put(&path_of(&id), &designer.token, full_form()).await,
        200,
    )
    .await;
    let award = saved["awards"][0]["id"].as_str().unwrap().to_string();
    let kept = saved["awards"][1]["id"].as_str().unwrap().to_string();
    let comp = saved["compensation"]["id"].as_str().unwrap().to_string();
    let on_award = expect(
        app.upload(&designer.token, &id, Some(&award), "红点.pdf", pdf())
            .await,
        201,
    )
    .await;
    let on_kept = expect(
        app.upload(&designer.token, &id, Some(&kept), "优秀奖.pdf", pdf())
            .await,
        201,
    )
    .await;
    let on_comp = expect(
        app.upload(&designer.token, &id, Some(&comp), "收入.pdf", pdf())
            .await,
        201,
    )
    .await;

    let mut form = saved.clone();
    form["awards"] = json!([saved["awards"][1].clone()]);
    form["compensation"] = Value::Null;
    let body = expect(app.put(&path_of(&id), &designer.token, form).await, 200).await;
    assert_eq!(body["awards"].as_array().unwrap().len(), 1);
    assert_eq!(body["awards"][0]["id"], kept.as_str());
    assert!(body["compensation"].is_null(), "{}", body["compensation"]);

    let got = expect(app.get(&path_of(&id), &designer.token).await, 200).await;
    let files = got["attachments"].as_array().expect("attachments listed");
    let find = |att: &Value| {
        files
            .iter()
            .find(|f| f["id"] == att["id"])
            .cloned()
            .expect("file still listed")
    };
    assert!(
        find(&on_award)["item_id"].is_null(),
        "unlinked: {}",
        find(&on_award)
    );
    assert!(
        find(&on_comp)["item_id"].is_null(),
        "unlinked: {}",
        find(&on_comp)
    );
    assert_eq!(find(&on_kept)["item_id"], kept.as_str());

    // The deleted item's id cannot be brought back.
    let mut form = got.clone();
    form["awards"] = json!([saved["awards"][0].clone()]);
    let body = expect_error(app.put(&path_of(&id), &designer.token, form).await, 422, "").await;
    assert_paths(&body, &["awards[0].id"]);
}

#[tokio::test]
async fn foreign_item_ids_are_422() {
    let app = spawn_app().await;
    app.open_batch().await;
    let alice = app.designer().await;
    let alice_app = app.draft(&alice).await;
    let alices = expect(
        app.put(&path_of(&alice_app), &alice.token, full_form())
            .await,
        200,
    )
    .await;
    let bob = app.designer().await;
    let bob_app = app.draft(&bob).await;
    let bobs = expect(
        app.put(&path_of(&bob_app), &bob.token, full_form()).await,
        200,
    )
    .await;
    let before = expect(app.get(&path_of(&bob_app), &bob.token).await, 200).await;

    // Another application's item.
    let mut form = bobs.clone();
    form["awards"][0]["id"] = alices["awards"][0]["id"].clone();
    let body = expect_error(app.put(&path_of(&bob_app), &bob.token, form).await, 422, "").await;
    assert_paths(&body, &["awards[0].id"]);
    // An id nobody issued, or not an id at all.
    for bogus in [
        json!(uuid::Uuid::new_v4().to_string()),
        json!("abc"),
        json!(42),
    ] {
        let mut form = bobs.clone();
        form["awards"][1]["id"] = bogus;
        let body = expect_error(app.put(&path_of(&bob_app), &bob.token, form).await, 422, "").await;
        assert_paths(&body, &["awards[1].id"]);
    }
    // An id of this application but another section.
    let mut form = bobs.clone();
    form["awards"][0]["id"] = bobs["education"][0]["id"].clone();
    let body = expect_error(app.put(&path_of(&bob_app), &bob.token, form).await, 422, "").await;
    assert_paths(&body, &["awards[0].id"]);
    // The same id twice.
    let mut form = bobs.clone();
    form["awards"][1]["id"] = bobs["awards"][0]["id"].clone();
    let body = expect_error(app.put(&path_of(&bob_app), &bob.token, form).await, 422, "").await;
    assert!(
        field_paths(&body).iter().any(|p| p.starts_with("awards[")),
        "{body}"
    );
    // Compensation with someone else's id.
    let mut form = bobs.clone();
    form["compensation"]["id"] = alices["compensation"]["id"].clone();
    let body = expect_error(app.put(&path_of(&bob_app), &bob.token, form).await, 422, "").await;
    assert_paths(&body, &["compensation.id"]);

    let after = expect(app.get(&path_of(&bob_app), &bob.token).await, 200).await;
    assert_eq!(before, after, "nothing saved");
}

#[tokio::test]
async fn a_foreign_id_and_a_shape_error_are_reported_together() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let form =
        json!({"awards": [{"id": uuid::Uuid::new_v4().to_string(), "name": "红点奖", "year": -1}]});
    let body = expect_error(app.put(&path_of(&id), &designer.token, form).await, 422, "").await;
    // API.md: `fields` lists every problem found at once.
    assert_paths(&body, &["awards[0].year", "awards[0].id"]);
}

#[tokio::test]
async fn shape_errors_are_all_listed_and_nothing_is_saved() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    expect(
        app.put(&path_of(&id), &designer.token, full_form()).await,
        200,
    )
    .await;
    let before = expect(app.get(&path_of(&id), &designer.token).await, 200).await;

    let bad = json!({
        "personal": {"name": 42, "gender": "unknown", "design_years": -3, "public_consent": "yes",
            "connection": "alien", "work_type": true, "clean_record_declared": 1},
        "education": [{"degree": "associate", "graduated_on": "2015-13"}],
        "titles": [{"name": "高级", "level": "grandmaster", "awarded_on": "2024-02-30"}],
        "awards": [{"name": "红点奖", "year": -2020, "rank": "platinum", "tier": "galactic", "role": "boss"}, "not an object"],
        "articles": [{"title": "论文", "author_rank": 0, "indexing": "scopus", "published_on": "yesterday"}],
        "ip_rights": [{"kind": "trade_secret", "inventor_rank": 0, "granted_on": "2021-8-1"}],
        "honors": [{"name": "荣誉", "year": "2022", "level": "galaxy"}],
        "compensation": {"annual_income_cny": -1, "year": 2024.5},
        "projects": [{"name": "项目", "funding_cny": -100, "started_on": "2023/01/01", "status": "paused", "role": "boss",
            "level": "cosmic"}]
    });
    let body = expect_error(app.put(&path_of(&id), &designer.token, bad).await, 422, "").await;
    assert_paths(
        &body,
        &[
            "personal.name",
            "personal.gender",
            "personal.design_years",
            "personal.public_consent",
            "personal.connection",
            "personal.work_type",
            "personal.clean_record_declared",
            "education[0].degree",
            "education[0].graduated_on",
            "titles[0].level",
            "titles[0].awarded_on",
            "awards[0].year",
            "awards[0].rank",
            "awards[0].tier",
            "awards[0].role",
            "awards[1]",
            "articles[0].author_rank",
            "articles[0].indexing",
            "articles[0].published_on",
            "ip_rights[0].kind",
            "ip_rights[0].inventor_rank",
            "ip_rights[0].granted_on",
            "honors[0].year",
            "honors[0].level",
            "compensation.annual_income_cny",
            "compensation.year",
            "projects[0].funding_cny",
            "projects[0].started_on",
            "projects[0].status",
            "projects[0].role",
            "projects[0].level",
        ],
    );
    let after = expect(app.get(&path_of(&id), &designer.token).await, 200).await;
    assert_eq!(before, after, "a refused save changes nothing");
}

#[tokio::test]
async fn sections_of_the_wrong_type_are_422() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let bad = json!({"personal": "李", "education": {"degree": "master"}, "awards": "none", "compensation": [1],
        "titles": 3, "projects": true});
    let body = expect_error(app.put(&path_of(&id), &designer.token, bad).await, 422, "").await;
    assert_paths(
        &body,
        &[
            "personal",
            "education",
            "awards",
            "compensation",
            "titles",
            "projects",
        ],
    );
    for body in [json!([]), json!("form"), json!(7), json!(null)] {
        let res = app.put(&path_of(&id), &designer.token, body).await;
        expect_error(res, 422, "").await;
    }
}

#[tokio::test]
async fn drafts_may_be_incomplete() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    // A wrong ID number, an unknown district and half an award are fine in a draft.
    let form = json!({"personal": {"name": "只填了名字", "id_number": "123", "district_code": "999999"},
        "awards": [{"name": "还没想好"}]});
    let body = expect(app.put(&path_of(&id), &designer.token, form).await, 200).await;
    assert_eq!(body["personal"]["name"], "只填了名字");
    assert_eq!(body["personal"]["id_number"], "123");
    assert_eq!(body["awards"][0]["name"], "还没想好");
    assert!(body["awards"][0]["id"].is_string());
    // An empty object clears the form.
    let body = expect(
        app.put(&path_of(&id), &designer.token, json!({})).await,
        200,
    )
    .await;
    assert_eq!(body["awards"], json!([]));
}

#[tokio::test]
async fn only_the_owner_saves() {
    let app = spawn_app().await;
    app.open_batch().await;
    let owner = app.designer().await;
    let id = app.draft(&owner).await;
    expect(app.put(&path_of(&id), &owner.token, full_form()).await, 200).await;
    let before = expect(app.get(&path_of(&id), &owner.token).await, 200).await;
    let other = app.designer().await;
    let reviewer = app.reviewer().await;
    let officer = app.staff(&["district_officer"], Some("500103"), None).await;
    let admin = app.admin().await;
    let mut form = full_form();
    form["personal"]["name"] = json!("冒名顶替");
    for user in [&other, &reviewer, &officer, &admin] {
        let res = app.put(&path_of(&id), &user.token, form.clone()).await;
        let (status, body) = status_and_body(res).await;
        assert!(status == 404 || status == 403, "{status}: {body}");
        assert_error_shape(&body);
        let res = app
            .post(
                &format!("/applications/{id}/submit"),
                &user.token,
                json!({}),
            )
            .await;
        let (status, body) = status_and_body(res).await;
        assert!(status == 404 || status == 403, "{status}: {body}");
    }
    expect_error(
        app.put(&path_of(&id), &other.token, form.clone()).await,
        404,
        "not_found",
    )
    .await;
    let res = app
        .req(Method::PUT, &path_of(&id), None)
        .json(&form)
        .send()
        .await
        .unwrap();
    expect_error(res, 401, "").await;
    let after = expect(app.get(&path_of(&id), &owner.token).await, 200).await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn unknown_applications_are_404() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let unknown = uuid::Uuid::new_v4().to_string();
    for id in [unknown.as_str(), "abc", "1", "0"] {
        expect_error(
            app.get(&path_of(id), &designer.token).await,
            404,
            "not_found",
        )
        .await;
        expect_error(
            app.put(&path_of(id), &designer.token, json!({})).await,
            404,
            "not_found",
        )
        .await;
        let res = app
            .post(
                &format!("/applications/{id}/submit"),
                &designer.token,
                json!({}),
            )
            .await;
        expect_error(res, 404, "not_found").await;
    }
}

#[tokio::test]
async fn submitting_an_empty_draft_lists_every_problem() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let res = app
        .post(
            &format!("/applications/{id}/submit"),
            &designer.token,
            json!({}),
        )
        .await;
    let body = expect_error(res, 422, "").await;
    assert_paths(
        &body,
        &[
            "personal.id_number",
            "personal.phone",
            "personal.gender",
            "personal.district_code",
            "personal.clean_record_declared",
            "education",
        ],
    );
    let got = expect(app.get(&path_of(&id), &designer.token).await, 200).await;
    assert_eq!(got["status"], "draft");
}

#[tokio::test]
async fn each_eligibility_problem_is_reported_at_its_field() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let good = id_number("50010319900101123");
    let last = good.chars().last().unwrap();
    let wrong_check = if last == '0' { '1' } else { '0' };
    let mut form = complete_form();
    form["personal"]["id_number"] = json!(format!("{}{wrong_check}", &good[..17]));
    form["personal"]["phone"] = json!("12812345678");
    form["personal"]["district_code"] = json!("500199");
    form["personal"]["clean_record_declared"] = json!(false);
    // Saved without any attachment: every item lacks evidence.
    expect(app.put(&path_of(&id), &designer.token, form).await, 200).await;
    let res = app
        .post(
            &format!("/applications/{id}/submit"),
            &designer.token,
            json!({}),
        )
        .await;
    let body = expect_error(res, 422, "").await;
    assert_paths(
        &body,
        &[
            "personal.id_number",
            "personal.phone",
            "personal.district_code",
            "personal.clean_record_declared",
            "education[0]",
            "awards[0]",
            "compensation",
        ],
    );
}

#[tokio::test]
async fn each_problem_alone_blocks_submission() {
    let app = spawn_app().await;
    app.open_batch().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "/personal/id_number",
            json!("500103199001011234X"),
            "personal.id_number",
        ),
        (
            "/personal/id_number",
            json!("000000000000000000"),
            "personal.id_number",
        ),
        ("/personal/phone", json!("1381234567"), "personal.phone"),
        ("/personal/phone", json!("23812345678"), "personal.phone"),
        (
            "/personal/district_code",
            json!("110101"),
            "personal.district_code",
        ),
        (
            "/personal/clean_record_declared",
            json!(false),
            "personal.clean_record_declared",
        ),
        ("/education", json!([]), "education"),
    ];
    for (pointer, value, path) in cases {
        let designer = app.designer().await;
        let id = app.draft(&designer).await;
        let mut form = complete_form();
        *form.pointer_mut(pointer).unwrap() = value.clone();
        app.save_with_evidence(&designer, &id, form).await;
        let res = app
            .post(
                &format!("/applications/{id}/submit"),
                &designer.token,
                json!({}),
            )
            .await;
        let body = expect_error(res, 422, "").await;
        assert_paths(&body, &[path]);
        assert_eq!(
            field_paths(&body).len(),
            1,
            "{pointer} = {value}: only that problem; {body}"
        );
    }
}

#[tokio::test]
async fn evidence_is_needed_for_every_item() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let saved = expect(
        app.put(&path_of(&id), &designer.token, full_form()).await,
        200,
    )
    .await;
    // Evidence for everything but the second award and the project; one file not linked at all.
    let skip = [
        saved["awards"][1]["id"].clone(),
        saved["projects"][0]["id"].clone(),
    ];
    for item in item_ids(&saved) {
        if !skip.contains(&json!(item)) {
            expect(
                app.upload(&designer.token, &id, Some(&item), "证明.png", png())
                    .await,
                201,
            )
            .await;
        }
    }
    expect(
        app.upload(&designer.token, &id, None, "其他.pdf", pdf())
            .await,
        201,
    )
    .await;
    let res = app
        .post(
            &format!("/applications/{id}/submit"),
            &designer.token,
            json!({}),
        )
        .await;
    let body = expect_error(res, 422, "").await;
    assert_paths(&body, &["awards[1]", "projects[0]"]);
    assert_eq!(field_paths(&body).len(), 2, "{body}");
}

#[tokio::test]
async fn a_major_outside_the_list_is_flagged_not_refused() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let mut form = complete_form();
    form["education"][0]["major_code"] = json!("999999");
    form["education"][0]["major_name"] = json!("交互与体验设计（自设专业）");
    app.save_with_evidence(&designer, &id, form).await;
    let body = expect(
        app.post(
            &format!("/applications/{id}/submit"),
            &designer.token,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(body["status"], "submitted");
    let got = expect(app.get(&path_of(&id), &designer.token).await, 200).await;
    assert_eq!(got["major_flagged"], true);
    assert_eq!(
        got["education"][0]["major_name"],
        "交互与体验设计（自设专业）"
    );

    // Without a major name it is a problem at the degree.
    let other = app.designer().await;
    let id = app.draft(&other).await;
    let mut form = complete_form();
    form["education"][0]["major_code"] = json!("999999");
    form["education"][0]["major_name"] = Value::Null;
    app.save_with_evidence(&other, &id, form).await;
    let res = app
        .post(
            &format!("/applications/{id}/submit"),
            &other.token,
            json!({}),
        )
        .await;
    let body = expect_error(res, 422, "").await;
    assert!(
        field_paths(&body)
            .iter()
            .any(|p| p.starts_with("education[0]")),
        "{body}"
    );
}

#[tokio::test]
async fn a_listed_major_is_not_flagged() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.submitted(&designer).await;
    let got = expect(app.get(&path_of(&id), &designer.token).await, 200).await;
    assert_eq!(got["major_flagged"], false);
}

#[tokio::test]
async fn a_complete_application_submits_once_and_then_is_frozen() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let saved = fill_completely(&app, &designer, &id).await;
    let body = expect(
        app.post(
            &format!("/applications/{id}/submit"),
            &designer.token,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(body["status"], "submitted");

    let got = expect(app.get(&path_of(&id), &designer.token).await, 200).await;
    assert_eq!(got["status"], "submitted");
    let at = got["submitted_at"].as_str().expect("submitted_at");
    assert!(
        at.len() >= 20 && at.contains('T') && (at.ends_with('Z') || at.ends_with("+00:00")),
        "RFC 3339 UTC: {at}"
    );

    expect_error(
        app.put(&path_of(&id), &designer.token, saved.clone()).await,
        409,
        "",
    )
    .await;
    expect_error(
        app.post(
            &format!("/applications/{id}/submit"),
            &designer.token,
            json!({}),
        )
        .await,
        409,
        "",
    )
    .await;
    let item = saved["awards"][0]["id"].as_str().unwrap();
    expect_error(
        app.upload(&designer.token, &id, Some(item), "晚了.pdf", pdf())
            .await,
        409,
        "",
    )
    .await;
    let after = expect(app.get(&path_of(&id), &designer.token).await, 200).await;
    assert_eq!(got, after, "nothing changed after submission");
}

#[tokio::test]
async fn a_draft_cannot_be_submitted_once_its_batch_is_closed() {
    let app = spawn_app().await;
    let batch = app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    fill_completely(&app, &designer, &id).await;
    let reviewer = app.reviewer().await;
    expect(
        app.post(
            &format!("/batches/{batch}/close"),
            &reviewer.token,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    expect_error(
        app.post(
            &format!("/applications/{id}/submit"),
            &designer.token,
            json!({}),
        )
        .await,
        409,
        "",
    )
    .await;
    let got = expect(app.get(&path_of(&id), &designer.token).await, 200).await;
    assert_eq!(got["status"], "draft");
}

#[tokio::test]
async fn lists_are_paged_with_a_total_count() {
    let app = spawn_app().await;
    let batch = app.open_batch().await;
    let mut ids = Vec::new();
    let mut first = None;
    for _ in 0..21 {
        let designer = app.designer().await;
        ids.push(app.draft(&designer).await);
        first.get_or_insert(designer);
    }
    let admin = app.admin().await;
    let page = expect(app.get("/applications", &admin.token).await, 200).await;
    assert_eq!(page["total_count"], 21);
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        20,
        "per_page defaults to 20"
    );
    let page2 = expect(app.get("/applications?page=2", &admin.token).await, 200).await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert_eq!(page2["total_count"], 21);
    let mut seen: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(page2["items"].as_array().unwrap())
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    let first_id = ids[0].clone();
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids, "two pages hold every application once");

    let small = expect(
        app.get("/applications?per_page=5&page=5", &admin.token)
            .await,
        200,
    )
    .await;
    assert_eq!(small["items"].as_array().unwrap().len(), 1);
    assert_eq!(small["total_count"], 21);
    let beyond = expect(
        app.get("/applications?per_page=5&page=6", &admin.token)
            .await,
        200,
    )
    .await;
    assert_eq!(beyond["items"], json!([]));
    assert_eq!(beyond["total_count"], 21);
    let all = expect(
        app.get("/applications?per_page=100", &admin.token).await,
        200,
    )
    .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 21);
    let in_batch = expect(
        app.get(
            &format!("/applications?batch_id={batch}&status=draft"),
            &admin.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(in_batch["total_count"], 21);
    let other_batch = uuid::Uuid::new_v4();
    let none = expect(
        app.get(
            &format!("/applications?batch_id={other_batch}"),
            &admin.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(none["total_count"], 0);

    let line = &page["items"][0];
    for key in [
        "id",
        "status",
        "batch_id",
        "designer_id",
        "name",
        "district_code",
        "submitted_at",
    ] {
        assert!(line.get(key).is_some(), "{key} in {line}");
    }
    assert!(
        line.get("personal").is_none() && line.get("id_number").is_none(),
        "no form in lists: {line}"
    );

    // A designer sees only their own.
    let designer = first.unwrap();
    let own = expect(app.get("/applications", &designer.token).await, 200).await;
    assert_eq!(own["total_count"], 1);
    assert_eq!(own["items"][0]["id"], first_id.as_str());
    assert_eq!(own["items"][0]["designer_id"], designer.id.as_str());
}

#[tokio::test]
async fn list_filters_by_status() {
    let app = spawn_app().await;
    app.open_batch().await;
    let a = app.designer().await;
    app.draft(&a).await;
    let b = app.designer().await;
    let submitted = app.submitted(&b).await;
    let admin = app.admin().await;
    let only = expect(
        app.get("/applications?status=submitted", &admin.token)
            .await,
        200,
    )
    .await;
    assert_eq!(only["total_count"], 1);
    assert_eq!(only["items"][0]["id"], submitted.as_str());
    assert_eq!(only["items"][0]["status"], "submitted");
    assert_eq!(only["items"][0]["name"], "李设计");
    assert_eq!(only["items"][0]["district_code"], "500103");
    assert!(only["items"][0]["submitted_at"].is_string());
    let drafts = expect(
        app.get("/applications?status=draft", &admin.token).await,
        200,
    )
    .await;
    assert_eq!(drafts["total_count"], 1);
    assert!(drafts["items"][0]["submitted_at"].is_null());
}

#[tokio::test]
async fn bad_list_parameters_are_422() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    for (query, path) in [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=-5", "per_page"),
        ("per_page=abc", "per_page"),
        ("per_page=1.5", "per_page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=x", "page"),
        ("page=99999999999999999999999", "page"),
        ("status=bogus", "status"),
        ("status=DRAFT", "status"),
    ] {
        let res = app
            .get(&format!("/applications?{query}"), &designer.token)
            .await;
        let body = expect_error(res, 422, "").await;
        assert_paths(&body, &[path]);
    }
    let res = app
        .get(
            "/applications?page=0&per_page=101&status=bogus",
            &designer.token,
        )
        .await;
    let body = expect_error(res, 422, "").await;
    assert_paths(&body, &["page", "per_page", "status"]);
    expect(
        app.get("/applications?per_page=100&page=1", &designer.token)
            .await,
        200,
    )
    .await;
    let res = app
        .req(Method::GET, "/applications", None)
        .send()
        .await
        .unwrap();
    expect_error(res, 401, "unauthenticated").await;
}

#[tokio::test]
async fn identity_data_is_encrypted_at_rest() {
    if is_postgres() {
        return; // The raw file check is for the embedded SQLite database.
    }
    let app = spawn_app().await;
    assert!(
        app.database_url.starts_with("sqlite:"),
        "{}",
        app.database_url
    );
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let mut form = full_form();
    let number = id_number("50010319851231004");
    form["personal"]["id_number"] = json!(number);
    form["personal"]["phone"] = json!("13698765432");
    form["personal"]["gender"] = json!("female");
    app.save_with_evidence(&designer, &id, form).await;
    expect(
        app.post(
            &format!("/applications/{id}/submit"),
            &designer.token,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    // A reviewer reads it whole (that read is audited): still nothing in clear on disk.
    let reviewer = app.reviewer().await;
    let got = expect(app.get(&path_of(&id), &reviewer.token).await, 200).await;
    assert_eq!(got["personal"]["id_number"], number.as_str());

    let mut raw = Vec::new();
    for name in ["talentlib.db", "talentlib.db-wal"] {
        if let Ok(bytes) = std::fs::read(app.dir.path().join(name)) {
            raw.extend(bytes);
        }
    }
    assert!(raw.len() > 4096, "the database file was read");
    let found = |needle: &str| raw.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        found("王小渝"),
        "the check can see plain text (the name is stored in clear)"
    );
    assert!(!found(&number), "the resident ID number is stored in clear");
    assert!(
        !found(&number[..14]),
        "the ID number's first 14 digits are stored in clear"
    );
    assert!(!found("13698765432"), "the phone number is stored in clear");
}

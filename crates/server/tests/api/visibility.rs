//! Who sees which application, and how much of the identity data (API.md: 404 for what is not
//! visible to you; lists hold only what the caller may see).

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

/// A designer's draft in 渝中区 (500103) with the complete form saved and evidence attached.
async fn yuzhong_draft(app: &TestApp) -> (User, String) {
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    fill_completely(app, &designer, &id).await;
    (designer, id)
}

fn ids_of(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

fn assert_masked_id(shown: &Value, whole: &str) {
    let shown = shown.as_str().expect("id_number present, masked");
    assert_ne!(shown, whole);
    assert_eq!(shown.chars().count(), 18, "{shown}");
    assert_eq!(&shown[..6], &whole[..6], "{shown}");
    assert_eq!(
        &shown[shown.len() - 4..],
        &whole[whole.len() - 4..],
        "{shown}"
    );
    assert!(
        shown[6..shown.len() - 4].chars().all(|c| c == '*'),
        "the birth date is hidden: {shown}"
    );
}

fn assert_masked_phone(shown: &Value, whole: &str) {
    let shown = shown.as_str().expect("phone present, masked");
    assert_ne!(shown, whole);
    assert!(shown.contains('*'), "{shown}");
    assert!(
        !shown.contains(&whole[3..7]),
        "the middle digits are hidden: {shown}"
    );
    assert!(shown.ends_with(&whole[whole.len() - 4..]), "{shown}");
}

#[tokio::test]
async fn a_district_officer_sees_their_districts_drafts_masked() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (_, id) = yuzhong_draft(&app).await;
    // A draft in another district, and one with no district yet.
    let elsewhere = app.designer().await;
    let far = app.draft(&elsewhere).await;
    let mut form = complete_form();
    form["personal"]["district_code"] = json!("500112");
    expect(
        app.put(&format!("/applications/{far}"), &elsewhere.token, form)
            .await,
        200,
    )
    .await;
    let blank = app.designer().await;
    let unset = app.draft(&blank).await;

    let officer = app.staff(&["district_officer"], Some("500103"), None).await;
    let list = expect(app.get("/applications", &officer.token).await, 200).await;
    assert_eq!(ids_of(&list), vec![id.clone()], "{list}");
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["items"][0]["status"], "draft");
    assert_eq!(list["items"][0]["name"], "李设计");
    assert_eq!(list["items"][0]["district_code"], "500103");
    assert!(
        !list.to_string().contains(&id_number("50010319900101123")),
        "no ID number in lists"
    );

    let got = expect(
        app.get(&format!("/applications/{id}"), &officer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(got["personal"]["name"], "李设计");
    assert_eq!(got["awards"][0]["name"], "红点奖");
    let whole = id_number("50010319900101123");
    assert_masked_id(&got["personal"]["id_number"], &whole);
    assert_masked_phone(&got["personal"]["phone"], "13812345678");
    assert!(
        !got.to_string().contains(&whole),
        "the whole ID appears nowhere in the body"
    );
    assert!(
        !got.to_string().contains("13812345678"),
        "the whole phone appears nowhere in the body"
    );

    expect_error(
        app.get(&format!("/applications/{far}"), &officer.token)
            .await,
        404,
        "not_found",
    )
    .await;
    expect_error(
        app.get(&format!("/applications/{unset}"), &officer.token)
            .await,
        404,
        "not_found",
    )
    .await;
    // Filters never widen the scope.
    let list = expect(
        app.get("/applications?district_code=500112", &officer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(list["total_count"], 0);
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn an_officer_of_another_district_sees_nothing() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id) = yuzhong_draft(&app).await;
    let officer = app.staff(&["district_officer"], Some("500101"), None).await;
    expect_error(
        app.get(&format!("/applications/{id}"), &officer.token)
            .await,
        404,
        "not_found",
    )
    .await;
    let list = expect(app.get("/applications", &officer.token).await, 200).await;
    assert_eq!(list["items"], json!([]));
    assert_eq!(list["total_count"], 0);
    let list = expect(
        app.get("/applications?district_code=500103", &officer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(list["total_count"], 0);
    // Still nothing once it is submitted.
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
    expect_error(
        app.get(&format!("/applications/{id}"), &officer.token)
            .await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        expect(app.get("/applications", &officer.token).await, 200).await["total_count"],
        0
    );
}

#[tokio::test]
async fn an_officer_loses_sight_when_the_district_changes() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id) = yuzhong_draft(&app).await;
    let officer = app.staff(&["district_officer"], Some("500103"), None).await;
    expect(
        app.get(&format!("/applications/{id}"), &officer.token)
            .await,
        200,
    )
    .await;
    let mut form = complete_form();
    form["personal"]["district_code"] = json!("FZ-LJXQ");
    expect(
        app.put(&format!("/applications/{id}"), &designer.token, form)
            .await,
        200,
    )
    .await;
    expect_error(
        app.get(&format!("/applications/{id}"), &officer.token)
            .await,
        404,
        "not_found",
    )
    .await;
    let liangjiang = app
        .staff(&["district_officer"], Some("FZ-LJXQ"), None)
        .await;
    expect(
        app.get(&format!("/applications/{id}"), &liangjiang.token)
            .await,
        200,
    )
    .await;
    assert_eq!(
        ids_of(&expect(app.get("/applications", &liangjiang.token).await, 200).await),
        vec![id]
    );
}

#[tokio::test]
async fn another_designer_sees_nothing() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (owner, id) = yuzhong_draft(&app).await;
    let other = app.designer().await;
    let own = app.draft(&other).await;
    expect_error(
        app.get(&format!("/applications/{id}"), &other.token).await,
        404,
        "not_found",
    )
    .await;
    let list = expect(app.get("/applications", &other.token).await, 200).await;
    assert_eq!(ids_of(&list), vec![own.clone()]);
    assert_eq!(list["total_count"], 1);
    // Also after submission, and whatever the filters.
    expect(
        app.post(
            &format!("/applications/{id}/submit"),
            &owner.token,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    expect_error(
        app.get(&format!("/applications/{id}"), &other.token).await,
        404,
        "not_found",
    )
    .await;
    let list = expect(
        app.get("/applications?status=submitted", &other.token)
            .await,
        200,
    )
    .await;
    assert_eq!(list["total_count"], 0);
    let list = expect(
        app.get("/applications?district_code=500103", &other.token)
            .await,
        200,
    )
    .await;
    assert_eq!(ids_of(&list), Vec::<String>::new());
}

#[tokio::test]
async fn reviewers_see_submitted_applications_only_and_whole() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id) = yuzhong_draft(&app).await;
    let reviewer = app.reviewer().await;
    expect_error(
        app.get(&format!("/applications/{id}"), &reviewer.token)
            .await,
        404,
        "not_found",
    )
    .await;
    let list = expect(app.get("/applications", &reviewer.token).await, 200).await;
    assert_eq!(list["total_count"], 0);
    let list = expect(
        app.get("/applications?status=draft", &reviewer.token).await,
        200,
    )
    .await;
    assert_eq!(
        list["total_count"], 0,
        "drafts stay hidden whatever the filter"
    );

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
    let got = expect(
        app.get(&format!("/applications/{id}"), &reviewer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(got["status"], "submitted");
    assert_eq!(got["personal"]["id_number"], id_number("50010319900101123"));
    assert_eq!(got["personal"]["phone"], "13812345678");
    let list = expect(app.get("/applications", &reviewer.token).await, 200).await;
    assert_eq!(ids_of(&list), vec![id]);
}

#[tokio::test]
async fn experts_without_assignments_see_nothing() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id) = yuzhong_draft(&app).await;
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
    let (_, draft) = yuzhong_draft(&app).await;
    let expert = app.staff(&["expert"], None, None).await;
    let list = expect(app.get("/applications", &expert.token).await, 200).await;
    assert_eq!(list["items"], json!([]));
    assert_eq!(list["total_count"], 0);
    for app_id in [&id, &draft] {
        expect_error(
            app.get(&format!("/applications/{app_id}"), &expert.token)
                .await,
            404,
            "not_found",
        )
        .await;
    }
    let service = app.staff(&["service_staff"], None, None).await;
    expect_error(
        app.get(&format!("/applications/{draft}"), &service.token)
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn admins_see_everything() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, submitted) = yuzhong_draft(&app).await;
    expect(
        app.post(
            &format!("/applications/{submitted}/submit"),
            &designer.token,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    let (_, draft) = yuzhong_draft(&app).await;
    let admin = app.admin().await;
    let list = expect(app.get("/applications", &admin.token).await, 200).await;
    let mut ids = ids_of(&list);
    ids.sort();
    let mut expected = vec![submitted.clone(), draft.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(list["total_count"], 2);
    for id in [&submitted, &draft] {
        let got = expect(
            app.get(&format!("/applications/{id}"), &admin.token).await,
            200,
        )
        .await;
        assert_eq!(got["personal"]["id_number"], id_number("50010319900101123"));
    }
}

#[tokio::test]
async fn nobody_else_reads_without_a_token() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (_, id) = yuzhong_draft(&app).await;
    let res = app
        .req(Method::GET, &format!("/applications/{id}"), None)
        .send()
        .await
        .unwrap();
    expect_error(res, 401, "unauthenticated").await;
    let res = app
        .client
        .get(app.api(&format!("/applications/{id}")))
        .header("authorization", "Bearer forged")
        .send()
        .await
        .unwrap();
    expect_error(res, 401, "").await;
}

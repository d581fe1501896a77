//! Collection batches: open, list, inspect, close (API.md "Batches").

use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_reviewer_opens_a_batch() {
    let app = spawn_app().await;
    let reviewer = app.reviewer().await;
    let res = app
        .post("/batches", &reviewer.token, json!({"name": "2026年第一批"}))
        .await;
    let body = expect(res, 201).await;
    assert!(
        body["id"]
            .as_str()
            .is_some_and(|s| !s.is_empty() && s.parse::<u64>().is_err()),
        "{body}"
    );
    assert_eq!(body["name"], "2026年第一批");
    assert_eq!(body["status"], "open");

    let one = expect(
        app.get(
            &format!("/batches/{}", body["id"].as_str().unwrap()),
            &reviewer.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(one["name"], "2026年第一批");
    assert_eq!(one["status"], "open");
}

#[tokio::test]
async fn an_admin_opens_a_batch_too() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let body = expect(
        app.post("/batches", &admin.token, json!({"name": "管理员的批次"}))
            .await,
        201,
    )
    .await;
    assert_eq!(body["status"], "open");
}

#[tokio::test]
async fn only_reviewers_and_admins_handle_batches() {
    let app = spawn_app().await;
    let batch = app.open_batch().await;
    let designer = app.designer().await;
    let officer = app.staff(&["district_officer"], Some("500103"), None).await;
    let expert = app.staff(&["expert"], None, None).await;
    let service = app.staff(&["service_staff"], None, None).await;
    for user in [&designer, &officer, &expert, &service] {
        expect_error(
            app.post("/batches", &user.token, json!({"name": "不该有"}))
                .await,
            403,
            "forbidden",
        )
        .await;
        expect_error(
            app.post(&format!("/batches/{batch}/close"), &user.token, json!({}))
                .await,
            403,
            "forbidden",
        )
        .await;
        expect_error(app.get("/batches", &user.token).await, 403, "forbidden").await;
    }
    let res = app
        .req(Method::POST, "/batches", None)
        .json(&json!({"name": "匿名"}))
        .send()
        .await
        .unwrap();
    expect_error(res, 401, "unauthenticated").await;
    let res = app.req(Method::GET, "/batches", None).send().await.unwrap();
    expect_error(res, 401, "unauthenticated").await;
    let res = app
        .req(Method::POST, &format!("/batches/{batch}/close"), None)
        .send()
        .await
        .unwrap();
    expect_error(res, 401, "unauthenticated").await;
    // The batch is still open.
    let reviewer = app.reviewer().await;
    let one = expect(
        app.get(&format!("/batches/{batch}"), &reviewer.token).await,
        200,
    )
    .await;
    assert_eq!(one["status"], "open");
}

#[tokio::test]
async fn batch_names_are_required_and_bounded() {
    let app = spawn_app().await;
    let reviewer = app.reviewer().await;
    let huge = "批".repeat(300_000); // 900 KB: big, but under any sane body limit
    for body in [
        json!({"name": ""}),
        json!({"name": "   "}),
        json!({"name": "批".repeat(101)}),
        json!({"name": huge}),
        json!({"name": 2026}),
        json!({"name": null}),
        json!({"name": ["a"]}),
        json!({}),
    ] {
        let res = app.post("/batches", &reviewer.token, body).await;
        let body = expect_error(res, 422, "").await;
        assert_paths(&body, &["name"]);
    }
    let list = expect(app.get("/batches", &reviewer.token).await, 200).await;
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(0),
        "nothing was created: {list}"
    );
    // 100 characters are fine.
    expect(
        app.post(
            "/batches",
            &reviewer.token,
            json!({"name": "批".repeat(100)}),
        )
        .await,
        201,
    )
    .await;
}

#[tokio::test]
async fn duplicate_batch_names_are_409() {
    let app = spawn_app().await;
    let reviewer = app.reviewer().await;
    expect(
        app.post("/batches", &reviewer.token, json!({"name": "2026年第一批"}))
            .await,
        201,
    )
    .await;
    expect_error(
        app.post("/batches", &reviewer.token, json!({"name": "2026年第一批"}))
            .await,
        409,
        "",
    )
    .await;
    // Surrounding spaces do not make a new name.
    expect_error(
        app.post(
            "/batches",
            &reviewer.token,
            json!({"name": " 2026年第一批 "}),
        )
        .await,
        409,
        "",
    )
    .await;
    let list = expect(app.get("/batches", &reviewer.token).await, 200).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn batches_are_listed() {
    let app = spawn_app().await;
    let reviewer = app.reviewer().await;
    let a = expect(
        app.post("/batches", &reviewer.token, json!({"name": "第一批"}))
            .await,
        201,
    )
    .await;
    let b = expect(
        app.post("/batches", &reviewer.token, json!({"name": "第二批"}))
            .await,
        201,
    )
    .await;
    let admin = app.admin().await;
    for token in [&reviewer.token, &admin.token] {
        let list = expect(app.get("/batches", token).await, 200).await;
        let list = list.as_array().expect("an array");
        assert_eq!(list.len(), 2);
        for batch in [&a, &b] {
            let found = list
                .iter()
                .find(|x| x["id"] == batch["id"])
                .expect("listed");
            assert_eq!(found["name"], batch["name"]);
            assert_eq!(found["status"], "open");
        }
    }
}

#[tokio::test]
async fn one_batch_comes_with_counts_by_status() {
    let app = spawn_app().await;
    let batch = app.open_batch().await;
    let reviewer = app.reviewer().await;
    let empty = expect(
        app.get(&format!("/batches/{batch}"), &reviewer.token).await,
        200,
    )
    .await;
    assert_eq!(empty["id"], batch.as_str());
    assert_eq!(empty["counts"]["draft"].as_u64().unwrap_or(0), 0, "{empty}");

    let one = app.designer().await;
    app.draft(&one).await;
    let two = app.designer().await;
    app.submitted(&two).await;
    let three = app.designer().await;
    app.draft(&three).await;
    let body = expect(
        app.get(&format!("/batches/{batch}"), &reviewer.token).await,
        200,
    )
    .await;
    assert_eq!(body["counts"]["draft"], 2, "{body}");
    assert_eq!(body["counts"]["submitted"], 1, "{body}");
}

#[tokio::test]
async fn closing_a_batch_once_then_409() {
    let app = spawn_app().await;
    let batch = app.open_batch().await;
    let reviewer = app.reviewer().await;
    let body = expect(
        app.post(
            &format!("/batches/{batch}/close"),
            &reviewer.token,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(body["status"], "closed");
    let one = expect(
        app.get(&format!("/batches/{batch}"), &reviewer.token).await,
        200,
    )
    .await;
    assert_eq!(one["status"], "closed");
    expect_error(
        app.post(
            &format!("/batches/{batch}/close"),
            &reviewer.token,
            json!({}),
        )
        .await,
        409,
        "",
    )
    .await;
    // No open batch left: nobody can start an application.
    let designer = app.designer().await;
    expect_error(
        app.post("/applications", &designer.token, json!({})).await,
        409,
        "no_open_batch",
    )
    .await;
}

#[tokio::test]
async fn unknown_batches_are_404() {
    let app = spawn_app().await;
    let reviewer = app.reviewer().await;
    let unknown = uuid::Uuid::new_v4().to_string();
    for id in [
        unknown.as_str(),
        "abc",
        "1",
        "00000000-0000-0000-0000-000000000000",
        "%20",
        "..%2F..%2Fetc",
    ] {
        expect_error(
            app.get(&format!("/batches/{id}"), &reviewer.token).await,
            404,
            "not_found",
        )
        .await;
        let res = app
            .post(&format!("/batches/{id}/close"), &reviewer.token, json!({}))
            .await;
        expect_error(res, 404, "not_found").await;
    }
}

/// A returned application whose batch has gone on to scoring, and a draft left in a closed
/// batch, are submitted into the newest open batch; with none open they wait (409).
#[tokio::test]
async fn applications_left_behind_by_their_batch_carry_over_to_the_open_one() {
    let app = spawn_app().await;
    let reviewer = app.staff(&["reviewer"], None, None).await;
    let open = |name: &'static str| {
        let (app, token) = (&app, reviewer.token.clone());
        async move {
            let res = app.post("/batches", &token, json!({"name": name})).await;
            expect(res, 201).await["id"].as_str().unwrap().to_string()
        }
    };
    let close = |batch: String| {
        let (app, token) = (&app, reviewer.token.clone());
        async move {
            let res = app
                .post(&format!("/batches/{batch}/close"), &token, json!({}))
                .await;
            expect(res, 200).await;
        }
    };
    let first = open("第一批").await;
    let kept = app.designer().await;
    let kept_app = app.submitted(&kept).await;
    let back = app.designer().await;
    let back_app = app.submitted(&back).await;
    expect(review(&app, &reviewer, &kept_app, "accept").await, 200).await;
    expect(review(&app, &reviewer, &back_app, "return").await, 200).await;
    close(first.clone()).await;
    app.staff(&["expert"], None, Some("评审单位")).await;
    let res = app
        .post(
            &format!("/batches/{first}/assign"),
            &reviewer.token,
            json!({"experts_per_application": 1}),
        )
        .await;
    expect(res, 200).await;

    // Scoring has begun and no batch is open: it waits.
    expect_error(submit(&app, &back, &back_app).await, 409, "batch_not_open").await;
    let second = open("第二批").await;
    expect(submit(&app, &back, &back_app).await, 200).await;
    let moved = expect(
        app.get(&format!("/applications/{back_app}"), &back.token)
            .await,
        200,
    )
    .await;
    assert_eq!(moved["batch_id"], second.as_str());
    assert_eq!(moved["status"], "submitted");
    // The timeline says where it went, to the designer and to the reviewer.
    let note = "原批次“第一批”已截止，本次提交转入“第二批”。";
    let record = format!("/applications/{back_app}");
    let review_page = format!("/review/applications/{back_app}");
    for (path, token) in [
        (&record, &back.token),
        (&record, &reviewer.token),
        (&review_page, &reviewer.token),
    ] {
        let (status, html) = crate::pages::bearer_page(&app, path, token).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains(note), "{path}");
    }
    // A submission that stayed in its batch names no move.
    let (_, html) =
        crate::pages::bearer_page(&app, &format!("/applications/{kept_app}"), &kept.token).await;
    assert!(!html.contains("已截止，本次提交转入"));

    // A draft left in a closed batch goes into the next open one.
    let late = app.designer().await;
    let draft = app.draft(&late).await;
    fill_completely(&app, &late, &draft).await;
    let twice = app.designer().await;
    let old_draft = app.draft(&twice).await;
    fill_completely(&app, &twice, &old_draft).await;
    close(second.clone()).await;
    expect_error(submit(&app, &late, &draft).await, 409, "batch_not_open").await;
    let third = open("第三批").await;
    expect(submit(&app, &late, &draft).await, 200).await;
    let moved = expect(
        app.get(&format!("/applications/{draft}"), &late.token)
            .await,
        200,
    )
    .await;
    assert_eq!(moved["batch_id"], third.as_str());
    // One application per designer per batch: with one of their own there already, 409, and
    // the old draft stays where it was.
    app.draft(&twice).await;
    expect_error(
        submit(&app, &twice, &old_draft).await,
        409,
        "already_applied",
    )
    .await;
    let stayed = expect(
        app.get(&format!("/applications/{old_draft}"), &twice.token)
            .await,
        200,
    )
    .await;
    assert_eq!(stayed["batch_id"], second.as_str());
    assert_eq!(stayed["status"], "draft");
}

async fn review(app: &TestApp, reviewer: &User, id: &str, decision: &str) -> reqwest::Response {
    app.post(
        &format!("/applications/{id}/review"),
        &reviewer.token,
        json!({"decision": decision, "comment": "请补充职称证书", "items": []}),
    )
    .await
}

async fn submit(app: &TestApp, designer: &User, id: &str) -> reqwest::Response {
    app.post(
        &format!("/applications/{id}/submit"),
        &designer.token,
        json!({}),
    )
    .await
}

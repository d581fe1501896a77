//! Review decisions, rubric versions, reference scores, assignment, scoring, finalize, ratings,
//! the library and notifications (API.md "Applications" review, "Scoring and ratings", "The library").

use crate::helpers::*;
use serde_json::{json, Value};
use talentlib_store::sea_orm::ConnectionTrait;

/// A batch with `n` accepted applications whose evidence is all verified, closed.
struct Scene {
    app: TestApp,
    reviewer: User,
    batch: String,
    designers: Vec<(User, String)>,
}

async fn submitted(app: &TestApp, n: usize) -> (User, String, Vec<(User, String, Value)>) {
    let reviewer = app.staff(&["reviewer"], None, None).await;
    let res = app
        .post("/batches", &reviewer.token, json!({"name": "评分批次"}))
        .await;
    let batch = expect(res, 201).await["id"].as_str().unwrap().to_string();
    let mut out = Vec::new();
    for _ in 0..n {
        let d = app.designer().await;
        let id = app.draft(&d).await;
        let saved = fill_completely(app, &d, &id).await;
        expect(
            app.post(&format!("/applications/{id}/submit"), &d.token, json!({}))
                .await,
            200,
        )
        .await;
        out.push((d, id, saved));
    }
    (reviewer, batch, out)
}

fn item_ids(saved: &Value) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for section in ["education", "awards"] {
        for item in saved[section].as_array().unwrap() {
            ids.push(item["id"].as_str().unwrap().to_string());
        }
    }
    ids.push(saved["compensation"]["id"].as_str().unwrap().to_string());
    ids
}

async fn accepted_scene(n: usize) -> Scene {
    let app = spawn_app().await;
    let (reviewer, batch, list) = submitted(&app, n).await;
    let mut designers = Vec::new();
    for (d, id, saved) in list {
        let items: Vec<Value> = item_ids(&saved)
            .into_iter()
            .map(|i| json!({"item_id": i, "verified": true}))
            .collect();
        let res = app
            .post(
                &format!("/applications/{id}/review"),
                &reviewer.token,
                json!({"decision": "accept", "comment": "材料齐全", "items": items}),
            )
            .await;
        assert_eq!(expect(res, 200).await["status"], "accepted");
        designers.push((d, id));
    }
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
    Scene {
        app,
        reviewer,
        batch,
        designers,
    }
}

fn full_marks() -> Value {
    json!({"titles": 15, "awards": 30, "articles": 10, "ip_rights": 15, "honors": 10, "compensation": 10, "projects": 10})
}

fn sheet(total_titles: f64) -> Value {
    json!({"scores": {"titles": total_titles, "awards": 20, "articles": 5, "ip_rights": 5, "honors": 5, "compensation": 5, "projects": 5}})
}

#[tokio::test]
async fn review_decisions_follow_the_rules_and_the_designer_is_told() {
    let app = spawn_app().await;
    let (reviewer, _batch, list) = submitted(&app, 1).await;
    let (designer, id, saved) = &list[0];
    let path = format!("/applications/{id}/review");
    // A return needs a comment; an unknown decision and a foreign item are refused, all at once.
    let res = app
        .post(
            &path,
            &reviewer.token,
            json!({"decision": "return", "comment": " "}),
        )
        .await;
    assert_eq!(
        field_paths(&expect_error(res, 422, "invalid_input").await),
        ["comment"]
    );
    let res = app.post(&path, &reviewer.token, json!({"decision": "maybe", "items": [{"item_id": uuid::Uuid::new_v4().to_string(), "verified": true}]})).await;
    let body = expect_error(res, 422, "invalid_input").await;
    assert_eq!(field_paths(&body), ["decision"]);
    let res = app.post(&path, &reviewer.token, json!({"decision": "accept", "items": [{"item_id": uuid::Uuid::new_v4().to_string(), "verified": true}]})).await;
    assert_eq!(
        field_paths(&expect_error(res, 422, "invalid_input").await),
        ["items[0].item_id"]
    );
    // A NUL in the comment is refused like any bad input (PostgreSQL text cannot hold one).
    let res = app
        .post(
            &path,
            &reviewer.token,
            json!({"decision": "return", "comment": "请补\u{0}充"}),
        )
        .await;
    assert_eq!(
        field_paths(&expect_error(res, 422, "invalid_input").await),
        ["comment"]
    );
    // Designers and district officers may not review.
    let res = app
        .post(&path, &designer.token, json!({"decision": "accept"}))
        .await;
    expect_error(res, 403, "forbidden").await;
    // Return with a comment: the designer sees it and is notified, edits and resubmits.
    let res = app
        .post(
            &path,
            &reviewer.token,
            json!({"decision": "return", "comment": "请补充获奖证书"}),
        )
        .await;
    let body = expect(res, 200).await;
    assert_eq!(body["status"], "returned");
    let mine = expect(
        app.get(&format!("/applications/{id}"), &designer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(mine["review"]["comment"], "请补充获奖证书");
    assert!(
        mine.get("review_items").is_none(),
        "reviewers' item notes are not shown to the designer"
    );
    let notes = expect(app.get("/notifications", &designer.token).await, 200).await;
    assert_eq!(notes["unread"], 1);
    assert_eq!(notes["items"][0]["kind"], "decision.return");
    let again = app
        .post(&path, &reviewer.token, json!({"decision": "accept"}))
        .await;
    expect_error(again, 409, "not_reviewable").await;
    let res = app
        .put(
            &format!("/applications/{id}"),
            &designer.token,
            saved.clone(),
        )
        .await;
    expect(res, 200).await;
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
    let res = app
        .post(
            &path,
            &reviewer.token,
            json!({"decision": "reject", "comment": "不符合征集范围"}),
        )
        .await;
    assert_eq!(expect(res, 200).await["status"], "rejected");
    expect(
        app.post("/notifications/read", &designer.token, json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(
        expect(app.get("/notifications", &designer.token).await, 200).await["unread"],
        0
    );
}

#[tokio::test]
async fn reference_score_counts_verified_items_only() {
    let app = spawn_app().await;
    let (reviewer, _batch, list) = submitted(&app, 1).await;
    let (designer, id, saved) = &list[0];
    let award = saved["awards"][0]["id"].as_str().unwrap();
    let path = format!("/applications/{id}/reference-score");
    let before = expect(app.get(&path, &reviewer.token).await, 200).await;
    assert_eq!(before["total"], 0.0);
    let res = app
        .post(
            &format!("/applications/{id}/review"),
            &reviewer.token,
            json!({"decision": "accept", "items": [{"item_id": award, "verified": true}]}),
        )
        .await;
    expect(res, 200).await;
    let after = expect(app.get(&path, &reviewer.token).await, 200).await;
    // An international gold award as lead: 15 points (awards cap 30).
    assert_eq!(after["categories"]["awards"], 15.0);
    assert_eq!(after["total"], 15.0);
    assert_eq!(
        after["items"][0]["rule"]
            .as_str()
            .unwrap()
            .split(' ')
            .next(),
        Some("awards.international.grand")
    );
    expect_error(app.get(&path, &designer.token).await, 403, "forbidden").await;
}

#[tokio::test]
async fn rubric_versions_are_validated_published_and_kept() {
    let app = spawn_app().await;
    let admin = app.staff(&["admin"], None, None).await;
    let reviewer = app.staff(&["reviewer"], None, None).await;
    let current = expect(
        app.req(reqwest::Method::GET, "/rubric", None)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(current["version"], "default-1");
    let mut file: Value =
        serde_json::from_str(include_str!("../../../../seed/scoring-rubric.json")).unwrap();
    file["version"] = json!("2027-1");
    file["categories"]["awards"]["cap"] = json!(25);
    expect_error(
        app.post("/rubric", &reviewer.token, file.clone()).await,
        403,
        "forbidden",
    )
    .await;
    let mut bad = file.clone();
    bad["categories"].as_object_mut().unwrap().remove("honors");
    bad["star_levels"][0]["min_score"] = json!(10);
    let body = expect_error(
        app.post("/rubric", &admin.token, bad).await,
        422,
        "invalid_input",
    )
    .await;
    let paths = field_paths(&body);
    assert!(
        paths.contains(&"categories.honors".to_string())
            && paths.contains(&"star_levels".to_string()),
        "{paths:?}"
    );
    let created = expect(app.post("/rubric", &admin.token, file.clone()).await, 201).await;
    assert_eq!(created["version"], "2027-1");
    let awards = created["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "awards")
        .unwrap()
        .clone();
    assert_eq!(awards["max"], 25.0);
    expect_error(
        app.post("/rubric", &admin.token, file).await,
        409,
        "rubric_version_taken",
    )
    .await;
    let now = expect(
        app.req(reqwest::Method::GET, "/rubric", None)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(now["version"], "2027-1");
    let old = app
        .req(reqwest::Method::GET, "/rubric/versions/default-1", None)
        .send()
        .await
        .unwrap();
    assert_eq!(expect(old, 200).await["version"], "default-1");
}

#[tokio::test]
async fn the_whole_scoring_procedure() {
    let s = accepted_scene(3).await;
    let app = &s.app;
    let mut experts = Vec::new();
    for i in 0..5 {
        experts.push(
            app.staff(&["expert"], None, Some(&format!("单位{i}")))
                .await,
        );
    }
    let assign = format!("/batches/{}/assign", s.batch);
    // Validation, then a preview that saves nothing, then the same seed commits the same draw.
    let res = app
        .post(
            &assign,
            &s.reviewer.token,
            json!({"experts_per_application": 0}),
        )
        .await;
    expect_error(res, 422, "invalid_input").await;
    let res = app
        .post(
            &assign,
            &s.reviewer.token,
            json!({"experts_per_application": 6}),
        )
        .await;
    expect_error(res, 409, "too_few_experts").await;
    let preview = expect(
        app.post(
            &assign,
            &s.reviewer.token,
            json!({"experts_per_application": 5, "seed": 7, "preview": true}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(preview["assignments"], 15);
    assert_eq!(preview["seed"], 7);
    let mine = expect(
        app.get("/experts/me/assignments", &experts[0].token).await,
        200,
    )
    .await;
    assert_eq!(mine.as_array().unwrap().len(), 0, "a preview saves nothing");
    let committed = expect(
        app.post(
            &assign,
            &s.reviewer.token,
            json!({"experts_per_application": 5, "seed": 7}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(committed["items"], preview["items"]);
    expect_error(
        app.post(
            &assign,
            &s.reviewer.token,
            json!({"experts_per_application": 5}),
        )
        .await,
        409,
        "batch_not_closed",
    )
    .await;

    // Finalizing waits for every score.
    let finalize = format!("/batches/{}/finalize", s.batch);
    expect_error(
        app.post(&finalize, &s.reviewer.token, json!({})).await,
        409,
        "unscored_assignments",
    )
    .await;

    let (first_designer, first_app) = &s.designers[0];
    let scores_path = format!("/applications/{first_app}/scores");
    // Shape rules: every category, none unknown, within [0, max], at most 2 decimals.
    let res = app
        .post(
            &scores_path,
            &experts[0].token,
            json!({"scores": {"titles": 16, "bogus": 1}}),
        )
        .await;
    let body = expect_error(res, 422, "invalid_input").await;
    let paths = field_paths(&body);
    assert!(
        paths.contains(&"scores.titles".to_string())
            && paths.contains(&"scores.bogus".to_string())
            && paths.contains(&"scores.awards".to_string())
    );
    let outsider = app.staff(&["expert"], None, None).await;
    expect_error(
        app.post(&scores_path, &outsider.token, full_marks()).await,
        404,
        "not_found",
    )
    .await;
    expect_error(
        app.get(&format!("/applications/{first_app}"), &outsider.token)
            .await,
        404,
        "not_found",
    )
    .await;
    // An assigned expert sees the application and its evidence, but nothing of other experts.
    let seen = expect(
        app.get(&format!("/applications/{first_app}"), &experts[0].token)
            .await,
        200,
    )
    .await;
    let file = seen["attachments"][0]["id"].as_str().unwrap();
    let res = app
        .get(&format!("/attachments/{file}"), &experts[0].token)
        .await;
    assert_eq!(res.status(), 200);

    // Five experts: totals 10+45=55, 56, 57, 58 and 99.9 → trimmed mean of 56, 57, 58 = 57.
    let titles = [10.0, 11.0, 12.0, 13.0, 14.99];
    for (e, t) in experts.iter().zip(titles) {
        for (_, app_id) in &s.designers {
            let mut body = sheet(t);
            if t == 14.99 {
                body["scores"]["awards"] = json!(30);
                body["scores"]["articles"] = json!(10);
                body["scores"]["ip_rights"] = json!(14.91);
            }
            let res = app
                .post(&format!("/applications/{app_id}/scores"), &e.token, body)
                .await;
            expect(res, 200).await;
        }
    }
    // Revisable before finalizing.
    expect(
        app.post(&scores_path, &experts[0].token, sheet(10.0)).await,
        200,
    )
    .await;
    let mine = expect(
        app.get("/experts/me/assignments", &experts[0].token).await,
        200,
    )
    .await;
    assert!(mine.as_array().unwrap().iter().all(|a| a["scored"] == true));
    let panel = expect(
        app.get(
            &format!("/applications/{first_app}/panel"),
            &s.reviewer.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(panel["total"], 57.0);
    assert_eq!(panel["median"], 57.0);
    assert_eq!(panel["experts_scored"], 5);

    expect_error(
        app.get(
            &format!("/applications/{first_app}/rating"),
            &first_designer.token,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let done = expect(app.post(&finalize, &s.reviewer.token, json!({})).await, 200).await;
    assert_eq!(done["ratings"], 3);
    assert_eq!(done["distribution"]["3"], 3);
    expect_error(
        app.post(&scores_path, &experts[0].token, sheet(10.0)).await,
        409,
        "batch_finalized",
    )
    .await;
    expect_error(
        app.post(&finalize, &s.reviewer.token, json!({})).await,
        409,
        "batch_not_scoring",
    )
    .await;

    let rating = expect(
        app.get(
            &format!("/applications/{first_app}/rating"),
            &first_designer.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rating["total"], 57.0);
    assert_eq!(rating["stars"], 3);
    assert_eq!(rating["rubric_version"], "default-1");
    assert_eq!(rating["batch_id"], s.batch.as_str());
    assert_eq!(rating["categories"]["titles"], 12.0);
    let history = expect(
        app.get(
            &format!("/designers/{}/ratings", first_designer.id),
            &first_designer.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(history.as_array().unwrap().len(), 1);
    let stranger = app.designer().await;
    expect_error(
        app.get(
            &format!("/designers/{}/ratings", first_designer.id),
            &stranger.token,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    expect_error(
        app.get(
            &format!("/applications/{first_app}/rating"),
            &stranger.token,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let notes = expect(app.get("/notifications", &first_designer.token).await, 200).await;
    assert!(notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "rating.published"));

    // The library: staff see all three; the public only those who consented (all did here).
    let staff = expect(app.get("/library?stars=3", &s.reviewer.token).await, 200).await;
    assert_eq!(staff["total_count"], 3);
    let public = app
        .req(reqwest::Method::GET, "/library?stars=3&page=1", None)
        .send()
        .await
        .unwrap();
    let public = expect(public, 200).await;
    assert_eq!(public["total_count"], 3);
    let item = &public["items"][0];
    for absent in ["id_number", "phone", "email", "employer"] {
        assert!(item.get(absent).is_none(), "{absent} must not be public");
    }
    expect_error(
        app.req(reqwest::Method::GET, "/library?stars=9", None)
            .send()
            .await
            .unwrap(),
        422,
        "invalid_input",
    )
    .await;
    let csv = app.get("/library/export.csv", &s.reviewer.token).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.text().await.unwrap().lines().count(), 4);
    expect_error(
        app.get("/library/export.csv", &first_designer.token).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn experts_never_score_a_colleague() {
    let s = accepted_scene(2).await;
    let app = &s.app;
    // complete_form's employer is 重庆某设计公司: an expert from there must never be drawn.
    let colleague = app.staff(&["expert"], None, Some("重庆某设计公司")).await;
    for i in 0..3 {
        app.staff(&["expert"], None, Some(&format!("其他单位{i}")))
            .await;
    }
    let res = app
        .post(
            &format!("/batches/{}/assign", s.batch),
            &s.reviewer.token,
            json!({"experts_per_application": 3}),
        )
        .await;
    let body = expect(res, 200).await;
    for item in body["items"].as_array().unwrap() {
        assert!(!item["expert_ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == colleague.id.as_str()));
    }
    let mine = expect(
        app.get("/experts/me/assignments", &colleague.token).await,
        200,
    )
    .await;
    assert!(mine.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_batch_is_scored_and_rated_by_the_rubric_in_force_when_experts_were_assigned() {
    let s = accepted_scene(1).await;
    let app = &s.app;
    let expert = app.staff(&["expert"], None, Some("评审单位")).await;
    expect(
        app.post(
            &format!("/batches/{}/assign", s.batch),
            &s.reviewer.token,
            json!({"experts_per_application": 1}),
        )
        .await,
        200,
    )
    .await;
    // A new version published while experts score: titles capped at 5 instead of 15.
    let admin = app.staff(&["admin"], None, None).await;
    let mut file: Value =
        serde_json::from_str(include_str!("../../../../seed/scoring-rubric.json")).unwrap();
    file["version"] = json!("2027-1");
    file["categories"]["titles"]["cap"] = json!(5);
    file["categories"]["awards"]["cap"] = json!(40);
    expect(app.post("/rubric", &admin.token, file).await, 201).await;

    let (_, app_id) = &s.designers[0];
    // 12 titles points are within the pinned rubric's cap of 15 (the new cap would refuse them).
    expect(
        app.post(
            &format!("/applications/{app_id}/scores"),
            &expert.token,
            sheet(12.0),
        )
        .await,
        200,
    )
    .await;
    expect(
        app.post(
            &format!("/batches/{}/finalize", s.batch),
            &s.reviewer.token,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    let rating = expect(
        app.get(&format!("/applications/{app_id}/rating"), &s.reviewer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(rating["rubric_version"], "default-1");
    assert_eq!(rating["categories"]["titles"], 12.0);
    // The next batch is scored by the new version.
    let current = expect(
        app.req(reqwest::Method::GET, "/rubric", None)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(current["version"], "2027-1");
}

/// A swapped-out expert's sheet no longer counts: not in the panel, not in the rating; and a
/// panel that disagrees with the sheets is recomputed from them when finalizing.
#[tokio::test]
async fn ratings_count_the_current_panel_only() {
    let s = accepted_scene(2).await;
    let app = &s.app;
    let mut experts = Vec::new();
    for i in 0..3 {
        experts.push(
            app.staff(&["expert"], None, Some(&format!("单位{i}")))
                .await,
        );
    }
    let drawn = expect(
        app.post(
            &format!("/batches/{}/assign", s.batch),
            &s.reviewer.token,
            json!({"experts_per_application": 2}),
        )
        .await,
        200,
    )
    .await;
    let token_of = |id: &str| {
        experts
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.token.clone())
            .unwrap()
    };
    // Every assigned expert scores 10 points of titles; on the first application one gives 15.
    let first = s.designers[0].1.clone();
    let mut on_first: Vec<String> = Vec::new();
    for item in drawn["items"].as_array().unwrap() {
        let app_id = item["application_id"].as_str().unwrap();
        for e in item["expert_ids"].as_array().unwrap() {
            let e = e.as_str().unwrap();
            let titles = if app_id == first && on_first.is_empty() {
                15.0
            } else {
                10.0
            };
            if app_id == first {
                on_first.push(e.to_string());
            }
            let res = app
                .post(
                    &format!("/applications/{app_id}/scores"),
                    &token_of(e),
                    sheet(titles),
                )
                .await;
            expect(res, 200).await;
        }
    }
    // The 15-point expert is replaced by the one not on the panel, who gives 12.
    let spare = experts.iter().find(|e| !on_first.contains(&e.id)).unwrap();
    let res = app
        .post(
            &format!("/applications/{first}/assignments/swap"),
            &s.reviewer.token,
            json!({"from": on_first[0], "to": spare.id}),
        )
        .await;
    expect(res, 200).await;
    let panel = expect(
        app.get(&format!("/applications/{first}/panel"), &s.reviewer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(
        panel["experts_scored"], 1,
        "the replaced expert's sheet is gone"
    );
    expect(
        app.post(
            &format!("/applications/{first}/scores"),
            &spare.token,
            sheet(12.0),
        )
        .await,
        200,
    )
    .await;
    // A panel out of step with the sheets (here made so by hand) is not trusted.
    let other = s.designers[1].1.clone();
    app.state
        .store
        .db()
        .execute_unprepared(&format!(
            "UPDATE panel SET total = 0, experts_scored = 7 WHERE application_id = '{other}'"
        ))
        .await
        .unwrap();
    expect(
        app.post(
            &format!("/batches/{}/finalize", s.batch),
            &s.reviewer.token,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    let rating = |id: String| {
        let token = s.reviewer.token.clone();
        async move {
            expect(
                app.get(&format!("/applications/{id}/rating"), &token).await,
                200,
            )
            .await
        }
    };
    // sheet(t) totals t + 45: (10 + 45 + 12 + 45) / 2 = 56; the other (55 + 55) / 2 = 55.
    assert_eq!(rating(first).await["total"], 56.0);
    assert_eq!(rating(other).await["total"], 55.0);
}

#[tokio::test]
async fn too_few_experts_says_how_many_and_which_application_cannot_be_covered() {
    let s = accepted_scene(1).await;
    let app = &s.app;
    // Two of the three experts work where the applicant works (complete_form: 重庆某设计公司).
    for employer in ["重庆某设计公司", " 重庆某设计公司", "四川美术学院"] {
        app.staff(&["expert"], None, Some(employer)).await;
    }
    let assign = format!("/batches/{}/assign", s.batch);
    let res = app
        .post(
            &assign,
            &s.reviewer.token,
            json!({"experts_per_application": 2, "preview": true}),
        )
        .await;
    let body = expect_error(res, 409, "too_few_experts").await;
    let message = body["error"]["message"].as_str().unwrap();
    for part in ["2 名", "李设计", "1 名", "重庆某设计公司", "用户管理"] {
        assert!(message.contains(part), "{part} in {message}");
    }
    // More experts than there are: a plain count, no applicant named.
    let res = app
        .post(
            &assign,
            &s.reviewer.token,
            json!({"experts_per_application": 4, "preview": true}),
        )
        .await;
    let body = expect_error(res, 409, "too_few_experts").await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("只有 3 名专家"), "{message}");
    assert!(!message.contains("李设计"), "{message}");
}

/// On the batch page a draw is committed only after it has been previewed: a commit without a
/// preview, or of other settings than the previewed ones, shows the preview and saves nothing;
/// the commit of what was previewed saves exactly that draw.
#[tokio::test]
async fn the_batch_page_commits_only_a_previewed_draw() {
    use crate::pages::{Browser, STAFF_PASSWORD};
    use reqwest::StatusCode;
    let s = accepted_scene(2).await;
    let app = &s.app;
    let mut experts = Vec::new();
    for i in 0..3 {
        experts.push(
            app.staff(&["expert"], None, Some(&format!("评审单位{i}")))
                .await,
        );
    }
    let b = Browser::signed_in(app, &s.reviewer.email, STAFF_PASSWORD).await;
    let assign = format!("/batches/{}/assign", s.batch);
    let assigned = |body: Value| body["status"] == "scoring";
    let batch_now = || async {
        expect(
            app.get(&format!("/batches/{}", s.batch), &s.reviewer.token)
                .await,
            200,
        )
        .await
    };
    let page = b.get(&format!("/batches/{}", s.batch)).await;
    assert!(
        !page.html.contains("name=\"action\" value=\"commit\""),
        "no commit before a preview"
    );

    for fields in [
        vec![
            ("experts_per_application", "2"),
            ("seed", "42"),
            ("action", "commit"),
        ],
        vec![
            ("experts_per_application", "2"),
            ("action", "commit"),
            ("previewed", "2:"),
        ],
        vec![
            ("experts_per_application", "2"),
            ("seed", "42"),
            ("action", "commit"),
            ("previewed", "2:41"),
        ],
    ] {
        let page = b.post(&assign, &fields, None).await;
        assert_eq!(page.status, StatusCode::OK, "{fields:?}");
        assert!(
            page.html.contains("assign-preview"),
            "previewed instead: {fields:?}"
        );
        assert!(page.html.contains("name=\"previewed\""));
        assert!(!assigned(batch_now().await), "nothing saved: {fields:?}");
    }
    let draw = expect(
        app.post(
            &format!("/batches/{}/assign", s.batch),
            &s.reviewer.token,
            json!({"experts_per_application": 2, "seed": 42, "preview": true}),
        )
        .await,
        200,
    )
    .await;
    let page = b
        .post(
            &assign,
            &[
                ("experts_per_application", "2"),
                ("seed", "42"),
                ("action", "commit"),
                ("previewed", "2:42"),
            ],
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(assigned(batch_now().await));
    // The saved draw is the previewed one: each expert's assignments are what it drew.
    for expert in &experts {
        let mine = expect(app.get("/experts/me/assignments", &expert.token).await, 200).await;
        let mut saved: Vec<String> = mine
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["application_id"].as_str().unwrap().to_string())
            .collect();
        let mut drawn: Vec<String> = draw["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| {
                i["expert_ids"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(expert.id))
            })
            .map(|i| i["application_id"].as_str().unwrap().to_string())
            .collect();
        saved.sort();
        drawn.sort();
        assert_eq!(saved, drawn, "expert {}", expert.id);
    }
}

/// A designer who also holds a staff role is a party to their own application: as a reviewer
/// they cannot decide on it (403, and the page offers no decision), as an expert they are never
/// drawn for it.
#[tokio::test]
async fn nobody_reviews_or_scores_their_own_application() {
    use crate::pages::bearer_page;
    let app = spawn_app().await;
    let reviewer = app.reviewer().await;
    let res = app
        .post("/batches", &reviewer.token, json!({"name": "本人申报"}))
        .await;
    let batch = expect(res, 201).await["id"].as_str().unwrap().to_string();
    let both = app.staff(&["designer", "reviewer"], None, None).await;
    let own = app.submitted(&both).await;
    let path = format!("/applications/{own}/review");
    let res = app
        .post(
            &path,
            &both.token,
            json!({"decision": "accept", "items": []}),
        )
        .await;
    expect_error(res, 403, "forbidden").await;
    let (status, html) =
        bearer_page(&app, &format!("/review/applications/{own}"), &both.token).await;
    assert_eq!(status, 200, "they still see it");
    assert!(html.contains("这是您本人的申报"));
    assert!(!html.contains("name=\"decision\""), "no decision form");
    let still = expect(
        app.get(&format!("/applications/{own}"), &both.token).await,
        200,
    )
    .await;
    assert_eq!(still["status"], "submitted", "nothing changed");

    // The designer-expert: their application accepted, they are never on its panel.
    let expert_self = app
        .staff(&["designer", "expert"], None, Some("甲单位"))
        .await;
    let theirs = app.submitted(&expert_self).await;
    // Nor on a competitor's in the same batch: 403 saying why, and the page offers no decision.
    let res = app
        .post(
            &format!("/applications/{theirs}/review"),
            &both.token,
            json!({"decision": "reject", "comment": "不符合", "items": []}),
        )
        .await;
    let body = expect_error(res, 403, "forbidden").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("回避"));
    let (status, html) =
        bearer_page(&app, &format!("/review/applications/{theirs}"), &both.token).await;
    assert_eq!(status, 200);
    assert!(html.contains("按回避规定") && !html.contains("name=\"decision\""));
    for id in [&own, &theirs] {
        let res = app
            .post(
                &format!("/applications/{id}/review"),
                &reviewer.token,
                json!({"decision": "accept", "items": []}),
            )
            .await;
        expect(res, 200).await;
    }
    for i in 0..2 {
        app.staff(&["expert"], None, Some(&format!("乙单位{i}")))
            .await;
    }
    let res = app
        .post(
            &format!("/batches/{batch}/close"),
            &reviewer.token,
            json!({}),
        )
        .await;
    expect(res, 200).await;
    for seed in 0..20u64 {
        let res = app
            .post(
                &format!("/batches/{batch}/assign"),
                &reviewer.token,
                json!({"experts_per_application": 2, "seed": seed, "preview": true}),
            )
            .await;
        let draw = expect(res, 200).await;
        let item = draw["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["application_id"] == theirs.as_str())
            .unwrap()
            .clone();
        assert!(
            !item["expert_ids"]
                .as_array()
                .unwrap()
                .contains(&json!(expert_self.id)),
            "seed {seed}: {item}"
        );
    }
    // Three experts for one's own application leaves one short: refused, not a self-assignment.
    let res = app
        .post(
            &format!("/batches/{batch}/assign"),
            &reviewer.token,
            json!({"experts_per_application": 3}),
        )
        .await;
    expect_error(res, 409, "too_few_experts").await;
    // A party to the batch (their own application is in it) takes no part in its scoring.
    let res = app
        .post(
            &format!("/batches/{batch}/assign"),
            &both.token,
            json!({"experts_per_application": 2, "preview": true}),
        )
        .await;
    expect_error(res, 403, "forbidden").await;
    // Committed: their own application is not among their assignments.
    let res = app
        .post(
            &format!("/batches/{batch}/assign"),
            &reviewer.token,
            json!({"experts_per_application": 2}),
        )
        .await;
    expect(res, 200).await;
    for path in [
        format!("/batches/{batch}/panels"),
        format!("/batches/{batch}/progress"),
        format!("/batches/{batch}/finalize-preview"),
        format!("/applications/{own}/panel"),
        format!("/applications/{theirs}/panel"),
    ] {
        expect_error(app.get(&path, &both.token).await, 403, "forbidden").await;
        // Another reviewer is not refused (nothing is scored yet: the preview is 409, a panel
        // without sheets 404).
        let other = app.get(&path, &reviewer.token).await.status().as_u16();
        assert!([200, 404, 409].contains(&other), "{path}: {other}");
    }
    let res = app
        .post(
            &format!("/batches/{batch}/finalize"),
            &both.token,
            json!({}),
        )
        .await;
    expect_error(res, 403, "forbidden").await;
    for page in [
        format!("/batches/{batch}/results"),
        format!("/batches/{batch}/results/{own}"),
    ] {
        let (status, html) = bearer_page(&app, &page, &both.token).await;
        assert_eq!(status, 403, "{page}");
        assert!(html.contains("按回避规定"), "{page} says why");
    }
    // The batch's page: its overview with the reason, no scoring figures or controls.
    let (status, html) = bearer_page(&app, &format!("/batches/{batch}"), &both.token).await;
    assert_eq!(status, 200);
    assert!(html.contains("按回避规定"));
    assert!(!html.contains("id=\"finalize\"") && !html.contains("/swap"));
    let (_, html) = bearer_page(&app, &format!("/batches/{batch}"), &reviewer.token).await;
    assert!(
        !html.contains("按回避规定") && html.contains("/swap"),
        "others work as before"
    );
    let mine = expect(
        app.get("/experts/me/assignments", &expert_self.token).await,
        200,
    )
    .await;
    assert!(mine
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["application_id"] != theirs.as_str()));
}

/// Wide disagreement does not block publishing, but the batch page points it out first.
#[tokio::test]
async fn the_batch_page_points_out_wide_disagreement_before_publishing() {
    use crate::pages::bearer_page;
    let s = accepted_scene(1).await;
    let app = &s.app;
    let mut experts = Vec::new();
    for i in 0..2 {
        experts.push(
            app.staff(&["expert"], None, Some(&format!("单位{i}")))
                .await,
        );
    }
    let res = app
        .post(
            &format!("/batches/{}/assign", s.batch),
            &s.reviewer.token,
            json!({"experts_per_application": 2}),
        )
        .await;
    expect(res, 200).await;
    let dashboard = format!("/batches/{}", s.batch);
    let warning = "份申报的专家评分分歧较大";
    let (_, html) = bearer_page(app, &dashboard, &s.reviewer.token).await;
    assert!(!html.contains(warning), "nothing scored yet");
    let zeros = json!({"scores": {"titles": 0, "awards": 0, "articles": 0, "ip_rights": 0, "honors": 0, "compensation": 0, "projects": 0}});
    let id = &s.designers[0].1;
    for (expert, sheet) in experts.iter().zip([zeros, json!({"scores": full_marks()})]) {
        let res = app
            .post(&format!("/applications/{id}/scores"), &expert.token, sheet)
            .await;
        expect(res, 200).await;
    }
    let (status, html) = bearer_page(app, &dashboard, &s.reviewer.token).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("有 1 {warning}")),
        "the disagreement is named"
    );
}

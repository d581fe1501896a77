//! HTML pages driven over HTTP with a bearer token (the pages accept it like the session
//! cookie), for rules that live in the pages' handlers. The journeys themselves are the browser
//! tests in e2e/.

use crate::helpers::*;
use serde_json::json;

async fn page(app: &TestApp, path: &str, token: &str) -> (u16, String) {
    let res = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn the_audit_log_filters_by_the_actors_email() {
    let app = spawn_app().await;
    let admin = app.staff(&["admin"], None, None).await;
    let one = app.staff(&["reviewer"], None, None).await;
    let other = app.staff(&["reviewer"], None, None).await;
    for (who, name) in [(&one, "甲批次"), (&other, "乙批次")] {
        let res = app
            .post("/batches", &who.token, json!({"name": name}))
            .await;
        expect(res, 201).await;
    }
    let (status, html) = page(
        &app,
        &format!("/admin/audit?actor={}", one.email.to_uppercase()),
        &admin.token,
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains(&one.email), "the actor's entries are listed");
    assert!(!html.contains(&other.email), "nobody else's");
    let (_, html) = page(&app, "/admin/audit?actor=nobody@example.cn", &admin.token).await;
    assert!(!html.contains(&one.email) && !html.contains(&other.email));
}

//! The library's visibility: staff see and export every current rating, consenting or not; a
//! district officer sees and exports their own district; the public sees consenting designers.

use crate::helpers::{spawn_app, TestApp};
use serde_json::Value;
use talentlib::seed::{seed, SeedOptions};
use talentlib_store::sea_orm::ConnectionTrait;

async fn json(app: &TestApp, path: &str, token: Option<&str>) -> Value {
    let res = app
        .req(reqwest::Method::GET, path, token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.unwrap()
}

async fn csv_rows(app: &TestApp, token: &str) -> Vec<String> {
    let res = app.get("/library/export.csv", token).await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    text.lines().skip(1).map(str::to_string).collect()
}

/// 30 rated designers in random districts, none of whom consented to the public directory.
async fn rated_library() -> TestApp {
    let app = spawn_app().await;
    let opts = SeedOptions {
        designers: 30,
        batch_size: 30,
        experts_per_application: 3,
        unfinalized: false,
    };
    seed(&app.state, opts).await.unwrap();
    app.state
        .store
        .db()
        .execute_unprepared("UPDATE rating SET public_consent = false")
        .await
        .unwrap();
    app
}

#[tokio::test]
async fn staff_see_and_export_designers_who_did_not_consent() {
    let app = rated_library().await;
    let public = json(&app, "/library", None).await;
    assert_eq!(public["total_count"], 0);
    for role in ["reviewer", "service_staff", "admin", "expert"] {
        let staff = app.staff(&[role], None, Some("某单位")).await;
        let listed = json(&app, "/library?per_page=100", Some(&staff.token)).await;
        assert_eq!(listed["total_count"], 30, "{role} lists everyone");
        assert_eq!(
            csv_rows(&app, &staff.token).await.len(),
            30,
            "{role} exports everyone"
        );
    }
}

#[tokio::test]
async fn a_district_officer_sees_and_exports_their_district_only() {
    let app = rated_library().await;
    let reviewer = app.staff(&["reviewer"], None, None).await;
    let all = json(&app, "/library?per_page=100", Some(&reviewer.token)).await;
    let code = all["items"][0]["district_code"]
        .as_str()
        .unwrap()
        .to_string();
    let in_district = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["district_code"] == code.as_str())
        .count();
    let officer = app.staff(&["district_officer"], Some(&code), None).await;
    let mine = json(&app, "/library?per_page=100", Some(&officer.token)).await;
    assert_eq!(mine["total_count"], in_district);
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["district_code"] == code.as_str()));
    // Asking for another district does not widen the view.
    let other = if code == "500103" { "500112" } else { "500103" };
    let asked = json(
        &app,
        &format!("/library?district_code={other}"),
        Some(&officer.token),
    )
    .await;
    assert_eq!(asked["total_count"], 0);
    assert_eq!(csv_rows(&app, &officer.token).await.len(), in_district);
}

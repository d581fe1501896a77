//! `talentlib seed`: the rows it writes are what the API serves, finalized or ready to finalize.

use crate::helpers::spawn_app;
use serde_json::{json, Value};
use talentlib::seed::{seed, SeedOptions};

const SEED_REVIEWER: &str = "seed-reviewer@seed.talentlib.cn";
const SEED_PASSWORD: &str = "talentlib-seed";

fn opts(designers: usize, batch_size: usize, experts: usize, unfinalized: bool) -> SeedOptions {
    SeedOptions {
        designers,
        batch_size,
        experts_per_application: experts,
        unfinalized,
    }
}

async fn batches(app: &crate::helpers::TestApp, token: &str) -> Vec<Value> {
    let res = app.get("/batches", token).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn seeded_designers_are_rated_in_finalized_batches_of_the_chosen_size() {
    let app = spawn_app().await;
    let report = seed(&app.state, opts(25, 10, 3, false)).await.unwrap();
    assert_eq!((report.designers, report.batches), (25, 3));
    let token = app.token(SEED_REVIEWER, SEED_PASSWORD).await;
    let listed = batches(&app, &token).await;
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(|b| b["status"] == "finalized"));
    let library: Value = app
        .get("/library?per_page=100", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(library["total_count"], 25);
    let first = &library["items"][0];
    let history: Value = app
        .get(
            &format!(
                "/designers/{}/ratings",
                first["designer_id"].as_str().unwrap()
            ),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_unfinalized_seed_is_fully_scored_and_finalizes() {
    let app = spawn_app().await;
    seed(&app.state, opts(12, 12, 5, true)).await.unwrap();
    let token = app.token(SEED_REVIEWER, SEED_PASSWORD).await;
    let listed = batches(&app, &token).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["status"], "scoring");
    let id = listed[0]["id"].as_str().unwrap().to_string();
    let library: Value = app.get("/library", &token).await.json().await.unwrap();
    assert_eq!(library["total_count"], 0, "nothing is published yet");
    let res = app
        .post(&format!("/batches/{id}/finalize"), &token, json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let library: Value = app.get("/library", &token).await.json().await.unwrap();
    assert_eq!(library["total_count"], 12);
    // The search index catches up in the background; then a name is found through it.
    let db = app.state.store.db();
    let mut waited = 0;
    while talentlib_store::library_index::is_stale(db).await.unwrap() {
        assert!(waited < 200, "the index job did not finish");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    let name = library["items"][0]["name"].as_str().unwrap().to_string();
    let q: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
    let found: Value = app
        .get(&format!("/library?q={q}&per_page=100"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert!(found["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["designer_id"] == library["items"][0]["designer_id"]));
}

#[tokio::test]
async fn impossible_options_are_refused_before_anything_is_written() {
    let app = spawn_app().await;
    assert!(seed(&app.state, opts(5, 0, 3, false)).await.is_err());
    assert!(seed(&app.state, opts(5, 5, 31, false)).await.is_err());
    assert!(seed(&app.state, opts(5, 5, 0, false)).await.is_err());
}

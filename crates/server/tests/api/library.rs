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
    // Built now rather than by the background job the seed left (and it copies the flag).
    talentlib::service::library::reindex(&app.state)
        .await
        .unwrap();
    assert!(
        !talentlib_store::library_index::is_stale(app.state.store.db())
            .await
            .unwrap()
    );
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

/// Every current rating whose name, employer or specialty contains `q`, as the store has them.
async fn expected_matches(app: &TestApp, q: &str) -> std::collections::BTreeSet<String> {
    let all = talentlib_store::ratings::library_all(
        app.state.store.db(),
        &talentlib_store::ratings::LibraryFilter::default(),
        1_000,
        &Default::default(),
    )
    .await
    .unwrap();
    all.iter()
        .filter(|r| {
            r.name.contains(q)
                || r.employer.as_deref().is_some_and(|e| e.contains(q))
                || r.major.as_deref().is_some_and(|m| m.contains(q))
        })
        .map(|r| r.designer_id.to_string())
        .collect()
}

async fn search(app: &TestApp, token: &str, q: &str) -> (u64, Vec<Value>) {
    let path = format!("/library?per_page=100&q={}", urlencode(q));
    let body = json(app, &path, Some(token)).await;
    (
        body["total_count"].as_u64().unwrap(),
        body["items"].as_array().unwrap().clone(),
    )
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn check_searches(app: &TestApp, token: &str, queries: &[String]) {
    for q in queries {
        let want = expected_matches(app, q).await;
        let (count, items) = search(app, token, q).await;
        let got: std::collections::BTreeSet<String> = items
            .iter()
            .map(|i| i["designer_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(count as usize, want.len(), "count for {q:?}");
        assert_eq!(got, want, "designers for {q:?}");
        // Best first: stars, then total, descending.
        let keys: Vec<(u64, f64)> = items
            .iter()
            .map(|i| (i["stars"].as_u64().unwrap(), i["total"].as_f64().unwrap()))
            .collect();
        assert!(
            keys.windows(2)
                .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 >= w[1].1)),
            "order for {q:?}"
        );
    }
}

#[tokio::test]
async fn text_search_finds_every_substring_with_the_index_and_without_it() {
    let app = rated_library().await;
    let staff = app.staff(&["service_staff"], None, None).await;
    let rows = talentlib_store::ratings::library_all(
        app.state.store.db(),
        &talentlib_store::ratings::LibraryFilter::default(),
        100,
        &Default::default(),
    )
    .await
    .unwrap();
    let first = &rows[0];
    let employer: Vec<char> = first.employer.clone().unwrap().chars().collect();
    let major: Vec<char> = first.major.clone().unwrap().chars().collect();
    let part = |v: &[char], a: usize, b: usize| -> String {
        v[a.min(v.len())..b.min(v.len())].iter().collect()
    };
    let queries: Vec<String> = vec![
        first.name.clone(),
        first.name.chars().take(1).collect(),
        part(&employer, 2, 4),
        part(&employer, 1, 6),
        part(&major, 0, 2),
        major.iter().collect(),
        "重庆大".into(),
        "不存在的单位".into(),
        "%".into(),
    ];
    check_searches(&app, &staff.token, &queries).await;
    // While the index catches up with a finalized batch, the same answers come from a scan.
    let db = app.state.store.db();
    talentlib_store::notifications::enqueue(
        db,
        uuid::Uuid::new_v4(),
        talentlib_store::library_index::INDEX_JOB,
        "not-run-in-this-test",
        i64::MAX / 2,
    )
    .await
    .unwrap();
    assert!(talentlib_store::library_index::is_stale(db).await.unwrap());
    check_searches(&app, &staff.token, &queries).await;
}

/// The rating ids the index holds, and the current ones, as sorted lists.
async fn indexed_and_current(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let db = app.state.store.db();
    let ids = |sql: &'static str| async move {
        let rows = db
            .query_all_raw(talentlib_store::sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql,
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|r| r.try_get::<String>("", "rating_id").unwrap())
            .collect::<Vec<_>>()
    };
    (
        ids("SELECT DISTINCT rating_id FROM library_term ORDER BY rating_id").await,
        ids("SELECT rating_id FROM rating WHERE is_current ORDER BY rating_id").await,
    )
}

/// Rebuilding walks the ratings chunk by chunk, superseded ones included (a chunk may hold no
/// current rating at all) and a batch's job walks its applications: either way exactly the
/// current ratings end up indexed.
#[tokio::test]
async fn the_index_is_rebuilt_in_chunks_with_exactly_the_current_ratings() {
    use talentlib_store::library_index::{clear, index_all_chunk, index_batch_chunk};
    let app = rated_library().await;
    let db = app.state.store.db();
    // Supersede two thirds of the ratings, as later batches would.
    db.execute_unprepared(
        "UPDATE rating SET is_current = false WHERE rating_id IN \
         (SELECT rating_id FROM rating ORDER BY rating_id LIMIT 20)",
    )
    .await
    .unwrap();
    clear(db).await.unwrap();
    let mut after: Option<String> = None;
    let mut chunks = 0;
    while let Some(last) = index_all_chunk(db, after.as_deref(), 4).await.unwrap() {
        after = Some(last);
        chunks += 1;
    }
    assert_eq!(chunks, 8, "30 ratings in chunks of 4");
    let (indexed, current) = indexed_and_current(&app).await;
    assert_eq!(current.len(), 10);
    assert_eq!(indexed, current);

    clear(db).await.unwrap();
    let batches: Vec<String> = db
        .query_all_raw(talentlib_store::sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT DISTINCT batch_id FROM rating",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "batch_id").unwrap())
        .collect();
    for batch in batches {
        let batch = batch.parse().unwrap();
        let mut after: Option<String> = None;
        while let Some(last) = index_batch_chunk(db, batch, after.as_deref(), 4)
            .await
            .unwrap()
        {
            after = Some(last);
        }
    }
    let (indexed, current) = indexed_and_current(&app).await;
    assert_eq!(indexed, current);
}

/// The public directory shows name, district, specialty and stars, so its search looks only at
/// name and specialty: searching it by employer must not tell who works where.
#[tokio::test]
async fn the_public_search_does_not_match_employers() {
    let app = rated_library().await;
    let db = app.state.store.db();
    db.execute_unprepared("UPDATE rating SET public_consent = true")
        .await
        .unwrap();
    talentlib::service::library::reindex(&app.state)
        .await
        .unwrap();
    let staff = app.staff(&["service_staff"], None, None).await;
    let all = talentlib_store::ratings::library_all(
        db,
        &talentlib_store::ratings::LibraryFilter::default(),
        1_000,
        &Default::default(),
    )
    .await
    .unwrap();
    let employer = all[0].employer.clone().unwrap();
    let first_char = employer.chars().next().unwrap().to_string();
    for q in [employer.clone(), first_char] {
        let shown: usize = all
            .iter()
            .filter(|r| r.name.contains(&q) || r.major.as_deref().is_some_and(|m| m.contains(&q)))
            .count();
        let path = format!("/library?per_page=100&q={}", urlencode(&q));
        let public = json(&app, &path, None).await;
        assert_eq!(
            public["total_count"].as_u64().unwrap() as usize,
            shown,
            "public, {q:?}"
        );
        let staff_count = search(&app, &staff.token, &q).await.0;
        assert!(
            staff_count as usize > shown,
            "staff find the employer {q:?}"
        );
    }
}

/// The library page filters by a reference major (the staff list and its export alike); a major
/// outside the list reads as no filter.
#[tokio::test]
async fn the_library_page_filters_by_major() {
    let app = rated_library().await;
    let db = app.state.store.db();
    let all = talentlib_store::ratings::library_all(
        db,
        &talentlib_store::ratings::LibraryFilter::default(),
        1_000,
        &Default::default(),
    )
    .await
    .unwrap();
    let major = all.iter().find_map(|r| r.major.clone()).unwrap();
    let expected = all
        .iter()
        .filter(|r| r.major.as_deref() == Some(major.as_str()))
        .count();
    assert!(
        expected > 0 && expected < all.len(),
        "the seed spreads majors"
    );
    let staff = app.staff(&["service_staff"], None, None).await;
    let (status, html) = crate::pages::bearer_page(
        &app,
        &format!("/library?major={}", urlencode(&major)),
        &staff.token,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("共 {expected} 位设计师")),
        "{expected} with {major}"
    );
    let res = app
        .get(
            &format!("/library/export.csv?major={}", urlencode(&major)),
            &staff.token,
        )
        .await;
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().skip(1).count(), expected, "the export follows");
    let (_, html) =
        crate::pages::bearer_page(&app, "/library?major=%E8%87%AA%E5%AE%9A", &staff.token).await;
    assert!(html.contains(&format!("共 {} 位设计师", all.len())));
}

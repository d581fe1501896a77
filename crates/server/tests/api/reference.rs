//! Public reference data, the rubric in force and the OpenAPI document (API.md "Reference data").

use crate::helpers::*;
use reqwest::Method;
use serde_json::Value;
use std::collections::HashSet;

async fn public_get(app: &TestApp, path: &str) -> Value {
    let res = app.req(Method::GET, path, None).send().await.unwrap();
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    expect(res, 200).await
}

#[tokio::test]
async fn districts_are_the_41_of_chongqing_and_its_zones() {
    let app = spawn_app().await;
    let body = public_get(&app, "/reference/districts").await;
    let list = body.as_array().expect("an array");
    assert_eq!(list.len(), 41, "{body}");
    let codes: HashSet<&str> = list
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes.len(), 41, "codes are unique");
    for d in list {
        assert!(d["name_zh"].as_str().is_some_and(|s| !s.is_empty()), "{d}");
        assert!(d["name_en"].as_str().is_some_and(|s| !s.is_empty()), "{d}");
    }
    let yuzhong = list.iter().find(|d| d["code"] == "500103").expect("500103");
    assert_eq!(yuzhong["name_zh"], "渝中区");
    let liangjiang = list
        .iter()
        .find(|d| d["code"] == "FZ-LJXQ")
        .expect("FZ-LJXQ");
    assert_eq!(liangjiang["name_zh"], "两江新区");
}

#[tokio::test]
async fn majors_include_industrial_design() {
    let app = spawn_app().await;
    let body = public_get(&app, "/reference/majors").await;
    let list = body.as_array().expect("an array");
    assert!(!list.is_empty());
    let design = list.iter().find(|m| m["code"] == "080205").expect("080205");
    assert_eq!(design["name_zh"], "工业设计");
    assert!(design["name_en"].as_str().is_some_and(|s| !s.is_empty()));
    for m in list {
        assert!(
            m["code"].is_string() && m["name_zh"].is_string() && m["name_en"].is_string(),
            "{m}"
        );
    }
}

#[tokio::test]
async fn the_rubric_has_seven_categories_and_stars_from_5_to_0() {
    let app = spawn_app().await;
    let body = public_get(&app, "/rubric").await;
    assert!(
        body["version"].as_str().is_some_and(|v| !v.is_empty()),
        "{body}"
    );
    let categories = body["categories"].as_array().expect("categories");
    let keys: Vec<&str> = categories
        .iter()
        .map(|c| c["key"].as_str().expect("key"))
        .collect();
    let expected = [
        "titles",
        "awards",
        "articles",
        "ip_rights",
        "honors",
        "compensation",
        "projects",
    ];
    assert_eq!(keys.len(), 7, "{keys:?}");
    assert_eq!(
        keys.iter().copied().collect::<HashSet<_>>(),
        expected.into_iter().collect::<HashSet<_>>()
    );
    for c in categories {
        assert!(c["name_zh"].as_str().is_some_and(|s| !s.is_empty()), "{c}");
        assert!(c["name_en"].as_str().is_some_and(|s| !s.is_empty()), "{c}");
        assert!(c["max"].as_f64().is_some_and(|m| m > 0.0), "{c}");
    }
    let stars = body["stars"].as_array().expect("stars");
    let levels: Vec<u64> = stars
        .iter()
        .map(|s| s["stars"].as_u64().expect("stars"))
        .collect();
    assert_eq!(levels, vec![5, 4, 3, 2, 1, 0]);
    let mins: Vec<f64> = stars
        .iter()
        .map(|s| s["min_total"].as_f64().expect("min_total"))
        .collect();
    assert!(
        mins.windows(2).all(|w| w[0] > w[1]),
        "thresholds fall from 5 stars to 0: {mins:?}"
    );
    assert!(mins[5] >= 0.0);
}

#[tokio::test]
async fn reference_data_needs_no_token_but_a_bad_one_does_no_harm() {
    let app = spawn_app().await;
    for path in ["/reference/districts", "/reference/majors", "/rubric"] {
        let res = app
            .client
            .get(app.api(path))
            .header("authorization", "Bearer nonsense")
            .send()
            .await
            .unwrap();
        assert!(
            res.status() == 200 || res.status() == 401,
            "{path}: {}",
            res.status()
        );
    }
}

#[tokio::test]
async fn openapi_document_is_json_with_paths() {
    let app = spawn_app().await;
    let body = public_get(&app, "/openapi.json").await;
    assert!(
        body["openapi"].as_str().is_some_and(|v| v.starts_with('3')),
        "OpenAPI 3: {}",
        body["openapi"]
    );
    let paths = body["paths"].as_object().expect("paths");
    for p in [
        "/api/v1/auth/register",
        "/api/v1/auth/token",
        "/api/v1/applications",
        "/api/v1/batches",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} documented; have {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
}

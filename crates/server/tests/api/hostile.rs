//! Hostile input: malformed bodies, odd paths and headers, injection-looking text, control
//! characters. API.md: every error has the error body, and no input, however malformed, yields
//! a 500; no error shows a stack trace, SQL or a server path.

use crate::helpers::*;
use reqwest::{Method, Response};
use serde_json::{json, Value};

/// Checks what every response must satisfy and returns its status and body.
async fn vet(app: &TestApp, res: Response) -> (u16, Value) {
    let what = format!("{} {}", res.status(), res.url());
    let is_json = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    assert!(
        status < 500,
        "{what}: a server error for client input: {text}"
    );
    if status >= 400 {
        assert!(is_json, "{what}: error bodies are JSON: {text}");
        let body: Value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: not JSON: {text}"));
        assert_error_shape(&body);
        let dir = app.dir.path().to_string_lossy().to_string();
        for leak in [
            dir.as_str(),
            "/tmp/",
            "SELECT",
            "INSERT",
            "UPDATE ",
            "sqlx",
            "sea_orm",
            "SQLITE",
            "postgres",
            "panicked",
            "src/",
        ] {
            assert!(
                !text.contains(leak),
                "{what}: the error shows {leak:?}: {text}"
            );
        }
        return (status, body);
    }
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A designer with a draft in a fresh open batch.
async fn setup(app: &TestApp) -> (User, String) {
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    (designer, id)
}

#[tokio::test]
async fn malformed_json_is_400_with_the_error_body() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let reviewer = app.reviewer().await;
    let bodies: [&[u8]; 8] = [
        b"{",
        b"{\"email\": }",
        b"{'email': 'a@b.cn'}",
        b"{\"email\": \"a@b.cn\",}",
        b"\xff\xfe{}",
        b"{\"name\": \"\xe4\xb8\"}",
        b"{\"name\": \"\\ud800\"}",
        b"nul",
    ];
    for bytes in bodies {
        for (path, token) in [
            ("/auth/register", None),
            ("/auth/token", None),
            ("/batches", Some(reviewer.token.as_str())),
            ("/applications", Some(designer.token.as_str())),
        ] {
            let res = app
                .raw(
                    Method::POST,
                    path,
                    token,
                    "application/json",
                    bytes.to_vec(),
                )
                .await;
            let (status, body) = vet(&app, res).await;
            assert_eq!(
                status,
                400,
                "{path} {:?}: {body}",
                String::from_utf8_lossy(bytes)
            );
            assert!(body["error"]["fields"].is_array());
        }
        let res = app
            .raw(
                Method::PUT,
                &format!("/applications/{id}"),
                Some(&designer.token),
                "application/json",
                bytes.to_vec(),
            )
            .await;
        let (status, body) = vet(&app, res).await;
        assert_eq!(
            status,
            400,
            "PUT {:?}: {body}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[tokio::test]
async fn json_that_is_not_an_object_is_422() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let reviewer = app.reviewer().await;
    for body in [
        json!([]),
        json!([{"email": "a@b.cn"}]),
        json!("a@b.cn"),
        json!(42),
        json!(true),
        json!(null),
    ] {
        for (method, path, token) in [
            (Method::POST, "/auth/register".to_string(), None),
            (Method::POST, "/auth/token".to_string(), None),
            (
                Method::POST,
                "/batches".to_string(),
                Some(reviewer.token.as_str()),
            ),
            (
                Method::PUT,
                format!("/applications/{id}"),
                Some(designer.token.as_str()),
            ),
        ] {
            let res = app
                .req(method.clone(), &path, token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let (status, err) = vet(&app, res).await;
            assert_eq!(status, 422, "{method} {path} with {body}: {err}");
        }
    }
}

#[tokio::test]
async fn starting_an_application_with_a_non_object_body_is_422() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    for body in [json!(["draft"]), json!("draft")] {
        let res = app
            .post("/applications", &designer.token, body.clone())
            .await;
        let (status, err) = vet(&app, res).await;
        assert_eq!(status, 422, "POST /applications with {body}: {err}");
    }
}

#[tokio::test]
async fn wrong_content_types_never_break_the_server() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let form = b"email=a%40b.cn&password=password-123&name=x".to_vec();
    let res = app
        .raw(
            Method::POST,
            "/auth/register",
            None,
            "application/x-www-form-urlencoded",
            form,
        )
        .await;
    let (status, _) = vet(&app, res).await;
    assert!(
        status == 400 || status == 415,
        "a form body is not JSON: {status}"
    );
    let xml = b"<personal><name>x</name></personal>".to_vec();
    let res = app
        .raw(
            Method::PUT,
            &format!("/applications/{id}"),
            Some(&designer.token),
            "application/xml",
            xml,
        )
        .await;
    let (status, _) = vet(&app, res).await;
    assert!(status == 400 || status == 415, "{status}");
    let (ct, body) = multipart_body(&[("email", None, b"a@b.cn")]);
    let res = app.raw(Method::POST, "/auth/token", None, &ct, body).await;
    let (status, _) = vet(&app, res).await;
    assert!(status == 400 || status == 415, "{status}");
    // JSON labelled as text: either understood or refused, never a crash.
    let json = serde_json::to_vec(
        &json!({"email": "text@test.cn", "password": "password-123", "name": "x"}),
    )
    .unwrap();
    let res = app
        .raw(Method::POST, "/auth/register", None, "text/plain", json)
        .await;
    let (status, _) = vet(&app, res).await;
    assert!([201, 400, 415].contains(&status), "{status}");
}

#[tokio::test]
async fn megabyte_strings_are_422() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let reviewer = app.reviewer().await;
    let mega = "设".repeat(350_000); // about 1 MB of UTF-8
    let res = app
        .register(json!({"email": "big@test.cn", "password": "password-123", "name": mega}))
        .await;
    let (status, body) = vet(&app, res).await;
    assert_eq!(status, 422, "{body}");
    assert_paths(&body, &["name"]);
    let res = app
        .register(json!({"email": "big@test.cn", "password": mega, "name": "x"}))
        .await;
    let (status, body) = vet(&app, res).await;
    assert_eq!(status, 422, "{body}");
    assert_paths(&body, &["password"]);
    let res = app
        .register(
            json!({"email": format!("{mega}@test.cn"), "password": "password-123", "name": "x"}),
        )
        .await;
    assert_eq!(vet(&app, res).await.0, 422);
    let res = app
        .sign_in(&format!("{mega}@test.cn"), "password-123")
        .await;
    let (status, _) = vet(&app, res).await;
    assert!(status == 401 || status == 422, "{status}");
    let res = app
        .post("/batches", &reviewer.token, json!({"name": mega}))
        .await;
    assert_eq!(vet(&app, res).await.0, 422);
    for pointer in [
        "/personal/name",
        "/personal/employer",
        "/personal/id_number",
        "/awards/0/name",
        "/education/0/major_name",
    ] {
        let mut form = complete_form();
        *form.pointer_mut(pointer).unwrap() = json!(mega);
        let res = app
            .put(&format!("/applications/{id}"), &designer.token, form)
            .await;
        let (status, body) = vet(&app, res).await;
        assert_eq!(status, 422, "{pointer}: {body}");
        assert_paths(
            &body,
            &[&pointer[1..].replacen("/0/", "[0].", 1).replace('/', ".")],
        );
    }
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let huge = "x".repeat(25 * 1024 * 1024);
    let res = app
        .register(json!({"email": "big@test.cn", "password": "password-123", "name": huge}))
        .await;
    let (status, _) = vet(&app, res).await;
    assert_eq!(status, 413);
    let res = app
        .put(
            &format!("/applications/{id}"),
            &designer.token,
            json!({"personal": {"name": huge}}),
        )
        .await;
    let (status, _) = vet(&app, res).await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn deeply_nested_json_is_refused_cleanly() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let res = app
        .raw(
            Method::PUT,
            &format!("/applications/{id}"),
            Some(&designer.token),
            "application/json",
            deep.into_bytes(),
        )
        .await;
    let (status, _) = vet(&app, res).await;
    assert!(status == 400 || status == 413 || status == 422, "{status}");
    let objects = format!("{}{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    let res = app
        .raw(
            Method::POST,
            "/auth/register",
            None,
            "application/json",
            objects.into_bytes(),
        )
        .await;
    let (status, _) = vet(&app, res).await;
    assert!(status == 400 || status == 413 || status == 422, "{status}");
    // Nested but within the parser's depth: a wrong type.
    let mut nested = json!("李");
    for _ in 0..100 {
        nested = json!([nested]);
    }
    let res = app
        .put(
            &format!("/applications/{id}"),
            &designer.token,
            json!({"personal": {"name": nested}}),
        )
        .await;
    let (status, body) = vet(&app, res).await;
    assert_eq!(status, 422);
    assert_paths(&body, &["personal.name"]);
}

#[tokio::test]
async fn huge_lists_and_odd_numbers_are_refused_cleanly() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let many: Vec<Value> = (0..20_000).map(|_| json!({"name": "奖"})).collect();
    let res = app
        .put(
            &format!("/applications/{id}"),
            &designer.token,
            json!({"awards": many}),
        )
        .await;
    let (status, _) = vet(&app, res).await;
    assert!(status == 422 || status == 413, "{status}");
    for year in [
        json!(1e300),
        json!(-1e300),
        json!(18446744073709551615u64),
        json!(i64::MIN),
        json!(2024.5),
        json!("2024"),
        json!(true),
        json!({}),
    ] {
        let res = app
            .put(
                &format!("/applications/{id}"),
                &designer.token,
                json!({"awards": [{"year": year}]}),
            )
            .await;
        let (status, body) = vet(&app, res).await;
        assert_eq!(status, 422, "year {year}: {body}");
        assert_paths(&body, &["awards[0].year"]);
    }
    for income in [json!(-1), json!(i64::MIN), json!(1e20), json!("百万")] {
        let res = app
            .put(
                &format!("/applications/{id}"),
                &designer.token,
                json!({"compensation": {"annual_income_cny": income}}),
            )
            .await;
        let (status, body) = vet(&app, res).await;
        assert_eq!(status, 422, "income {income}: {body}");
        assert_paths(&body, &["compensation.annual_income_cny"]);
    }
    let res = app
        .raw(
            Method::PUT,
            &format!("/applications/{id}"),
            Some(&designer.token),
            "application/json",
            br#"{"awards":[{"year":1e400}]}"#.to_vec(),
        )
        .await;
    let (status, _) = vet(&app, res).await;
    assert!(status == 400 || status == 422, "{status}");
}

#[tokio::test]
async fn unknown_routes_are_404_with_the_error_body() {
    let app = spawn_app().await;
    let designer = app.designer().await;
    for path in [
        "/nope",
        "/applications/x/y/z",
        "/auth",
        "/auth/register/now",
        "/users/me",
        "/admin",
        "/reference/nope",
    ] {
        let (status, body) = vet(&app, app.get(path, &designer.token).await).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["error"]["code"], "not_found");
        let res = app.req(Method::GET, path, None).send().await.unwrap();
        assert_eq!(vet(&app, res).await.0, 404, "{path} without token");
    }
}

#[tokio::test]
async fn the_api_root_is_a_json_404_too() {
    let app = spawn_app().await;
    // `/api/v1/` (and `/api/v1/applications/%2e%2e`, which clients normalise to it) is under the
    // API: API clients get the API's error body, not the web site's HTML page.
    for path in ["/", "/applications/%2e%2e"] {
        let res = app.req(Method::GET, path, None).send().await.unwrap();
        let (status, body) = vet(&app, res).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(error_code_of(&body), "not_found");
    }
}

fn error_code_of(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn wrong_methods_are_405_with_the_error_body() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let cases = [
        (Method::DELETE, "/batches".to_string()),
        (Method::GET, "/auth/register".to_string()),
        (Method::GET, "/auth/token".to_string()),
        (Method::PUT, "/me".to_string()),
        (Method::PATCH, format!("/applications/{id}")),
        (Method::DELETE, format!("/applications/{id}")),
        (Method::GET, format!("/applications/{id}/submit")),
        (Method::PUT, "/reference/districts".to_string()),
        (Method::GET, format!("/applications/{id}/attachments")),
    ];
    for (method, path) in cases {
        let res = app
            .req(method.clone(), &path, Some(&designer.token))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let (status, body) = vet(&app, res).await;
        assert_eq!(status, 405, "{method} {path}: {body}");
    }
    let got = expect(
        app.get(&format!("/applications/{id}"), &designer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(got["status"], "draft", "still there");
}

#[tokio::test]
async fn path_tricks_are_404_or_400_never_500() {
    let app = spawn_app().await;
    setup(&app).await;
    // An admin passes every role check, so what is judged is the path itself.
    let admin = app.admin().await;
    let long = "a".repeat(10_000);
    let paths = [
        "/applications/..%2F..%2Fetc".to_string(),
        "/applications/..%2F..%2Fetc%2Fpasswd".to_string(),
        "/applications/%FF".to_string(),
        "/applications/%FF%FE%00".to_string(),
        "/applications/%00".to_string(),
        "/applications/%25".to_string(),
        "/applications/'%20OR%20'1'%3D'1".to_string(),
        "/applications/1;DROP%20TABLE%20application".to_string(),
        "/attachments/..%2F..%2Ftalentlib.db".to_string(),
        "/attachments/%FF".to_string(),
        "/batches/%FF".to_string(),
        format!("/applications/{long}"),
        format!("/attachments/{long}"),
        "/applications/00000000-0000-0000-0000-000000000000".to_string(),
        "/applications/ffffffff-ffff-ffff-ffff-ffffffffffff".to_string(),
        "/applications/%E4%BD%A0%E5%A5%BD".to_string(),
    ];
    for path in &paths {
        let res = app.get(path, &admin.token).await;
        let (status, body) = vet(&app, res).await;
        assert!(status == 404 || status == 400, "{path}: {status} {body}");
        let res = app.put(path, &admin.token, json!({})).await;
        let (status, body) = vet(&app, res).await;
        assert!(
            status == 404 || status == 400 || status == 405,
            "PUT {path}: {status} {body}"
        );
    }
    // Query strings that do not decode.
    for query in [
        "page=%FF",
        "status=%FF%FE",
        "per_page=%00",
        "page=1&page=2",
        "batch_id=%FF",
        "district_code=%FF",
    ] {
        let res = app
            .get(&format!("/applications?{query}"), &admin.token)
            .await;
        let (status, body) = vet(&app, res).await;
        assert!(
            status == 200 || status == 400 || status == 422,
            "{query}: {status} {body}"
        );
    }
}

#[tokio::test]
async fn sql_looking_text_round_trips() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let nasty = [
        "Robert'); DROP TABLE account;--",
        "' OR '1'='1",
        "\" OR \"\"=\"",
        "李'; SELECT * FROM application WHERE '1'='1",
        "%_\\%",
        "$1 $$ ; \\x00 \\",
        "<script>alert('xss')</script>",
        "{{7*7}} ${7*7} {% raw %}",
    ];
    for text in nasty {
        let email = format!("sql-{}@test.cn", uuid::Uuid::new_v4().simple());
        let res = app
            .register(json!({"email": email, "password": "password-123", "name": text}))
            .await;
        let (status, body) = vet(&app, res).await;
        assert_eq!(status, 201, "{text}: {body}");
        assert_eq!(body["name"], text);
        let res = app.sign_in(&email, "password-123").await;
        assert_eq!(vet(&app, res).await.1["user"]["name"], text);

        let mut form = full_form();
        form["personal"]["name"] = json!(text);
        form["personal"]["employer"] = json!(text);
        form["awards"][0]["work_title"] = json!(text);
        let res = app
            .put(&format!("/applications/{id}"), &designer.token, form)
            .await;
        let (status, body) = vet(&app, res).await;
        assert_eq!(status, 200, "{text}: {body}");
        let got = expect(
            app.get(&format!("/applications/{id}"), &designer.token)
                .await,
            200,
        )
        .await;
        assert_eq!(got["personal"]["name"], text);
        assert_eq!(got["personal"]["employer"], text);
        assert_eq!(got["awards"][0]["work_title"], text);
        let list = expect(app.get("/applications", &designer.token).await, 200).await;
        assert_eq!(list["items"][0]["name"], text);
    }
    // Plain text again, so that the searches below have nothing to find.
    expect(
        app.put(&format!("/applications/{id}"), &designer.token, full_form())
            .await,
        200,
    )
    .await;
    let admin = app.admin().await;
    for (key, value) in [
        ("district_code", "' OR '1'='1"),
        ("q", "' OR 1=1 --"),
        ("q", "%"),
        ("q", "_"),
        ("batch_id", "' OR 1=1 --"),
    ] {
        let url =
            reqwest::Url::parse_with_params(&app.api("/applications"), &[(key, value)]).unwrap();
        let res = app
            .client
            .get(url)
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap();
        let (status, body) = vet(&app, res).await;
        if status == 200 {
            assert_eq!(
                body["total_count"], 0,
                "{key}={value} matches nothing: {body}"
            );
        } else {
            assert_eq!(status, 422, "{key}={value}");
        }
    }
    let res = app
        .post(
            "/batches",
            &admin.token,
            json!({"name": "'; DROP TABLE batch; --"}),
        )
        .await;
    let (status, body) = vet(&app, res).await;
    assert_eq!(status, 201);
    assert_eq!(body["name"], "'; DROP TABLE batch; --");
}

#[tokio::test]
async fn control_characters_are_refused_or_kept_never_a_crash() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let reviewer = app.reviewer().await;
    for text in [
        "a\u{0}b",
        "\u{0}",
        "bell\u{7}",
        "esc\u{1b}[31m",
        "cr\rlf",
        "del\u{7f}",
        "\u{202e}gnp.exe",
        "zero\u{200b}width",
        "tab\tnew\nline",
    ] {
        let mut form = complete_form();
        form["personal"]["name"] = json!(text);
        form["awards"][0]["name"] = json!(text);
        let res = app
            .put(&format!("/applications/{id}"), &designer.token, form)
            .await;
        let (status, body) = vet(&app, res).await;
        match status {
            200 => {
                let got = expect(
                    app.get(&format!("/applications/{id}"), &designer.token)
                        .await,
                    200,
                )
                .await;
                assert_eq!(
                    got["personal"]["name"], body["personal"]["name"],
                    "{text:?}"
                );
                assert_eq!(
                    got["awards"][0]["name"], body["awards"][0]["name"],
                    "{text:?}"
                );
            }
            422 => assert_paths(&body, &["personal.name", "awards[0].name"]),
            other => panic!("{text:?}: {other} {body}"),
        }
        let res = app
            .register(
                json!({"email": format!("c-{}@test.cn", uuid::Uuid::new_v4().simple()),
            "password": format!("password-{text}"), "name": text}),
            )
            .await;
        let (status, body) = vet(&app, res).await;
        assert!(status == 201 || status == 422, "{text:?}: {status} {body}");
        let res = app
            .post(
                "/batches",
                &reviewer.token,
                json!({"name": format!("批次{text}")}),
            )
            .await;
        let (status, _) = vet(&app, res).await;
        assert!(status == 201 || status == 422, "{text:?}: {status}");
    }
}

#[tokio::test]
async fn control_characters_in_an_email_are_a_bad_email() {
    let app = spawn_app().await;
    let mut bad = Vec::new();
    for email in [
        "nul\u{0}@test.cn",
        "bell\u{7}@test.cn",
        "esc\u{1b}@test.cn",
        "del\u{7f}@test.cn",
    ] {
        let res = app
            .register(json!({"email": email, "password": "password-123", "name": "x"}))
            .await;
        let (status, body) = status_and_body(res).await;
        if status == 422 {
            assert_paths(&body, &["email"]);
        } else {
            bad.push(format!(
                "POST /api/v1/auth/register email={email:?} -> {status} {body}"
            ));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Status and error code of a response, without asserting anything (for loops that report every
/// failing case at once).
async fn outcome(res: Response) -> String {
    let (status, body) = status_and_body(res).await;
    format!("{status} {}", body["error"]["code"].as_str().unwrap_or(""))
}

#[tokio::test]
async fn a_nul_in_the_sign_in_email_is_not_a_500() {
    let app = spawn_app().await;
    let res = app.sign_in("nul\u{0}@test.cn", "password-123").await;
    let (status, _) = vet(&app, res).await;
    assert!(status == 401 || status == 422, "{status}");
    let res = app.sign_in("nobody@test.cn", "pass\u{0}word-123").await;
    assert_eq!(vet(&app, res).await.0, 401);
}

#[tokio::test]
async fn nul_bytes_in_list_filters_are_not_a_500() {
    let app = spawn_app().await;
    let (designer, _) = setup(&app).await;
    let mut bad = Vec::new();
    for query in [
        "district_code=%00",
        "district_code=500103%00",
        "q=%00",
        "q=a%00b",
        "status=%00",
        "batch_id=%00",
    ] {
        let res = app
            .get(&format!("/applications?{query}"), &designer.token)
            .await;
        let got = outcome(res).await;
        if !(got.starts_with("200") || got.starts_with("422")) {
            bad.push(format!("GET /api/v1/applications?{query} -> {got}"));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[tokio::test]
async fn control_characters_in_staff_fields_never_break_the_server() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut bad = Vec::new();
    for (key, value) in [
        ("employer", "设计\u{0}公司"),
        ("district_code", "500103\u{0}"),
        ("name", "专\u{0}家"),
    ] {
        let mut body = json!({"email": format!("s-{}@test.cn", uuid::Uuid::new_v4().simple()),
            "password": "password-123", "name": "专家", "roles": ["expert"]});
        body[key] = json!(value);
        let res = app.post("/users", &admin.token, body).await;
        let (status, body) = status_and_body(res).await;
        match status {
            422 => assert_paths(&body, &[key]),
            201 => assert_eq!(body[key], value, "kept as given"),
            other => bad.push(format!(
                "POST /api/v1/users with {key}={value:?} -> {other} {body}"
            )),
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[tokio::test]
async fn odd_authorization_headers_are_401() {
    let app = spawn_app().await;
    let designer = app.designer().await;
    let long = "A".repeat(60_000);
    let values: Vec<Vec<u8>> = vec![
        "Bearer 你好".as_bytes().to_vec(),
        b"Bearer \xff\xfe\xfd".to_vec(),
        b"Bearer \x80".to_vec(),
        format!("Bearer {long}").into_bytes(),
        format!("Bearer {}'--", designer.token).into_bytes(),
        format!("Bearer {} extra", designer.token).into_bytes(),
        b"Bearer ' OR '1'='1".to_vec(),
        b"Bearer %00".to_vec(),
    ];
    for value in values {
        let header = reqwest::header::HeaderValue::from_bytes(&value).unwrap();
        let res = app
            .client
            .get(app.api("/me"))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        let (status, body) = vet(&app, res).await;
        assert_eq!(
            status,
            401,
            "{:?}: {body}",
            String::from_utf8_lossy(&value[..value.len().min(40)])
        );
    }
    // The real token still works, whatever the case of the scheme.
    let res = app
        .client
        .get(app.api("/me"))
        .header("authorization", format!("bearer {}", designer.token))
        .send()
        .await
        .unwrap();
    assert_eq!(vet(&app, res).await.0, 200);
}

#[tokio::test]
async fn errors_follow_the_language_but_codes_do_not() {
    let app = spawn_app().await;
    let mut codes = Vec::new();
    for lang in ["zh-CN", "en", "fr", "*", "zh;q=abc, en;q=0.5, \u{0}"] {
        let Ok(header) = reqwest::header::HeaderValue::from_str(lang) else {
            continue;
        };
        let res = app
            .client
            .get(app.api("/me"))
            .header("accept-language", header)
            .send()
            .await
            .unwrap();
        let (status, body) = vet(&app, res).await;
        assert_eq!(status, 401);
        codes.push(body["error"]["code"].clone());
    }
    assert!(codes.windows(2).all(|w| w[0] == w[1]), "{codes:?}");
}

#[tokio::test]
async fn a_hostile_walk_through_every_endpoint_never_gets_a_500() {
    let app = spawn_app().await;
    let (designer, id) = setup(&app).await;
    let reviewer = app.reviewer().await;
    let admin = app.admin().await;
    let junk = [
        json!({"email": {"$ne": null}, "password": {"$gt": ""}}),
        json!({"name": ["a", "b"], "roles": "admin", "district_code": 500103}),
        json!({"personal": {"id_number": 500103199001011234u64, "phone": 13812345678u64}}),
        json!({"__proto__": {"admin": true}, "constructor": {"prototype": {}}}),
        json!({"": "", "\u{0}": "\u{0}"}),
    ];
    let routes: Vec<(Method, String, Option<&str>)> = vec![
        (Method::POST, "/auth/register".into(), None),
        (Method::POST, "/auth/token".into(), None),
        (Method::POST, "/users".into(), Some(&admin.token)),
        (Method::POST, "/batches".into(), Some(&reviewer.token)),
        (Method::POST, "/applications".into(), Some(&designer.token)),
        (
            Method::PUT,
            format!("/applications/{id}"),
            Some(&designer.token),
        ),
        (
            Method::POST,
            format!("/applications/{id}/submit"),
            Some(&designer.token),
        ),
        (
            Method::POST,
            format!("/applications/{id}/attachments"),
            Some(&designer.token),
        ),
    ];
    for body in &junk {
        for (method, path, token) in &routes {
            let res = app
                .req(method.clone(), path, *token)
                .json(body)
                .send()
                .await
                .unwrap();
            vet(&app, res).await;
        }
    }
    // Nobody became an admin on the way.
    let me = expect(app.get("/me", &designer.token).await, 200).await;
    assert_eq!(me["roles"], json!(["designer"]));
}

//! Accounts: registration, tokens, the sign-in throttle, `/me` and staff accounts (API.md "Accounts").

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

fn new_email() -> String {
    format!("user-{}@test.cn", uuid::Uuid::new_v4().simple())
}

#[tokio::test]
async fn register_answers_201_with_the_designer_role() {
    let app = spawn_app().await;
    let email = new_email();
    // Chinese text round-trips unchanged.
    let res = app
        .register(json!({"email": email, "password": "correct horse 1", "name": "李伟"}))
        .await;
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body = expect(res, 201).await;
    let id = body["id"].as_str().expect("id is a string");
    assert!(
        !id.is_empty() && id.parse::<u64>().is_err(),
        "ids are opaque, not sequential: {id}"
    );
    assert_eq!(body["email"], email);
    assert_eq!(body["name"], "李伟");
    assert_eq!(body["roles"], json!(["designer"]));
    let text = body.to_string();
    assert!(
        !text.contains("correct horse") && !text.contains("argon2"),
        "no password in {text}"
    );

    let token = app.token(&email, "correct horse 1").await;
    let me = expect(app.get("/me", &token).await, 200).await;
    assert_eq!(me["id"], id);
    assert_eq!(me["name"], "李伟");
    assert_eq!(me["roles"], json!(["designer"]));
}

#[tokio::test]
async fn register_ignores_roles_asked_for_by_the_client() {
    let app = spawn_app().await;
    let email = new_email();
    let res = app
        .register(
            json!({"email": email, "password": "designer-password", "name": "Mallory",
            "roles": ["admin"], "district_code": "500103"}),
        )
        .await;
    let body = expect(res, 201).await;
    assert_eq!(body["roles"], json!(["designer"]));
    let token = app.token(&email, "designer-password").await;
    let me = expect(app.get("/me", &token).await, 200).await;
    assert_eq!(me["roles"], json!(["designer"]));
    let res = app
        .post("/users", &token, json!({"email": new_email(), "password": "password-123", "name": "x", "roles": ["admin"]}))
        .await;
    expect_error(res, 403, "forbidden").await;
}

#[tokio::test]
async fn duplicate_email_is_409_whatever_its_case() {
    let app = spawn_app().await;
    let email = new_email();
    expect(
        app.register(json!({"email": email, "password": "password-123", "name": "甲"}))
            .await,
        201,
    )
    .await;
    let res = app
        .register(json!({"email": email, "password": "password-456", "name": "乙"}))
        .await;
    expect_error(res, 409, "email_taken").await;
    let res = app
        .register(json!({"email": email.to_uppercase(), "password": "password-456", "name": "乙"}))
        .await;
    expect_error(res, 409, "email_taken").await;
    let res = app
        .register(
            json!({"email": format!("  {email}  "), "password": "password-456", "name": "乙"}),
        )
        .await;
    expect_error(res, 409, "email_taken").await;
    // The first password still works; the duplicates changed nothing.
    expect(app.sign_in(&email, "password-123").await, 200).await;
    expect_error(app.sign_in(&email, "password-456").await, 401, "").await;
}

#[tokio::test]
async fn concurrent_registrations_of_one_email_make_one_account() {
    let app = spawn_app().await;
    let email = new_email();
    let mut handles = Vec::new();
    for i in 0..6 {
        let req = app
            .req(Method::POST, "/auth/register", None)
            .json(&json!({"email": email, "password": format!("password-{i:04}"), "name": "并发"}));
        handles.push(tokio::spawn(req.send()));
    }
    let mut statuses = Vec::new();
    for h in handles {
        let res = h.await.unwrap().unwrap();
        let (status, body) = status_and_body(res).await;
        if status != 201 {
            assert_eq!(status, 409, "{body}");
            assert_eq!(body["error"]["code"], "email_taken");
        }
        statuses.push(status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn weak_passwords_are_422_at_password() {
    let app = spawn_app().await;
    // 9 characters; 9 Chinese characters are 27 bytes but still 9 characters.
    for password in ["short1234", "一二三四五六七八九", "", "         "] {
        let res = app
            .register(json!({"email": new_email(), "password": password, "name": "设计师"}))
            .await;
        let body = expect_error(res, 422, "").await;
        assert_paths(&body, &["password"]);
    }
    // Exactly 10 characters is enough.
    for password in ["abcdefghij", "一二三四五六七八九十"] {
        let res = app
            .register(json!({"email": new_email(), "password": password, "name": "设计师"}))
            .await;
        expect(res, 201).await;
    }
}

#[tokio::test]
async fn bad_emails_are_422_at_email() {
    let app = spawn_app().await;
    for bad in [
        "not-an-email",
        "a@b",
        "@test.cn",
        "li@",
        "li wei@test.cn",
        "",
        "li@@test.cn",
        "li@.cn",
    ] {
        let res = app
            .register(json!({"email": bad, "password": "password-123", "name": "设计师"}))
            .await;
        let body = expect_error(res, 422, "").await;
        assert_paths(&body, &["email"]);
    }
}

#[tokio::test]
async fn registration_lists_every_problem_at_once() {
    let app = spawn_app().await;
    let res = app
        .register(json!({"email": "nope", "password": "short", "name": ""}))
        .await;
    let body = expect_error(res, 422, "").await;
    assert_paths(&body, &["email", "password", "name"]);

    let res = app.register(json!({})).await;
    let body = expect_error(res, 422, "").await;
    assert_paths(&body, &["email", "password", "name"]);

    let res = app
        .register(json!({"email": 5, "password": true, "name": ["李"]}))
        .await;
    let body = expect_error(res, 422, "").await;
    assert_paths(&body, &["email", "password", "name"]);
}

#[tokio::test]
async fn token_answers_200_with_the_user() {
    let app = spawn_app().await;
    let email = new_email();
    let created = expect(
        app.register(json!({"email": email, "password": "password-123", "name": "张三"}))
            .await,
        201,
    )
    .await;
    let body = expect(app.sign_in(&email, "password-123").await, 200).await;
    let token = body["token"].as_str().expect("token");
    assert!(
        token.len() >= 20,
        "a token long enough not to guess: {token}"
    );
    assert_eq!(body["user"]["id"], created["id"]);
    assert_eq!(body["user"]["email"], email);
    assert_eq!(body["user"]["name"], "张三");
    assert_eq!(body["user"]["roles"], json!(["designer"]));
    // Every sign-in gives a distinct token, and each works.
    let other = expect(app.sign_in(&email, "password-123").await, 200).await;
    assert_ne!(other["token"], body["token"]);
    expect(app.get("/me", token).await, 200).await;
    expect(app.get("/me", other["token"].as_str().unwrap()).await, 200).await;
    // The address is one account whatever its case.
    expect(
        app.sign_in(&email.to_uppercase(), "password-123").await,
        200,
    )
    .await;
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_identical_401s() {
    let app = spawn_app().await;
    let designer = app.designer().await;
    let wrong = expect_error(
        app.sign_in(&designer.email, "wrong-password").await,
        401,
        "",
    )
    .await;
    let unknown = expect_error(
        app.sign_in("nobody-here@test.cn", "wrong-password").await,
        401,
        "",
    )
    .await;
    assert_eq!(
        wrong, unknown,
        "the answer must not tell whether the email exists"
    );
    let malformed =
        expect_error(app.sign_in("not an email", "wrong-password").await, 401, "").await;
    assert_eq!(wrong, malformed);
}

#[tokio::test]
async fn token_with_missing_or_mistyped_fields_is_422() {
    let app = spawn_app().await;
    let res = app
        .req(Method::POST, "/auth/token", None)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let body = expect_error(res, 422, "").await;
    assert_paths(&body, &["email", "password"]);
    let res = app
        .req(Method::POST, "/auth/token", None)
        .json(&json!({"email": ["a"], "password": {}}))
        .send()
        .await
        .unwrap();
    let body = expect_error(res, 422, "").await;
    assert_paths(&body, &["email", "password"]);
}

#[tokio::test]
async fn five_failures_for_one_account_then_429_even_for_the_right_password() {
    let app = spawn_app().await;
    let designer = app.designer().await;
    for i in 0..5 {
        let res = app
            .sign_in(&designer.email, &format!("wrong-password-{i}"))
            .await;
        expect_error(res, 401, "").await;
    }
    expect_error(
        app.sign_in(&designer.email, "wrong-password-x").await,
        429,
        "",
    )
    .await;
    // The right password is refused too while throttled, whatever the spelling of the address.
    expect_error(
        app.sign_in(&designer.email, "designer-password").await,
        429,
        "",
    )
    .await;
    expect_error(
        app.sign_in(&designer.email.to_uppercase(), "designer-password")
            .await,
        429,
        "",
    )
    .await;
    // Another account from the same address is not affected.
    let other = app.designer().await;
    expect(app.sign_in(&other.email, "designer-password").await, 200).await;
    // Tokens issued before keep working.
    expect(app.get("/me", &designer.token).await, 200).await;
}

#[tokio::test]
async fn a_successful_sign_in_before_the_limit_keeps_the_account_open() {
    let app = spawn_app().await;
    let designer = app.designer().await;
    for _ in 0..4 {
        expect_error(
            app.sign_in(&designer.email, "wrong-password").await,
            401,
            "",
        )
        .await;
    }
    expect(app.sign_in(&designer.email, "designer-password").await, 200).await;
    for _ in 0..4 {
        expect_error(
            app.sign_in(&designer.email, "wrong-password").await,
            401,
            "",
        )
        .await;
    }
    expect(app.sign_in(&designer.email, "designer-password").await, 200).await;
}

#[tokio::test]
async fn unknown_emails_are_throttled_like_known_ones() {
    let app = spawn_app().await;
    for _ in 0..5 {
        expect_error(
            app.sign_in("ghost@test.cn", "wrong-password").await,
            401,
            "",
        )
        .await;
    }
    expect_error(
        app.sign_in("ghost@test.cn", "wrong-password").await,
        429,
        "too_many_requests",
    )
    .await;
}

#[tokio::test]
async fn concurrent_guesses_get_no_more_than_the_limit() {
    let app = spawn_app().await;
    let designer = app.designer().await;
    let mut handles = Vec::new();
    for i in 0..12 {
        let req = app
            .req(Method::POST, "/auth/token", None)
            .json(&json!({"email": designer.email, "password": format!("guess-number-{i}")}));
        handles.push(tokio::spawn(req.send()));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap().unwrap().status().as_u16());
    }
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
    let guessed = statuses.iter().filter(|s| **s == 401).count();
    assert!(
        guessed <= 5,
        "12 parallel guesses: {guessed} were checked against the password (limit 5): {statuses:?}"
    );
    expect_error(
        app.sign_in(&designer.email, "designer-password").await,
        429,
        "",
    )
    .await;
}

#[tokio::test]
async fn thirty_failures_from_one_address_then_429() {
    let app = spawn_app().await;
    let designer = app.designer().await;
    for i in 0..30 {
        // A different (unknown) account each time: only the address limit applies.
        let res = app
            .sign_in(&format!("nobody-{i}@test.cn"), "wrong-password")
            .await;
        expect_error(res, 401, "").await;
    }
    expect_error(
        app.sign_in("nobody-else@test.cn", "wrong-password").await,
        429,
        "too_many_requests",
    )
    .await;
    expect_error(
        app.sign_in(&designer.email, "designer-password").await,
        429,
        "too_many_requests",
    )
    .await;
}

#[tokio::test]
async fn an_office_behind_one_address_can_register_and_sign_in_30_people() {
    let app = spawn_app().await;
    for i in 0..30 {
        let email = format!("office-{i}-{}@test.cn", uuid::Uuid::new_v4().simple());
        let res = app
            .register(
                json!({"email": email, "password": "office-password", "name": format!("员工{i}")}),
            )
            .await;
        expect(res, 201).await;
        expect(app.sign_in(&email, "office-password").await, 200).await;
    }
}

#[tokio::test]
async fn me_needs_a_valid_token() {
    let app = spawn_app().await;
    let res = app.req(Method::GET, "/me", None).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "unauthenticated");
    for header in [
        "Bearer garbage",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "garbage",
        "Bearer a b c",
    ] {
        let res = app
            .client
            .get(app.api("/me"))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        expect_error(res, 401, "").await;
    }
    // The right shape but nobody's token.
    let fake = "A".repeat(43);
    expect_error(app.get("/me", &fake).await, 401, "").await;
}

#[tokio::test]
async fn admin_creates_staff_accounts() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let email = new_email();
    let res = app
        .post("/users", &admin.token, json!({"email": email, "password": "officer-password", "name": "渝中区专员",
            "roles": ["district_officer"], "district_code": "500103", "employer": "渝中区人力社保局"}))
        .await;
    let body = expect(res, 201).await;
    assert!(body["id"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(body["email"], email);
    assert_eq!(body["name"], "渝中区专员");
    assert_eq!(body["roles"], json!(["district_officer"]));
    assert_eq!(body["district_code"], "500103");
    assert_eq!(body["employer"], "渝中区人力社保局");

    let token = app.token(&email, "officer-password").await;
    let me = expect(app.get("/me", &token).await, 200).await;
    assert_eq!(me["id"], body["id"]);
    assert_eq!(me["roles"], json!(["district_officer"]));
    assert_eq!(me["district_code"], "500103");

    // Several roles at once; employer optional.
    let res = app
        .post(
            "/users",
            &admin.token,
            json!({"email": new_email(), "password": "expert-password", "name": "专家",
            "roles": ["expert", "reviewer"], "employer": "重庆大学"}),
        )
        .await;
    let body = expect(res, 201).await;
    let roles: Vec<&str> = body["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        roles.contains(&"expert") && roles.contains(&"reviewer") && roles.len() == 2,
        "{roles:?}"
    );
    assert_eq!(body["employer"], "重庆大学");
}

#[tokio::test]
async fn only_admins_create_users() {
    let app = spawn_app().await;
    let body = json!({"email": new_email(), "password": "password-123", "name": "x", "roles": ["reviewer"]});
    for roles in [
        &["reviewer"][..],
        &["expert"],
        &["service_staff"],
        &["designer"],
    ] {
        let user = app.staff(roles, None, None).await;
        expect_error(
            app.post("/users", &user.token, body.clone()).await,
            403,
            "forbidden",
        )
        .await;
    }
    let officer = app.staff(&["district_officer"], Some("500103"), None).await;
    expect_error(
        app.post("/users", &officer.token, body.clone()).await,
        403,
        "forbidden",
    )
    .await;
    let res = app
        .req(Method::POST, "/users", None)
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_error(res, 401, "unauthenticated").await;
    // Nobody was created: the email is still free.
    let admin = app.admin().await;
    expect(app.post("/users", &admin.token, body).await, 201).await;
}

#[tokio::test]
async fn staff_accounts_are_validated() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let post = |body: Value| app.post("/users", &admin.token, body);

    let body = expect_error(
        post(json!({"email": new_email(), "password": "password-123", "name": "x", "roles": ["district_officer"]})).await,
        422,
        "",
    )
    .await;
    assert_paths(&body, &["district_code"]);

    let body = expect_error(
        post(json!({"email": new_email(), "password": "password-123", "name": "x", "roles": ["district_officer"],
            "district_code": "999999"}))
        .await,
        422,
        "",
    )
    .await;
    assert_paths(&body, &["district_code"]);

    let body = expect_error(
        post(json!({"email": new_email(), "password": "password-123", "name": "x", "roles": ["superuser"]})).await,
        422,
        "",
    )
    .await;
    assert!(
        field_paths(&body).iter().any(|p| p.starts_with("roles")),
        "{body}"
    );

    let body = expect_error(
        post(json!({"email": new_email(), "password": "password-123", "name": "x", "roles": []}))
            .await,
        422,
        "",
    )
    .await;
    assert!(
        field_paths(&body).iter().any(|p| p.starts_with("roles")),
        "{body}"
    );

    let body = expect_error(
        post(json!({"email": "bad", "password": "short", "name": "", "roles": ["boss"], "district_code": "nowhere"})).await,
        422,
        "",
    )
    .await;
    assert_paths(&body, &["email", "password", "name", "district_code"]);
    assert!(
        field_paths(&body).iter().any(|p| p.starts_with("roles")),
        "{body}"
    );

    expect_error(post(json!({"email": admin.email, "password": "password-123", "name": "x", "roles": ["expert"]})).await, 409, "email_taken")
        .await;
}

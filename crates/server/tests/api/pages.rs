//! The HTML pages as a browser without JavaScript sees them: a cookie session from the sign-in
//! form, the CSRF token from the page, plain form posts. What is checked here is what the server
//! renders (links, messages, status codes); the browser journeys are in e2e/.

use crate::helpers::*;
use reqwest::{header, Client, StatusCode};
use serde_json::json;

pub struct Browser {
    base: String,
    client: Client,
    /// The CSRF token of the signed-in session, as pages carry it.
    pub csrf: String,
}

/// The value of `<meta name="csrf-token" content="…">`.
fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker).map(|i| i + marker.len()).unwrap();
    html[start..].split('"').next().unwrap().to_string()
}

pub struct Page {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub html: String,
}

impl Page {
    /// The `back` of the language switch link, decoded.
    pub fn lang_back(&self) -> String {
        let marker = "href=\"/lang?to=";
        let start = self.html.find(marker).unwrap();
        let href = self.html[start..].split('"').nth(1).unwrap();
        let raw = href.split("back=").nth(1).unwrap();
        let raw = raw.replace("&amp;", "&");
        percent_decode(&raw)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

impl Browser {
    pub fn anonymous(app: &TestApp) -> Browser {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            base: app.base.clone(),
            client,
            csrf: String::new(),
        }
    }

    /// Signs in through the sign-in form, as a person would.
    pub async fn signed_in(app: &TestApp, email: &str, password: &str) -> Browser {
        let mut b = Browser::anonymous(app);
        let form = b.get("/signin").await;
        b.csrf = csrf_of(&form.html);
        let res = b
            .post("/signin", &[("email", email), ("password", password)], None)
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "sign in {email}");
        b.csrf = csrf_of(&b.get("/").await.html);
        b
    }

    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            // minijinja writes "/" in attributes as "&#x2f;", which browsers read as "/".
            html: res.text().await.unwrap().replace("&#x2f;", "/"),
        }
    }

    /// Posts a form (with the CSRF token), optionally from a page (`Referer`).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)], referer: Option<&str>) -> Page {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &self.csrf));
        let mut req = self.client.post(format!("{}{path}", self.base)).form(&form);
        if let Some(from) = referer {
            req = req.header(header::REFERER, format!("{}{from}", self.base));
        }
        let res = req.send().await.unwrap();
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            // minijinja writes "/" in attributes as "&#x2f;", which browsers read as "/".
            html: res.text().await.unwrap().replace("&#x2f;", "/"),
        }
    }
}

pub(crate) const STAFF_PASSWORD: &str = "staff-password-1";

#[tokio::test]
async fn the_language_switch_keeps_the_query_and_leaves_a_posted_page_for_its_form() {
    let app = spawn_app().await;
    let reviewer = app.reviewer().await;
    let b = Browser::signed_in(&app, &reviewer.email, STAFF_PASSWORD).await;
    let page = b.get("/library?stars=3&page=2").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.lang_back(), "/library?stars=3&page=2");

    // The assignment form shown again with its problem: the switch goes back to the batch page.
    let res = app
        .post("/batches", &reviewer.token, json!({"name": "语言切换批次"}))
        .await;
    let batch = expect(res, 201).await["id"].as_str().unwrap().to_string();
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
    let dashboard = format!("/batches/{batch}");
    let assign = format!("/batches/{batch}/assign");
    let fields = [("experts_per_application", "x"), ("action", "preview")];
    let page = b.post(&assign, &fields, Some(&dashboard)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.lang_back(), dashboard);
    // Without a Referer (or another site's), the home page.
    let page = b.post(&assign, &fields, None).await;
    assert_eq!(page.lang_back(), "/");

    // Following the switch lands on a page that answers GET, with the language changed.
    let res = b.get(&format!("/lang?to=en&back={dashboard}")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.headers[header::LOCATION], dashboard.as_str());
    assert_eq!(b.get(&dashboard).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_page_url_with_the_wrong_method_answers_with_the_error_page() {
    let app = spawn_app().await;
    let reviewer = app.reviewer().await;
    let b = Browser::signed_in(&app, &reviewer.email, STAFF_PASSWORD).await;
    let batch = app.open_batch().await;
    for path in ["/signout".to_string(), format!("/batches/{batch}/close")] {
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert!(page.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert_eq!(page.headers[header::ALLOW], "POST", "{path}");
        assert!(
            page.html.contains("405") && page.html.contains("<html"),
            "{path}"
        );
        assert!(page.html.contains("/assets/app.css"));
    }
    // The API keeps its JSON error body.
    let res = app.client.get(app.api("/auth/token")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

const DESIGNER_PASSWORD: &str = "designer-password";

/// Where each needle first occurs in the page, in order (panics when one is missing).
fn positions(html: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            html.find(n)
                .unwrap_or_else(|| panic!("{n} not in the page"))
        })
        .collect()
}

#[tokio::test]
async fn the_registration_summary_lists_the_problems_in_the_forms_order() {
    let app = spawn_app().await;
    let mut b = Browser::anonymous(&app);
    b.csrf = csrf_of(&b.get("/register").await.html);
    let page = b
        .post(
            "/register",
            &[
                ("name", ""),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = &page.html[page.html.find("error-summary").unwrap()..];
    let at = positions(
        summary,
        &[
            "href=\"#name\"",
            "href=\"#email\"",
            "href=\"#password\"",
            "href=\"#password_confirm\"",
        ],
    );
    assert!(at[0] < at[1] && at[1] < at[2] && at[2] < at[3], "{at:?}");
}

/// The web form asks for the password twice; a difference is refused and creates no account.
#[tokio::test]
async fn registering_on_the_web_needs_the_password_twice_alike() {
    let app = spawn_app().await;
    let mut b = Browser::anonymous(&app);
    b.csrf = csrf_of(&b.get("/register").await.html);
    let fields = |again: &'static str| {
        [
            ("name", "王设计"),
            ("email", "twice@example.cn"),
            ("password", "long-enough-password"),
            ("password_confirm", again),
        ]
    };
    let page = b
        .post("/register", &fields("long-enough-passwort"), None)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("两次输入的密码不一致"));
    assert!(page.html.contains("twice@example.cn"), "the email is kept");
    let res = app
        .sign_in("twice@example.cn", "long-enough-password")
        .await;
    assert_eq!(res.status(), 401, "no account was created");
    let page = b
        .post("/register", &fields("long-enough-password"), None)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let res = app
        .sign_in("twice@example.cn", "long-enough-password")
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_closed_form_says_why_and_the_record_leads_back_and_prints() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.submitted(&designer).await;
    let b = Browser::signed_in(&app, &designer.email, DESIGNER_PASSWORD).await;
    let edit = b.get(&format!("/applications/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER);
    assert_eq!(
        edit.headers[header::LOCATION],
        format!("/applications/{id}")
    );
    let record = b.get(&format!("/applications/{id}")).await;
    assert!(
        record.html.contains("申报已提交，审核期间不能修改"),
        "the flash says why the form did not open"
    );
    assert!(record
        .html
        .contains("<a class=\"btn\" href=\"/me/application\">返回我的申报</a>"));
    assert!(record.html.contains("data-print hidden"));
    // Shown once: the next visit has no message.
    let again = b.get(&format!("/applications/{id}")).await;
    assert!(!again.html.contains("申报已提交，审核期间不能修改"));

    // A district officer of the applicant's district reads it and finds the way back.
    let officer = app.staff(&["district_officer"], Some("500103"), None).await;
    let b = Browser::signed_in(&app, &officer.email, STAFF_PASSWORD).await;
    let record = b.get(&format!("/applications/{id}")).await;
    assert_eq!(record.status, StatusCode::OK);
    assert!(
        record
            .html
            .contains("<a class=\"btn\" href=\"/district\">返回本区县申报</a>"),
        "a link back to /district"
    );
    let edit = b.get(&format!("/applications/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER);
    let record = b.get(&format!("/applications/{id}")).await;
    assert!(record.html.contains("只有申报人本人可以修改申报表"));
}

#[tokio::test]
async fn every_page_has_an_icon_and_favicon_ico_answers() {
    let app = spawn_app().await;
    let b = Browser::anonymous(&app);
    let home = b.get("/").await;
    assert!(home
        .html
        .contains("rel=\"icon\" href=\"/assets/favicon.svg\""));
    let svg = b.get("/assets/favicon.svg").await;
    assert_eq!(svg.status, StatusCode::OK);
    assert_eq!(svg.headers[header::CONTENT_TYPE], "image/svg+xml");
    let res = app
        .client
        .get(format!("{}/favicon.ico", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/x-icon");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an ICO file");
    // The error page too.
    assert!(b.get("/nowhere").await.html.contains("/assets/favicon.svg"));
}

#[tokio::test]
async fn the_rubric_page_names_categories_in_the_readers_language_only() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let b = Browser::signed_in(&app, &admin.email, STAFF_PASSWORD).await;
    let zh = b.get("/admin/rubric").await;
    assert_eq!(zh.status, StatusCode::OK);
    assert!(zh.html.contains("<th scope=\"row\">职称</th>"));
    assert!(!zh.html.contains("Professional titles"));
    b.get("/lang?to=en&back=/").await;
    let en = b.get("/admin/rubric").await;
    assert!(en
        .html
        .contains("<th scope=\"row\">Professional titles</th>"));
    assert!(!en.html.contains("职称"));
}

#[tokio::test]
async fn a_long_batch_name_may_wrap_in_the_batches_table() {
    let app = spawn_app().await;
    let reviewer = app.reviewer().await;
    let name = "A".repeat(100);
    let res = app
        .post("/batches", &reviewer.token, json!({"name": name}))
        .await;
    expect(res, 201).await;
    let b = Browser::signed_in(&app, &reviewer.email, STAFF_PASSWORD).await;
    let page = b.get("/batches").await;
    let cell = &page.html[..page.html.find(&name).unwrap()];
    let th = cell.rfind("<th").unwrap();
    assert!(
        cell[th..].contains("class=\"cell-name\""),
        "{}",
        &cell[th..]
    );
    let css = b.get("/assets/app.css").await.html;
    assert!(css.contains(".table .cell-name {") && css.contains("overflow-wrap: anywhere"));
}

/// A page fetched with a bearer token (the pages accept it like the session cookie).
pub(crate) async fn bearer_page(app: &TestApp, path: &str, token: &str) -> (u16, String) {
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
    let (status, html) = bearer_page(
        &app,
        &format!("/admin/audit?actor={}", one.email.to_uppercase()),
        &admin.token,
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains(&one.email), "the actor's entries are listed");
    assert!(!html.contains(&other.email), "nobody else's");
    // Each target is named, not only shown by its id.
    assert!(html.contains("<span class=\"audit-target-name\">甲批次</span>"));
    assert!(!html.contains("乙批次"));
    let (_, html) = bearer_page(&app, "/admin/audit?actor=nobody@example.cn", &admin.token).await;
    assert!(!html.contains(&one.email) && !html.contains(&other.email));
}

/// Sessions are remembered for a few seconds, but never past a sign-out or a change of roles.
#[tokio::test]
async fn signing_out_and_changing_roles_take_effect_at_once() {
    let app = spawn_app().await;
    let reviewer = app.reviewer().await;
    let b = Browser::signed_in(&app, &reviewer.email, STAFF_PASSWORD).await;
    assert_eq!(b.get("/review").await.status, StatusCode::OK);
    let out = b.post("/signout", &[], None).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    // The same cookie jar no longer opens staff pages: the sign-in page instead.
    let after = b.get("/review").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "signed out");

    // An admin takes the reviewer role away: the token loses it on its next request.
    let admin = app.staff(&["admin"], None, None).await;
    let other = app.reviewer().await;
    let batch = app
        .post("/batches", &other.token, json!({"name": "角色变更前"}))
        .await;
    assert_eq!(batch.status(), 201);
    let ab = Browser::signed_in(&app, &admin.email, STAFF_PASSWORD).await;
    let res = ab
        .post(
            &format!("/admin/users/{}/roles", other.id),
            &[("roles", "expert"), ("employer", "某大学")],
            None,
        )
        .await;
    assert!(res.status.is_redirection(), "roles saved: {}", res.status);
    let batch = app
        .post("/batches", &other.token, json!({"name": "角色变更后"}))
        .await;
    assert_eq!(batch.status(), 403);
}

/// A draft left in a closed batch with no batch open cannot be submitted: its form offers
/// saving only and says why, instead of a submit button that ends in a 409; once a batch opens,
/// the button is back.
#[tokio::test]
async fn a_form_with_no_batch_to_submit_into_offers_saving_only() {
    let app = spawn_app().await;
    let batch = app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let reviewer = app.staff(&["reviewer"], None, None).await;
    let res = app
        .post(
            &format!("/batches/{batch}/close"),
            &reviewer.token,
            json!({}),
        )
        .await;
    expect(res, 200).await;
    let b = Browser::signed_in(&app, &designer.email, DESIGNER_PASSWORD).await;
    let submit_button = "name=\"action\" value=\"submit\"";
    let edit = b.get(&format!("/applications/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(!edit.html.contains(submit_button), "no submit button");
    assert!(edit.html.contains("目前没有开放的批次"), "says why");
    assert!(edit.html.contains("value=\"save\""), "saving still works");

    app.open_batch().await;
    let edit = b.get(&format!("/applications/{id}/edit")).await;
    assert!(edit.html.contains(submit_button));
    assert!(!edit.html.contains("目前没有开放的批次"));
}

/// Drafts are counted on the batch dashboard but reviewers are not shown them, so their card
/// is no link to an empty list; the audit log names kinds of records in Chinese.
#[tokio::test]
async fn the_draft_count_is_no_link_and_audit_targets_are_named() {
    let app = spawn_app().await;
    let batch = app.open_batch().await;
    let designer = app.designer().await;
    app.draft(&designer).await;
    let reviewer = app.reviewer().await;
    let b = Browser::signed_in(&app, &reviewer.email, STAFF_PASSWORD).await;
    let dash = b.get(&format!("/batches/{batch}")).await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.html.contains("stat stat-draft"), "drafts are counted");
    assert!(!dash.html.contains("status=draft"), "but not linked");
    assert!(dash.html.contains("status=submitted"));

    let admin = app.admin().await;
    let b = Browser::signed_in(&app, &admin.email, STAFF_PASSWORD).await;
    let audit = b.get("/admin/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.html.contains("<span>批次</span>"), "batch named");
    assert!(!audit.html.contains("<span>batch</span>"));
}

/// The reference wage of personal compensation is set in a form, not by editing the rubric
/// file: the rubric in force is published again as a new version with it; bad input comes back
/// as typed with the problem beside its field.
#[tokio::test]
async fn an_admin_sets_the_reference_wage_in_a_form() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let b = Browser::signed_in(&app, &admin.email, STAFF_PASSWORD).await;
    let page = b.get("/admin/rubric").await;
    assert!(page.html.contains("name=\"reference_wage_cny\""));

    let bad = b
        .post(
            "/admin/rubric/reference-wage",
            &[
                ("reference_wage_cny", "十万"),
                ("version", "default-1-2026"),
            ],
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("value=\"十万\""), "kept as typed");
    let taken = b
        .post(
            "/admin/rubric/reference-wage",
            &[("reference_wage_cny", "110000"), ("version", "default-1")],
            None,
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);

    let ok = b
        .post(
            "/admin/rubric/reference-wage",
            &[
                ("reference_wage_cny", "110,000"),
                ("version", "default-1-2026"),
            ],
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let rubric = expect(app.get("/rubric", &admin.token).await, 200).await;
    assert_eq!(rubric["version"], "default-1-2026", "{rubric}");
    let def = talentlib::service::rubrics::current(app.state.store.db())
        .await
        .unwrap();
    assert_eq!(def.compensation.reference_wage_cny, Some(110_000.0));
    assert!(b.get("/admin/rubric").await.html.contains("110000 元/年"));
}

/// Submits a complete application of `name`, with an unlisted major when `flagged`.
async fn submit_named(app: &TestApp, name: &str, flagged: bool) {
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let mut form = complete_form();
    form["personal"]["name"] = json!(name);
    if flagged {
        form["education"][0]["major_code"] = json!("999999");
        form["education"][0]["major_name"] = json!("交互与体验设计（自设专业）");
    }
    app.save_with_evidence(&designer, &id, form).await;
    let res = app
        .post(
            &format!("/applications/{id}/submit"),
            &designer.token,
            json!({}),
        )
        .await;
    expect(res, 200).await;
}

/// The reviewers' queue: first submitted first by default, other orders on request, and a
/// filter for majors outside the reference list.
#[tokio::test]
async fn the_review_queue_sorts_and_filters_by_flagged_major() {
    let app = spawn_app().await;
    let batch = app.open_batch().await;
    // Submitted in this order; names chosen so that no order coincides with another.
    for (name, flagged) in [("乙二", false), ("丙三", true), ("甲一", false)] {
        submit_named(&app, name, flagged).await;
    }
    let reviewer = app.reviewer().await;
    let order = |html: &str| -> Vec<&'static str> {
        let mut found: Vec<(usize, &'static str)> = ["甲一", "乙二", "丙三"]
            .into_iter()
            .filter_map(|n| html.find(n).map(|at| (at, n)))
            .collect();
        found.sort();
        found.into_iter().map(|(_, n)| n).collect()
    };
    let queue = |query: &str| format!("/review?batch_id={batch}{query}");
    let (status, html) = bearer_page(&app, &queue(""), &reviewer.token).await;
    assert_eq!(status, 200);
    assert_eq!(
        order(&html),
        ["乙二", "丙三", "甲一"],
        "first submitted first"
    );
    let (_, html) = bearer_page(&app, &queue("&sort=submitted_desc"), &reviewer.token).await;
    assert_eq!(order(&html), ["甲一", "丙三", "乙二"]);
    // Code point order: 丙 U+4E19 < 乙 U+4E59 < 甲 U+7532.
    let (_, html) = bearer_page(&app, &queue("&sort=name"), &reviewer.token).await;
    assert_eq!(order(&html), ["丙三", "乙二", "甲一"]);
    let (_, html) = bearer_page(&app, &queue("&major=flagged"), &reviewer.token).await;
    assert_eq!(order(&html), ["丙三"]);
    let (_, html) = bearer_page(&app, &queue("&major=listed&sort=name"), &reviewer.token).await;
    assert_eq!(order(&html), ["乙二", "甲一"]);
    // Unknown values read as the defaults, never as an error.
    let (status, html) = bearer_page(&app, &queue("&major=x&sort=%00"), &reviewer.token).await;
    assert_eq!(status, 200);
    assert_eq!(order(&html), ["乙二", "丙三", "甲一"]);
}

/// The review form asks for the grounds of a rejection as well as for a return's comment (the
/// API asks only for the latter), so a rejected designer always learns why.
#[tokio::test]
async fn the_review_form_needs_a_reason_to_reject() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.submitted(&designer).await;
    let reviewer = app.reviewer().await;
    let b = Browser::signed_in(&app, &reviewer.email, STAFF_PASSWORD).await;
    let path = format!("/review/applications/{id}");
    let page = b
        .post(&path, &[("decision", "reject"), ("comment", "  ")], None)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("请填写审核意见"));
    let still = expect(
        app.get(&format!("/applications/{id}"), &designer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(still["status"], "submitted");
    let page = b
        .post(
            &path,
            &[("decision", "reject"), ("comment", "不属于工业设计领域")],
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let done = expect(
        app.get(&format!("/applications/{id}"), &designer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(done["status"], "rejected");
    assert_eq!(done["review"]["comment"], "不属于工业设计领域");
}

/// Before closing, the batch page says what closing means for drafts and returned applications.
#[tokio::test]
async fn the_open_batch_page_warns_of_drafts_and_returns_before_closing() {
    let app = spawn_app().await;
    let batch = app.open_batch().await;
    let reviewer = app.reviewer().await;
    let dashboard = format!("/batches/{batch}");
    let (_, html) = bearer_page(&app, &dashboard, &reviewer.token).await;
    assert!(!html.contains("份草稿尚未提交") && !html.contains("份退回修改的申报尚未重新提交"));
    let drafting = app.designer().await;
    app.draft(&drafting).await;
    let back = app.designer().await;
    let id = app.submitted(&back).await;
    let res = app
        .post(
            &format!("/applications/{id}/review"),
            &reviewer.token,
            json!({"decision": "return", "comment": "请补充证书", "items": []}),
        )
        .await;
    expect(res, 200).await;
    let (status, html) = bearer_page(&app, &dashboard, &reviewer.token).await;
    assert_eq!(status, 200);
    assert!(html.contains("有 1 份草稿尚未提交"), "drafts named");
    assert!(
        html.contains("有 1 份退回修改的申报尚未重新提交"),
        "returns named"
    );
    // The returned designer is addressed in person; staff read about the applicant.
    let (_, mine) = bearer_page(&app, "/me/application", &back.token).await;
    assert!(mine.contains("请根据审核意见修改后重新提交"));
    let (_, record) = bearer_page(&app, &format!("/applications/{id}"), &reviewer.token).await;
    assert!(record.contains("待申报人根据审核意见修改后重新提交"));
}

/// Submitting on the web: the form saves and checks, then a page of its own asks to confirm.
/// Opened or posted with problems left, it shows them on the form and submits nothing.
#[tokio::test]
async fn the_web_submission_is_confirmed_on_its_own_page_after_the_checks() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let b = Browser::signed_in(&app, &designer.email, "designer-password").await;
    let id = app.draft(&designer).await;
    let confirm = format!("/applications/{id}/submit");
    let status_of = || async {
        expect(
            app.get(&format!("/applications/{id}"), &designer.token)
                .await,
            200,
        )
        .await["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // An empty draft: the form with its problems, whether the page is opened or posted.
    let page = b.get(&confirm).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("error-summary") && !page.html.contains("确认提交申报"));
    let page = b.post(&confirm, &[], None).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of().await, "draft");
    // Complete: the confirmation names the applicant and the batch; confirming submits.
    fill_completely(&app, &designer, &id).await;
    let page = b.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("确认提交申报") && page.html.contains("李设计"));
    assert!(page.html.contains("name=\"csrf_token\""));
    assert_eq!(status_of().await, "draft", "opening it submits nothing");
    let page = b.post(&confirm, &[], None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of().await, "submitted");
    // Submitted: the page leads to the record instead.
    let page = b.get(&confirm).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers[header::LOCATION],
        format!("/applications/{id}").as_str()
    );
    // Someone else's application: never their page to confirm.
    let other = app.designer().await;
    let ob = Browser::signed_in(&app, &other.email, "designer-password").await;
    let page = ob.post(&confirm, &[], None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

/// An item added but left wholly empty is no item; saving says so instead of dropping it unremarked.
#[tokio::test]
async fn saving_says_when_an_empty_new_item_was_not_kept() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let b = Browser::signed_in(&app, &designer.email, "designer-password").await;
    let edit = format!("/applications/{id}/edit");
    let fields = |honor: &'static str| {
        vec![
            ("personal.name", "王设计"),
            ("honors[0].name", honor),
            ("action", "save"),
        ]
    };
    let res = b.post(&edit, &fields(""), None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(b
        .get(&edit)
        .await
        .html
        .contains("未填写任何内容的新增条目没有保存"));
    let res = b.post(&edit, &fields("重庆市优秀设计师"), None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = b.get(&edit).await;
    assert!(page.html.contains("草稿已保存") && !page.html.contains("新增条目没有保存"));
    let saved = expect(
        app.get(&format!("/applications/{id}"), &designer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(saved["honors"][0]["name"], "重庆市优秀设计师");
}

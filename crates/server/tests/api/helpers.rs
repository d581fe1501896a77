//! Spawning the app and acting as its users.

use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{json, Value};
use talentlib::service::accounts::{create_staff, NewStaff};
use talentlib::state::AppState;
use talentlib::{Application, Config};
use talentlib_store::sea_orm::{ConnectionTrait, Database};

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub state: AppState,
    pub database_url: String,
    pub dir: tempfile::TempDir,
}

/// A signed-in user: their id and bearer token.
#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub email: String,
    pub token: String,
}

/// A fresh PostgreSQL database on the server of `base`, or None to use SQLite.
async fn fresh_postgres(base: &str) -> String {
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(base)
        .await
        .expect("TEST_POSTGRES_URL reachable");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("TEST_POSTGRES_URL ends with /DBNAME");
    format!("{prefix}/{name}")
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let database_url = match std::env::var("TEST_POSTGRES_URL") {
        Ok(base) if !base.is_empty() => Some(fresh_postgres(&base).await),
        _ => None,
    };
    let config = Config::for_tests(dir.path(), database_url);
    let database_url = config.database_url.clone();
    let app = Application::build(config).await.expect("app builds");
    let base = format!("http://{}", app.local_addr());
    let state = app.state();
    tokio::spawn(app.run_until_stopped());
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base,
        client,
        state,
        database_url,
        dir,
    }
}

impl TestApp {
    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    pub fn req(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let r = self.client.request(method, self.api(path));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.req(Method::GET, path, Some(token))
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.req(Method::POST, path, Some(token))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Response {
        self.req(Method::PUT, path, Some(token))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn token(&self, email: &str, password: &str) -> String {
        let res = self
            .req(Method::POST, "/auth/token", None)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "sign in {email}");
        res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A staff account made the way `talentlib user create` makes one, signed in.
    pub async fn staff(
        &self,
        roles: &[&str],
        district: Option<&str>,
        employer: Option<&str>,
    ) -> User {
        let email = format!("staff-{}@test.cn", uuid::Uuid::new_v4().simple());
        let password = "staff-password-1".to_string();
        let account = create_staff(
            &self.state,
            None,
            NewStaff {
                email: email.clone(),
                password: password.clone(),
                name: "工作人员".into(),
                roles: roles.iter().map(|r| r.to_string()).collect(),
                district_code: district.map(str::to_string),
                employer: employer.map(str::to_string),
            },
            "test",
        )
        .await
        .expect("staff created");
        let token = self.token(&email, &password).await;
        User {
            id: account.id.to_string(),
            email,
            token,
        }
    }

    /// A newly registered designer, signed in.
    pub async fn designer(&self) -> User {
        let email = format!("designer-{}@test.cn", uuid::Uuid::new_v4().simple());
        let res = self
            .req(Method::POST, "/auth/register", None)
            .json(&json!({"email": email, "password": "designer-password", "name": "设计师"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let token = self.token(&email, "designer-password").await;
        User { id, email, token }
    }

    /// Opens a batch (as a new reviewer) and returns its id.
    pub async fn open_batch(&self) -> String {
        let reviewer = self.staff(&["reviewer"], None, None).await;
        let name = format!("批次-{}", uuid::Uuid::new_v4().simple());
        let res = self
            .post("/batches", &reviewer.token, json!({"name": name}))
            .await;
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A designer's new draft in the open batch; returns its id.
    pub async fn draft(&self, designer: &User) -> String {
        let res = self.post("/applications", &designer.token, json!({})).await;
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Uploads bytes as evidence for an item.
    pub async fn upload(
        &self,
        token: &str,
        app: &str,
        item_id: Option<&str>,
        name: &str,
        bytes: Vec<u8>,
    ) -> Response {
        let mut form = reqwest::multipart::Form::new();
        if let Some(item) = item_id {
            form = form.text("item_id", item.to_string());
        }
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        self.req(
            Method::POST,
            &format!("/applications/{app}/attachments"),
            Some(token),
        )
        .multipart(form)
        .send()
        .await
        .unwrap()
    }
}

/// A valid resident ID number built with the GB 11643 algorithm (no real person's number).
pub fn id_number(first17: &str) -> String {
    let check = talentlib_domain::identity::check_char(first17.as_bytes()).unwrap();
    format!("{first17}{check}")
}

/// A small valid PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

/// A complete, eligible form.
pub fn complete_form() -> Value {
    json!({
        "personal": {"name": "李设计", "gender": "male", "id_number": id_number("50010319900101123"),
            "phone": "13812345678", "email": "li@example.cn", "district_code": "500103",
            "connection": "native", "employer": "重庆某设计公司", "position": "设计总监",
            "work_type": "services", "design_years": 10, "public_consent": true, "clean_record_declared": true},
        "education": [{"degree": "bachelor", "major_code": "080205", "major_name": "工业设计",
            "institution": "重庆大学", "graduated_on": "2012-07"}],
        "awards": [{"name": "红点奖", "tier": "international", "rank": "gold", "year": 2023,
            "work_title": "智能座舱", "role": "lead"}],
        "compensation": {"annual_income_cny": 300000, "year": 2025}
    })
}

/// Saves the complete form, attaches a PDF to every item, and returns the saved application.
pub async fn fill_completely(app: &TestApp, designer: &User, id: &str) -> Value {
    let res = app
        .put(
            &format!("/applications/{id}"),
            &designer.token,
            complete_form(),
        )
        .await;
    assert_eq!(res.status(), 200);
    let saved: Value = res.json().await.unwrap();
    let mut items: Vec<String> = Vec::new();
    for section in ["education", "awards"] {
        for item in saved[section].as_array().unwrap() {
            items.push(item["id"].as_str().unwrap().to_string());
        }
    }
    items.push(saved["compensation"]["id"].as_str().unwrap().to_string());
    for item in &items {
        let res = app
            .upload(&designer.token, id, Some(item), "证书.pdf", pdf())
            .await;
        assert_eq!(res.status(), 201);
    }
    saved
}

/// The `error.code` of a response body.
pub async fn error_code(res: Response) -> String {
    let body: Value = res.json().await.expect("error body is JSON");
    body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Additions for the feature modules: responses as JSON, error bodies, more users, raw uploads.
// ---------------------------------------------------------------------------------------------

/// Whether this run uses PostgreSQL (`TEST_POSTGRES_URL` set) rather than SQLite.
pub fn is_postgres() -> bool {
    std::env::var("TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty())
}

/// The status and the body (JSON, or `Value::Null` when empty, or a JSON string holding the
/// text when it is not JSON).
pub async fn status_and_body(res: Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let body = if text.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// Asserts the status (showing the body when it differs) and returns the JSON body.
pub async fn expect(res: Response, status: u16) -> Value {
    let what = format!("{} {}", res.status(), res.url().path());
    let (got, body) = status_and_body(res).await;
    assert_eq!(got, status, "{what}: unexpected status; body: {body}");
    body
}

/// Asserts an error status, API.md's error body, and (when not empty) its `error.code`.
pub async fn expect_error(res: Response, status: u16, code: &str) -> Value {
    let body = expect(res, status).await;
    assert_error_shape(&body);
    if !code.is_empty() {
        assert_eq!(body["error"]["code"], code, "error code; body: {body}");
    }
    body
}

/// `{"error": {"code": "snake_case", "message": "...", "fields": [{"path", "message"}]}}`.
pub fn assert_error_shape(body: &Value) {
    let e = &body["error"];
    let code = e["code"]
        .as_str()
        .unwrap_or_else(|| panic!("error.code missing: {body}"));
    assert!(
        !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
        "error.code is snake_case: {body}"
    );
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "error.message: {body}"
    );
    let fields = e["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("error.fields is an array: {body}"));
    for f in fields {
        assert!(f["path"].is_string(), "fields[].path: {body}");
        assert!(
            f["message"].as_str().is_some_and(|m| !m.is_empty()),
            "fields[].message: {body}"
        );
    }
}

/// The `path`s of `error.fields`.
pub fn field_paths(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["path"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts that every one of `expected` is among the error's field paths.
pub fn assert_paths(body: &Value, expected: &[&str]) {
    let paths = field_paths(body);
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|p| !paths.iter().any(|x| x == **p))
        .collect();
    assert!(
        missing.is_empty(),
        "paths {missing:?} missing from {paths:?}; body: {body}"
    );
}

/// A minimal PNG (signature and IHDR).
pub fn png() -> Vec<u8> {
    let mut v =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde".to_vec();
    v.extend_from_slice(
        b"\0\0\0\x0cIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82",
    );
    v
}

/// A minimal JPEG (JFIF header).
pub fn jpeg() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    v.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A multipart/form-data body built byte by byte: `(part name, filename, bytes)`. Returns the
/// content type (with its boundary) and the body.
pub fn multipart_body(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = format!("----talentlib{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/pdf\r\n\r\n")
                    .as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.req(Method::DELETE, path, Some(token))
            .send()
            .await
            .unwrap()
    }

    /// POST /auth/register with any JSON body.
    pub async fn register(&self, body: Value) -> Response {
        self.req(Method::POST, "/auth/register", None)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// POST /auth/token.
    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.req(Method::POST, "/auth/token", None)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    pub async fn admin(&self) -> User {
        self.staff(&["admin"], None, None).await
    }

    pub async fn reviewer(&self) -> User {
        self.staff(&["reviewer"], None, None).await
    }

    /// A request with a raw body and content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Response {
        self.req(method, path, token)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// An upload whose multipart body is built by hand (see `multipart_body`).
    pub async fn upload_parts(
        &self,
        token: &str,
        app: &str,
        parts: &[(&str, Option<&str>, &[u8])],
    ) -> Response {
        let (content_type, body) = multipart_body(parts);
        self.raw(
            Method::POST,
            &format!("/applications/{app}/attachments"),
            Some(token),
            &content_type,
            body,
        )
        .await
    }

    /// Saves `form`, attaches a PDF to every item of every section, and returns the saved form.
    pub async fn save_with_evidence(&self, designer: &User, id: &str, form: Value) -> Value {
        let res = self
            .put(&format!("/applications/{id}"), &designer.token, form)
            .await;
        let saved = expect(res, 200).await;
        for item in item_ids(&saved) {
            let res = self
                .upload(&designer.token, id, Some(&item), "证明.pdf", pdf())
                .await;
            expect(res, 201).await;
        }
        saved
    }

    /// A designer's complete application, submitted; returns its id.
    pub async fn submitted(&self, designer: &User) -> String {
        let id = self.draft(designer).await;
        fill_completely(self, designer, &id).await;
        let res = self
            .post(
                &format!("/applications/{id}/submit"),
                &designer.token,
                json!({}),
            )
            .await;
        expect(res, 200).await;
        id
    }
}

/// Every item id of a saved application, in form order.
pub fn item_ids(saved: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for section in [
        "education",
        "titles",
        "awards",
        "articles",
        "ip_rights",
        "honors",
        "projects",
    ] {
        for item in saved[section].as_array().into_iter().flatten() {
            out.push(item["id"].as_str().expect("item id").to_string());
        }
    }
    if let Some(id) = saved["compensation"]["id"].as_str() {
        out.push(id.to_string());
    }
    out
}

/// A complete form with every section filled, in Chinese where the form takes free text.
pub fn full_form() -> Value {
    json!({
        "personal": {"name": "王小渝", "gender": "female", "id_number": id_number("50010319880315222"),
            "phone": "13987654321", "email": "wang@example.cn", "district_code": "500103",
            "connection": "resident", "employer": "重庆长安设计中心（两江）", "position": "首席设计师 🚗「山城」",
            "work_type": "research", "design_years": 12, "public_consent": true, "clean_record_declared": true},
        "education": [
            {"degree": "master", "major_code": "080205", "major_name": "工业设计",
             "institution": "四川美术学院", "graduated_on": "2012-06"},
            {"degree": "bachelor", "major_code": "130504", "major_name": "产品设计",
             "institution": "重庆大学", "graduated_on": "2009-07"}],
        "titles": [{"name": "高级工业设计师", "level": "senior", "issuer": "重庆市人力资源和社会保障局",
            "awarded_on": "2020-12-31"}],
        "awards": [
            {"name": "红点奖", "tier": "international", "rank": "gold", "year": 2023,
             "work_title": "智能座舱", "role": "lead"},
            {"name": "中国优秀工业设计奖", "tier": "national", "rank": "excellence", "year": 2021,
             "work_title": "山地电动车", "role": "member"}],
        "articles": [{"title": "山城交通工具的人因设计", "venue": "装饰", "indexing": "cssci",
            "published_on": "2022-03-15", "author_rank": 1}],
        "ip_rights": [{"kind": "design_patent", "number": "ZL202130000000.1", "title": "车载中控台",
            "granted_on": "2021-08-10", "inventor_rank": 2}],
        "honors": [{"name": "重庆英才·青年拔尖人才", "level": "municipal", "issuer": "重庆市人才工作领导小组",
            "year": 2022}],
        "compensation": {"annual_income_cny": 450000, "year": 2024},
        "projects": [{"name": "智能网联汽车内饰设计", "level": "provincial", "role": "leader",
            "started_on": "2023-01-01", "status": "ongoing", "funding_cny": 2000000}]
    })
}

/// Asserts that every value in `sent` is in `got` at the same place (objects may carry more keys,
/// such as the server's ids; arrays must have the same length).
pub fn assert_contains(sent: &Value, got: &Value, at: &str) {
    match (sent, got) {
        (Value::Object(s), Value::Object(g)) => {
            for (k, v) in s {
                assert_contains(v, g.get(k).unwrap_or(&Value::Null), &format!("{at}.{k}"));
            }
        }
        (Value::Array(s), Value::Array(g)) => {
            assert_eq!(s.len(), g.len(), "{at}: length; got {got}");
            for (i, (a, b)) in s.iter().zip(g).enumerate() {
                assert_contains(a, b, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(sent, got, "{at}"),
    }
}

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
    let admin = Database::connect(base).await.expect("TEST_POSTGRES_URL reachable");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
    admin.close().await.ok();
    let (prefix, _) = base.rsplit_once('/').expect("TEST_POSTGRES_URL ends with /DBNAME");
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
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { base, client, state, database_url, dir }
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
        self.req(Method::GET, path, Some(token)).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.req(Method::POST, path, Some(token)).json(&body).send().await.unwrap()
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Response {
        self.req(Method::PUT, path, Some(token)).json(&body).send().await.unwrap()
    }

    pub async fn token(&self, email: &str, password: &str) -> String {
        let res = self
            .req(Method::POST, "/auth/token", None)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "sign in {email}");
        res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    /// A staff account made the way `talentlib user create` makes one, signed in.
    pub async fn staff(&self, roles: &[&str], district: Option<&str>, employer: Option<&str>) -> User {
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
        User { id: account.id.to_string(), email, token }
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
        let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
        let token = self.token(&email, "designer-password").await;
        User { id, email, token }
    }

    /// Opens a batch (as a new reviewer) and returns its id.
    pub async fn open_batch(&self) -> String {
        let reviewer = self.staff(&["reviewer"], None, None).await;
        let name = format!("批次-{}", uuid::Uuid::new_v4().simple());
        let res = self.post("/batches", &reviewer.token, json!({"name": name})).await;
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
    }

    /// A designer's new draft in the open batch; returns its id.
    pub async fn draft(&self, designer: &User) -> String {
        let res = self.post("/applications", &designer.token, json!({})).await;
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
    }

    /// Uploads bytes as evidence for an item.
    pub async fn upload(&self, token: &str, app: &str, item_id: Option<&str>, name: &str, bytes: Vec<u8>) -> Response {
        let mut form = reqwest::multipart::Form::new();
        if let Some(item) = item_id {
            form = form.text("item_id", item.to_string());
        }
        form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
        self.req(Method::POST, &format!("/applications/{app}/attachments"), Some(token))
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
    let res = app.put(&format!("/applications/{id}"), &designer.token, complete_form()).await;
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
        let res = app.upload(&designer.token, id, Some(item), "证书.pdf", pdf()).await;
        assert_eq!(res.status(), 201);
    }
    saved
}

/// The `error.code` of a response body.
pub async fn error_code(res: Response) -> String {
    let body: Value = res.json().await.expect("error body is JSON");
    body["error"]["code"].as_str().expect("error.code").to_string()
}

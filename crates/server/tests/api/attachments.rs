//! Evidence files: upload, download, delete, and who may open them (API.md
//! `POST /applications/{id}/attachments`, `GET /attachments/{id}`, and our `DELETE`).

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

const MIB: usize = 1024 * 1024;

/// A designer's draft with the complete form saved (no files yet): (designer, app id, saved form).
async fn saved_draft(app: &TestApp) -> (User, String, Value) {
    let designer = app.designer().await;
    let id = app.draft(&designer).await;
    let saved = expect(
        app.put(
            &format!("/applications/{id}"),
            &designer.token,
            complete_form(),
        )
        .await,
        200,
    )
    .await;
    (designer, id, saved)
}

fn award_of(saved: &Value) -> String {
    saved["awards"][0]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_pdf_is_accepted_with_its_hash_and_size() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let item = award_of(&saved);
    let bytes = pdf();
    let body = expect(
        app.upload(
            &designer.token,
            &id,
            Some(&item),
            "红点奖证书.pdf",
            bytes.clone(),
        )
        .await,
        201,
    )
    .await;
    assert!(body["id"].as_str().is_some_and(|s| !s.is_empty()), "{body}");
    assert_eq!(body["item_id"], item.as_str());
    assert_eq!(body["filename"], "红点奖证书.pdf");
    assert_eq!(body["size"], bytes.len());
    assert_eq!(body["sha256"], sha256_hex(&bytes));
    assert_eq!(body["content_type"], "application/pdf");
}

#[tokio::test]
async fn png_and_jpeg_are_accepted_by_content() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let item = award_of(&saved);
    // Judged by content, not by name: a PNG named .jpg is a PNG.
    for (name, bytes, ty) in [
        ("照片.png", png(), "image/png"),
        ("扫描件.jpg", jpeg(), "image/jpeg"),
        ("scan.JPEG", jpeg(), "image/jpeg"),
        ("misnamed.jpg", png(), "image/png"),
        ("noextension", pdf(), "application/pdf"),
    ] {
        let body = expect(
            app.upload(&designer.token, &id, Some(&item), name, bytes.clone())
                .await,
            201,
        )
        .await;
        assert_eq!(body["content_type"], ty, "{name}");
        assert_eq!(body["sha256"], sha256_hex(&bytes));
        assert_eq!(body["size"], bytes.len());
        assert_eq!(body["filename"], name);
    }
}

#[tokio::test]
async fn filenames_lose_their_directories() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, _) = saved_draft(&app).await;
    for (sent, kept) in [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/var/lib/talentlib/secret.pdf", "secret.pdf"),
        ("..\\..\\windows\\system32\\证书.pdf", "证书.pdf"),
        ("C:\\Users\\李\\Desktop\\获奖证书.pdf", "获奖证书.pdf"),
    ] {
        let res = app
            .upload_parts(&designer.token, &id, &[("file", Some(sent), &pdf())])
            .await;
        let body = expect(res, 201).await;
        let name = body["filename"].as_str().unwrap();
        assert_eq!(name, kept, "{sent}");
        assert!(!name.contains('/') && !name.contains('\\'), "{name}");
    }
    // The same through reqwest's own multipart encoding.
    let body = expect(
        app.upload(&designer.token, &id, None, "../../etc/passwd.pdf", pdf())
            .await,
        201,
    )
    .await;
    assert_eq!(body["filename"], "passwd.pdf");
}

#[tokio::test]
async fn other_file_types_are_415_whatever_their_name() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let item = award_of(&saved);
    let exe = {
        let mut v = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
        v.extend(std::iter::repeat_n(0u8, 100));
        v
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "证书.pdf",
            b"<!DOCTYPE html><html><script>alert(1)</script>%PDF-1.4</html>".to_vec(),
        ),
        ("证书.pdf", exe),
        (
            "image.png",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
        ),
        ("doc.pdf", b"PK\x03\x04\x14\x00\x06\x00".to_vec()),
        ("plain.pdf", "这不是PDF文件".as_bytes().to_vec()),
        ("gif.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()),
        ("empty.pdf", Vec::new()),
    ];
    for (name, bytes) in cases {
        let res = app
            .upload(&designer.token, &id, Some(&item), name, bytes)
            .await;
        expect_error(res, 415, "").await;
    }
    let got = expect(
        app.get(&format!("/applications/{id}"), &designer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(got["attachments"], json!([]), "nothing kept");
}

#[tokio::test]
async fn files_over_20_mib_are_413() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let item = award_of(&saved);
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(20 * MIB + 1, b' ');
    let res = app
        .upload(&designer.token, &id, Some(&item), "大文件.pdf", big)
        .await;
    expect_error(res, 413, "").await;
    let got = expect(
        app.get(&format!("/applications/{id}"), &designer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(got["attachments"], json!([]), "nothing kept");
}

#[tokio::test]
async fn a_file_of_exactly_20_mib_is_accepted() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let item = award_of(&saved);
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(20 * MIB, b' ');
    let hash = sha256_hex(&big);
    let body = expect(
        app.upload(&designer.token, &id, Some(&item), "刚好.pdf", big)
            .await,
        201,
    )
    .await;
    assert_eq!(body["size"], 20 * MIB);
    assert_eq!(body["sha256"], hash);
}

#[tokio::test]
async fn bad_item_ids_are_422() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, _) = saved_draft(&app).await;
    let (_, _, others) = saved_draft(&app).await;
    let foreign = award_of(&others);
    let unknown = uuid::Uuid::new_v4().to_string();
    for item in [
        unknown.as_str(),
        "not-an-id",
        foreign.as_str(),
        "' OR 1=1 --",
    ] {
        let res = app
            .upload(&designer.token, &id, Some(item), "证书.pdf", pdf())
            .await;
        let body = expect_error(res, 422, "").await;
        assert_paths(&body, &["item_id"]);
    }
    let got = expect(
        app.get(&format!("/applications/{id}"), &designer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(got["attachments"], json!([]));
}

#[tokio::test]
async fn a_file_without_item_is_kept_unlinked() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, _) = saved_draft(&app).await;
    let body = expect(
        app.upload(&designer.token, &id, None, "其他材料.pdf", pdf())
            .await,
        201,
    )
    .await;
    assert!(body["item_id"].is_null(), "{body}");
    let res = app
        .upload_parts(
            &designer.token,
            &id,
            &[("item_id", None, b""), ("file", Some("x.pdf"), &pdf())],
        )
        .await;
    let body = expect(res, 201).await;
    assert!(body["item_id"].is_null(), "{body}");
}

#[tokio::test]
async fn a_missing_file_part_is_422() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let item = award_of(&saved);
    let res = app
        .upload_parts(&designer.token, &id, &[("item_id", None, item.as_bytes())])
        .await;
    let body = expect_error(res, 422, "").await;
    assert_paths(&body, &["file"]);
    let res = app
        .upload_parts(
            &designer.token,
            &id,
            &[("document", Some("证书.pdf"), &pdf())],
        )
        .await;
    let body = expect_error(res, 422, "").await;
    assert_paths(&body, &["file"]);
}

#[tokio::test]
async fn a_body_that_is_not_multipart_is_refused() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, _) = saved_draft(&app).await;
    let path = format!("/applications/{id}/attachments");
    for (ty, body) in [
        ("application/json", br#"{"file": "JVBERi0xLjQ="}"#.to_vec()),
        ("application/pdf", pdf()),
        ("multipart/form-data", pdf()),
        (
            "multipart/form-data; boundary=xyz",
            b"--xyz\r\nbroken".to_vec(),
        ),
    ] {
        let res = app
            .raw(Method::POST, &path, Some(&designer.token), ty, body)
            .await;
        let (status, body) = status_and_body(res).await;
        assert!([400, 415, 422].contains(&status), "{ty}: {status} {body}");
        assert_error_shape(&body);
    }
}

#[tokio::test]
async fn uploads_go_only_to_ones_own_editable_application() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (owner, id, saved) = saved_draft(&app).await;
    let item = award_of(&saved);
    let other = app.designer().await;
    expect_error(
        app.upload(&other.token, &id, Some(&item), "证书.pdf", pdf())
            .await,
        404,
        "not_found",
    )
    .await;
    let reviewer = app.reviewer().await;
    expect_error(
        app.upload(&reviewer.token, &id, Some(&item), "证书.pdf", pdf())
            .await,
        404,
        "",
    )
    .await;
    let unknown = uuid::Uuid::new_v4().to_string();
    expect_error(
        app.upload(&owner.token, &unknown, None, "证书.pdf", pdf())
            .await,
        404,
        "not_found",
    )
    .await;
    expect_error(
        app.upload(&owner.token, "nope", None, "证书.pdf", pdf())
            .await,
        404,
        "not_found",
    )
    .await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(pdf()).file_name("证书.pdf"),
    );
    let res = app
        .req(
            Method::POST,
            &format!("/applications/{id}/attachments"),
            None,
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    expect_error(res, 401, "unauthenticated").await;
    let got = expect(
        app.get(&format!("/applications/{id}"), &owner.token).await,
        200,
    )
    .await;
    assert_eq!(got["attachments"], json!([]));
}

#[tokio::test]
async fn the_owner_downloads_the_same_bytes() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let item = award_of(&saved);
    for (name, bytes, ty) in [
        ("证书.pdf", pdf(), "application/pdf"),
        ("照片.png", png(), "image/png"),
        ("扫描.jpg", jpeg(), "image/jpeg"),
    ] {
        let att = expect(
            app.upload(&designer.token, &id, Some(&item), name, bytes.clone())
                .await,
            201,
        )
        .await;
        let res = app
            .get(
                &format!("/attachments/{}", att["id"].as_str().unwrap()),
                &designer.token,
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], ty);
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        let got = res.bytes().await.unwrap();
        assert_eq!(got.as_ref(), bytes.as_slice());
    }
}

#[tokio::test]
async fn who_may_open_evidence() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let mut att = None;
    for item in item_ids(&saved) {
        let body = expect(
            app.upload(&designer.token, &id, Some(&item), "证书.pdf", pdf())
                .await,
            201,
        )
        .await;
        att = Some(body["id"].as_str().unwrap().to_string());
    }
    let path = format!("/attachments/{}", att.unwrap());
    let other = app.designer().await;
    let officer = app.staff(&["district_officer"], Some("500103"), None).await;
    let reviewer = app.reviewer().await;
    let expert = app.staff(&["expert"], None, None).await;
    let service = app.staff(&["service_staff"], None, None).await;
    let admin = app.admin().await;

    for user in [&other, &officer, &reviewer, &expert, &service] {
        expect_error(app.get(&path, &user.token).await, 404, "not_found").await;
    }
    expect(app.get(&path, &admin.token).await, 200).await;
    let res = app.req(Method::GET, &path, None).send().await.unwrap();
    expect_error(res, 401, "unauthenticated").await;

    expect(
        app.post(
            &format!("/applications/{id}/submit"),
            &designer.token,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    let res = app.get(&path, &reviewer.token).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), pdf().as_slice());
    for user in [&other, &officer, &expert, &service] {
        expect_error(app.get(&path, &user.token).await, 404, "not_found").await;
    }
    expect(app.get(&path, &designer.token).await, 200).await;
    expect(app.get(&path, &admin.token).await, 200).await;
}

#[tokio::test]
async fn unknown_attachments_are_404() {
    let app = spawn_app().await;
    let designer = app.designer().await;
    let unknown = uuid::Uuid::new_v4().to_string();
    for id in [unknown.as_str(), "abc", "1", "..%2F..%2Ffiles"] {
        expect_error(
            app.get(&format!("/attachments/{id}"), &designer.token)
                .await,
            404,
            "not_found",
        )
        .await;
        expect_error(
            app.delete(&format!("/attachments/{id}"), &designer.token)
                .await,
            404,
            "not_found",
        )
        .await;
    }
}

#[tokio::test]
async fn the_owner_deletes_a_file() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let item = award_of(&saved);
    let att = expect(
        app.upload(&designer.token, &id, Some(&item), "证书.pdf", pdf())
            .await,
        201,
    )
    .await;
    let path = format!("/attachments/{}", att["id"].as_str().unwrap());

    let other = app.designer().await;
    expect_error(app.delete(&path, &other.token).await, 404, "not_found").await;
    let admin = app.admin().await;
    let (status, _) = status_and_body(app.delete(&path, &admin.token).await).await;
    assert!(
        status == 404 || status == 403,
        "only the owner deletes: {status}"
    );
    expect(app.get(&path, &designer.token).await, 200).await;

    let res = app.delete(&path, &designer.token).await;
    assert_eq!(res.status(), 204);
    assert!(res.bytes().await.unwrap().is_empty());
    expect_error(app.get(&path, &designer.token).await, 404, "not_found").await;
    expect_error(app.delete(&path, &designer.token).await, 404, "not_found").await;
    let got = expect(
        app.get(&format!("/applications/{id}"), &designer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(got["attachments"], json!([]));
}

#[tokio::test]
async fn files_of_a_submitted_application_cannot_be_deleted() {
    let app = spawn_app().await;
    app.open_batch().await;
    let designer = app.designer().await;
    let id = app.submitted(&designer).await;
    let got = expect(
        app.get(&format!("/applications/{id}"), &designer.token)
            .await,
        200,
    )
    .await;
    let att = got["attachments"][0]["id"]
        .as_str()
        .expect("an attachment")
        .to_string();
    let path = format!("/attachments/{att}");
    expect_error(app.delete(&path, &designer.token).await, 409, "").await;
    expect(app.get(&path, &designer.token).await, 200).await;
}

/// The server reuses a view it built while the application's version is unchanged; each change
/// that shows in the view (a file added or removed, the form saved, the status) must show at once.
#[tokio::test]
async fn a_read_right_after_each_change_shows_it() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let item = award_of(&saved);
    let path = format!("/applications/{id}");
    let read = || async { expect(app.get(&path, &designer.token).await, 200).await };
    assert_eq!(read().await["attachments"], json!([]));
    assert_eq!(read().await["attachments"], json!([]), "read twice: reused");

    let att = expect(
        app.upload(&designer.token, &id, Some(&item), "证书.pdf", pdf())
            .await,
        201,
    )
    .await;
    let got = read().await;
    assert_eq!(got["attachments"][0]["id"], att["id"], "{got}");

    let mut form = got.clone();
    form["personal"]["employer"] = json!("重庆长安汽车股份有限公司");
    expect(app.put(&path, &designer.token, form).await, 200).await;
    assert_eq!(
        read().await["personal"]["employer"],
        "重庆长安汽车股份有限公司"
    );

    let att_path = format!("/attachments/{}", att["id"].as_str().unwrap());
    assert_eq!(app.delete(&att_path, &designer.token).await.status(), 204);
    assert_eq!(read().await["attachments"], json!([]));
}

/// Saves of one application racing each other each succeed, and none loses the item ids another
/// gave: the last one read the version the one before it wrote.
#[tokio::test]
async fn concurrent_saves_of_one_application_all_land() {
    let app = spawn_app().await;
    app.open_batch().await;
    let (designer, id, saved) = saved_draft(&app).await;
    let path = format!("/applications/{id}");
    let save = |i: usize| {
        let mut form = saved.clone();
        form["personal"]["employer"] = json!(format!("单位{i}"));
        let (app, path, token) = (&app, &path, &designer.token);
        async move { status_and_body(app.put(path, token, form).await).await }
    };
    let (a, b, c, d) = tokio::join!(save(0), save(1), save(2), save(3));
    for (status, body) in [&a, &b, &c, &d] {
        assert_eq!(*status, 200, "{body}");
    }
    let got = expect(app.get(&path, &designer.token).await, 200).await;
    let employer = got["personal"]["employer"].as_str().unwrap().to_string();
    assert!(employer.starts_with("单位"), "{got}");
    // Every save sent the ids of the saved form back, so they are kept throughout.
    assert_eq!(got["awards"][0]["id"], saved["awards"][0]["id"]);
}

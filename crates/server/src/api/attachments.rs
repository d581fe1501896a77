//! Evidence files: `POST /applications/{id}/attachments` (multipart, streamed to disk while
//! hashed and sniffed), `GET /attachments/{id}`, `DELETE /attachments/{id}`.

use super::input::parse_id;
use super::views::AttachmentView;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::files::{Stager, UploadError};
use crate::service::{attachments, Actor};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use talentlib_domain::Problem;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/applications/{id}/attachments",
            // The limit proper is enforced while streaming; this one stops absurd bodies early.
            post(post_attachments).layer(DefaultBodyLimit::max(1024 * 1024 * 1024)),
        )
        .route(
            "/attachments/{id}",
            get(get_attachment).delete(delete_attachment),
        )
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::Malformed("the multipart body could not be read".into())
    }
}

/// What a multipart upload carried.
#[derive(Default)]
struct Received {
    item_id: Option<String>,
    file: Option<(String, crate::files::StagedUpload)>,
}

async fn receive(st: &AppState, request: Request) -> AppResult<Received> {
    let mut multipart = Multipart::from_request(request, st)
        .await
        .map_err(|_| AppError::Malformed("expected a multipart/form-data body".into()))?;
    let mut got = Received::default();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("item_id") => {
                let text = field.text().await.map_err(multipart_error)?;
                got.item_id = Some(text.chars().take(100).collect());
            }
            Some("file") if got.file.is_none() => {
                let filename = field.file_name().unwrap_or("file").to_string();
                let mut stager = Stager::new(&st.files.staging_dir(), st.config.max_upload_bytes)
                    .await
                    .map_err(AppError::internal)?;
                let streamed = async {
                    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                        stager.push(&chunk).await.map_err(|e| match e {
                            UploadError::TooLarge => AppError::TooLarge,
                            UploadError::Io(e) => AppError::internal(e),
                        })?;
                    }
                    Ok::<_, AppError>(())
                }
                .await;
                if let Err(e) = streamed {
                    let _ = tokio::fs::remove_file(stager.path()).await;
                    return Err(e);
                }
                let staged = stager
                    .finish()
                    .await
                    .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
                got.file = Some((filename, staged));
            }
            // Other parts (and any second file) are read past and ignored.
            _ => while field.chunk().await.map_err(multipart_error)?.is_some() {},
        }
    }
    Ok(got)
}

/// Attach an evidence file (PDF, JPEG or PNG by content; at most 20 MiB) to an item of the form.
#[utoipa::path(post, path = "/api/v1/applications/{id}/attachments", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "part `file`, optional part `item_id`"),
    responses((status = 201, body = AttachmentView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_attachments(
    State(st): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    request: Request,
) -> AppResult<(StatusCode, Json<AttachmentView>)> {
    let app_id = parse_id(&id)?;
    attachments::authorize_upload(&st, &actor, app_id).await?;
    let got = receive(&st, request).await?;
    let Some((filename, staged)) = got.file else {
        return Err(AppError::invalid("file", Problem::Required));
    };
    let staged_path = staged.path.clone();
    let item_id = match got
        .item_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(None),
        Some(raw) => raw
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid("item_id", Problem::UnknownItem)),
    };
    let saved = match item_id {
        Ok(item_id) => {
            attachments::save_upload(&st, &actor, app_id, item_id, &filename, staged).await
        }
        Err(e) => Err(e),
    };
    if saved.is_err() {
        // The staged file is gone once stored; if storing never happened, remove it here.
        let _ = tokio::fs::remove_file(&staged_path).await;
    }
    Ok((StatusCode::CREATED, Json(AttachmentView::from(&saved?))))
}

/// The file, to its owner, reviewers, admins and assigned experts; 404 to everyone else.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
pub async fn get_attachment(
    State(st): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (attachment, bytes) = attachments::open(&st, &actor, parse_id(&id)?).await?;
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&attachment.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    let encoded: String = attachment
        .filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename*=UTF-8''{encoded}")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    // Evidence may be previewed in a frame of our own pages, never elsewhere. Images get a
    // sandbox so nothing in them can run; PDFs do not, because browsers refuse to show a PDF in a
    // sandboxed document.
    let csp = if attachment.content_type == "application/pdf" {
        "frame-ancestors 'self'"
    } else {
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// Remove a file (owner, while the application is editable).
#[utoipa::path(delete, path = "/api/v1/attachments/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_attachment(
    State(st): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    attachments::delete(&st, &actor, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! Telling designers about decisions: an in-app notification always, and an email through the
//! job queue when SMTP is configured (enqueued in the same transaction as the decision).

use crate::error::AppResult;
use crate::i18n::{self, Lang};
use crate::state::{new_uuid, now_millis, AppState};
use serde::{Deserialize, Serialize};
use talentlib_domain::ids::{ApplicationId, UserId};
use talentlib_store::notifications::{self, Notification};
use talentlib_store::sea_orm::ConnectionTrait;

/// What an email job carries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EmailJob {
    pub to: String,
    pub subject: String,
    pub body: String,
}

pub const EMAIL_JOB: &str = "email";

/// `kind` is a locale key suffix: `notify.<kind>.title` and `notify.<kind>.body` must exist.
pub async fn notify(
    st: &AppState,
    c: &impl ConnectionTrait,
    account: UserId,
    email: &str,
    kind: &str,
    application: Option<ApplicationId>,
    detail: Option<String>,
) -> AppResult<()> {
    let now = now_millis();
    let n = Notification {
        id: new_uuid(),
        account_id: account,
        kind: kind.to_string(),
        application_id: application,
        detail: detail.clone(),
        created_at: now,
        read_at: None,
    };
    notifications::insert(c, &n).await?;
    if st.config.smtp.is_some() {
        enqueue_email(c, email, kind, detail.as_deref(), now).await?;
    }
    Ok(())
}

/// Queues the email for a notification (Chinese first, English below).
pub async fn enqueue_email(
    c: &impl ConnectionTrait,
    to: &str,
    kind: &str,
    detail: Option<&str>,
    now: i64,
) -> AppResult<()> {
    let params = [("detail", detail.unwrap_or("").to_string())];
    let text = |lang: Lang, part: &str| i18n::t(lang, &format!("notify.{kind}.{part}"), &params);
    let job = EmailJob {
        to: to.to_string(),
        subject: format!("{} / {}", text(Lang::Zh, "title"), text(Lang::En, "title")),
        body: format!("{}\n\n{}\n", text(Lang::Zh, "body"), text(Lang::En, "body")),
    };
    let payload = serde_json::to_string(&job).map_err(crate::error::AppError::internal)?;
    notifications::enqueue(c, new_uuid(), EMAIL_JOB, &payload, now).await?;
    Ok(())
}

//! Telling designers about decisions: an in-app notification always, and an email through the
//! job queue when SMTP is configured (enqueued in the same transaction as the decision).

use crate::error::AppResult;
use crate::i18n::{self, Lang};
use crate::state::{new_uuid, now_millis, AppState};
use serde::{Deserialize, Serialize};
use talentlib_domain::ids::{ApplicationId, UserId};
use talentlib_domain::rubric::Rubric;
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

/// A notification's title and body in one language: `notify.<kind>.title/body` with `{detail}`
/// (the reviewer's comment) and, for a published rating, `{stars}`: the star level's name by the
/// rubric (the detail stores the number of stars).
pub fn texts(
    lang: Lang,
    kind: &str,
    detail: Option<&str>,
    rubric: Option<&Rubric>,
) -> (String, String) {
    let detail = detail.unwrap_or_default();
    let mut params = vec![("detail", detail.to_string())];
    if kind == RATING_PUBLISHED {
        if let Ok(n) = detail.trim().parse::<u8>() {
            let name = match rubric {
                Some(r) => i18n::star_name(lang, r, n),
                None => i18n::t(lang, "rating.stars_n", &[("n", n.to_string())]),
            };
            params.push(("stars", name));
        }
    }
    (
        i18n::t(lang, &format!("notify.{kind}.title"), &params),
        i18n::t(lang, &format!("notify.{kind}.body"), &params),
    )
}

/// The kind of the notification of a published rating; its detail is the number of stars.
pub const RATING_PUBLISHED: &str = "rating.published";

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
        enqueue_email(c, email, kind, detail.as_deref(), None, now).await?;
    }
    Ok(())
}

/// Queues the email for a notification (Chinese first, English below).
pub async fn enqueue_email(
    c: &impl ConnectionTrait,
    to: &str,
    kind: &str,
    detail: Option<&str>,
    rubric: Option<&Rubric>,
    now: i64,
) -> AppResult<()> {
    let (zh_title, zh_body) = texts(Lang::Zh, kind, detail, rubric);
    let (en_title, en_body) = texts(Lang::En, kind, detail, rubric);
    let job = EmailJob {
        to: to.to_string(),
        subject: format!("{zh_title} / {en_title}"),
        body: format!("{zh_body}\n\n{en_body}\n"),
    };
    let payload = serde_json::to_string(&job).map_err(crate::error::AppError::internal)?;
    notifications::enqueue(c, new_uuid(), EMAIL_JOB, &payload, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use talentlib_domain::rubric::RubricDef;

    #[test]
    fn a_rating_is_named_by_the_rubric_and_a_comment_is_not_doubly_punctuated() {
        let rubric = RubricDef::default_rubric().view();
        let (_, zh) = texts(Lang::Zh, RATING_PUBLISHED, Some("2"), Some(&rubric));
        assert!(zh.contains("二星级"), "{zh}");
        assert!(!zh.contains('0') && !zh.contains("2星"), "{zh}");
        let (_, zh) = texts(Lang::Zh, RATING_PUBLISHED, Some("0"), Some(&rubric));
        assert!(zh.contains("暂定星级"), "{zh}");
        let (_, en) = texts(Lang::En, RATING_PUBLISHED, Some("5"), Some(&rubric));
        assert!(en.contains("Five-Star"), "{en}");
        // A comment ends as its writer ended it; the text around it adds no second stop.
        for comment in [
            "请补充获奖证书的清晰扫描件。",
            "Please add the certificate.",
            "请补充证书",
        ] {
            for lang in [Lang::Zh, Lang::En] {
                let (_, body) = texts(lang, "decision.return", Some(comment), None);
                assert!(body.contains(comment), "{body}");
                for doubled in ["。。", "。.", "..", ".。"] {
                    assert!(!body.contains(doubled), "{body}");
                }
            }
        }
    }
}

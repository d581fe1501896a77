//! Response bodies of the JSON API (the `…View` types), built from service results.

use crate::service::applications::ApplicationView;
use crate::state::rfc3339;
use serde::Serialize;
use talentlib_domain::application::Status;
use talentlib_domain::form::ApplicationForm;
use talentlib_store::accounts::Account;
use talentlib_store::applications::{ApplicationLine, Event};
use talentlib_store::attachments::AttachmentRow;
use talentlib_store::batches::BatchRow;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    #[schema(value_type = Vec<String>)]
    pub roles: talentlib_domain::roles::Roles,
    pub district_code: Option<String>,
    pub employer: Option<String>,
}

impl From<&Account> for UserView {
    fn from(a: &Account) -> Self {
        UserView {
            id: a.id.to_string(),
            email: a.email.clone(),
            name: a.name.clone(),
            roles: a.roles.clone(),
            district_code: a.district_code.clone(),
            employer: a.employer.clone(),
        }
    }
}

impl From<&crate::auth::CurrentUser> for UserView {
    fn from(u: &crate::auth::CurrentUser) -> Self {
        UserView {
            id: u.id.to_string(),
            email: u.email.clone(),
            name: u.name.clone(),
            roles: u.roles.clone(),
            district_code: u.district_code.clone(),
            employer: u.employer.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TokenView {
    pub token: String,
    pub expires_at: String,
    pub user: UserView,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub item_id: Option<String>,
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub uploaded_at: String,
}

impl From<&AttachmentRow> for AttachmentView {
    fn from(a: &AttachmentRow) -> Self {
        AttachmentView {
            id: a.id.to_string(),
            item_id: a.item_id.map(|i| i.to_string()),
            filename: a.filename.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
            content_type: a.content_type.clone(),
            uploaded_at: rfc3339(a.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EventView {
    #[schema(value_type = String)]
    pub status: Status,
    pub at: String,
    pub comment: Option<String>,
}

impl From<&Event> for EventView {
    fn from(e: &Event) -> Self {
        EventView {
            status: e.status,
            at: rfc3339(e.at),
            comment: e.comment.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReviewView {
    pub comment: Option<String>,
}

/// The whole application (API.md `GET /applications/{id}`): the form's sections at the top level.
#[derive(Serialize, ToSchema)]
pub struct ApplicationJson {
    pub id: String,
    #[schema(value_type = String)]
    pub status: Status,
    pub batch_id: String,
    pub designer_id: String,
    pub submitted_at: Option<String>,
    pub updated_at: String,
    pub review: Option<ReviewView>,
    /// A degree's major is outside the reference list: for the reviewer to judge.
    pub major_flagged: bool,
    /// Whether the resident ID and phone number are shown masked to this reader.
    pub identity_masked: bool,
    #[serde(flatten)]
    pub form: ApplicationForm,
    pub attachments: Vec<AttachmentView>,
    pub timeline: Vec<EventView>,
    /// The reviewer's verification per item (commission staff only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub review_items: Vec<ItemCheckView>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemCheckView {
    pub item_id: String,
    pub verified: bool,
    pub note: Option<String>,
}

impl From<ApplicationView> for ApplicationJson {
    fn from(v: ApplicationView) -> Self {
        ApplicationJson {
            id: v.id.to_string(),
            status: v.status,
            batch_id: v.batch_id.to_string(),
            designer_id: v.designer_id.to_string(),
            submitted_at: v.submitted_at.map(rfc3339),
            updated_at: rfc3339(v.updated_at),
            review: v
                .review_comment
                .clone()
                .map(|c| ReviewView { comment: Some(c) }),
            major_flagged: v.major_flagged,
            identity_masked: v.identity_masked,
            attachments: v.attachments.iter().map(AttachmentView::from).collect(),
            timeline: v.timeline.iter().map(EventView::from).collect(),
            review_items: v
                .item_checks
                .iter()
                .map(|c| ItemCheckView {
                    item_id: c.item_id.to_string(),
                    verified: c.verified,
                    note: c.note.clone(),
                })
                .collect(),
            form: v.form,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationLineView {
    pub id: String,
    #[schema(value_type = String)]
    pub status: Status,
    pub batch_id: String,
    pub designer_id: String,
    pub name: Option<String>,
    pub district_code: Option<String>,
    pub submitted_at: Option<String>,
    pub major_flagged: bool,
}

impl From<&ApplicationLine> for ApplicationLineView {
    fn from(l: &ApplicationLine) -> Self {
        ApplicationLineView {
            id: l.id.to_string(),
            status: l.status,
            batch_id: l.batch_id.to_string(),
            designer_id: l.designer_id.to_string(),
            name: l.name.clone(),
            district_code: l.district_code.clone(),
            submitted_at: l.submitted_at.map(rfc3339),
            major_flagged: l.major_flagged,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationListView {
    pub items: Vec<ApplicationLineView>,
    pub total_count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct BatchView {
    pub id: String,
    pub name: String,
    pub status: String,
    pub created_at: String,
    pub closed_at: Option<String>,
    /// Applications by status (in `GET /batches/{id}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<std::collections::BTreeMap<String, u64>>,
}

impl BatchView {
    pub fn new(b: &BatchRow, counts: Option<&[(Status, u64)]>) -> Self {
        BatchView {
            id: b.id.to_string(),
            name: b.name.clone(),
            status: b.status.as_str().to_string(),
            created_at: rfc3339(b.created_at),
            closed_at: b.closed_at.map(rfc3339),
            counts: counts.map(|c| {
                c.iter()
                    .map(|(s, n)| (s.as_str().to_string(), *n))
                    .collect()
            }),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StatusView {
    pub id: String,
    #[schema(value_type = String)]
    pub status: Status,
}

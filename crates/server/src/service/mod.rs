//! Use cases: one async function per user intent, one transaction each. The JSON API and the
//! HTML pages both call these; neither holds rules of its own.

pub mod accounts;
pub mod applications;
pub mod attachments;
pub mod audit;
pub mod batches;
pub mod impartiality;
pub mod library;
pub mod notifications;
pub mod notify;
pub mod review;
pub mod rubrics;
pub mod scoring;

use crate::auth::CurrentUser;

/// Who acts, and from where (for the audit log and throttling).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: CurrentUser,
    pub ip: String,
}

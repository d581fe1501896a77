//! What every request handler can reach: the store, the identity-data cipher, the file store,
//! the checked configuration, templates and the rubric in force.

use crate::config::Config;
use crate::crypto::PiiCipher;
use crate::files::FileStore;
use crate::web::templates::Templates;
use std::ops::Deref;
use std::sync::Arc;
use talentlib_store::Store;

pub struct Inner {
    pub store: Store,
    pub cipher: PiiCipher,
    pub files: Arc<dyn FileStore>,
    pub config: Config,
    pub templates: Templates,
    /// Sessions validated a moment ago (see `session_cache`).
    pub sessions: crate::session_cache::SessionCache,
    /// The library's total counts by filter, for a few seconds (see `service::library`).
    pub library_counts: crate::memo::TtlMemo<u64>,
    /// Sizes of the library's search terms, to choose the rarest (see `service::library`).
    pub term_sizes: crate::memo::TtlMemo<u64>,
    /// The rubric in force, as pages name stars and categories (see `service::rubrics`).
    pub rubric_view: crate::memo::TtlMemo<talentlib_domain::rubric::Rubric>,
    /// Application views built a moment ago, keyed by the row's version (see
    /// `service::applications::get`).
    pub application_views: crate::memo::TtlMemo<Arc<crate::service::applications::ApplicationView>>,
}

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_millis() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Today in China Standard Time (UTC+8), the date the notice's rules are judged on.
pub fn today_in_chongqing() -> time::Date {
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::now_utc().to_offset(offset).date()
}

/// RFC 3339 UTC, as API.md asks (`2026-12-03T08:00:00Z`).
pub fn rfc3339(millis: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A new record id: UUIDv7, a millisecond timestamp followed by 74 random bits. Still
/// unguessable (API.md: opaque ids, never sequential integers), and ids made one after another
/// sort together, so inserts land at the right edge of the primary-key and foreign-key indexes
/// instead of rewriting pages all over them.
pub fn new_uuid() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

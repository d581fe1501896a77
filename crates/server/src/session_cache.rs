//! A short-lived, in-process memo of validated sessions and API tokens, so that a request does
//! not pay a database round trip just to learn who is asking (on SQLite through sqlx that trip
//! costs more CPU than many whole requests).
//!
//! The database stays the authority: an entry lives at most `TTL`, never past the session's own
//! expiry, and this process forgets a session the moment it signs out or its account's roles
//! change. Another server sharing PostgreSQL learns of a sign-out within `TTL` at the latest.

use crate::auth::CurrentUser;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use talentlib_domain::ids::UserId;

/// How long a validated session is trusted without asking the database again.
pub const TTL: Duration = Duration::from_secs(5);
/// Most entries kept; beyond it the memo starts again (it only saves work).
const CAPACITY: usize = 10_000;

struct Entry {
    user: CurrentUser,
    /// Unix milliseconds: the session's own expiry.
    expires_at: i64,
    fresh_until: Instant,
}

#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl SessionCache {
    /// The user of a session (by token hash and kind), if remembered and still fresh.
    pub fn get(&self, key: &str, now_ms: i64) -> Option<CurrentUser> {
        let entries = self.entries.lock().ok()?;
        let e = entries.get(key)?;
        (e.fresh_until > Instant::now() && e.expires_at > now_ms).then(|| e.user.clone())
    }

    pub fn put(&self, key: String, user: CurrentUser, expires_at: i64) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(
                key,
                Entry {
                    user,
                    expires_at,
                    fresh_until: Instant::now() + TTL,
                },
            );
        }
    }

    /// Forgets one session (signed out).
    pub fn forget(&self, key: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }

    /// Forgets every session of an account (its roles or district changed).
    pub fn forget_account(&self, account: UserId) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, e| e.user.id != account);
        }
    }
}

/// The memo's key: the kind of credential and its hash (a web session and an API token never
/// share an entry).
pub fn key(kind: &str, token_hash: &str) -> String {
    format!("{kind}:{token_hash}")
}

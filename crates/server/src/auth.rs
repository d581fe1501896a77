//! Who is asking: a bearer token (API) or a session cookie (web pages) maps to the same
//! `CurrentUser`, and holding one proves the check passed. Only hashes of tokens are stored.

use crate::error::AppError;
use crate::session_cache;
use crate::state::{now_millis, AppState};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::Method;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use talentlib_domain::ids::UserId;
use talentlib_domain::permissions::Viewer;
use talentlib_domain::roles::{Role, Roles};
use talentlib_store::accounts::{self, Account, SessionKind};

pub const SESSION_COOKIE: &str = "tl_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A fresh random secret (256 bits), URL-safe.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// How the request was authenticated.
#[derive(Debug, Clone)]
pub enum AuthVia {
    Bearer,
    /// A web session: its CSRF token guards every state-changing request.
    Cookie {
        token_hash: String,
        csrf_token: String,
    },
}

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub roles: Roles,
    pub district_code: Option<String>,
    pub employer: Option<String>,
    pub via: AuthVia,
}

impl CurrentUser {
    fn from_account(a: Account, via: AuthVia) -> Self {
        CurrentUser {
            id: a.id,
            email: a.email,
            name: a.name,
            roles: a.roles,
            district_code: a.district_code,
            employer: a.employer,
            via,
        }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }

    pub fn viewer(&self) -> Viewer {
        Viewer {
            id: self.id,
            roles: self.roles.clone(),
            district_code: self.district_code.clone(),
        }
    }

    /// 403 unless the user holds one of the roles.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.iter().any(|r| self.has(*r)) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn csrf_token(&self) -> Option<&str> {
        match &self.via {
            AuthVia::Cookie { csrf_token, .. } => Some(csrf_token),
            AuthVia::Bearer => None,
        }
    }
}

fn bearer(parts: &Parts) -> Result<Option<&str>, AppError> {
    let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AppError::Unauthenticated)?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim()))
        }
        _ => Err(AppError::Unauthenticated),
    }
}

pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Resolves the user once per request and caches the answer in the request's extensions.
async fn resolve(parts: &mut Parts, st: &AppState) -> Result<Option<CurrentUser>, AppError> {
    if let Some(cached) = parts.extensions.get::<Option<CurrentUser>>() {
        return Ok(cached.clone());
    }
    let now = now_millis();
    let user = if let Some(token) = bearer(parts)? {
        // A bearer token that is not (or no longer) valid is an error, not an anonymous request.
        let user = session_user(st, &hash_token(token), SessionKind::Api, now).await?;
        Some(user.ok_or(AppError::Unauthenticated)?)
    } else if let Some(token) = cookie(parts, SESSION_COOKIE) {
        session_user(st, &hash_token(token), SessionKind::Web, now).await?
    } else {
        None
    };
    if let Some(u) = &user {
        tracing::Span::current().record("user_id", tracing::field::display(u.id));
    }
    parts.extensions.insert(user.clone());
    Ok(user)
}

/// The user of a live session, from the in-process memo or else the database.
async fn session_user(
    st: &AppState,
    hash: &str,
    kind: SessionKind,
    now: i64,
) -> Result<Option<CurrentUser>, AppError> {
    let key = session_cache::key(kind.as_str(), hash);
    if let Some(user) = st.sessions.get(&key, now) {
        return Ok(Some(user));
    }
    let Some((session, account)) =
        accounts::session_with_account(st.store.db(), hash, kind, now).await?
    else {
        return Ok(None);
    };
    let via = match kind {
        SessionKind::Api => AuthVia::Bearer,
        SessionKind::Web => AuthVia::Cookie {
            token_hash: hash.to_string(),
            csrf_token: session.csrf_token,
        },
    };
    let user = CurrentUser::from_account(account, via);
    st.sessions.put(key, user.clone(), session.expires_at);
    Ok(Some(user))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, AppError> {
        let user = resolve(parts, st).await?.ok_or(AppError::Unauthenticated)?;
        // Cookie-authenticated API calls that change state must prove they come from our pages.
        if let AuthVia::Cookie { csrf_token, .. } = &user.via {
            if !is_safe(&parts.method) && parts.uri.path().starts_with("/api/") {
                let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
                if !sent.is_some_and(|s| constant_time_eq(s.as_bytes(), csrf_token.as_bytes())) {
                    return Err(AppError::Csrf);
                }
            }
        }
        Ok(user)
    }
}

/// The user if signed in; anonymous requests are welcome.
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, AppError> {
        Ok(MaybeUser(resolve(parts, st).await?))
    }
}

/// The client's address, for throttling and the audit log.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string())
            .unwrap_or_else(|| "unknown".to_string());
        Ok(ClientIp(ip))
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

type HashJob = Box<dyn FnOnce() + Send>;

/// Runs password work on one dedicated thread. Argon2id needs 19 MiB per hash; on the blocking
/// pool every thread's allocator arena would keep its own copy after use (idle memory grew past
/// 130 MiB in the benchmark). One thread keeps one, and hashing is rare enough to queue.
async fn on_hashing_thread<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    static SENDER: std::sync::OnceLock<Option<std::sync::mpsc::Sender<HashJob>>> =
        std::sync::OnceLock::new();
    let sender = SENDER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<HashJob>();
        std::thread::Builder::new()
            .name("password-hashing".into())
            .spawn(move || {
                for job in rx {
                    job();
                }
            })
            .ok()
            .map(|_| tx)
    });
    let (done, result) = tokio::sync::oneshot::channel();
    let job: HashJob = Box::new(move || {
        let _ = done.send(f());
    });
    match sender {
        Some(s) if s.send(job).is_ok() => result.await.map_err(AppError::internal),
        _ => Err(AppError::internal(anyhow::anyhow!(
            "password hashing thread unavailable"
        ))),
    }
}

thread_local! {
    /// The Argon2 work area of the hashing thread, allocated once and reused: freshly allocated
    /// 19 MiB blocks were kept by the C allocator after each hash (RSS grew by 19 MiB per
    /// sign-in up to about 230 MiB in the benchmark).
    static WORK_AREA: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The raw Argon2 output for a password and salt, computed in the reused work area.
fn argon2_output(
    argon: &argon2::Argon2,
    password: &[u8],
    salt: argon2::password_hash::Salt,
) -> argon2::password_hash::Result<argon2::password_hash::Output> {
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf)?;
    let len = argon
        .params()
        .output_len()
        .unwrap_or(argon2::Params::DEFAULT_OUTPUT_LEN);
    WORK_AREA.with(|area| {
        let mut blocks = area.borrow_mut();
        blocks.resize(argon.params().block_count(), argon2::Block::default());
        argon2::password_hash::Output::init_with(len, |out| {
            Ok(argon.hash_password_into_with_memory(password, salt_bytes, out, &mut blocks[..])?)
        })
    })
}

/// Hashes a password with Argon2id (OWASP's default parameters) on the hashing thread, as a
/// PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    on_hashing_thread(move || {
        use argon2::password_hash::{rand_core::OsRng, ParamsString, PasswordHash, SaltString};
        let salt = SaltString::generate(&mut OsRng);
        let argon = argon2::Argon2::default();
        let hash = argon2_output(&argon, password.as_bytes(), salt.as_salt())?;
        let phc = PasswordHash {
            algorithm: argon2::Algorithm::Argon2id.ident(),
            version: Some(argon2::Version::V0x13.into()),
            params: ParamsString::try_from(argon.params())?,
            salt: Some(salt.as_salt()),
            hash: Some(hash),
        };
        Ok::<_, argon2::password_hash::Error>(phc.to_string())
    })
    .await?
    .map_err(|e| AppError::internal(anyhow::anyhow!("password hashing failed: {e}")))
}

/// Verifies a password; `None` for the hash still spends the same work, so an unknown email
/// cannot be told from a wrong password by timing.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    on_hashing_thread(move || {
        use argon2::password_hash::PasswordHash;
        let stored = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let Ok(params) = argon2::Params::try_from(&parsed) else {
            return false;
        };
        let Ok(algorithm) = argon2::Algorithm::try_from(parsed.algorithm) else {
            return false;
        };
        let version = parsed
            .version
            .and_then(|v| argon2::Version::try_from(v).ok())
            .unwrap_or_default();
        let argon = argon2::Argon2::new(algorithm, version, params);
        // `Output` compares in constant time.
        let matches =
            argon2_output(&argon, password.as_bytes(), salt).is_ok_and(|out| out == expected);
        matches && stored != DUMMY_HASH
    })
    .await
}

/// An Argon2id hash of a random password nobody knows, with default parameters.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3lqdQhGXzuj9X8Wc9Nsk2BWe8hZ0Q1ZFMBTBOAsxdsQ";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_verify_and_the_dummy_never_matches() {
        let h = hash_password("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse battery".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong password!".into(), Some(h))
            .await
            .unwrap());
        assert!(!verify_password("anything at all".into(), None)
            .await
            .unwrap());
        assert!(argon2::password_hash::PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn secrets_are_long_and_distinct() {
        assert_ne!(new_secret(), new_secret());
        assert_eq!(new_secret().len(), 43);
        assert!(constant_time_eq(b"abc", b"abc") && !constant_time_eq(b"abc", b"abd"));
    }
}

//! What every HTML page shares: the layout's context (language, user, CSRF token, flash), the
//! error page, CSRF checks for forms, flash messages and the signed-in-user extractors.

use crate::auth::{self, ClientIp, CurrentUser, MaybeUser};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::service::Actor;
use crate::state::AppState;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde::Serialize;

pub const FLASH_COOKIE: &str = "tl_flash";
/// Double-submit token for forms shown before sign-in (sign in, register).
pub const ANON_CSRF_COOKIE: &str = "tl_csrf";

/// The request facts a page needs, extracted once.
pub struct PageCtx {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    pub path: String,
    /// Query string of the current URL (without `?`), for pager links.
    pub query: String,
    /// The request's method: a page shown in answer to a form post has no URL to come back to.
    pub method: Method,
    /// Where the language switch returns to: this page (path and query), or, for a page shown
    /// in answer to a post, the page the form was on.
    pub back: String,
    pub flash: Option<String>,
    /// The CSRF token forms on this page must carry.
    pub csrf_token: String,
    /// Set when an anonymous CSRF cookie had to be issued with this page.
    new_anon_csrf: Option<String>,
    pub ip: String,
    pub secure_cookies: bool,
    /// The signed-in user's unread notifications, shown in the navigation.
    pub unread: u64,
}

#[derive(Serialize)]
struct UserCtx<'a> {
    id: String,
    name: &'a str,
    email: &'a str,
    roles: Vec<&'static str>,
    district_code: Option<&'a str>,
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, PageError> {
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        let MaybeUser(user) = MaybeUser::from_request_parts(parts, st)
            .await
            .map_err(|e| PageError(e, lang))?;
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, st).await;
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        let flash = auth::cookie(parts, FLASH_COOKIE)
            .filter(|k| k.starts_with("flash.") && i18n::has(lang, k))
            .map(|k| i18n::t(lang, k, &[]));
        let (csrf_token, new_anon_csrf) = match user.as_ref().and_then(|u| u.csrf_token()) {
            Some(t) => (t.to_string(), None),
            None => match auth::cookie(parts, ANON_CSRF_COOKIE).filter(|c| c.len() == 43) {
                Some(c) => (c.to_string(), None),
                None => {
                    let fresh = auth::new_secret();
                    (fresh.clone(), Some(fresh))
                }
            },
        };
        let header = |name: header::HeaderName| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        // HTTP/2 names the host in the URI rather than in a Host header.
        let host = header(header::HOST).or_else(|| parts.uri.authority().map(|a| a.to_string()));
        let back = back_target(
            &parts.method,
            &uri,
            header(header::REFERER).as_deref(),
            host.as_deref(),
        );
        // A badge is not worth failing a page for: a database hiccup shows no count.
        let unread = match &user {
            Some(u) => crate::service::notifications::unread_count(st, u.id)
                .await
                .unwrap_or(0),
            None => 0,
        };
        Ok(PageCtx {
            unread,
            lang,
            user,
            path: uri.path().to_string(),
            query: uri.query().unwrap_or("").to_string(),
            method: parts.method.clone(),
            back,
            flash,
            csrf_token,
            new_anon_csrf,
            ip,
            secure_cookies: st.config.secure_cookies,
        })
    }
}

impl PageCtx {
    /// The layout's variables merged with the page's own.
    pub fn context(&self, page: Value) -> Value {
        let user = self.user.as_ref().map(|u| UserCtx {
            id: u.id.to_string(),
            name: &u.name,
            email: &u.email,
            roles: u.roles.iter().map(|r| r.as_str()).collect(),
            district_code: u.district_code.as_deref(),
        });
        let nav = self
            .user
            .as_ref()
            .map(|u| super::nav::items(&u.roles))
            .unwrap_or_default();
        let base = context! {
            nav => nav,
            unread => self.unread,
            lang => self.lang.code(),
            other_lang => self.lang.other().code(),
            user => user,
            csrf_token => &self.csrf_token,
            flash => &self.flash,
            path => &self.path,
            back => &self.back,
        };
        context! { ..base, ..page }
    }

    /// Renders a page, clearing a shown flash and issuing the anonymous CSRF cookie if needed.
    pub fn render(&self, st: &AppState, template: &str, page: Value) -> Response {
        self.render_status(st, StatusCode::OK, template, page)
    }

    pub fn render_status(
        &self,
        st: &AppState,
        status: StatusCode,
        template: &str,
        page: Value,
    ) -> Response {
        match st.templates.render(template, self.context(page)) {
            Ok(html) => {
                let mut res = (status, Html(html)).into_response();
                let headers = res.headers_mut();
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                if self.flash.is_some() {
                    add_cookie(
                        headers,
                        &format!("{FLASH_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax"),
                    );
                }
                if let Some(token) = &self.new_anon_csrf {
                    let secure = if self.secure_cookies { "; Secure" } else { "" };
                    add_cookie(
                        headers,
                        &format!(
                            "{ANON_CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}"
                        ),
                    );
                }
                res
            }
            Err(e) => PageError(
                AppError::internal(anyhow::anyhow!("template {template}: {e:#}")),
                self.lang,
            )
            .into_response(),
        }
    }

    /// Checks the `csrf_token` field of a submitted form against the session (or, before sign-in,
    /// against the double-submit cookie).
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if self.new_anon_csrf.is_none()
            && auth::constant_time_eq(sent.as_bytes(), self.csrf_token.as_bytes())
        {
            Ok(())
        } else {
            Err(PageError(AppError::Csrf, self.lang))
        }
    }

    /// The signed-in user as a service actor, or a redirect to the sign-in page.
    pub fn actor(&self) -> Result<Actor, PageError> {
        match &self.user {
            Some(u) => Ok(Actor {
                user: u.clone(),
                ip: self.ip.clone(),
            }),
            None => Err(PageError(AppError::Unauthenticated, self.lang)),
        }
    }

    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key, &[])
    }

    pub fn error(&self, e: AppError) -> PageError {
        PageError(e, self.lang)
    }
}

pub fn add_cookie(headers: &mut HeaderMap, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        headers.append(header::SET_COOKIE, v);
    }
}

/// A redirect after a successful form post, with an optional flash message (a locale key).
pub fn redirect_with_flash(to: &str, flash_key: Option<&str>) -> Response {
    let mut res = Redirect::to(to).into_response();
    if let Some(key) = flash_key {
        add_cookie(
            res.headers_mut(),
            &format!("{FLASH_COOKIE}={key}; Path=/; HttpOnly; SameSite=Lax"),
        );
    }
    res
}

/// Where a page's language switch returns to. A page fetched with GET is its own URL, query
/// included (filters and pages stay). A page rendered in answer to a form post (a form shown
/// again with its problems) has a URL that only takes posts, so the switch goes back to the page
/// the form was on: the `Referer`'s path and query when it is from this site, else the home page.
pub fn back_target(
    method: &Method,
    uri: &axum::http::Uri,
    referer: Option<&str>,
    host: Option<&str>,
) -> String {
    if method == Method::GET || method == Method::HEAD {
        let here = match uri.query().filter(|q| !q.is_empty()) {
            Some(q) => format!("{}?{q}", uri.path()),
            None => uri.path().to_string(),
        };
        return safe_local_path(Some(&here));
    }
    let same_site = |r: &str| -> Option<String> {
        let rest = r
            .strip_prefix("https://")
            .or_else(|| r.strip_prefix("http://"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, "/"),
        };
        let host = host?;
        if !authority.eq_ignore_ascii_case(host) {
            return None;
        }
        // The fragment never reaches the server, but a client may send one: drop it.
        let path = path.split('#').next().unwrap_or("/");
        Some(safe_local_path(Some(path)))
    };
    referer
        .and_then(same_site)
        .unwrap_or_else(|| "/".to_string())
}

/// Only local paths are followed after sign-in or a language switch (no open redirects).
pub fn safe_local_path(raw: Option<&str>) -> String {
    match raw {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.contains("://") =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

/// An error shown as a page: sign-in is a redirect; everything else is the error page.
#[derive(Debug)]
pub struct PageError(pub AppError, pub Lang);

impl From<(AppError, Lang)> for PageError {
    fn from((e, l): (AppError, Lang)) -> Self {
        PageError(e, l)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError(err, lang) = self;
        if matches!(err, AppError::Unauthenticated) {
            return Redirect::to("/signin").into_response();
        }
        err.log();
        let status = err.status();
        let message = err.message(lang);
        // The error page cannot use the full layout context here (no state), so it is minimal
        // and self-contained; the layout's stylesheet still applies.
        let html = format!(
            "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{status} | {app}</title><link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main id=\"content\" class=\"container\"><div class=\"card error-page\"><h1>{code}</h1><p>{msg}</p><p><a class=\"btn\" href=\"/\">{home}</a></p></div></main></body></html>",
            lang = lang.code(),
            status = status.as_u16(),
            app = escape(&i18n::t(lang, "app.name", &[])),
            code = status.as_u16(),
            msg = escape(&message),
            home = escape(&i18n::t(lang, "nav.home", &[])),
        );
        (status, Html(html)).into_response()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Field errors keyed by path, with messages in the page's language, for templates: a map for
/// `errors[name]` beside each field and a list for the summary at the top.
pub fn field_errors(
    lang: Lang,
    errors: &[talentlib_domain::FieldError],
    label_of: impl Fn(&str) -> Option<String>,
) -> (Value, Value) {
    let mut map = std::collections::BTreeMap::new();
    let mut list = Vec::new();
    for e in errors {
        let message = i18n::problem(lang, &e.problem);
        map.entry(e.path.clone()).or_insert_with(|| message.clone());
        let anchor: String = e
            .path
            .chars()
            .map(|c| if matches!(c, '[' | ']' | '.') { '-' } else { c })
            .collect();
        list.push(context! { path => &e.path, message => message, anchor => anchor, label => label_of(&e.path) });
    }
    (Value::from_serialize(&map), Value::from_serialize(&list))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(method: Method, uri: &str, referer: Option<&str>) -> String {
        let uri: axum::http::Uri = uri.parse().unwrap_or_default();
        back_target(&method, &uri, referer, Some("talentlib.example:8080"))
    }

    #[test]
    fn the_language_switch_keeps_the_query_and_never_leads_to_a_post_only_url() {
        assert_eq!(
            back(Method::GET, "/review?batch_id=1&status=submitted", None),
            "/review?batch_id=1&status=submitted"
        );
        assert_eq!(back(Method::GET, "/library", None), "/library");
        assert_eq!(back(Method::GET, "/library?", None), "/library");
        // A page rendered for a post: back to the page the form was on.
        let from = Some("http://talentlib.example:8080/batches/7?page=2#assign");
        assert_eq!(
            back(Method::POST, "/batches/7/assign", from),
            "/batches/7?page=2"
        );
        // Another site's address, a missing or odd Referer: the home page.
        let other = Some("https://evil.example/batches/7");
        assert_eq!(back(Method::POST, "/batches/7/assign", other), "/");
        assert_eq!(back(Method::POST, "/batches/7/assign", None), "/");
        assert_eq!(back(Method::POST, "/x", Some("javascript:alert(1)")), "/");
        let sneaky = Some("http://talentlib.example:8080//evil.example/");
        assert_eq!(back(Method::POST, "/x", sneaky), "/");
        let bare = Some("http://talentlib.example:8080");
        assert_eq!(back(Method::POST, "/x", bare), "/");
    }
}

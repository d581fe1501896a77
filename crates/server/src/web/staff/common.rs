//! Small helpers shared by the staff and admin pages: lenient paging, times in China Standard
//! Time, links that keep the current filters, and the options of the filter selects.

use crate::i18n::{self, Lang};
use minijinja::{context, Value};
use talentlib_domain::application::Status;
use talentlib_domain::paging::Page;
use talentlib_domain::reference::Reference;

/// China Standard Time (UTC+8): every time on these pages is shown in it.
pub fn cst() -> time::UtcOffset {
    time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC)
}

fn local(millis: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(cst())
}

/// `YYYY-MM-DD HH:MM` in UTC+8.
pub fn fmt_minutes(millis: i64) -> String {
    let t = local(millis);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// `YYYY-MM-DD HH:MM:SS` in UTC+8.
pub fn fmt_seconds(millis: i64) -> String {
    format!("{}:{:02}", fmt_minutes(millis), local(millis).second())
}

/// A machine-readable timestamp for `<time datetime>` (ISO 8601 with the +08:00 offset).
pub fn iso_local(millis: i64) -> String {
    let t = local(millis);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `{text, iso}` for templates, or none.
pub fn time_ctx(millis: Option<i64>) -> Value {
    match millis {
        Some(m) => context! { text => fmt_minutes(m), iso => iso_local(m) },
        None => Value::from(()),
    }
}

/// A `YYYY-MM-DD` date read as a whole day in UTC+8: its first millisecond and the first
/// millisecond of the next day. `None` when the text is not a real date.
pub fn day_bounds(raw: &str) -> Option<(i64, i64)> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(raw.trim(), &format).ok()?;
    let start = date.midnight().assume_offset(cst());
    let end = date.next_day()?.midnight().assume_offset(cst());
    Some((
        i64::try_from(start.unix_timestamp_nanos() / 1_000_000).ok()?,
        i64::try_from(end.unix_timestamp_nanos() / 1_000_000).ok()?,
    ))
}

/// Page and page size from the query. Anything unreadable falls back to its default, so a bad
/// link shows page 1 rather than an error page.
pub fn lenient_page(page: Option<&str>, per_page: Option<&str>) -> Page {
    let default = Page::default();
    Page {
        page: Page::parse(page, None).map_or(default.page, |p| p.page),
        per_page: Page::parse(None, per_page).map_or(default.per_page, |p| p.per_page),
    }
}

/// How many pages `total` rows fill (at least one).
pub fn page_count(total: u64, per_page: u64) -> u64 {
    total.div_ceil(per_page.max(1)).max(1)
}

/// The last page that has rows, when the asked page lies beyond it.
pub fn clamp_page(page: Page, total: u64) -> Option<Page> {
    let last = page_count(total, page.per_page);
    (total > 0 && page.page > last).then_some(Page {
        page: last,
        per_page: page.per_page,
    })
}

/// Trimmed text, or none when empty; at most `max` characters are kept.
pub fn opt_text(raw: Option<&str>, max: usize) -> Option<String> {
    // Control characters are nothing a filter box produces (and a NUL PostgreSQL text cannot
    // hold): they are dropped rather than answered with an error page.
    let t: String = raw?
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(max)
        .collect();
    (!t.is_empty()).then_some(t)
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query string (`a=1&b=2`, no `?`) of the pairs whose value is not empty.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `path?query` (or just `path`).
pub fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// The pager macro's arguments: page, pages, url_prefix (ends where the number goes), count.
pub fn pager(path: &str, filters: &[(&str, &str)], page: Page, total: u64) -> Value {
    let mut pairs: Vec<(&str, &str)> = filters.to_vec();
    let per_page = page.per_page.to_string();
    if page.per_page != Page::default().per_page {
        pairs.push(("per_page", &per_page));
    }
    let q = query_string(&pairs);
    let url_prefix = if q.is_empty() {
        format!("{path}?page=")
    } else {
        format!("{path}?{q}&page=")
    };
    context! {
        page => page.page,
        pages => page_count(total, page.per_page),
        url_prefix => url_prefix,
        count => total,
        from => page.offset() + 1,
        to => (page.offset() + page.per_page).min(total),
    }
}

/// A district's name in the page's language; the code itself when it is not in the list.
pub fn district_name(lang: Lang, code: &str) -> String {
    match Reference::get().district(code) {
        Some(d) => match lang {
            Lang::Zh => d.name_zh.clone(),
            Lang::En => d.name_en.clone(),
        },
        None => code.to_string(),
    }
}

/// `[code, name]` pairs of every reference district, for selects.
pub fn district_options(lang: Lang) -> Vec<[String; 2]> {
    Reference::get()
        .districts
        .iter()
        .map(|d| {
            let name = match lang {
                Lang::Zh => d.name_zh.clone(),
                Lang::En => d.name_en.clone(),
            };
            [d.code.clone(), name]
        })
        .collect()
}

/// A district code from the query, kept only when it is in the reference list.
pub fn known_district(raw: Option<&str>) -> Option<String> {
    let code = raw?.trim();
    Reference::get().district(code).map(|d| d.code.clone())
}

/// `[status, label]` pairs, for the status filter.
pub fn status_options(lang: Lang, statuses: &[Status]) -> Vec<[String; 2]> {
    statuses
        .iter()
        .map(|s| {
            [
                s.as_str().to_string(),
                i18n::t(lang, &format!("status.{}", s.as_str()), &[]),
            ]
        })
        .collect()
}

/// No problems: an empty map (so `errors[name]` is simply undefined) and an empty list.
pub fn no_errors() -> (Value, Value) {
    (
        Value::from_serialize(std::collections::BTreeMap::<String, String>::new()),
        Value::from_serialize(Vec::<String>::new()),
    )
}

/// Like `page::field_errors`, for messages that are not field problems (a name already taken,
/// an email already registered): `(path, message)` pairs, with the anchor built the same way.
pub fn message_errors(
    items: &[(&str, String)],
    label_of: impl Fn(&str) -> Option<String>,
) -> (Value, Value) {
    let mut map = std::collections::BTreeMap::new();
    let mut list = Vec::new();
    for (path, message) in items {
        map.entry(path.to_string())
            .or_insert_with(|| message.clone());
        let anchor: String = path
            .chars()
            .map(|c| if matches!(c, '[' | ']' | '.') { '-' } else { c })
            .collect();
        list.push(context! { path => path, message => message, anchor => anchor, label => label_of(path) });
    }
    (Value::from_serialize(&map), Value::from_serialize(&list))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_china_standard_time() {
        // 2026-01-31T16:30:00Z is 2026-02-01 00:30 in Chongqing.
        let m = 1_769_877_000_000;
        assert_eq!(fmt_minutes(m), "2026-02-01 00:30");
        assert_eq!(fmt_seconds(m), "2026-02-01 00:30:00");
        assert_eq!(iso_local(m), "2026-02-01T00:30:00+08:00");
        let (from, to) = day_bounds("2026-02-01").unwrap_or_default();
        assert!(from <= m && m < to);
        assert_eq!(to - from, 86_400_000);
        assert_eq!(day_bounds("2026-02-30"), None);
        assert_eq!(day_bounds("yesterday"), None);
    }

    #[test]
    fn paging_is_lenient() {
        assert_eq!(lenient_page(Some("x"), Some("50")).page, 1);
        assert_eq!(lenient_page(Some("x"), Some("50")).per_page, 50);
        assert_eq!(lenient_page(Some("3"), Some("1000")).per_page, 20);
        assert_eq!(lenient_page(Some("0"), None).page, 1);
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(41, 20), 3);
        assert_eq!(
            clamp_page(
                Page {
                    page: 9,
                    per_page: 20
                },
                41
            )
            .map(|p| p.page),
            Some(3)
        );
        assert_eq!(
            clamp_page(
                Page {
                    page: 2,
                    per_page: 20
                },
                41
            ),
            None
        );
    }

    #[test]
    fn links_keep_filters_encoded() {
        assert_eq!(
            query_string(&[("q", "张 三&x"), ("status", ""), ("b", "1")]),
            "q=%E5%BC%A0%20%E4%B8%89%26x&b=1"
        );
        assert_eq!(with_query("/review", ""), "/review");
        assert_eq!(opt_text(Some("  "), 10), None);
        assert_eq!(opt_text(Some(" abcdef "), 3).as_deref(), Some("abc"));
        assert_eq!(opt_text(Some(" a\u{0}b "), 10).as_deref(), Some("ab"));
        assert_eq!(opt_text(Some("\u{0}"), 10), None);
    }
}

//! Paging of lists (API.md: pages from 1; `per_page` default 20, at most 100).

use crate::error::{FieldError, Problem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u64,
    pub per_page: u64,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            page: 1,
            per_page: 20,
        }
    }
}

impl Page {
    pub const MAX_PER_PAGE: u64 = 100;

    /// Parses the raw query values; absent values take the defaults.
    pub fn parse(page: Option<&str>, per_page: Option<&str>) -> Result<Page, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut read = |name: &str, raw: Option<&str>, default: u64, max: u64| match raw {
            None | Some("") => default,
            Some(s) => match s.parse::<u64>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    errors.push(FieldError::new(
                        name,
                        Problem::OutOfRange {
                            min: 1,
                            max: i64::try_from(max).unwrap_or(i64::MAX),
                        },
                    ));
                    default
                }
            },
        };
        let page = read("page", page, 1, 1_000_000);
        let per_page = read("per_page", per_page, 20, Self::MAX_PER_PAGE);
        if errors.is_empty() {
            Ok(Page { page, per_page })
        } else {
            Err(errors)
        }
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_bounds_and_junk() {
        assert_eq!(
            Page::parse(None, None).unwrap(),
            Page {
                page: 1,
                per_page: 20
            }
        );
        assert_eq!(Page::parse(Some("3"), Some("100")).unwrap().offset(), 200);
        assert_eq!(Page::parse(Some("0"), Some("101")).unwrap_err().len(), 2);
        assert!(Page::parse(Some("-1"), None).is_err());
        assert!(Page::parse(Some("1e3"), None).is_err());
    }
}

/// The longest text filter a list accepts (a search box, a code).
pub const MAX_FILTER_CHARS: usize = 100;

/// A text filter from a query string: trimmed; blank means no filter. More than
/// [`MAX_FILTER_CHARS`] characters or a control character (nothing a search box produces, and
/// a NUL PostgreSQL text cannot hold) is reported against `field` in `errors`.
pub fn filter_text(field: &str, raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let text = raw.map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > MAX_FILTER_CHARS {
        errors.push(FieldError::new(
            field,
            Problem::TooLong {
                max: MAX_FILTER_CHARS,
            },
        ));
        None
    } else if text.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            Problem::WrongType { expected: "text" },
        ));
        None
    } else {
        Some(text.to_string())
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    #[test]
    fn blank_filters_are_no_filter_and_bad_ones_are_reported() {
        let mut errors = Vec::new();
        assert_eq!(filter_text("q", None, &mut errors), None);
        assert_eq!(filter_text("q", Some("  "), &mut errors), None);
        assert_eq!(
            filter_text("q", Some(" 设计 "), &mut errors).as_deref(),
            Some("设计")
        );
        assert!(errors.is_empty());
        assert_eq!(filter_text("q", Some("a\u{0}b"), &mut errors), None);
        assert_eq!(
            filter_text("district_code", Some(&"x".repeat(101)), &mut errors),
            None
        );
        let fields: Vec<_> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(fields, ["q", "district_code"]);
    }
}

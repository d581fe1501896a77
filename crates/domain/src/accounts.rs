//! Account input rules: email address, password strength, display name, staff roles.

use crate::error::{FieldError, Problem};
use crate::reference::Reference;
use crate::roles::{Role, Roles};

/// API.md: a password has at least 10 characters. The upper bound keeps hashing cheap.
pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Trimmed and lower-cased, so one mailbox is one account whatever its spelling.
pub fn parse_email(raw: &str) -> Result<String, Problem> {
    let email = raw.trim().to_lowercase();
    // Nothing typed is missing, not malformed: the form says "required".
    if email.is_empty() {
        return Err(Problem::Required);
    }
    if crate::eligibility::is_plausible_email(&email) {
        Ok(email)
    } else {
        Err(Problem::InvalidEmail)
    }
}

pub fn check_password(raw: &str) -> Result<(), Problem> {
    let n = raw.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err(Problem::WeakPassword {
            min: MIN_PASSWORD_CHARS,
        })
    } else if n > MAX_PASSWORD_CHARS {
        Err(Problem::TooLong {
            max: MAX_PASSWORD_CHARS,
        })
    } else {
        Ok(())
    }
}

/// 1 to 100 characters of text, trimmed.
pub fn parse_name(raw: &str) -> Result<String, Problem> {
    let name = raw.trim();
    match name.chars().count() {
        0 => Err(Problem::Required),
        n if n > 100 => Err(Problem::TooLong { max: 100 }),
        _ if name.chars().any(char::is_control) => Err(Problem::WrongType { expected: "text" }),
        _ => Ok(name.to_string()),
    }
}

/// An expert's employer (what conflict-of-interest checks compare): optional, at most 200
/// characters of one line of text; blank means none.
pub fn parse_employer(raw: Option<&str>) -> Result<Option<String>, Problem> {
    let Some(employer) = raw.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    if employer.chars().count() > 200 {
        Err(Problem::TooLong { max: 200 })
    } else if employer.chars().any(char::is_control) {
        Err(Problem::WrongType { expected: "text" })
    } else {
        Ok(Some(employer.to_string()))
    }
}

/// A staff account's roles, district and employer, checked together: a district officer needs a
/// district from the reference list (their scope), and any given district must exist.
pub fn check_staff(
    role_names: &[String],
    district_code: Option<&str>,
) -> Result<Roles, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut roles = Vec::new();
    for (i, name) in role_names.iter().enumerate() {
        match Role::parse(name) {
            Some(r) => roles.push(r),
            None => errors.push(FieldError::new(
                format!("roles[{i}]"),
                Problem::UnknownValue {
                    allowed: Role::ALL.map(|r| r.as_str()).join("|"),
                },
            )),
        }
    }
    if role_names.is_empty() {
        errors.push(FieldError::new("roles", Problem::Required));
    }
    let roles = Roles::new(roles);
    match district_code {
        Some(code) if Reference::get().district(code).is_none() => {
            errors.push(FieldError::new("district_code", Problem::UnknownDistrict))
        }
        None if roles.has(Role::DistrictOfficer) => {
            errors.push(FieldError::new("district_code", Problem::Required))
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(roles)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_inputs() {
        assert_eq!(parse_email("  Li@Example.CN ").unwrap(), "li@example.cn");
        assert_eq!(parse_email("nope"), Err(Problem::InvalidEmail));
        assert_eq!(parse_email("  "), Err(Problem::Required));
        assert!(check_password("123456789").is_err());
        assert!(check_password("一二三四五六七八九十").is_ok());
        assert_eq!(parse_name("  张三 ").unwrap(), "张三");
        assert!(parse_name(" ").is_err());
    }

    #[test]
    fn district_officers_need_a_known_district() {
        let officer = vec!["district_officer".to_string()];
        assert!(check_staff(&officer, Some("500103")).is_ok());
        assert_eq!(
            check_staff(&officer, None).unwrap_err()[0].path,
            "district_code"
        );
        assert_eq!(
            check_staff(&officer, Some("999999")).unwrap_err()[0].problem,
            Problem::UnknownDistrict
        );
        let errors = check_staff(&["boss".to_string()], None).unwrap_err();
        assert_eq!(errors[0].path, "roles[0]");
        assert_eq!(check_staff(&[], None).unwrap_err()[0].path, "roles");
    }
}

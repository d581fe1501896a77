//! Personal identity data: the resident identity number (GB 11643-1999) and the mainland mobile
//! number, parsed as the rules in `seed/validation.md` describe, and masked for lists and logs.

use crate::error::Problem;
use time::Date;

/// A resident identity number whose GB 11643 check character is correct.
#[derive(Clone, PartialEq, Eq)]
pub struct ResidentId(String);

/// Weights W[i] = 2^(17-i) mod 11 (ISO 7064 MOD 11-2).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Province-level prefixes (validation.md §1 step 2), plus 81–83 for the residence permits of
/// Hong Kong, Macao and Taiwan residents, which share the layout and the check algorithm.
fn is_known_province(prefix: u32) -> bool {
    matches!(prefix, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 81..=83)
}

/// The GB 11643 check character of the first 17 digits.
pub fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(char::from(CHECK_CHARS[(sum % 11) as usize]))
}

impl ResidentId {
    /// Parses after trimming and upper-casing a final `x`. `today` bounds the birth date, which
    /// must be a real date giving an age of 16 to 100.
    pub fn parse(input: &str, today: Date) -> Result<Self, Problem> {
        let s = input.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
            return Err(Problem::InvalidIdNumber);
        }
        if !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(Problem::InvalidIdNumber);
        }
        let prefix = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
        if !is_known_province(prefix) {
            return Err(Problem::InvalidIdNumber);
        }
        if check_char(&b[..17]) != Some(char::from(b[17])) {
            return Err(Problem::InvalidIdNumber);
        }
        let birth = birth_date(&s).ok_or(Problem::InvalidIdNumber)?;
        let age = age_on(birth, today).ok_or(Problem::IdNumberAge)?;
        if !(16..=100).contains(&age) {
            return Err(Problem::IdNumberAge);
        }
        Ok(ResidentId(s))
    }

    /// Wraps a value that was validated before it was stored (read back from the database).
    pub fn from_trusted(s: String) -> Self {
        ResidentId(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Position 17: odd for men, even for women.
    pub fn is_male(&self) -> bool {
        self.0.as_bytes()[16].wrapping_sub(b'0') % 2 == 1
    }

    /// `500103********1234`: the address code and the last four, nothing of the birth date.
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

impl std::fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the whole number, not even in debug logs.
        write!(f, "ResidentId({})", self.masked())
    }
}

/// Masks any text shaped like an ID number; shorter text is masked entirely.
pub fn mask_id_number(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 12 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

fn birth_date(s: &str) -> Option<Date> {
    let year: i32 = s.get(6..10)?.parse().ok()?;
    let month: u8 = s.get(10..12)?.parse().ok()?;
    let day: u8 = s.get(12..14)?.parse().ok()?;
    Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

fn age_on(birth: Date, today: Date) -> Option<i32> {
    if birth > today {
        return None;
    }
    let mut age = today.year() - birth.year();
    if (today.month() as u8, today.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    Some(age)
}

/// A mainland China mobile number, normalised to its 11 digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Mobile(String);

impl Mobile {
    /// Accepts `^1[3-9]\d{9}$` after removing spaces, hyphens and parentheses and a leading
    /// `+86`, `0086` or `86` (validation.md §2). No prefix whitelist: new segments keep appearing.
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let mut s: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
            .collect();
        for prefix in ["+86", "0086", "86"] {
            if s.len() == prefix.len() + 11 && s.starts_with(prefix) {
                s = s[prefix.len()..].to_string();
                break;
            }
        }
        let b = s.as_bytes();
        let valid = b.len() == 11
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
            && b.iter().all(u8::is_ascii_digit);
        if valid {
            Ok(Mobile(s))
        } else {
            Err(Problem::InvalidPhone)
        }
    }

    pub fn from_trusted(s: String) -> Self {
        Mobile(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

impl std::fmt::Debug for Mobile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mobile({})", self.masked())
    }
}

/// Masks any text shaped like a phone number: first three and last four stay visible.
pub fn mask_phone(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 03);

    /// Builds a valid number from 17 digits, as validation.md asks (no real people's numbers).
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_char(first17.as_bytes()).unwrap())
    }

    #[test]
    fn published_test_vectors() {
        assert!(ResidentId::parse("11010519491231002X", TODAY).is_ok());
        assert!(ResidentId::parse("11010519491231002x", TODAY).is_ok());
        assert!(ResidentId::parse("34052419800101001X", TODAY).is_ok());
        assert_eq!(check_char(b"44052418800101001"), Some('4'));
        assert_eq!(
            ResidentId::parse("440524188001010014", TODAY),
            Err(Problem::IdNumberAge)
        );
        assert_eq!(
            ResidentId::parse("110105194912310021", TODAY),
            Err(Problem::InvalidIdNumber)
        );
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "",
            "5001031990010112",
            "50010319900101123X1",
            "A00103199001011234",
            "990103199001011234",
            "50010319901301123X",
            "５００１０３１９９００１０１１２３４",
        ] {
            assert!(ResidentId::parse(bad, TODAY).is_err(), "{bad}");
        }
        // A real date is needed: 30 February is not one.
        assert_eq!(
            ResidentId::parse(&with_check("50010319900230123"), TODAY),
            Err(Problem::InvalidIdNumber)
        );
        // Born in the future or too young.
        assert_eq!(
            ResidentId::parse(&with_check("50010320300101123"), TODAY),
            Err(Problem::IdNumberAge)
        );
        assert_eq!(
            ResidentId::parse(&with_check("50010320200101123"), TODAY),
            Err(Problem::IdNumberAge)
        );
    }

    #[test]
    fn masks_keep_only_the_edges() {
        let id = ResidentId::parse(&with_check("50010319900101123"), TODAY).unwrap();
        assert_eq!(
            id.masked(),
            format!("500103********123{}", &id.as_str()[17..])
        );
        assert!(!format!("{id:?}").contains("19900101"));
        assert_eq!(
            Mobile::parse("13812345678").unwrap().masked(),
            "138****5678"
        );
        assert!(id.is_male());
    }

    #[test]
    fn mobile_numbers_normalise() {
        for ok in [
            "13812345678",
            "+86 138-1234-5678",
            "0086 13812345678",
            "(138)12345678",
            "19212345678",
        ] {
            assert_eq!(Mobile::parse(ok).unwrap().as_str().len(), 11, "{ok}");
        }
        for bad in [
            "",
            "12812345678",
            "1381234567",
            "138123456789",
            "1381234567a",
            "+1 13812345678",
        ] {
            assert!(Mobile::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_single_digit_change_breaks_the_checksum(
            body in "[1-6][0-9]{5}19[5-9][0-9]0[1-9]1[0-9][0-9]{3}", pos in 0usize..17, delta in 1u8..10
        ) {
            let good = with_check(&body);
            let mut bytes = good.clone().into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(check_char(&changed.as_bytes()[..17]) != Some(char::from(changed.as_bytes()[17])));
        }

        #[test]
        fn generated_numbers_from_chongqing_parse(seq in 0u32..1000, day in 1u32..29) {
            let n = with_check(&format!("500103198005{day:02}{seq:03}"));
            prop_assert!(ResidentId::parse(&n, TODAY).is_ok());
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,40}") {
            let _ = ResidentId::parse(&s, TODAY);
            let _ = Mobile::parse(&s);
            let _ = mask_id_number(&s);
            let _ = mask_phone(&s);
        }
    }
}

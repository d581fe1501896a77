//! Free text people type (comments, notes): how long it may be and which characters it may hold.

use crate::error::Problem;

/// What is wrong with a piece of free text, if anything: more than `max` characters, or a
/// control character other than a line break or tab (nothing a keyboard produces; a NUL is
/// also something PostgreSQL text cannot hold).
pub fn prose_problem(text: &str, max: usize) -> Option<Problem> {
    if text.chars().count() > max {
        Some(Problem::TooLong { max })
    } else if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Some(Problem::WrongType { expected: "text" })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_pass_and_other_controls_do_not() {
        assert_eq!(prose_problem("第一行\r\n第二行\t", 10), None);
        assert_eq!(
            prose_problem("a\u{0}b", 10),
            Some(Problem::WrongType { expected: "text" })
        );
        assert_eq!(prose_problem("abc", 2), Some(Problem::TooLong { max: 2 }));
    }
}

//! Clear one-line messages for command-line failures.

use crate::error::AppError;
use crate::i18n::{self, Lang};

pub fn describe(e: &AppError) -> String {
    match e {
        AppError::Invalid(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.path, i18n::problem(Lang::En, &f.problem)))
                .collect();
            format!("invalid input: {}", parts.join("; "))
        }
        AppError::Internal(cause) => format!("{cause:#}"),
        other => other.message(Lang::En),
    }
}

//! Demo data for `talentlib demo`: filled in with the web pages.

use crate::state::AppState;

pub async fn populate(_state: &AppState) -> anyhow::Result<String> {
    Ok(String::new())
}

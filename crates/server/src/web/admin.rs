//! Pages for the admin journey (being written).

use crate::state::AppState;
use axum::Router;

pub const TEMPLATES: &[(&str, &str)] = &[];

pub fn router() -> Router<AppState> {
    Router::new()
}

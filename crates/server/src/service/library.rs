//! The library of rated designers: staff see every current rating; the public directory (no
//! sign-in, or a designer) lists only designers who consented, and nothing about them beyond
//! name, district, specialty and stars.

use super::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use talentlib_domain::paging::Page;
use talentlib_domain::permissions::LibraryScope;
use talentlib_store::ratings::{self, LibraryFilter, RatingRow};

/// Whether the actor sees the staff library (totals, employers, non-consenting designers), as
/// opposed to the public directory.
pub fn is_staff(actor: Option<&Actor>) -> bool {
    scope(actor) != LibraryScope::Public
}

/// Whether the actor's library is narrowed to their own district.
pub fn own_district_only(actor: &Actor) -> bool {
    matches!(scope(Some(actor)), LibraryScope::District(_))
}

fn scope(actor: Option<&Actor>) -> LibraryScope {
    actor.map_or(LibraryScope::Public, |a| a.user.viewer().library_scope())
}

/// Narrows a filter to what the actor may see (the filter's own visibility flag is ignored);
/// None when the filter asks for nothing the actor may see (an officer asking for another
/// district).
fn visible(actor: Option<&Actor>, mut filter: LibraryFilter) -> Option<LibraryFilter> {
    filter.consented_only = false;
    match scope(actor) {
        LibraryScope::All => {}
        LibraryScope::District(code) => {
            if filter.district_code.as_ref().is_some_and(|d| *d != code) {
                return None;
            }
            filter.district_code = Some(code);
        }
        LibraryScope::Public => filter.consented_only = true,
    }
    Some(filter)
}

pub async fn list(
    st: &AppState,
    actor: Option<&Actor>,
    filter: LibraryFilter,
    page: Page,
) -> AppResult<(Vec<RatingRow>, u64)> {
    match visible(actor, filter) {
        Some(filter) => Ok(ratings::library(st.store.db(), &filter, page).await?),
        None => Ok((Vec::new(), 0)),
    }
}

/// Most rows one export holds.
pub const EXPORT_LIMIT: u64 = 200_000;

/// Rows for an export, honouring each role's visibility: a district officer exports their
/// district only; designers and the public cannot export.
pub async fn export(
    st: &AppState,
    actor: &Actor,
    filter: LibraryFilter,
) -> AppResult<Vec<RatingRow>> {
    if !is_staff(Some(actor)) {
        return Err(AppError::Forbidden);
    }
    match visible(Some(actor), filter) {
        Some(filter) => Ok(ratings::library_all(st.store.db(), &filter, EXPORT_LIMIT).await?),
        None => Ok(Vec::new()),
    }
}

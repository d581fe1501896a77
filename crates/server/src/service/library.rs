//! The library of rated designers: staff see every current rating; the public directory (no
//! sign-in, or a designer) lists only designers who consented, and nothing about them beyond
//! name, district, specialty and stars.

use super::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use talentlib_domain::paging::Page;
use talentlib_domain::permissions::LibraryScope;
use talentlib_store::ratings::{self, LibraryFilter, RatingRow};

/// Staff roles see it all (API.md); anyone else sees the consented directory.
pub fn is_staff(actor: Option<&Actor>) -> bool {
    scope(actor) == LibraryScope::All
}

fn scope(actor: Option<&Actor>) -> LibraryScope {
    actor.map_or(LibraryScope::Public, |a| a.user.viewer().library_scope())
}

pub async fn list(
    st: &AppState,
    actor: Option<&Actor>,
    mut filter: LibraryFilter,
    page: Page,
) -> AppResult<(Vec<RatingRow>, u64)> {
    filter.consented_only = scope(actor) == LibraryScope::Public;
    Ok(ratings::library(st.store.db(), &filter, page).await?)
}

/// Most rows one export holds.
pub const EXPORT_LIMIT: u64 = 200_000;

/// Whether the actor's exports are narrowed to their own district.
pub fn exports_own_district_only(actor: &Actor) -> bool {
    matches!(
        actor.user.viewer().library_export_scope(),
        Some(LibraryScope::District(_))
    )
}

/// Rows for an export, honouring each role's visibility: a district officer exports their
/// district only; designers and the public cannot export.
pub async fn export(
    st: &AppState,
    actor: &Actor,
    mut filter: LibraryFilter,
) -> AppResult<Vec<RatingRow>> {
    match actor.user.viewer().library_export_scope() {
        Some(LibraryScope::All) => {}
        Some(LibraryScope::District(code)) => filter.district_code = Some(code),
        Some(LibraryScope::Public) | None => return Err(AppError::Forbidden),
    }
    Ok(ratings::library_all(st.store.db(), &filter, EXPORT_LIMIT).await?)
}

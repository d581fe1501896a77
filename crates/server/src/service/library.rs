//! The library of rated designers: staff see every current rating; the public directory (no
//! sign-in, or a designer) lists only designers who consented, and nothing about them beyond
//! name, district, specialty and stars.

use super::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use talentlib_domain::paging::Page;
use talentlib_domain::roles::Role;
use talentlib_store::ratings::{self, LibraryFilter, RatingRow};

/// Staff roles see it all (API.md); anyone else sees the consented directory.
pub fn is_staff(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| a.user.viewer().is_staff())
}

pub async fn list(
    st: &AppState,
    actor: Option<&Actor>,
    mut filter: LibraryFilter,
    page: Page,
) -> AppResult<(Vec<RatingRow>, u64)> {
    filter.consented_only = !is_staff(actor);
    Ok(ratings::library(st.store.db(), &filter, page).await?)
}

/// Most rows one export holds.
pub const EXPORT_LIMIT: u64 = 200_000;

/// Rows for an export, honouring each role's visibility: a district officer exports their
/// district only; designers and the public cannot export.
pub async fn export(
    st: &AppState,
    actor: &Actor,
    mut filter: LibraryFilter,
) -> AppResult<Vec<RatingRow>> {
    let u = &actor.user;
    if !is_staff(Some(actor)) {
        return Err(AppError::Forbidden);
    }
    let sees_all = [
        Role::Admin,
        Role::Reviewer,
        Role::ServiceStaff,
        Role::Expert,
    ]
    .iter()
    .any(|r| u.has(*r));
    if !sees_all {
        filter.district_code = u.district_code.clone();
    }
    Ok(ratings::library_all(st.store.db(), &filter, EXPORT_LIMIT).await?)
}

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
    let Some(filter) = visible(actor, filter) else {
        return Ok((Vec::new(), 0));
    };
    // Counting is most of a page's cost over a large library (a common bigram matches half a
    // million ratings of a million), and many readers ask the same question: a count stays
    // good for COUNT_TTL, readers asking while it is counted wait for that count, and this
    // process forgets them all whenever it publishes ratings (another server's finalize shows
    // within COUNT_TTL). Ratings change only when a batch is finalized.
    let db = st.store.db();
    let sizes = term_sizes(st, &filter).await?;
    let key = format!("{filter:?}");
    let total = st
        .library_counts
        .get_or_compute(&key, || ratings::library_count(db, &filter, &sizes))
        .await?;
    Ok(ratings::library(db, &filter, page, Some(total), &sizes).await?)
}

/// How long a term's size is reused: it only chooses which of a search's terms is read (the
/// rarest), and sizes move slowly, batch by batch.
pub const TERM_SIZE_TTL: std::time::Duration = std::time::Duration::from_secs(600);

/// The index sizes of a multi-term search's terms, remembered for TERM_SIZE_TTL.
async fn term_sizes(st: &AppState, filter: &LibraryFilter) -> AppResult<ratings::TermSizes> {
    use talentlib_domain::search::{query_terms, QueryTerms};
    let mut sizes = ratings::TermSizes::new();
    let Some(QueryTerms::All { terms, .. }) = filter.text.as_deref().map(query_terms) else {
        return Ok(sizes);
    };
    if terms.len() < 2 {
        return Ok(sizes);
    }
    let db = st.store.db();
    for term in terms {
        let n = st
            .term_sizes
            .get_or_compute(&term, || {
                talentlib_store::library_index::term_size(db, &term, ratings::TERM_SIZE_CAP)
            })
            .await?;
        sizes.insert(term, n);
    }
    Ok(sizes)
}

/// How long a library count is reused.
pub const COUNT_TTL: std::time::Duration = std::time::Duration::from_secs(30);

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
        Some(filter) => {
            let sizes = term_sizes(st, &filter).await?;
            Ok(ratings::library_all(st.store.db(), &filter, EXPORT_LIMIT, &sizes).await?)
        }
        None => Ok(Vec::new()),
    }
}

/// Rebuilds the library's search index from the current ratings (operators: after bulk
/// seeding, a restore, or to be sure). A chunk per transaction; while it runs a pending job
/// marks the index stale, so a server on the same database answers text searches by scanning.
pub async fn reindex(st: &AppState) -> AppResult<u64> {
    use talentlib_store::{library_index, notifications};
    let never = i64::MAX / 2;
    let tx = st.store.write().await?;
    notifications::enqueue(
        &*tx,
        crate::state::new_uuid(),
        library_index::INDEX_JOB,
        "rebuild",
        never,
    )
    .await?;
    library_index::clear(&*tx).await?;
    tx.commit().await?;
    let mut after: Option<String> = None;
    let mut chunks = 0u64;
    loop {
        let tx = st.store.write().await?;
        let next = tx
            .bulk(|| library_index::index_all_chunk(&*tx, after.as_deref(), 5_000))
            .await?;
        tx.commit().await?;
        match next {
            Some(last) => {
                after = Some(last);
                chunks += 1;
            }
            None => break,
        }
    }
    let tx = st.store.write().await?;
    library_index::drop_jobs(&*tx).await?;
    tx.commit().await?;
    Ok(chunks)
}

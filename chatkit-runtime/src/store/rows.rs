//! What the SQL stores share: rows of JSON to pages, and error mapping.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::migrate::MigrateError;

use super::{DEFAULT_PAGE_SIZE, StoreError};
use crate::protocol::Page;

/// How many rows a page query fetches: one more than the page, to learn `has_more`.
pub(super) fn fetch_limit(limit: u32) -> i64 {
    i64::from(page_size(limit)) + 1
}
pub(super) fn from_json<T: DeserializeOwned>(
    data: &str,
    kind: &str,
    id: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(data).map_err(|err| StoreError::Corrupt(format!("{kind} `{id}`: {err}")))
}
/// A failed migration: a database whose applied migrations differ from
/// ours (another version of the crate, or edited by hand) is unreadable;
/// anything else is a failure to reach the database.
pub(super) fn migrate_error(err: MigrateError) -> StoreError {
    match err {
        MigrateError::VersionMissing(_)
        | MigrateError::VersionMismatch(_)
        | MigrateError::VersionNotPresent(_)
        | MigrateError::VersionTooOld(..)
        | MigrateError::VersionTooNew(..)
        | MigrateError::Dirty(_) => {
            StoreError::Corrupt(format!("the database schema is not this version's: {err}"))
        }
        err => StoreError::Unavailable(Box::new(err)),
    }
}
/// A page from up to `limit + 1` rows of `(id, data)`.
pub(super) fn page<T: DeserializeOwned>(
    mut rows: Vec<(String, String)>,
    limit: u32,
    kind: &'static str,
) -> Result<Page<T>, StoreError> {
    let size = usize::try_from(page_size(limit)).unwrap_or(usize::MAX);
    let has_more = rows.len() > size;
    rows.truncate(size);
    let after = if has_more {
        rows.last().map(|(id, _)| id.clone())
    } else {
        None
    };
    let data = rows
        .iter()
        .map(|(id, data)| from_json(data, kind, id))
        .collect::<Result<_, _>>()?;
    Ok(Page {
        data,
        has_more,
        after,
    })
}
pub(super) fn page_size(limit: u32) -> u32 {
    if limit == 0 { DEFAULT_PAGE_SIZE } else { limit }
}
pub(super) fn to_json<T: Serialize + ?Sized>(
    value: &T,
    kind: &str,
    id: &str,
) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|err| StoreError::Corrupt(format!("{kind} `{id}` cannot be stored: {err}")))
}

//! A store chosen by its URL.

use std::sync::Arc;

#[cfg(feature = "postgres")]
use super::PostgresStore;
#[cfg(feature = "sqlite")]
use super::SqliteStore;
use super::{ScopedContext, Store, StoreError};

/// The variable [`open_from_env`] reads.
const DATABASE_URL: &str = "DATABASE_URL";

/// The store [`open_from_env`] opens when `DATABASE_URL` is unset: an SQLite
/// file in the working directory.
pub(crate) const DEFAULT_URL: &str = "sqlite://chatkit.db";

/// Opens the store `url` names, and brings its schema up to date:
///
/// - `sqlite://chatkit.db`, `sqlite:///var/lib/app/chatkit.db` or
///   `sqlite::memory:`: a [`SqliteStore`] (the file is created if missing),
///   with the Cargo feature `sqlite` (a default one);
/// - `postgres://...` or `postgresql://...`: a `PostgresStore`, with the
///   feature `postgres`.
///
/// ```no_run
/// use chatkit_runtime::store::{self, Store, StoreError};
///
/// # async fn example() -> Result<(), StoreError> {
/// // The context is the user id.
/// let store = store::open::<String>("postgres://app:secret@localhost/chat").await?;
/// let thread_id = store.generate_thread_id(&"user-1".to_owned());
/// # let _ = thread_id;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`StoreError::Config`] if the URL has another scheme, or one whose
/// feature this build of chatkit-runtime leaves out;
/// [`StoreError::Unavailable`] if the database cannot be opened or migrated; [`StoreError::Corrupt`] if
/// its schema was migrated by another version.
pub async fn open<C: ScopedContext + 'static>(url: &str) -> Result<Arc<dyn Store<C>>, StoreError> {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    match scheme.to_ascii_lowercase().as_str() {
        #[cfg(feature = "sqlite")]
        "sqlite" => Ok(Arc::new(SqliteStore::open(url).await?)),
        #[cfg(not(feature = "sqlite"))]
        "sqlite" => Err(needs_feature(url, "sqlite")),
        #[cfg(feature = "postgres")]
        "postgres" | "postgresql" => Ok(Arc::new(PostgresStore::connect(url).await?)),
        #[cfg(not(feature = "postgres"))]
        "postgres" | "postgresql" => Err(needs_feature(url, "postgres")),
        // Only the scheme: the rest of a URL may hold a password.
        _ => {
            let found = if scheme.is_empty() {
                "no scheme".to_owned()
            } else {
                format!("scheme `{scheme}:`")
            };
            Err(StoreError::Config(format!(
                "unsupported store URL ({found}); expected `sqlite://<file>`, \
                 `sqlite::memory:`, `postgres://...` or `postgresql://...`"
            )))
        }
    }
}

/// A store URL this build cannot open: its feature is off. Only the
/// scheme is named, since the rest of a URL may hold a password.
#[cfg(not(all(feature = "sqlite", feature = "postgres")))]
fn needs_feature(url: &str, feature: &str) -> StoreError {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    let mut message = format!(
        "`{scheme}:` URLs need the `{feature}` feature of chatkit-runtime, which this build \
         leaves out: add \"{feature}\" to chatkit-runtime's `features` in Cargo.toml"
    );
    if url == DEFAULT_URL {
        message.push_str(&format!(
            " (`{DEFAULT_URL}` is the default when {DATABASE_URL} is unset; set \
             {DATABASE_URL} to use another store)"
        ));
    }
    StoreError::Config(message)
}

/// Opens the store named by the `DATABASE_URL` environment variable, as
/// [`open`] does; unset or empty, an SQLite file `chatkit.db` in the
/// working directory (`sqlite://chatkit.db`).
///
/// ```no_run
/// use chatkit_runtime::store::{self, StoreError};
///
/// # async fn example() -> Result<(), StoreError> {
/// // DATABASE_URL=postgres://app:secret@db/chat in production;
/// // unset in development, for `./chatkit.db`.
/// let store = store::open_from_env::<String>().await?;
/// # let _ = store;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// As for [`open`]; [`StoreError::Config`] too if `DATABASE_URL` is
/// not valid Unicode.
pub async fn open_from_env<C: ScopedContext + 'static>() -> Result<Arc<dyn Store<C>>, StoreError> {
    let url = match std::env::var(DATABASE_URL) {
        Ok(url) if !url.trim().is_empty() => url,
        Ok(_) | Err(std::env::VarError::NotPresent) => DEFAULT_URL.to_owned(),
        Err(err) => {
            return Err(StoreError::Config(format!("{DATABASE_URL}: {err}")));
        }
    };
    open(url.trim()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn other_schemes_are_refused_without_echoing_the_url() {
        for url in ["mysql://root:hunter2@localhost/db", "chatkit.db", ""] {
            let err = match open::<String>(url).await {
                Ok(_) => panic!("`{url}` opened a store"),
                Err(err) => err,
            };
            let message = err.to_string();
            assert!(matches!(err, StoreError::Config(_)), "{err:?}");
            assert!(message.contains("sqlite://"), "{message}");
            assert!(message.contains("postgres://"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn sqlite_urls_open_sqlite() {
        let store = open::<String>("sqlite::memory:")
            .await
            .expect("in-memory SQLite");
        let user = "alice".to_owned();
        let thread = crate::protocol::ThreadMetadata::new("thr_1");
        store.save_thread(&thread, &user).await.expect("save");
        assert_eq!(
            store.load_thread("thr_1", &user).await.expect("load"),
            thread
        );
    }

    /// The error of a URL whose feature is off: a `StoreError::Config`
    /// naming the feature, never the URL's password.
    #[cfg(not(all(feature = "sqlite", feature = "postgres")))]
    async fn refused(url: &str) -> String {
        match open::<String>(url).await {
            Ok(_) => panic!("`{url}` opened a store"),
            Err(StoreError::Config(message)) => {
                assert!(!message.contains("hunter2"), "{message}");
                message
            }
            Err(err) => panic!("`{url}`: {err:?}"),
        }
    }

    #[cfg(not(feature = "sqlite"))]
    #[tokio::test]
    async fn sqlite_urls_need_the_sqlite_feature() {
        for url in [
            "sqlite://chatkit.db",
            "sqlite::memory:",
            "SQLite:///var/lib/chat.db",
        ] {
            let message = refused(url).await;
            assert!(message.contains("the `sqlite` feature"), "{message}");
        }
        // The default of DATABASE_URL says that it is one.
        let message = refused(DEFAULT_URL).await;
        assert!(message.contains("DATABASE_URL is unset"), "{message}");
        let message = refused("sqlite://other.db").await;
        assert!(!message.contains("DATABASE_URL"), "{message}");
    }

    #[cfg(not(feature = "postgres"))]
    #[tokio::test]
    async fn postgres_urls_need_the_postgres_feature() {
        for url in [
            "postgres://app:hunter2@db/chat",
            "postgresql://app:hunter2@db/chat",
        ] {
            let message = refused(url).await;
            assert!(message.contains("the `postgres` feature"), "{message}");
        }
    }
}

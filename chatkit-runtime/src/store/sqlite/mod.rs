//! A store in an embedded SQLite database.

mod connections;

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Connection as _, Executor, SqlSafeStr, Sqlite};

use connections::{Conn, Connections};

use super::rows::{fetch_limit, from_json, migrate_error, page, to_json};
use super::{ScopedContext, Store, StoreError};
use crate::protocol::{Attachment, Order, Page, ThreadItem, ThreadMetadata, Timestamp};

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Reading connections of a file database: WAL lets them run beside the
/// writer.
const READERS: usize = 4;

/// The most connections of a file database's pool (for the app's own
/// tables), opened as they are needed.
const FILE_POOL_SIZE: u32 = 4;

/// The schema, versioned: each migration runs once per database, in order,
/// and is recorded (with its checksum) in `_chatkit_migrations`, apart from
/// the app's own sqlx migrations in the same database.
fn migrator() -> Migrator {
    let mut migrator = Migrator::with_migrations(vec![Migration::new(
        1,
        Cow::Borrowed("init"),
        MigrationType::Simple,
        include_str!("../../../migrations/sqlite/0001_init.sql").into_sql_str(),
        false,
    )]);
    migrator.dangerous_set_table_name("_chatkit_migrations");
    migrator
}

// The two upserts take their parameters in order (`?`, not `?N`): one
// query can then run several of them, each taking the next parameters.

/// Inserts or replaces a thread; binds its id, scope, creation time and
/// JSON. Replacing keeps the row and its `seq`; another scope's row is left
/// alone (no row changes), which callers report as not found.
const UPSERT_THREAD: &str = "INSERT INTO threads (id, scope, created_at, seq, data) \
     VALUES (?, ?, ?, (SELECT IFNULL(MAX(seq), 0) + 1 FROM threads), ?) \
     ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, data = excluded.data \
     WHERE threads.scope = excluded.scope";

/// Inserts or replaces an item; see [`bind_item`]. One statement: the
/// thread check and the upsert are atomic, and no row changes when the
/// thread is not the scope's. A conflict keeps the row, and with it `seq`:
/// the item's position.
const UPSERT_ITEM: &str = "INSERT INTO items (id, thread_id, scope, created_at, seq, data) \
     SELECT ?, ?, ?, ?, (SELECT IFNULL(MAX(seq), 0) + 1 FROM items), ? \
     WHERE EXISTS (SELECT 1 FROM threads WHERE id = ? AND scope = ?) \
     ON CONFLICT (thread_id, id) DO UPDATE \
     SET created_at = excluded.created_at, data = excluded.data \
     WHERE items.scope = excluded.scope";

type Query<'q> = sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments>;

/// The parameters of [`UPSERT_THREAD`].
fn bind_thread<'q>(
    query: Query<'q>,
    thread: &'q ThreadMetadata,
    scope: &'q str,
) -> Result<Query<'q>, StoreError> {
    Ok(query
        .bind(&thread.id)
        .bind(scope)
        .bind(sortable_time(thread.created_at))
        .bind(to_json(thread, "thread", &thread.id)?))
}

/// The parameters of [`UPSERT_ITEM`] for `item` of `thread_id` in `scope`.
fn bind_item<'q>(
    query: Query<'q>,
    thread_id: &'q str,
    scope: &'q str,
    item: &'q ThreadItem,
) -> Result<Query<'q>, StoreError> {
    Ok(query
        .bind(item.id())
        .bind(thread_id)
        .bind(scope)
        .bind(sortable_time(item.created_at()))
        .bind(to_json(item, "item", item.id())?)
        .bind(thread_id)
        .bind(scope))
}

/// Page queries: `(scope, [thread,] limit)` from the start, or `(scope,
/// [thread,] created_at, seq, limit)` after a cursor. Each is one range scan
/// of `threads_by_scope_created` / `items_by_thread_created` in index order.
mod page_sql {
    pub(super) const THREADS_ASC: &str =
        "SELECT id, data FROM threads WHERE scope = ?1 ORDER BY created_at ASC, seq ASC LIMIT ?2";
    pub(super) const THREADS_DESC: &str =
        "SELECT id, data FROM threads WHERE scope = ?1 ORDER BY created_at DESC, seq DESC LIMIT ?2";
    pub(super) const THREADS_AFTER_ASC: &str = "SELECT id, data FROM threads WHERE scope = ?1 \
         AND (created_at, seq) > (?2, ?3) ORDER BY created_at ASC, seq ASC LIMIT ?4";
    pub(super) const THREADS_AFTER_DESC: &str = "SELECT id, data FROM threads WHERE scope = ?1 \
         AND (created_at, seq) < (?2, ?3) ORDER BY created_at DESC, seq DESC LIMIT ?4";
    pub(super) const ITEMS_ASC: &str = "SELECT id, data FROM items WHERE scope = ?1 AND thread_id = ?2 \
         ORDER BY created_at ASC, seq ASC LIMIT ?3";
    pub(super) const ITEMS_DESC: &str = "SELECT id, data FROM items WHERE scope = ?1 AND thread_id = ?2 \
         ORDER BY created_at DESC, seq DESC LIMIT ?3";
    pub(super) const ITEMS_AFTER_ASC: &str = "SELECT id, data FROM items WHERE scope = ?1 AND thread_id = ?2 \
         AND (created_at, seq) > (?3, ?4) ORDER BY created_at ASC, seq ASC LIMIT ?5";
    pub(super) const ITEMS_AFTER_DESC: &str = "SELECT id, data FROM items WHERE scope = ?1 AND thread_id = ?2 \
         AND (created_at, seq) < (?3, ?4) ORDER BY created_at DESC, seq DESC LIMIT ?5";
}

/// Threads, items and attachment metadata in SQLite, scoped per
/// [`ScopedContext::scope`] like every built-in store.
///
/// Rows keep the protocol JSON of each thread, item and attachment (so new
/// optional fields never need a migration) next to the columns that scope
/// and order them. Listings are ordered by `created_at`, ties broken by
/// insertion order, and each page is one index range scan. The schema is
/// created and upgraded by versioned migrations when the store is opened.
///
/// Timestamps are kept to the microsecond, as on the wire.
///
/// ```no_run
/// use chatkit_runtime::protocol::{Order, ThreadMetadata};
/// use chatkit_runtime::store::{SqliteStore, Store, StoreError};
///
/// # async fn example() -> Result<(), StoreError> {
/// // Creates `chatkit.db` (and its schema) if missing.
/// let store = SqliteStore::open("sqlite://chatkit.db").await?;
///
/// // The context is the user id: every user sees only their own threads.
/// let user = "user-1".to_owned();
/// let thread = ThreadMetadata::new(store.generate_thread_id(&user));
/// store.save_thread(&thread, &user).await?;
///
/// let page = store.load_threads(20, None, Order::Desc, &user).await?;
/// assert_eq!(page.data[0].id, thread.id);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// The app's; the store's too when it has no connections of its own.
    pool: SqlitePool,
    /// A file database's own connections (see [`connections`]).
    own: Option<Arc<Connections>>,
    /// An SQLite file has one server process: responses lock threads in it.
    locks: super::LocalThreadLocks,
}

impl SqliteStore {
    /// Opens (creating it if missing) the database at `url`, such as
    /// `"sqlite://chatkit.db"`, `"sqlite:///var/lib/app/chatkit.db"` or
    /// `"sqlite::memory:"`, and brings its schema up to date.
    ///
    /// A file database runs in WAL mode, with one connection that writes
    /// (writes wait for it in turn) and a few that read, beside the
    /// [`pool`](Self::pool) for the app's own tables; an in-memory one on a
    /// single connection that is kept open (the database lives as long as
    /// the store). Foreign keys are enforced.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] if the URL is invalid or the database
    /// cannot be opened or migrated; [`StoreError::Corrupt`] if its schema
    /// was migrated by another version (a migration applied here is
    /// missing or changed).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(unavailable)?
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        // An embedded database has no connection to lose: no ping before
        // each use.
        let pool_options = SqlitePoolOptions::new().test_before_acquire(false);
        if is_in_memory(url) {
            let pool = pool_options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await
                .map_err(unavailable)?;
            return Self::from_pool(pool).await;
        }
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal);
        let pool = pool_options
            .max_connections(FILE_POOL_SIZE)
            .connect_with(options.clone())
            .await
            .map_err(unavailable)?;
        let mut store = Self::from_pool(pool).await?;
        let own = Connections::open(&options, READERS)
            .await
            .map_err(unavailable)?;
        store.own = Some(Arc::new(own));
        Ok(store)
    }

    /// A new, empty database in memory, gone when the store (its last clone)
    /// is dropped; for tests.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] if SQLite cannot open it.
    pub async fn in_memory() -> Result<Self, StoreError> {
        Self::open("sqlite::memory:").await
    }

    /// A store on an existing pool, whose schema is brought up to date.
    ///
    /// The pool's connections should enforce foreign keys (sqlx's default);
    /// an in-memory database needs a pool of one connection that stays open.
    ///
    /// # Errors
    ///
    /// As for [`SqliteStore::open`], when the migrations fail.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        migrator().run(&pool).await.map_err(migrate_error)?;
        Ok(Self {
            pool,
            own: None,
            locks: super::LocalThreadLocks::new(),
        })
    }

    /// The connection pool, for the app's own tables.
    ///
    /// The store writes on a connection of its own (for a file database);
    /// the app's writes on the pool wait for the store's in SQLite's busy
    /// handler (5 s at most).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A connection to write on, once the writes queued before are done.
    async fn writer(&self) -> Result<Conn<'_>, StoreError> {
        match &self.own {
            Some(own) => own.writer().await,
            None => Ok(Conn::Pooled(self.pool.acquire().await.map_err(sql_error)?)),
        }
    }

    /// A connection to read on.
    async fn reader(&self) -> Result<Conn<'_>, StoreError> {
        match &self.own {
            Some(own) => own.reader().await,
            None => Ok(Conn::Pooled(self.pool.acquire().await.map_err(sql_error)?)),
        }
    }

    /// Closes the database: the pool, and the store's own connections once
    /// their operations in progress are done. Later operations fail.
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(own) = &self.own {
            own.close().await;
        }
    }

    /// `(created_at, seq)` of item `item_id` of the thread, the position a cursor points at.
    async fn item_position<'e, E>(
        executor: E,
        scope: &str,
        thread_id: &str,
        item_id: &str,
    ) -> Result<(String, i64), StoreError>
    where
        E: Executor<'e, Database = Sqlite>,
    {
        sqlx::query_as::<_, (String, i64)>(
            "SELECT created_at, seq FROM items WHERE scope = ?1 AND thread_id = ?2 AND id = ?3",
        )
        .bind(scope)
        .bind(thread_id)
        .bind(item_id)
        .fetch_optional(executor)
        .await
        .map_err(sql_error)?
        .ok_or_else(|| StoreError::not_found("item", item_id))
    }

    /// Whether the thread exists in `scope`.
    async fn thread_exists<'e, E>(
        executor: E,
        scope: &str,
        thread_id: &str,
    ) -> Result<bool, StoreError>
    where
        E: Executor<'e, Database = Sqlite>,
    {
        let row = sqlx::query_as::<_, (i64,)>("SELECT 1 FROM threads WHERE scope = ?1 AND id = ?2")
            .bind(scope)
            .bind(thread_id)
            .fetch_optional(executor)
            .await
            .map_err(sql_error)?;
        Ok(row.is_some())
    }

    async fn upsert_item(
        &self,
        thread_id: &str,
        item: &ThreadItem,
        scope: &str,
    ) -> Result<(), StoreError> {
        let result = bind_item(sqlx::query(UPSERT_ITEM), thread_id, scope, item)?
            .execute(&mut *self.writer().await?)
            .await
            .map_err(sql_error)?;
        if result.rows_affected() == 0 {
            return Err(StoreError::not_found("thread", thread_id));
        }
        Ok(())
    }
}

#[async_trait]
impl<C: ScopedContext> Store<C> for SqliteStore {
    async fn load_thread(&self, thread_id: &str, ctx: &C) -> Result<ThreadMetadata, StoreError> {
        let (data,) =
            sqlx::query_as::<_, (String,)>("SELECT data FROM threads WHERE scope = ?1 AND id = ?2")
                .bind(ctx.scope())
                .bind(thread_id)
                .fetch_optional(&mut *self.reader().await?)
                .await
                .map_err(sql_error)?
                .ok_or_else(|| StoreError::not_found("thread", thread_id))?;
        from_json(&data, "thread", thread_id)
    }

    async fn save_thread(&self, thread: &ThreadMetadata, ctx: &C) -> Result<(), StoreError> {
        let result = bind_thread(sqlx::query(UPSERT_THREAD), thread, ctx.scope())?
            .execute(&mut *self.writer().await?)
            .await
            .map_err(sql_error)?;
        if result.rows_affected() == 0 {
            return Err(StoreError::not_found("thread", &thread.id));
        }
        Ok(())
    }

    async fn create_thread(
        &self,
        thread: &ThreadMetadata,
        items: &[ThreadItem],
        ctx: &C,
    ) -> Result<(), StoreError> {
        // One round trip to the writer's thread for them all: the statements
        // of one query, each committed as it runs.
        let scope = ctx.scope();
        let mut sql = UPSERT_THREAD.to_owned();
        for _ in items {
            sql.push_str(";\n");
            sql.push_str(UPSERT_ITEM);
        }
        let mut query = bind_thread(sqlx::query(AssertSqlSafe(sql)), thread, scope)?;
        for item in items {
            query = bind_item(query, &thread.id, scope, item)?;
        }
        let result = query
            .execute(&mut *self.writer().await?)
            .await
            .map_err(sql_error)?;
        // No row for the thread when another scope has its id, and then
        // none for its items either.
        if result.rows_affected() == 0 {
            return Err(StoreError::not_found("thread", &thread.id));
        }
        Ok(())
    }

    async fn load_threads(
        &self,
        limit: u32,
        after: Option<&str>,
        order: Order,
        ctx: &C,
    ) -> Result<Page<ThreadMetadata>, StoreError> {
        let scope = ctx.scope();
        let fetch = fetch_limit(limit);
        let Some(cursor) = after else {
            let sql = match order {
                Order::Asc => page_sql::THREADS_ASC,
                Order::Desc => page_sql::THREADS_DESC,
            };
            let rows = sqlx::query_as::<_, (String, String)>(sql)
                .bind(scope)
                .bind(fetch)
                .fetch_all(&mut *self.reader().await?)
                .await
                .map_err(sql_error)?;
            return page(rows, limit, "thread");
        };
        // One snapshot for the cursor and the page.
        let mut conn = self.reader().await?;
        let mut tx = conn.begin().await.map_err(sql_error)?;
        let (created_at, seq) = sqlx::query_as::<_, (String, i64)>(
            "SELECT created_at, seq FROM threads WHERE scope = ?1 AND id = ?2",
        )
        .bind(scope)
        .bind(cursor)
        .fetch_optional(&mut *tx)
        .await
        .map_err(sql_error)?
        .ok_or_else(|| StoreError::not_found("thread", cursor))?;
        let sql = match order {
            Order::Asc => page_sql::THREADS_AFTER_ASC,
            Order::Desc => page_sql::THREADS_AFTER_DESC,
        };
        let rows = sqlx::query_as::<_, (String, String)>(sql)
            .bind(scope)
            .bind(created_at)
            .bind(seq)
            .bind(fetch)
            .fetch_all(&mut *tx)
            .await
            .map_err(sql_error)?;
        tx.commit().await.map_err(sql_error)?;
        page(rows, limit, "thread")
    }

    async fn delete_thread(&self, thread_id: &str, ctx: &C) -> Result<(), StoreError> {
        let scope = ctx.scope();
        let mut conn = self.writer().await?;
        let mut tx = begin_write(&mut conn).await?;
        // The items go explicitly, not only by `ON DELETE CASCADE`: a pool
        // from `from_pool` may not enforce foreign keys.
        sqlx::query("DELETE FROM items WHERE scope = ?1 AND thread_id = ?2")
            .bind(scope)
            .bind(thread_id)
            .execute(&mut *tx)
            .await
            .map_err(sql_error)?;
        let deleted = sqlx::query("DELETE FROM threads WHERE scope = ?1 AND id = ?2")
            .bind(scope)
            .bind(thread_id)
            .execute(&mut *tx)
            .await
            .map_err(sql_error)?;
        if deleted.rows_affected() == 0 {
            // Nothing changed; dropping `tx` rolls back.
            return Err(StoreError::not_found("thread", thread_id));
        }
        tx.commit().await.map_err(sql_error)
    }

    async fn load_thread_items(
        &self,
        thread_id: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
        ctx: &C,
    ) -> Result<Page<ThreadItem>, StoreError> {
        let scope = ctx.scope();
        let fetch = fetch_limit(limit);
        let Some(cursor) = after else {
            // The first page (what every response reads) in one statement:
            // items are deleted with their thread, so a page with items is
            // a thread's, and only an empty one needs the check.
            let sql = match order {
                Order::Asc => page_sql::ITEMS_ASC,
                Order::Desc => page_sql::ITEMS_DESC,
            };
            let mut conn = self.reader().await?;
            let rows = sqlx::query_as::<_, (String, String)>(sql)
                .bind(scope)
                .bind(thread_id)
                .bind(fetch)
                .fetch_all(&mut *conn)
                .await
                .map_err(sql_error)?;
            if rows.is_empty() && !Self::thread_exists(&mut *conn, scope, thread_id).await? {
                return Err(StoreError::not_found("thread", thread_id));
            }
            return page(rows, limit, "item");
        };
        // One snapshot for the thread check, the cursor and the page.
        let mut conn = self.reader().await?;
        let mut tx = conn.begin().await.map_err(sql_error)?;
        if !Self::thread_exists(&mut *tx, scope, thread_id).await? {
            return Err(StoreError::not_found("thread", thread_id));
        }
        let (created_at, seq) = Self::item_position(&mut *tx, scope, thread_id, cursor).await?;
        let sql = match order {
            Order::Asc => page_sql::ITEMS_AFTER_ASC,
            Order::Desc => page_sql::ITEMS_AFTER_DESC,
        };
        let rows = sqlx::query_as::<_, (String, String)>(sql)
            .bind(scope)
            .bind(thread_id)
            .bind(created_at)
            .bind(seq)
            .bind(fetch)
            .fetch_all(&mut *tx)
            .await
            .map_err(sql_error)?;
        tx.commit().await.map_err(sql_error)?;
        page(rows, limit, "item")
    }

    async fn add_thread_item(
        &self,
        thread_id: &str,
        item: &ThreadItem,
        ctx: &C,
    ) -> Result<(), StoreError> {
        self.upsert_item(thread_id, item, ctx.scope()).await
    }

    async fn save_item(
        &self,
        thread_id: &str,
        item: &ThreadItem,
        ctx: &C,
    ) -> Result<(), StoreError> {
        self.upsert_item(thread_id, item, ctx.scope()).await
    }

    async fn load_item(
        &self,
        thread_id: &str,
        item_id: &str,
        ctx: &C,
    ) -> Result<ThreadItem, StoreError> {
        let scope = ctx.scope();
        let mut conn = self.reader().await?;
        let row = sqlx::query_as::<_, (String,)>(
            "SELECT data FROM items WHERE scope = ?1 AND thread_id = ?2 AND id = ?3",
        )
        .bind(scope)
        .bind(thread_id)
        .bind(item_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(sql_error)?;
        match row {
            Some((data,)) => from_json(&data, "item", item_id),
            None if Self::thread_exists(&mut *conn, scope, thread_id).await? => {
                Err(StoreError::not_found("item", item_id))
            }
            None => Err(StoreError::not_found("thread", thread_id)),
        }
    }

    async fn delete_thread_item(
        &self,
        thread_id: &str,
        item_id: &str,
        ctx: &C,
    ) -> Result<(), StoreError> {
        let scope = ctx.scope();
        let mut conn = self.writer().await?;
        let deleted =
            sqlx::query("DELETE FROM items WHERE scope = ?1 AND thread_id = ?2 AND id = ?3")
                .bind(scope)
                .bind(thread_id)
                .bind(item_id)
                .execute(&mut *conn)
                .await
                .map_err(sql_error)?;
        if deleted.rows_affected() == 0
            && !Self::thread_exists(&mut *conn, scope, thread_id).await?
        {
            return Err(StoreError::not_found("thread", thread_id));
        }
        Ok(())
    }

    async fn delete_thread_items(
        &self,
        thread_id: &str,
        item_ids: &[String],
        ctx: &C,
    ) -> Result<(), StoreError> {
        let scope = ctx.scope();
        let mut conn = self.writer().await?;
        let mut tx = begin_write(&mut conn).await?;
        if !Self::thread_exists(&mut *tx, scope, thread_id).await? {
            return Err(StoreError::not_found("thread", thread_id));
        }
        // One primary-key lookup per id, all in one transaction.
        for item_id in item_ids {
            sqlx::query("DELETE FROM items WHERE scope = ?1 AND thread_id = ?2 AND id = ?3")
                .bind(scope)
                .bind(thread_id)
                .bind(item_id)
                .execute(&mut *tx)
                .await
                .map_err(sql_error)?;
        }
        tx.commit().await.map_err(sql_error)
    }

    async fn save_attachment(&self, attachment: &Attachment, ctx: &C) -> Result<(), StoreError> {
        let data = to_json(attachment, "attachment", attachment.id())?;
        let result = sqlx::query(
            "INSERT INTO attachments (id, scope, data) VALUES (?1, ?2, ?3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data \
             WHERE attachments.scope = excluded.scope",
        )
        .bind(attachment.id())
        .bind(ctx.scope())
        .bind(data)
        .execute(&mut *self.writer().await?)
        .await
        .map_err(sql_error)?;
        if result.rows_affected() == 0 {
            return Err(StoreError::not_found("attachment", attachment.id()));
        }
        Ok(())
    }

    async fn load_attachment(
        &self,
        attachment_id: &str,
        ctx: &C,
    ) -> Result<Attachment, StoreError> {
        let (data,) = sqlx::query_as::<_, (String,)>(
            "SELECT data FROM attachments WHERE scope = ?1 AND id = ?2",
        )
        .bind(ctx.scope())
        .bind(attachment_id)
        .fetch_optional(&mut *self.reader().await?)
        .await
        .map_err(sql_error)?
        .ok_or_else(|| StoreError::not_found("attachment", attachment_id))?;
        from_json(&data, "attachment", attachment_id)
    }

    async fn try_lock_thread(
        &self,
        thread_id: &str,
        ctx: &C,
    ) -> Result<Option<super::ThreadLease>, StoreError> {
        Ok(self.locks.try_lock(ctx.scope(), thread_id))
    }

    async fn health_check(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&mut *self.reader().await?)
            .await
            .map_err(sql_error)?;
        Ok(())
    }

    async fn delete_attachment(&self, attachment_id: &str, ctx: &C) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM attachments WHERE scope = ?1 AND id = ?2")
            .bind(ctx.scope())
            .bind(attachment_id)
            .execute(&mut *self.writer().await?)
            .await
            .map_err(sql_error)?;
        Ok(())
    }
}

/// Begins a transaction that holds the write lock from its start, so that
/// another connection writing (the app's, on the pool) makes it wait (busy
/// timeout) rather than fail midway.
async fn begin_write(
    conn: &mut SqliteConnection,
) -> Result<sqlx::Transaction<'_, Sqlite>, StoreError> {
    conn.begin_with("BEGIN IMMEDIATE").await.map_err(sql_error)
}

/// Whether `url` names an in-memory database, which must stay on one connection.
fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// `created_at` as fixed-width UTC text, whose text order is time order.
fn sortable_time(time: Timestamp) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A failure to reach or open the database.
fn unavailable(err: sqlx::Error) -> StoreError {
    StoreError::Unavailable(Box::new(err))
}

/// A failed query: unreadable columns are corrupt data, anything else
/// (I/O, pool, connection, locks) makes the store unavailable.
fn sql_error(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::TypeNotFound { .. } => StoreError::Corrupt(err.to_string()),
        err => unavailable(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `EXPLAIN QUERY PLAN` lines of `sql`, run with `args`.
    async fn query_plan(store: &SqliteStore, sql: &str, args: &[&str]) -> Vec<String> {
        let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(format!(
            "EXPLAIN QUERY PLAN {sql}"
        )));
        for arg in args {
            query = query.bind(arg.to_string());
        }
        let rows = query.fetch_all(store.pool()).await.expect("the plan");
        rows.into_iter().map(|(_, _, _, detail)| detail).collect()
    }

    #[tokio::test]
    async fn pages_are_index_range_scans_without_sorting() {
        let store = SqliteStore::in_memory().await.expect("in-memory SQLite");
        let cursor = ["2025-01-02T03:04:05.000000Z", "7"];
        let cases: [(&str, &str, Vec<&str>); 8] = [
            ("threads asc", page_sql::THREADS_ASC, vec!["u", "21"]),
            ("threads desc", page_sql::THREADS_DESC, vec!["u", "21"]),
            (
                "threads after asc",
                page_sql::THREADS_AFTER_ASC,
                vec!["u", cursor[0], cursor[1], "21"],
            ),
            (
                "threads after desc",
                page_sql::THREADS_AFTER_DESC,
                vec!["u", cursor[0], cursor[1], "21"],
            ),
            ("items asc", page_sql::ITEMS_ASC, vec!["u", "thr_1", "21"]),
            ("items desc", page_sql::ITEMS_DESC, vec!["u", "thr_1", "21"]),
            (
                "items after asc",
                page_sql::ITEMS_AFTER_ASC,
                vec!["u", "thr_1", cursor[0], cursor[1], "21"],
            ),
            (
                "items after desc",
                page_sql::ITEMS_AFTER_DESC,
                vec!["u", "thr_1", cursor[0], cursor[1], "21"],
            ),
        ];
        for (name, sql, args) in cases {
            let plan = query_plan(&store, sql, &args).await;
            eprintln!("{name}: {sql}\n  -> {}", plan.join("\n  -> "));
            let index = if name.starts_with("threads") {
                "threads_by_scope_created"
            } else {
                "items_by_thread_created"
            };
            assert!(
                plan.iter()
                    .any(|line| line.starts_with("SEARCH") && line.contains(index)),
                "{name} does not search {index}: {plan:?}"
            );
            assert!(
                !plan.iter().any(|line| line.contains("TEMP B-TREE")),
                "{name} sorts: {plan:?}"
            );
            if name.contains("after") {
                assert!(
                    plan.iter().any(|line| line.contains("(created_at,seq)")),
                    "{name} does not range-scan from the cursor: {plan:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn unreadable_rows_are_corrupt() {
        let store = SqliteStore::in_memory().await.expect("in-memory SQLite");
        let user = "user".to_owned();
        sqlx::query("INSERT INTO threads (id, scope, created_at, seq, data) VALUES ('thr_bad', 'user', 'x', 1, '{not json')")
            .execute(store.pool())
            .await
            .expect("insert");
        let err = Store::<String>::load_thread(&store, "thr_bad", &user)
            .await
            .expect_err("corrupt");
        assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
        let err = store
            .load_threads(10, None, Order::Asc, &user)
            .await
            .expect_err("corrupt");
        assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    }

    #[test]
    fn times_sort_as_text() {
        let early = chrono::DateTime::from_timestamp_micros(1_700_000_000_000_001).expect("time");
        let late = chrono::DateTime::from_timestamp_micros(1_700_000_000_100_000).expect("time");
        assert_eq!(sortable_time(early), "2023-11-14T22:13:20.000001Z");
        assert_eq!(sortable_time(late), "2023-11-14T22:13:20.100000Z");
        assert!(sortable_time(early) < sortable_time(late));
        let whole = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time");
        assert_eq!(sortable_time(whole), "2023-11-14T22:13:20.000000Z");
    }
}

//! A store in a PostgreSQL database, shared by any number of server replicas.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Connection, Executor, Postgres, SqlSafeStr};

use super::rows::{fetch_limit, from_json, migrate_error, page, to_json};
use super::{ScopedContext, Store, StoreError, ThreadLease};
use crate::protocol::{Attachment, Order, Page, ThreadItem, ThreadMetadata, Timestamp};

/// Connections of the pool [`PostgresStore::connect`] opens.
const POOL_SIZE: u32 = 10;

/// Connections that hold thread leases (see [`PostgresStore::try_lock_thread`]).
const LEASE_POOL_SIZE: u32 = 32;

/// How long a call waits for a free connection (or a new one) before the
/// store is reported unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the migrations are recorded: not sqlx's default `_sqlx_migrations`,
/// which the app's own sqlx migrations may use in the same database.
const MIGRATIONS_TABLE: &str = "_chatkit_migrations";

/// The schema, versioned: each migration runs once per database (schema), in
/// order, and is recorded with its checksum in [`MIGRATIONS_TABLE`].
///
/// Equivalent to `sqlx::migrate!("./migrations/postgres")` with that table,
/// which needs sqlx's `macros` feature.
///
/// Replicas starting at once are safe: sqlx's PostgreSQL migrator takes a
/// session-level advisory lock (`pg_advisory_lock`, keyed on the database
/// name) before it reads the applied versions, and releases it when done, so
/// one replica applies the migrations and the others then find them applied.
/// Each migration runs in a transaction of its own.
fn migrator() -> Migrator {
    let mut migrator = Migrator::with_migrations(vec![Migration::new(
        1,
        Cow::Borrowed("init"),
        MigrationType::Simple,
        include_str!("../../migrations/postgres/0001_init.sql").into_sql_str(),
        false,
    )]);
    migrator.dangerous_set_table_name(MIGRATIONS_TABLE);
    migrator
}

/// Page queries: `(scope, [thread,] limit)` from the start, or `(scope,
/// [thread,] created_at, seq, limit)` after a cursor. Each is one range scan
/// of `chatkit_threads_by_scope_created` / `chatkit_items_by_thread_created`
/// in index order (backwards for `DESC`), without a sort.
mod page_sql {
    pub(super) const THREADS_ASC: &str = "SELECT id, data::text FROM chatkit_threads WHERE scope = $1 \
         ORDER BY created_at ASC, seq ASC LIMIT $2";
    pub(super) const THREADS_DESC: &str = "SELECT id, data::text FROM chatkit_threads WHERE scope = $1 \
         ORDER BY created_at DESC, seq DESC LIMIT $2";
    pub(super) const THREADS_AFTER_ASC: &str = "SELECT id, data::text FROM chatkit_threads \
         WHERE scope = $1 AND (created_at, seq) > ($2, $3) \
         ORDER BY created_at ASC, seq ASC LIMIT $4";
    pub(super) const THREADS_AFTER_DESC: &str = "SELECT id, data::text FROM chatkit_threads \
         WHERE scope = $1 AND (created_at, seq) < ($2, $3) \
         ORDER BY created_at DESC, seq DESC LIMIT $4";
    pub(super) const ITEMS_ASC: &str = "SELECT id, data::text FROM chatkit_items \
         WHERE scope = $1 AND thread_id = $2 \
         ORDER BY created_at ASC, seq ASC LIMIT $3";
    pub(super) const ITEMS_DESC: &str = "SELECT id, data::text FROM chatkit_items \
         WHERE scope = $1 AND thread_id = $2 \
         ORDER BY created_at DESC, seq DESC LIMIT $3";
    pub(super) const ITEMS_AFTER_ASC: &str = "SELECT id, data::text FROM chatkit_items \
         WHERE scope = $1 AND thread_id = $2 AND (created_at, seq) > ($3, $4) \
         ORDER BY created_at ASC, seq ASC LIMIT $5";
    pub(super) const ITEMS_AFTER_DESC: &str = "SELECT id, data::text FROM chatkit_items \
         WHERE scope = $1 AND thread_id = $2 AND (created_at, seq) < ($3, $4) \
         ORDER BY created_at DESC, seq DESC LIMIT $5";
}

/// Threads, items and attachment metadata in PostgreSQL, scoped per
/// [`ScopedContext::scope`] like every built-in store; for servers with
/// several replicas, or a managed database (Neon, RDS, ...).
///
/// The tables (`chatkit_threads`, `chatkit_items`, `chatkit_attachments`)
/// live in the first schema of the connection's `search_path` and keep the
/// protocol JSON of each thread, item and attachment in a `jsonb` column (so
/// new optional fields never need a migration) next to the columns that
/// scope and order them. Listings are ordered by `created_at`, ties broken
/// by insertion order, and each page is one index range scan. The schema is
/// created and upgraded by versioned migrations (recorded in
/// `_chatkit_migrations`) when the store is opened.
///
/// Timestamps are kept to the microsecond, as on the wire. PostgreSQL text
/// cannot hold the character U+0000: ids containing it are never found, and
/// items or metadata containing it cannot be saved
/// ([`StoreError::Corrupt`]).
///
/// [`try_lock_thread`](Store::try_lock_thread) locks across every process
/// using the database, so replicas never respond on one thread at once.
///
/// ```no_run
/// use chatkit_runtime::protocol::{Order, ThreadMetadata};
/// use chatkit_runtime::store::{PostgresStore, Store, StoreError};
///
/// # async fn example() -> Result<(), StoreError> {
/// // Creates the tables if missing.
/// let store = PostgresStore::connect("postgres://app:secret@db.example.com/chat").await?;
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
pub struct PostgresStore {
    pool: PgPool,
    /// Connections that each hold one thread lease in an open transaction,
    /// apart from `pool`: a response holds its lease while it saves items,
    /// so leases taken from `pool` itself could starve it.
    leases: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url`, such as
    /// `"postgres://user:password@localhost:5432/chat"` (or a `postgresql://`
    /// URL; `?sslmode=require` for TLS, as managed databases like Neon ask),
    /// and brings its schema up to date.
    ///
    /// The pool holds up to 10 connections; a call waits up to 5 s for one,
    /// and checks it first (sqlx's `test_before_acquire`), so a connection
    /// lost while idle (a database restart, a failover) is replaced instead
    /// of failing a request. That check costs a round trip per call: an app
    /// that prefers speed can build its pool with `test_before_acquire(false)`
    /// and pass it to [`PostgresStore::from_pool`].
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] if the URL is invalid or the server
    /// cannot be reached, refuses the login or the migrations fail;
    /// [`StoreError::Corrupt`] if the schema was migrated by another version
    /// (a migration applied here is missing or changed).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(|err| {
            StoreError::Unavailable(format!("invalid PostgreSQL URL: {err}").into())
        })?;
        let server = format!("{}:{}", options.get_host(), options.get_port());
        let cannot_connect = |err: &dyn std::fmt::Display| {
            StoreError::Unavailable(
                format!("cannot connect to PostgreSQL at {server}: {err}").into(),
            )
        };
        // One connection first, on its own: the pool would retry until its
        // timeout and then report only that, where this reports why (refused,
        // unknown host, login or TLS failed, no such database) at once.
        match tokio::time::timeout(ACQUIRE_TIMEOUT, PgConnection::connect_with(&options)).await {
            // Reachable; the pool opens connections of its own.
            Ok(Ok(conn)) => drop(conn.close().await),
            Ok(Err(err)) => return Err(cannot_connect(&err)),
            Err(_) => return Err(cannot_connect(&"no answer within 5 s")),
        }
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|err| cannot_connect(&err))?;
        Self::from_pool(pool).await
    }

    /// A store on an existing pool, whose schema is brought up to date.
    /// Replicas may start at once: the migrations run under an advisory
    /// lock, by one replica while the others wait.
    ///
    /// Thread leases use a second pool, of up to 32 connections opened on
    /// demand with the same connect options (but not the pool's
    /// `after_connect` hooks, which locks do not need).
    ///
    /// # Errors
    ///
    /// As for [`PostgresStore::connect`], when the migrations fail.
    pub async fn from_pool(pool: PgPool) -> Result<Self, StoreError> {
        migrate(&pool).await?;
        let leases = PgPoolOptions::new()
            .max_connections(LEASE_POOL_SIZE)
            .min_connections(0)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .idle_timeout(Duration::from_secs(60))
            .connect_lazy_with(PgConnectOptions::clone(&pool.connect_options()));
        Ok(Self { pool, leases })
    }

    /// The connection pool, for the app's own tables.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes both pools (queries and thread leases), waiting for the
    /// connections in use to come back; for a graceful shutdown.
    pub async fn close(&self) {
        self.leases.close().await;
        self.pool.close().await;
    }

    /// Whether the thread exists in `scope`.
    async fn thread_exists<'e, E>(
        executor: E,
        scope: &str,
        thread_id: &str,
    ) -> Result<bool, StoreError>
    where
        E: Executor<'e, Database = Postgres>,
    {
        let row = sqlx::query_as::<_, (i32,)>(
            "SELECT 1 FROM chatkit_threads WHERE scope = $1 AND id = $2",
        )
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
        if !storable(&[scope, thread_id]) {
            return Err(StoreError::not_found("thread", thread_id));
        }
        let data = to_json(item, "item", item.id())?;
        // One statement: the thread check and the upsert are atomic. A
        // conflict keeps the row, and with it `seq`: the item's position.
        let result = sqlx::query(
            "INSERT INTO chatkit_items (id, thread_id, scope, created_at, data) \
             SELECT $1, $2, $3, $4, $5::jsonb \
             WHERE EXISTS (SELECT 1 FROM chatkit_threads WHERE id = $2 AND scope = $3) \
             ON CONFLICT (thread_id, id) DO UPDATE \
             SET created_at = excluded.created_at, data = excluded.data \
             WHERE chatkit_items.scope = excluded.scope",
        )
        .bind(item.id())
        .bind(thread_id)
        .bind(scope)
        .bind(item.created_at())
        .bind(data)
        .execute(&self.pool)
        .await;
        match result {
            Ok(result) if result.rows_affected() == 0 => {
                Err(StoreError::not_found("thread", thread_id))
            }
            Ok(_) => Ok(()),
            // The thread was deleted between the check and the insert.
            Err(sqlx::Error::Database(err)) if err.is_foreign_key_violation() => {
                Err(StoreError::not_found("thread", thread_id))
            }
            Err(err) => Err(value_error(err, "item", item.id())),
        }
    }
}

/// Runs the migrations on one connection of `pool`.
async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let mut conn = pool.acquire().await.map_err(unavailable)?;
    let result = migrator().run(&mut *conn).await;
    if result.is_err() {
        // A failed run may leave the migrator's session-level advisory lock
        // held; closing the connection releases it, where returning it to
        // the pool would keep every other replica waiting.
        conn.close_on_drop();
    }
    result.map_err(migrate_error)
}

#[async_trait]
impl<C: ScopedContext> Store<C> for PostgresStore {
    async fn load_thread(&self, thread_id: &str, ctx: &C) -> Result<ThreadMetadata, StoreError> {
        let scope = ctx.scope();
        if !storable(&[scope, thread_id]) {
            return Err(StoreError::not_found("thread", thread_id));
        }
        let (data,) = sqlx::query_as::<_, (String,)>(
            "SELECT data::text FROM chatkit_threads WHERE scope = $1 AND id = $2",
        )
        .bind(scope)
        .bind(thread_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql_error)?
        .ok_or_else(|| StoreError::not_found("thread", thread_id))?;
        from_json(&data, "thread", thread_id)
    }

    async fn save_thread(&self, thread: &ThreadMetadata, ctx: &C) -> Result<(), StoreError> {
        let data = to_json(thread, "thread", &thread.id)?;
        // Replacing keeps the row and its `seq`; another scope's row is left
        // alone (no row changes), which is reported as not found.
        let result = sqlx::query(
            "INSERT INTO chatkit_threads (id, scope, created_at, data) \
             VALUES ($1, $2, $3, $4::jsonb) \
             ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, data = excluded.data \
             WHERE chatkit_threads.scope = excluded.scope",
        )
        .bind(&thread.id)
        .bind(ctx.scope())
        .bind(thread.created_at)
        .bind(data)
        .execute(&self.pool)
        .await
        .map_err(|err| value_error(err, "thread", &thread.id))?;
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
        let scope = ctx.scope();
        if items.is_empty() || !storable(&[scope, &thread.id]) {
            return self.save_thread(thread, ctx).await;
        }
        let ids: Vec<&str> = items.iter().map(ThreadItem::id).collect();
        let times: Vec<_> = items.iter().map(ThreadItem::created_at).collect();
        let data = items
            .iter()
            .map(|item| to_json(item, "item", item.id()))
            .collect::<Result<Vec<_>, _>>()?;
        // One statement, so all or none: the thread, then its items in
        // order (their `seq`). No row for the thread when another scope has
        // its id, and then none for its items either.
        let result = sqlx::query(
            "WITH thread AS ( \
                 INSERT INTO chatkit_threads (id, scope, created_at, data) \
                 VALUES ($1, $2, $3, $4::jsonb) \
                 ON CONFLICT (id) DO UPDATE \
                 SET created_at = excluded.created_at, data = excluded.data \
                 WHERE chatkit_threads.scope = excluded.scope \
                 RETURNING id \
             ) \
             INSERT INTO chatkit_items (id, thread_id, scope, created_at, data) \
             SELECT item.id, thread.id, $2, item.created_at, item.data \
             FROM thread CROSS JOIN \
                 UNNEST($5::text[], $6::timestamptz[], $7::jsonb[]) \
                 WITH ORDINALITY AS item (id, created_at, data, position) \
             ORDER BY item.position \
             ON CONFLICT (thread_id, id) DO UPDATE \
             SET created_at = excluded.created_at, data = excluded.data \
             WHERE chatkit_items.scope = excluded.scope",
        )
        .bind(&thread.id)
        .bind(scope)
        .bind(thread.created_at)
        .bind(to_json(thread, "thread", &thread.id)?)
        .bind(ids)
        .bind(times)
        .bind(data)
        .execute(&self.pool)
        .await
        .map_err(|err| value_error(err, "thread", &thread.id))?;
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
        if !storable(&[scope]) {
            return match after {
                Some(cursor) => Err(StoreError::not_found("thread", cursor)),
                None => Ok(Page::default()),
            };
        }
        // Both statements on one connection. (Under PostgreSQL's default
        // READ COMMITTED each sees the latest commits; a cursor deleted in
        // between still marks a valid position.)
        let mut conn = self.pool.acquire().await.map_err(unavailable)?;
        let rows = match after {
            None => {
                let sql = match order {
                    Order::Asc => page_sql::THREADS_ASC,
                    Order::Desc => page_sql::THREADS_DESC,
                };
                sqlx::query_as::<_, (String, String)>(sql)
                    .bind(scope)
                    .bind(fetch)
                    .fetch_all(&mut *conn)
                    .await
            }
            Some(cursor) => {
                if !storable(&[cursor]) {
                    return Err(StoreError::not_found("thread", cursor));
                }
                let (created_at, seq) = sqlx::query_as::<_, (Timestamp, i64)>(
                    "SELECT created_at, seq FROM chatkit_threads WHERE scope = $1 AND id = $2",
                )
                .bind(scope)
                .bind(cursor)
                .fetch_optional(&mut *conn)
                .await
                .map_err(sql_error)?
                .ok_or_else(|| StoreError::not_found("thread", cursor))?;
                let sql = match order {
                    Order::Asc => page_sql::THREADS_AFTER_ASC,
                    Order::Desc => page_sql::THREADS_AFTER_DESC,
                };
                sqlx::query_as::<_, (String, String)>(sql)
                    .bind(scope)
                    .bind(created_at)
                    .bind(seq)
                    .bind(fetch)
                    .fetch_all(&mut *conn)
                    .await
            }
        }
        .map_err(sql_error)?;
        page(rows, limit, "thread")
    }

    async fn delete_thread(&self, thread_id: &str, ctx: &C) -> Result<(), StoreError> {
        let scope = ctx.scope();
        if !storable(&[scope, thread_id]) {
            return Err(StoreError::not_found("thread", thread_id));
        }
        // One statement, hence one transaction: `ON DELETE CASCADE` (always
        // enforced by PostgreSQL) deletes the items with the thread.
        let deleted = sqlx::query("DELETE FROM chatkit_threads WHERE scope = $1 AND id = $2")
            .bind(scope)
            .bind(thread_id)
            .execute(&self.pool)
            .await
            .map_err(sql_error)?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::not_found("thread", thread_id));
        }
        Ok(())
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
        if !storable(&[scope, thread_id]) {
            return Err(StoreError::not_found("thread", thread_id));
        }
        let mut conn = self.pool.acquire().await.map_err(unavailable)?;
        let rows = match after {
            None => {
                let sql = match order {
                    Order::Asc => page_sql::ITEMS_ASC,
                    Order::Desc => page_sql::ITEMS_DESC,
                };
                sqlx::query_as::<_, (String, String)>(sql)
                    .bind(scope)
                    .bind(thread_id)
                    .bind(fetch)
                    .fetch_all(&mut *conn)
                    .await
            }
            Some(cursor) => {
                // The thread check and the cursor's position in one query:
                // no row, no thread; a row of NULLs, no such item.
                let position = if storable(&[cursor]) {
                    sqlx::query_as::<_, (Option<Timestamp>, Option<i64>)>(
                        "SELECT i.created_at, i.seq FROM chatkit_threads t \
                         LEFT JOIN chatkit_items i \
                         ON i.scope = t.scope AND i.thread_id = t.id AND i.id = $3 \
                         WHERE t.scope = $1 AND t.id = $2",
                    )
                    .bind(scope)
                    .bind(thread_id)
                    .bind(cursor)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(sql_error)?
                } else if Self::thread_exists(&mut *conn, scope, thread_id).await? {
                    Some((None, None))
                } else {
                    None
                };
                let (created_at, seq) = match position {
                    None => return Err(StoreError::not_found("thread", thread_id)),
                    Some((Some(created_at), Some(seq))) => (created_at, seq),
                    Some(_) => return Err(StoreError::not_found("item", cursor)),
                };
                let sql = match order {
                    Order::Asc => page_sql::ITEMS_AFTER_ASC,
                    Order::Desc => page_sql::ITEMS_AFTER_DESC,
                };
                sqlx::query_as::<_, (String, String)>(sql)
                    .bind(scope)
                    .bind(thread_id)
                    .bind(created_at)
                    .bind(seq)
                    .bind(fetch)
                    .fetch_all(&mut *conn)
                    .await
            }
        }
        .map_err(sql_error)?;
        // Items are only ever filed under a thread of their own scope, and
        // go with it: a page with items proves the thread; an empty one
        // needs a look.
        if rows.is_empty()
            && after.is_none()
            && !Self::thread_exists(&mut *conn, scope, thread_id).await?
        {
            return Err(StoreError::not_found("thread", thread_id));
        }
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
        if !storable(&[scope, thread_id]) {
            return Err(StoreError::not_found("thread", thread_id));
        }
        if !storable(&[item_id]) {
            return if Self::thread_exists(&self.pool, scope, thread_id).await? {
                Err(StoreError::not_found("item", item_id))
            } else {
                Err(StoreError::not_found("thread", thread_id))
            };
        }
        // The thread check and the item in one query: no row, no thread; a
        // NULL, no such item.
        let row = sqlx::query_as::<_, (Option<String>,)>(
            "SELECT i.data::text FROM chatkit_threads t \
             LEFT JOIN chatkit_items i ON i.scope = t.scope AND i.thread_id = t.id AND i.id = $3 \
             WHERE t.scope = $1 AND t.id = $2",
        )
        .bind(scope)
        .bind(thread_id)
        .bind(item_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql_error)?;
        match row {
            Some((Some(data),)) => from_json(&data, "item", item_id),
            Some((None,)) => Err(StoreError::not_found("item", item_id)),
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
        if !storable(&[scope, thread_id]) {
            return Err(StoreError::not_found("thread", thread_id));
        }
        let deleted = if storable(&[item_id]) {
            sqlx::query("DELETE FROM chatkit_items WHERE scope = $1 AND thread_id = $2 AND id = $3")
                .bind(scope)
                .bind(thread_id)
                .bind(item_id)
                .execute(&self.pool)
                .await
                .map_err(sql_error)?
                .rows_affected()
        } else {
            0
        };
        if deleted == 0 && !Self::thread_exists(&self.pool, scope, thread_id).await? {
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
        if !storable(&[scope, thread_id]) {
            return Err(StoreError::not_found("thread", thread_id));
        }
        let item_ids: Vec<&str> = item_ids
            .iter()
            .map(String::as_str)
            .filter(|id| storable(&[*id]))
            .collect();
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        // `FOR SHARE`: the thread stays until the transaction ends.
        let thread = sqlx::query_as::<_, (i32,)>(
            "SELECT 1 FROM chatkit_threads WHERE scope = $1 AND id = $2 FOR SHARE",
        )
        .bind(scope)
        .bind(thread_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(sql_error)?;
        if thread.is_none() {
            // Nothing changed; dropping `tx` rolls back.
            return Err(StoreError::not_found("thread", thread_id));
        }
        // All ids in one statement: one primary-key lookup each.
        sqlx::query(
            "DELETE FROM chatkit_items WHERE scope = $1 AND thread_id = $2 AND id = ANY($3)",
        )
        .bind(scope)
        .bind(thread_id)
        .bind(item_ids)
        .execute(&mut *tx)
        .await
        .map_err(sql_error)?;
        tx.commit().await.map_err(sql_error)
    }

    async fn save_attachment(&self, attachment: &Attachment, ctx: &C) -> Result<(), StoreError> {
        let data = to_json(attachment, "attachment", attachment.id())?;
        let result = sqlx::query(
            "INSERT INTO chatkit_attachments (id, scope, data) VALUES ($1, $2, $3::jsonb) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data \
             WHERE chatkit_attachments.scope = excluded.scope",
        )
        .bind(attachment.id())
        .bind(ctx.scope())
        .bind(data)
        .execute(&self.pool)
        .await
        .map_err(|err| value_error(err, "attachment", attachment.id()))?;
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
        let scope = ctx.scope();
        if !storable(&[scope, attachment_id]) {
            return Err(StoreError::not_found("attachment", attachment_id));
        }
        let (data,) = sqlx::query_as::<_, (String,)>(
            "SELECT data::text FROM chatkit_attachments WHERE scope = $1 AND id = $2",
        )
        .bind(scope)
        .bind(attachment_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(sql_error)?
        .ok_or_else(|| StoreError::not_found("attachment", attachment_id))?;
        from_json(&data, "attachment", attachment_id)
    }

    async fn delete_attachment(&self, attachment_id: &str, ctx: &C) -> Result<(), StoreError> {
        let scope = ctx.scope();
        if !storable(&[scope, attachment_id]) {
            return Ok(());
        }
        sqlx::query("DELETE FROM chatkit_attachments WHERE scope = $1 AND id = $2")
            .bind(scope)
            .bind(attachment_id)
            .execute(&self.pool)
            .await
            .map_err(sql_error)?;
        Ok(())
    }

    /// Locks the thread in the whole database, across processes: a
    /// transaction on a connection of its own holds
    /// `pg_try_advisory_xact_lock(k1, k2)`, where `(k1, k2)` are the high and
    /// low 32 bits of a stable hash of `(scope, thread_id)` (FNV-1a 64 of the
    /// scope's length as 8 little-endian bytes, the scope and the thread id).
    /// Dropping the lease drops the transaction, which rolls back and so
    /// releases the lock; the rollback is sent by a background task, within
    /// milliseconds. If the process or its connection dies, the server ends
    /// the transaction and the lock with it. Transaction-scoped locks also
    /// work through a pooler in transaction mode (PgBouncer, Neon's pooled
    /// endpoints).
    ///
    /// Two threads whose keys collide (chance about 2⁻⁶⁴ per pair) share a
    /// lock: one of them may look busy while the other responds; nothing
    /// worse. Keys of two 32-bit halves never collide with sqlx's migration
    /// lock, which uses the single 64-bit key space.
    ///
    /// Each held lease keeps one connection of the lease pool (up to 32) in
    /// an open transaction, idle between statements; PostgreSQL's
    /// `idle_in_transaction_session_timeout` is turned off for it, since a
    /// response may take minutes. With every lease connection taken, the
    /// call waits up to 5 s for one, then fails as unavailable.
    async fn try_lock_thread(
        &self,
        thread_id: &str,
        ctx: &C,
    ) -> Result<Option<ThreadLease>, StoreError> {
        let (high, low) = lock_key(ctx.scope(), thread_id);
        let mut tx = self.leases.begin().await.map_err(unavailable)?;
        let (_, granted) = sqlx::query_as::<_, (String, bool)>(
            "SELECT set_config('idle_in_transaction_session_timeout', '0', true), \
             pg_try_advisory_xact_lock($1, $2)",
        )
        .bind(high)
        .bind(low)
        .fetch_one(&mut *tx)
        .await
        .map_err(sql_error)?;
        // Not granted: dropping `tx` rolls back at once.
        Ok(granted.then(|| ThreadLease::new(tx)))
    }

    async fn health_check(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(sql_error)?;
        Ok(())
    }
}

/// The advisory lock key of `thread_id` in `scope`: the FNV-1a 64-bit hash
/// of the scope's length (8 bytes, little-endian), the scope and the thread
/// id, split into its high and low 32 bits. Stable across processes,
/// platforms and versions: every replica must compute the same key.
pub(crate) fn lock_key(scope: &str, thread_id: &str) -> (i32, i32) {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let length = u64::try_from(scope.len()).unwrap_or(u64::MAX).to_le_bytes();
    let hash = length
        .iter()
        .chain(scope.as_bytes())
        .chain(thread_id.as_bytes())
        .fold(OFFSET_BASIS, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(PRIME)
        });
    let [a, b, c, d, e, f, g, h] = hash.to_be_bytes();
    (
        i32::from_be_bytes([a, b, c, d]),
        i32::from_be_bytes([e, f, g, h]),
    )
}

/// Whether PostgreSQL text can hold every one of `values`: it cannot hold
/// U+0000, so an id containing it names nothing that could have been saved.
fn storable(values: &[&str]) -> bool {
    values.iter().all(|value| !value.contains('\0'))
}

/// A failure to reach the database.
fn unavailable(err: sqlx::Error) -> StoreError {
    StoreError::Unavailable(Box::new(err))
}

/// A failed query: unreadable columns are corrupt data, anything else
/// (I/O, TLS, pool timeouts, lost connections, a server shutting down)
/// makes the store unavailable.
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

/// A failed write of `kind` `id`: a value PostgreSQL rejects (SQLSTATE
/// class 22, data exception: U+0000 in text or JSON, a time out of range)
/// cannot be stored, however often it is retried; anything else as [`sql_error`].
fn value_error(err: sqlx::Error, kind: &str, id: &str) -> StoreError {
    if let sqlx::Error::Database(db) = &err
        && db.code().is_some_and(|code| code.starts_with("22"))
    {
        return StoreError::Corrupt(format!("{kind} `{id}` cannot be stored: {db}"));
    }
    sql_error(err)
}

#[cfg(test)]
#[path = "../../tests/support/pg_schema.rs"]
mod pg_schema;

#[cfg(test)]
mod tests {
    use super::pg_schema::PgSchema;
    use super::*;

    #[test]
    fn lock_keys_are_stable_and_scoped() {
        // Pinned: every replica, of every version, must agree.
        assert_eq!(lock_key("", ""), (-1_463_289_806, 672_807_365));
        assert_eq!(lock_key("alice", "thr_1"), (-1_944_016_390, -1_872_707_726));
        assert_eq!(lock_key("alice", "thr_1"), lock_key("alice", "thr_1"));
        assert_ne!(lock_key("alice", "thr_1"), lock_key("bob", "thr_1"));
        assert_ne!(lock_key("alice", "thr_1"), lock_key("alice", "thr_2"));
        // The scope's length keeps the boundary: ("ab", "c") is not ("a", "bc").
        assert_ne!(lock_key("ab", "c"), lock_key("a", "bc"));
    }

    /// A store in a new schema of its own.
    async fn store_in_fresh_schema() -> (PostgresStore, PgSchema) {
        let schema = PgSchema::new().await;
        let store = PostgresStore::from_pool(schema.pool(2))
            .await
            .expect("migrations");
        (store, schema)
    }

    /// The plan of prepared statement `sql` executed with `args` (SQL
    /// literals), as a custom plan and as a generic plan: the one
    /// PostgreSQL may settle on after five runs of a statement that sqlx
    /// keeps prepared.
    async fn plans(store: &PostgresStore, sql: &str, args: &str) -> [String; 2] {
        let mut conn = store.pool().acquire().await.expect("a connection");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("PREPARE page AS {sql}")))
            .execute(&mut *conn)
            .await
            .expect("prepare");
        let mut plans = [String::new(), String::new()];
        for (plan, mode) in plans
            .iter_mut()
            .zip(["force_custom_plan", "force_generic_plan"])
        {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("SET plan_cache_mode = {mode}")))
                .execute(&mut *conn)
                .await
                .expect("set plan_cache_mode");
            let lines = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(format!(
                "EXPLAIN EXECUTE page({args})"
            )))
            .fetch_all(&mut *conn)
            .await
            .expect("explain");
            *plan = lines
                .into_iter()
                .map(|(line,)| line)
                .collect::<Vec<_>>()
                .join("\n");
        }
        sqlx::raw_sql("DEALLOCATE page; RESET plan_cache_mode")
            .execute(&mut *conn)
            .await
            .expect("deallocate");
        plans
    }

    #[tokio::test]
    async fn pages_are_index_range_scans_without_sorting() {
        let (store, _schema) = store_in_fresh_schema().await;
        // 5,000 threads: 3,000 of scope `u0`, the rest over 40 others;
        // 6,000 items: 5,000 in thread `thr_0` of `u0`, 1,000 over 100 others.
        sqlx::raw_sql(
            "INSERT INTO chatkit_threads (id, scope, created_at, data) \
             SELECT 'thr_' || n, CASE WHEN n < 3000 THEN 'u0' ELSE 'u' || (n % 40 + 1) END, \
                    timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second', '{}' \
             FROM generate_series(0, 4999) AS n; \
             INSERT INTO chatkit_items (id, thread_id, scope, created_at, data) \
             SELECT 'msg_' || n, CASE WHEN n <= 5000 THEN 'thr_0' ELSE 'thr_' || (n % 100 + 1) END, \
                    'u0', timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second', '{}' \
             FROM generate_series(1, 6000) AS n; \
             ANALYZE chatkit_threads; ANALYZE chatkit_items",
        )
        .execute(store.pool())
        .await
        .expect("rows");
        // A cursor in the middle of both listings.
        let cursor = "timestamptz '2025-01-01 00:25:00+00', 1500";
        let cases = [
            ("threads asc", page_sql::THREADS_ASC, "'u0', 21".to_owned()),
            (
                "threads desc",
                page_sql::THREADS_DESC,
                "'u0', 21".to_owned(),
            ),
            (
                "threads after asc",
                page_sql::THREADS_AFTER_ASC,
                format!("'u0', {cursor}, 21"),
            ),
            (
                "threads after desc",
                page_sql::THREADS_AFTER_DESC,
                format!("'u0', {cursor}, 21"),
            ),
            (
                "items asc",
                page_sql::ITEMS_ASC,
                "'u0', 'thr_0', 21".to_owned(),
            ),
            (
                "items desc",
                page_sql::ITEMS_DESC,
                "'u0', 'thr_0', 21".to_owned(),
            ),
            (
                "items after asc",
                page_sql::ITEMS_AFTER_ASC,
                format!("'u0', 'thr_0', {cursor}, 21"),
            ),
            (
                "items after desc",
                page_sql::ITEMS_AFTER_DESC,
                format!("'u0', 'thr_0', {cursor}, 21"),
            ),
        ];
        for (name, sql, args) in cases {
            let index = if name.starts_with("threads") {
                "chatkit_threads_by_scope_created"
            } else {
                "chatkit_items_by_thread_created"
            };
            let direction = if name.ends_with("desc") {
                "Index Scan Backward"
            } else {
                "Index Scan"
            };
            for (kind, plan) in ["custom", "generic"]
                .iter()
                .zip(plans(&store, sql, &args).await)
            {
                eprintln!("{name} ({kind} plan): {sql}\n{plan}\n");
                assert!(
                    plan.contains(&format!("{direction} using {index}")),
                    "{name} ({kind}) does not scan {index}: {plan}"
                );
                assert!(!plan.contains("Sort"), "{name} ({kind}) sorts: {plan}");
                if name.contains("after") {
                    assert!(
                        plan.contains("ROW(created_at, seq)"),
                        "{name} ({kind}) does not start the scan at the cursor: {plan}"
                    );
                }
            }
        }
    }

    #[test]
    fn nul_is_not_storable() {
        assert!(storable(&["thr_1", ""]));
        assert!(!storable(&["thr_1", "a\0b"]));
    }
}

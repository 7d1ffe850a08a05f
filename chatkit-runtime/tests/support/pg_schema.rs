//! A PostgreSQL schema of its own for one test: reruns and parallel tests
//! never see each other's rows. The unit tests, the integration tests and
//! the benchmarks include this file with `#[path]`; each uses part of it.
#![allow(dead_code, reason = "each includer uses part of it")]

use std::time::Duration;

use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

/// The PostgreSQL of the tests: `DATABASE_URL` if it is a PostgreSQL URL,
/// else the local server (`.ci/run` starts it).
pub(crate) fn postgres_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres:") || url.starts_with("postgresql:"))
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A schema in the test database, dropped with everything in it when the
/// guard is (even if the test fails).
pub(crate) struct PgSchema {
    url: String,
    name: String,
}

impl PgSchema {
    /// A new schema; the test fails, saying how to start PostgreSQL, if it
    /// is unreachable.
    pub(crate) async fn new() -> Self {
        Self::create().await.unwrap_or_else(|err| panic!("{err}"))
    }

    /// A new schema, or why not (with how to start PostgreSQL).
    pub(crate) async fn create() -> Result<Self, String> {
        let url = postgres_url();
        let mut admin = sqlx::PgConnection::connect(&url).await.map_err(|err| {
            format!(
                "PostgreSQL is not reachable at {url} ({err}). Start the local server with \
                 `pg_ctlcluster --skip-systemctl-redirect 15 main start` (see `ls \
                 /etc/postgresql` for the version), or set DATABASE_URL to a PostgreSQL URL"
            )
        })?;
        let name = format!("chatkit_test_{}", uuid::Uuid::new_v4().simple());
        // The name is ours, made of hex digits.
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&mut admin)
            .await
            .map_err(|err| format!("CREATE SCHEMA {name}: {err}"))?;
        let _ = admin.close().await;
        Ok(Self { url, name })
    }

    /// The schema's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The URL of this schema: the database URL with `options[search_path]`.
    pub(crate) fn url(&self) -> String {
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{separator}options[search_path]={}", self.url, self.name)
    }

    /// Connect options through `url` (the database's, or a proxy's) whose
    /// `search_path` is this schema.
    pub(crate) fn options_at(&self, url: &str) -> PgConnectOptions {
        url.parse::<PgConnectOptions>()
            .expect("a PostgreSQL URL")
            .options([("search_path", self.name.as_str())])
    }

    /// Connect options whose `search_path` is this schema.
    pub(crate) fn options(&self) -> PgConnectOptions {
        self.options_at(&self.url)
    }

    /// A pool of up to `max_connections` in this schema, connecting lazily.
    pub(crate) fn pool(&self, max_connections: u32) -> PgPool {
        PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_lazy_with(self.options())
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        // On a thread and runtime of its own: `drop` cannot await, and the
        // test's runtime may be unwinding.
        let (url, name) = (self.url.clone(), self.name.clone());
        let cleanup = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&url).await {
                    let sql =
                        format!("SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS {name} CASCADE");
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

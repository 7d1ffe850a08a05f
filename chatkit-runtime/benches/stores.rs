//! The built-in database stores under the loads a server puts on them:
//!
//! - `items.list`: a page of 20 items, newest first, of a thread of 10,000
//!   items, from the start and from a cursor in the middle;
//! - `threads.list`: a page of 20 threads, newest first, of a user with
//!   10,000 threads, from the start and from a cursor in the middle;
//! - `add_thread_item`: one item appended to a thread (a streamed response
//!   saves each finished item so).
//!
//! For SQLite (a file in a temporary directory) and PostgreSQL (a schema of
//! its own, dropped at the end, in `DATABASE_URL` if it is a PostgreSQL URL,
//! else `postgres://postgres@127.0.0.1:5432/test`; skipped, loudly, when
//! unreachable).
//!
//! Run with `cargo bench -p chatkit-runtime --features postgres --bench stores`;
//! the target is under 2 ms (median) per page on both.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chatkit_runtime::protocol::{Order, ThreadItem, ThreadMetadata, Timestamp};
use chatkit_runtime::store::{PostgresStore, SqliteStore, Store};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};

/// Items of the big thread, and threads of the user.
const ROWS: usize = 10_000;
const PAGE: u32 = 20;

fn user() -> String {
    "bench-user".to_owned()
}

fn at(n: usize) -> Timestamp {
    let secs = i64::try_from(n).expect("a small number");
    chrono::DateTime::from_timestamp_micros(1_735_787_045_123_456 + secs * 1_000_000)
        .expect("a valid time")
}

/// A user or assistant message of typical size.
fn item(id: &str, thread_id: &str, n: usize) -> ThreadItem {
    let created_at = at(n).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let value = if n.is_multiple_of(2) {
        serde_json::json!({
            "type": "user_message", "id": id, "thread_id": thread_id, "created_at": created_at,
            "content": [{"type": "input_text", "text": format!("Question {n}: how do I configure the thing so that it does what I want?")}],
            "attachments": [], "inference_options": {}
        })
    } else {
        serde_json::json!({
            "type": "assistant_message", "id": id, "thread_id": thread_id, "created_at": created_at,
            "content": [{"type": "output_text", "text": format!("Answer {n}: ").repeat(20), "annotations": []}]
        })
    };
    serde_json::from_value(value).expect("a thread item")
}

/// The data every page benchmark reads: thread `thr_big` with `ROWS` items,
/// and `ROWS` threads in all (all the user's).
async fn fill(store: &dyn Store<String>) {
    let user = user();
    // Concurrent writers, as a server's requests would be; a few at a time.
    let chunks = 4;
    store
        .save_thread(
            &ThreadMetadata {
                created_at: at(0),
                ..ThreadMetadata::new("thr_big")
            },
            &user,
        )
        .await
        .expect("save_thread");
    let items = (0..chunks).map(|chunk| {
        let user = user.clone();
        async move {
            for n in (chunk..ROWS).step_by(chunks) {
                let item = item(&format!("msg_{n:05}"), "thr_big", n);
                store
                    .add_thread_item("thr_big", &item, &user)
                    .await
                    .expect("add_thread_item");
            }
        }
    });
    futures::future::join_all(items).await;
    let threads = (0..chunks).map(|chunk| {
        let user = user.clone();
        async move {
            // `thr_big` is the first of the user's `ROWS` threads.
            for n in (1..ROWS).filter(|n| n % chunks == chunk) {
                let thread = ThreadMetadata {
                    created_at: at(n),
                    title: Some(format!("Thread {n}")),
                    ..ThreadMetadata::new(format!("thr_{n:05}"))
                };
                store
                    .save_thread(&thread, &user)
                    .await
                    .expect("save_thread");
            }
        }
    });
    futures::future::join_all(threads).await;
    let page = store
        .load_threads(1, None, Order::Asc, &user)
        .await
        .expect("load_threads");
    assert!(page.has_more);
}

/// Benchmarks `store`, filled by [`fill`].
fn bench_store(
    group: &mut BenchmarkGroup<'_, WallTime>,
    runtime: &tokio::runtime::Runtime,
    name: &str,
    store: &dyn Store<String>,
) {
    let user = user();
    let middle_item = format!("msg_{:05}", ROWS / 2);
    let middle_thread = format!("thr_{:05}", ROWS / 2);

    group.throughput(Throughput::Elements(1));
    group.bench_function(format!("{name}/items_page_desc"), |b| {
        b.iter(|| {
            runtime.block_on(async {
                let page = store
                    .load_thread_items("thr_big", None, PAGE, Order::Desc, &user)
                    .await
                    .expect("a page");
                assert_eq!(page.data.len(), PAGE as usize);
            })
        });
    });
    group.bench_function(format!("{name}/items_page_desc_after_middle"), |b| {
        b.iter(|| {
            runtime.block_on(async {
                let page = store
                    .load_thread_items("thr_big", Some(&middle_item), PAGE, Order::Desc, &user)
                    .await
                    .expect("a page");
                assert_eq!(page.data.len(), PAGE as usize);
            })
        });
    });
    group.bench_function(format!("{name}/threads_page_desc"), |b| {
        b.iter(|| {
            runtime.block_on(async {
                let page = store
                    .load_threads(PAGE, None, Order::Desc, &user)
                    .await
                    .expect("a page");
                assert_eq!(page.data.len(), PAGE as usize);
            })
        });
    });
    group.bench_function(format!("{name}/threads_page_desc_after_middle"), |b| {
        b.iter(|| {
            runtime.block_on(async {
                let page = store
                    .load_threads(PAGE, Some(&middle_thread), Order::Desc, &user)
                    .await
                    .expect("a page");
                assert_eq!(page.data.len(), PAGE as usize);
            })
        });
    });

    // Appending to a thread of its own (not `thr_big`, whose pages are measured above).
    runtime.block_on(async {
        store
            .save_thread(&ThreadMetadata::new("thr_add"), &user)
            .await
            .expect("save_thread");
    });
    let next = AtomicU64::new(0);
    group.bench_function(format!("{name}/add_thread_item"), |b| {
        b.iter(|| {
            runtime.block_on(async {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let item = item(&format!("add_{n}"), "thr_add", (n % 1_000) as usize);
                store
                    .add_thread_item("thr_add", &item, &user)
                    .await
                    .expect("add_thread_item");
            })
        });
    });
}

#[path = "../tests/support/pg_schema.rs"]
mod pg_schema;

use pg_schema::PgSchema;

/// A PostgreSQL store in a new schema, with the schema's guard; `None`
/// (said out loud) when the server is unreachable.
async fn postgres_store() -> Option<(PostgresStore, PgSchema)> {
    let schema = match PgSchema::create().await {
        Ok(schema) => schema,
        Err(err) => {
            eprintln!("\n*** {err}: its benchmarks are SKIPPED. ***\n");
            return None;
        }
    };
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(10)
        .connect_with(schema.options())
        .await
        .expect("a pool");
    let store = PostgresStore::from_pool(pool).await.expect("migrations");
    Some((store, schema))
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut group = c.benchmark_group("stores");
    group.measurement_time(Duration::from_secs(5));

    let dir = std::env::temp_dir().join(format!("chatkit-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let url = format!("sqlite://{}", dir.join("chatkit.db").display());
    let sqlite = runtime
        .block_on(SqliteStore::open(&url))
        .expect("an SQLite file");
    runtime.block_on(fill(&sqlite));
    bench_store(&mut group, &runtime, "sqlite", &sqlite);
    runtime.block_on(sqlite.pool().close());
    let _ = std::fs::remove_dir_all(&dir);

    if let Some((postgres, schema)) = runtime.block_on(postgres_store()) {
        runtime.block_on(async {
            fill(&postgres).await;
            // As autovacuum would, soon after such a load.
            sqlx::raw_sql("ANALYZE")
                .execute(postgres.pool())
                .await
                .expect("ANALYZE");
        });
        bench_store(&mut group, &runtime, "postgres", &postgres);
        runtime.block_on(postgres.pool().close());
        drop(schema);
    }
    group.finish();
}

criterion_group!(stores, benches);
criterion_main!(stores);

//! Several server replicas on one PostgreSQL database, and PostgreSQL going
//! away and coming back.
//!
//! Needs PostgreSQL: `DATABASE_URL` (a `postgres://` URL), or the local
//! default `postgres://postgres@127.0.0.1:5432/test`. Each test works in a
//! schema of its own, dropped at the end.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chatkit_runtime::async_trait;
use chatkit_runtime::protocol::UserMessageItem;
use chatkit_runtime::server::{
    ChatKit, ChatKitServer, EventSender, ServerError, StreamError, ThreadHandle,
};
use chatkit_runtime::store::{PostgresStore, Store};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use sqlx::postgres::PgPoolOptions;
use tower::ServiceExt as _;

#[path = "support/pg_schema.rs"]
mod pg_schema;

use pg_schema::{PgSchema, postgres_url};

/// A store in `schema`, through `url` (the database, or a proxy to it).
async fn store_via(schema: &PgSchema, url: &str, max_connections: u32) -> PostgresStore {
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        // Short, so that requests fail fast while the proxy is cut.
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy_with(schema.options_at(url));
    PostgresStore::from_pool(pool).await.unwrap()
}

/// Answers with three assistant messages naming the user message, with
/// pauses between them, so concurrent responses would interleave if they could.
struct Slow;

#[async_trait]
impl ChatKitServer<String> for Slow {
    async fn respond(
        &self,
        _thread: &ThreadHandle,
        input: Option<&UserMessageItem>,
        events: &EventSender,
        _ctx: &String,
    ) -> Result<(), StreamError> {
        let text = input.map(UserMessageItem::text).unwrap_or_default();
        for part in 1..=3 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            events.assistant_message(format!("{text}/{part}")).await?;
        }
        Ok(())
    }
}

fn replica(store: PostgresStore) -> axum::Router {
    let chatkit = ChatKit::new(Slow, store);
    let route = chatkit.into_route_with(|parts: &axum::http::request::Parts| {
        let user = parts
            .headers
            .get("x-user")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        async move { user.ok_or_else(|| ServerError::bad_request("missing x-user")) }
    });
    axum::Router::new().route("/chatkit", route)
}

async fn send(router: &axum::Router, request: Value) -> (StatusCode, String) {
    let http = Request::post("/chatkit")
        .header("x-user", "alice")
        .body(Body::from(request.to_string()))
        .unwrap();
    let response = router.clone().oneshot(http).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn message(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_never_interleave_a_thread() {
    let schema = PgSchema::new().await;
    let replicas = [
        replica(store_via(&schema, &postgres_url(), 8).await),
        replica(store_via(&schema, &postgres_url(), 8).await),
    ];
    let mut threads = Vec::new();
    for i in 0..4 {
        let (status, body) = send(
            &replicas[i % 2],
            json!({"type": "threads.create", "params": {"input": message(&format!("t{i}-open"))}}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let first: Value =
            serde_json::from_str(body.lines().next().unwrap().strip_prefix("data: ").unwrap())
                .unwrap();
        threads.push(first["thread"]["id"].as_str().unwrap().to_owned());
    }

    // Every thread gets 8 messages at once, half through each replica.
    let mut requests = Vec::new();
    for (t, thread_id) in threads.iter().enumerate() {
        for n in 0..8 {
            let router = replicas[n % 2].clone();
            let request = json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": message(&format!("t{t}-m{n}"))}});
            requests.push(tokio::spawn(async move { send(&router, request).await }));
        }
    }
    let mut accepted = 0;
    let mut refused = 0;
    for request in requests {
        let (status, body) = request.await.unwrap();
        match status {
            StatusCode::OK => {
                accepted += 1;
                assert!(!body.contains("\"type\":\"error\""), "{body}");
            }
            StatusCode::CONFLICT => refused += 1,
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(accepted + refused, 32);
    assert!(accepted >= 4, "every thread answers at least once");
    assert!(
        refused > 0,
        "concurrent requests on a thread were not refused"
    );

    // Each thread: whole responses, in order, none duplicated.
    let store = store_via(&schema, &postgres_url(), 2).await;
    let mut seen_messages = 0;
    for thread_id in &threads {
        let items = Store::<String>::load_thread_items(
            &store,
            thread_id,
            None,
            1000,
            chatkit_runtime::protocol::Order::Asc,
            &"alice".to_owned(),
        )
        .await
        .unwrap()
        .data;
        let texts: Vec<String> = items
            .iter()
            .map(|item| match item {
                chatkit_runtime::protocol::ThreadItem::UserMessage(m) => {
                    format!("user:{}", m.text())
                }
                chatkit_runtime::protocol::ThreadItem::AssistantMessage(m) => m.text(),
                other => panic!("unexpected item {other:?}"),
            })
            .collect();
        assert_eq!(texts.len() % 4, 0, "{texts:?}");
        for turn in texts.chunks(4) {
            let asked = turn[0]
                .strip_prefix("user:")
                .unwrap_or_else(|| panic!("turn starts with {turn:?}"));
            assert_eq!(
                turn[1..],
                [
                    format!("{asked}/1"),
                    format!("{asked}/2"),
                    format!("{asked}/3")
                ],
                "{texts:?}"
            );
        }
        let mut unique = texts.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), texts.len(), "duplicated items: {texts:?}");
        seen_messages += texts.len() / 4;
    }
    assert_eq!(seen_messages, 4 + accepted);
}

/// A TCP proxy to PostgreSQL that can be cut and restored, standing in for
/// a database that goes away.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    connections: Arc<tokio::sync::Mutex<tokio::task::JoinSet<()>>>,
}

impl Proxy {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(tokio::sync::Mutex::new(tokio::task::JoinSet::new()));
        let (accept_up, accept_connections) = (up.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !accept_up.load(Ordering::SeqCst) {
                    // Down: the connection is refused at once.
                    drop(client);
                    continue;
                }
                accept_connections.lock().await.spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect("127.0.0.1:5432").await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Self {
            port,
            up,
            connections,
        }
    }

    async fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.connections.lock().await.abort_all();
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    fn url(&self) -> String {
        postgres_url().replacen("127.0.0.1:5432", &format!("127.0.0.1:{}", self.port), 1)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_the_database_gives_503_and_the_server_recovers() {
    let schema = PgSchema::new().await;
    let proxy = Proxy::start().await;
    let router = replica(store_via(&schema, &proxy.url(), 4).await);
    let create = json!({"type": "threads.create", "params": {"input": message("before")}});
    let (status, _) = send(&router, create.clone()).await;
    assert_eq!(status, StatusCode::OK);

    proxy.cut().await;
    let list = json!({"type": "threads.list", "params": {}});
    let (status, body) = send(&router, list.clone()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], "unavailable");
    assert!(!body.contains("5432"), "no connection details leak: {body}");
    let (status, _) = send(&router, create.clone()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);

    proxy.restore();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = send(&router, list.clone()).await;
        if status == StatusCode::OK {
            let page: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(
                page["data"].as_array().unwrap().len(),
                1,
                "the failed create wrote nothing"
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "did not recover: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, _) = send(&router, create).await;
    assert_eq!(status, StatusCode::OK);
}

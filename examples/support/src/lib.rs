//! Test support for the examples: an example's app served over real HTTP
//! on loopback, with its threads in a fresh SQLite file, and a client
//! that speaks the ChatKit protocol to it.

use std::path::PathBuf;
use std::sync::Arc;

use chatkit_runtime::http::User;
use chatkit_runtime::store::Store;
use serde_json::{Value, json};

/// An app listening on `127.0.0.1`, on a port of its own.
pub struct Loopback {
    url: String,
    client: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
    dir: PathBuf,
}

impl Loopback {
    /// Serves the router `app` builds on a new SQLite store, in a temporary
    /// directory named after `name` (unique per test in one process).
    ///
    /// # Panics
    /// If the store cannot be opened or the port bound: the test fails.
    pub async fn start(name: &str, app: impl FnOnce(Arc<dyn Store<User>>) -> axum::Router) -> Self {
        let dir = std::env::temp_dir().join(format!("example-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let database = format!("sqlite://{}", dir.join("chatkit.db").display());
        let store = chatkit_runtime::store::open(&database).await.unwrap();
        let router = app(store);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self {
            url: format!("http://{addr}/chatkit"),
            client: reqwest::Client::new(),
            task,
            dir,
        }
    }

    /// A request's body, which must have succeeded.
    pub async fn post(&self, request: Value) -> String {
        let response = self
            .client
            .post(&self.url)
            .body(request.to_string())
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response.text().await.unwrap()
    }

    /// A streamed request's events.
    pub async fn stream(&self, request: Value) -> Vec<Value> {
        self.post(request)
            .await
            .split_terminator("\n\n")
            .map(|frame| serde_json::from_str(frame.strip_prefix("data: ").unwrap()).unwrap())
            .collect()
    }

    /// A new thread starting with `text`: its id and the events.
    pub async fn ask(&self, text: &str) -> (String, Vec<Value>) {
        let events = self
            .stream(json!({"type": "threads.create", "params": {"input": {
                "content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}}}))
            .await;
        (
            events[0]["thread"]["id"].as_str().unwrap().to_owned(),
            events,
        )
    }

    /// The thread's stored items, oldest first.
    pub async fn items(&self, thread_id: &str) -> Vec<Value> {
        let page: Value = serde_json::from_str(
            &self
                .post(json!({"type": "items.list", "params": {"thread_id": thread_id, "limit": 100, "order": "asc"}}))
                .await,
        )
        .unwrap();
        page["data"].as_array().unwrap().clone()
    }

    /// Stops the server and removes its files.
    pub fn stop(self) {
        self.task.abort();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The items of the `thread.item.done` events.
pub fn done_items(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.done")
        .map(|e| &e["item"])
        .collect()
}

/// Fails the test if any event is an `error`.
pub fn no_errors(events: &[Value]) {
    assert!(!events.iter().any(|e| e["type"] == "error"), "{events:#?}");
}

//! Test support for the examples: an example's app served over real HTTP
//! on loopback, with its threads in a fresh SQLite file, and a client
//! that speaks the ChatKit protocol to it; and an example's binary run
//! with only the configuration a test gives it.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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
        let dir = temp_dir(name);
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
            client: chatkit_runtime::outbound::client().expect("the outbound client"),
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

/// A fresh, empty directory for the test `name`, unique to this process.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("example-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every variable the example binaries read.
const CONFIGURATION: &[&str] = &[
    "LLM_PROVIDER",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "GEMINI_API_KEY",
    "GEMINI_BASE_URL",
    "CHATKIT_MODEL",
    "DATABASE_URL",
    "CORS_ORIGINS",
    "JWT_SECRET",
    "JWT_PUBLIC_KEY_FILE",
    "JWT_JWKS_FILE",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "CHATKIT_DEV_USER_HEADER",
    "LOG_FORMAT",
    "RUST_LOG",
    "CHATKIT_PLAYGROUND",
    "CHATKIT_PLAYGROUND_PATH",
    "CHATKIT_SIMPLE_CHAT_PATH",
    "TODO_MCP_URL",
    "TODO_MCP_KEY",
];

/// The example binary at `path` (`env!("CARGO_BIN_EXE_...")`), run in
/// `dir` (where it looks for `.env`) on a free port, with none of the
/// configuration of the environment the tests run in.
pub fn binary(path: &str, dir: &Path) -> Command {
    let mut command = Command::new(path);
    command.current_dir(dir).env("CHATKIT_ADDR", "127.0.0.1:0");
    for var in CONFIGURATION {
        command.env_remove(var);
    }
    command
}

/// A child process that is killed when the test ends, pass or fail.
pub struct Killed(pub std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The first `count` lines `command` prints; then it is stopped.
///
/// # Panics
/// If it cannot start, or exits before printing them: the test fails.
pub fn first_lines(mut command: Command, count: usize) -> Vec<String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let lines: Vec<String> = stdout.lines().take(count).map(Result::unwrap).collect();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(lines.len(), count, "the binary stopped early: {lines:?}");
    lines
}

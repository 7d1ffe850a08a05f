//! What the MCP tests share: an MCP server on its own runtime (stopping it
//! drops every connection, as a crashed process would), a ChatKit app whose
//! users come from `x-user`, and what a scripted model got from a tool.
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chatkit_runtime::agent::{Agent, AgentServer};
use chatkit_runtime::http::User;
use chatkit_runtime::model::{ContentPart, InputItem, ScriptedModel};
use chatkit_runtime::server::{ChatKit, ServerError};
use chatkit_runtime::store::{MemoryStore, Store};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

/// An MCP server (the router `make` builds, on `port`, 0 for any).
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    pub fn start(make: impl FnOnce() -> axum::Router + Send + 'static, port: u16) -> Self {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                    .await
                    .expect("bind");
                ready_tx.send(listener.local_addr().expect("addr")).ok();
                let app = make();
                tokio::select! {
                    _ = axum::serve(listener, app) => {}
                    _ = stop_rx => {}
                }
            });
            runtime.shutdown_timeout(Duration::from_millis(100));
        });
        let addr = ready_rx.recv().expect("the server started");
        Self {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// The MCP endpoint, served at `/mcp`.
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A ChatKit app answering with `agent`, threads in memory.
pub struct App {
    pub router: axum::Router,
    pub store: Arc<dyn Store<User>>,
}

pub fn chatkit_app(agent: Agent<User>) -> App {
    let store: Arc<dyn Store<User>> = Arc::new(MemoryStore::new());
    let server = AgentServer::new(agent, Arc::clone(&store));
    let route = ChatKit::with_store(server, Arc::clone(&store)).into_route_with(
        |parts: &axum::http::request::Parts| {
            let user = parts
                .headers
                .get("x-user")
                .and_then(|v| v.to_str().ok())
                .map(User::new);
            async move { user.ok_or_else(|| ServerError::bad_request("missing x-user")) }
        },
    );
    App {
        router: axum::Router::new().route("/chatkit", route),
        store,
    }
}

pub fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

impl App {
    /// A new thread of `user` with `text`: its id and the events.
    pub async fn ask(&self, user: &str, text: &str) -> (String, Vec<Value>) {
        let request = json!({"type": "threads.create", "params": {"input": input(text)}});
        let events = self.send(user, request).await;
        let thread = events[0]["thread"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (thread, events)
    }

    /// `text` in `thread`: the events.
    pub async fn reply(&self, user: &str, thread: &str, text: &str) -> Vec<Value> {
        let request = json!({"type": "threads.add_user_message",
            "params": {"thread_id": thread, "input": input(text)}});
        self.send(user, request).await
    }

    pub async fn send(&self, user: &str, request: Value) -> Vec<Value> {
        let http = Request::post("/chatkit")
            .header("x-user", user)
            .body(Body::from(request.to_string()))
            .expect("a request");
        let response = self.router.clone().oneshot(http).await.expect("a response");
        assert_eq!(response.status(), StatusCode::OK);
        let body = tokio::time::timeout(Duration::from_secs(20), response.into_body().collect())
            .await
            .expect("the response ended")
            .expect("a body")
            .to_bytes();
        String::from_utf8_lossy(&body)
            .split_terminator("\n\n")
            .filter_map(|frame| frame.strip_prefix("data: "))
            .map(|data| serde_json::from_str(data).expect("JSON events"))
            .collect()
    }

    /// The stored items of `user`'s `thread`, as JSON.
    pub async fn items(&self, user: &str, thread: &str) -> Vec<Value> {
        let page = self
            .store
            .load_thread_items(
                thread,
                None,
                100,
                chatkit_runtime::protocol::Order::Asc,
                &User::new(user),
            )
            .await
            .expect("items");
        page.data
            .iter()
            .map(|item| serde_json::to_value(item).expect("json"))
            .collect()
    }
}

pub fn no_error(events: &[Value]) {
    assert!(!events.iter().any(|e| e["type"] == "error"), "{events:#?}");
}

/// What the model got for `call_id`.
pub fn output_parts(model: &ScriptedModel, call_id: &str) -> Vec<ContentPart> {
    for request in model.requests().iter().rev() {
        for item in &request.input {
            if let InputItem::FunctionCallOutput {
                call_id: id,
                output,
            } = item
                && id == call_id
            {
                return output.clone();
            }
        }
    }
    panic!("no output for {call_id}")
}

/// The text parts of what the model got for `call_id`, joined by `|`.
pub fn output_text(model: &ScriptedModel, call_id: &str) -> String {
    output_parts(model, call_id)
        .iter()
        .map(|part| match part {
            ContentPart::Text { text } => text.clone(),
            other => format!("{other:?}"),
        })
        .collect::<Vec<_>>()
        .join("|")
}

//! A mock OpenAI server over real HTTP on loopback (`127.0.0.1:0`).
//!
//! `POST /v1/responses` and `POST /v1/chat/completions` (also as Azure
//! OpenAI's `POST /openai/deployments/{deployment}/chat/completions`) each
//! answer from a queue of scripted [`Reply`]s: an SSE stream (JSON events or chunks, raw
//! lines or bytes, delays, a dropped connection) or a plain HTTP answer. Every
//! request's path, headers and JSON body is recorded. A route whose queue is
//! empty answers 500.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

/// One step of a scripted SSE stream.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// A JSON event, sent as `data: <json>`, preceded by `event: <type>` when
    /// it has a string `type` (Responses events).
    Event(Value),
    /// `data: <text>` (such as `[DONE]`).
    Data(String),
    /// Raw bytes, as they are.
    Bytes(Vec<u8>),
    /// A pause.
    Delay(Duration),
    /// The connection is cut (the body ends with an error).
    Drop,
}

#[derive(Debug, Clone)]
enum Payload {
    Sse(Vec<Step>),
    Plain {
        status: u16,
        content_type: &'static str,
        body: String,
    },
}

/// A scripted answer.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    body: Payload,
    headers: Vec<(String, String)>,
    delay: Option<Duration>,
}

impl Reply {
    /// An SSE stream of these steps.
    pub(crate) fn sse(steps: impl IntoIterator<Item = Step>) -> Self {
        Self {
            body: Payload::Sse(steps.into_iter().collect()),
            headers: Vec::new(),
            delay: None,
        }
    }

    /// Responses events, one SSE event each.
    pub(crate) fn responses(events: impl IntoIterator<Item = Value>) -> Self {
        Self::sse(events.into_iter().map(Step::Event))
    }

    /// Chat Completions chunks, then `data: [DONE]`.
    pub(crate) fn chat(chunks: impl IntoIterator<Item = Value>) -> Self {
        let mut steps: Vec<Step> = chunks.into_iter().map(Step::Event).collect();
        steps.push(Step::Data("[DONE]".into()));
        Self::sse(steps)
    }

    /// A plain HTTP answer with a JSON body.
    pub(crate) fn status(status: u16, body: Value) -> Self {
        Self {
            body: Payload::Plain {
                status,
                content_type: "application/json",
                body: body.to_string(),
            },
            headers: Vec::new(),
            delay: None,
        }
    }

    /// A plain HTTP answer with a text body.
    pub(crate) fn text(status: u16, body: &str) -> Self {
        Self {
            body: Payload::Plain {
                status,
                content_type: "text/plain",
                body: body.to_owned(),
            },
            headers: Vec::new(),
            delay: None,
        }
    }

    /// Adds a response header.
    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Waits this long before answering at all (no headers meanwhile).
    pub(crate) fn delayed(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

/// A request the mock received.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    /// Its path, such as `/v1/responses`.
    pub(crate) path: String,
    /// Its query string, if any (`api-version=...`).
    pub(crate) query: Option<String>,
    /// Its headers.
    pub(crate) headers: HeaderMap,
    /// Its body, as JSON (`Null` when it is not JSON).
    pub(crate) body: Value,
}

impl Recorded {
    /// A header's value, as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[derive(Default)]
struct Shared {
    responses: Mutex<VecDeque<Reply>>,
    chat: Mutex<VecDeque<Reply>>,
    recorded: Mutex<Vec<Recorded>>,
}

/// The running mock server; stops when dropped.
pub(crate) struct MockOpenAi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockOpenAi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockOpenAi {
    /// Starts a server on a free loopback port.
    pub(crate) async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = Router::new()
            .route("/v1/responses", post(responses))
            .route("/v1/chat/completions", post(chat))
            .route(
                "/openai/deployments/{deployment}/chat/completions",
                post(chat),
            )
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Self { addr, shared, task }
    }

    /// `http://127.0.0.1:<port>/v1`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// `http://127.0.0.1:<port>`, as an Azure OpenAI endpoint.
    pub(crate) fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues an answer for `POST /v1/responses`.
    pub(crate) fn push_responses(&self, reply: Reply) {
        self.shared.responses.lock().unwrap().push_back(reply);
    }

    /// Queues an answer for `POST /v1/chat/completions`.
    pub(crate) fn push_chat(&self, reply: Reply) {
        self.shared.chat.lock().unwrap().push_back(reply);
    }

    /// The requests received so far.
    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.shared.recorded.lock().unwrap().clone()
    }

    /// The one request received (panics unless there is exactly one).
    pub(crate) fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "requests: {requests:?}");
        requests.into_iter().next().unwrap()
    }
}

async fn responses(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let reply = shared.responses.lock().unwrap().pop_front();
    answer(&shared, uri, headers, body, reply).await
}

async fn chat(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let reply = shared.chat.lock().unwrap().pop_front();
    answer(&shared, uri, headers, body, reply).await
}

async fn answer(
    shared: &Shared,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    reply: Option<Reply>,
) -> Response {
    shared.recorded.lock().unwrap().push(Recorded {
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    let Some(reply) = reply else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no scripted reply left").into_response();
    };
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = match reply.body {
        Payload::Plain {
            status,
            content_type,
            body,
        } => Response::builder()
            .status(status)
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap(),
        Payload::Sse(steps) => {
            let stream = futures::stream::unfold(steps.into_iter(), |mut steps| async move {
                loop {
                    let item: Result<Bytes, std::io::Error> = match steps.next()? {
                        Step::Delay(delay) => {
                            tokio::time::sleep(delay).await;
                            continue;
                        }
                        Step::Drop => Err(std::io::Error::other("connection dropped")),
                        Step::Bytes(bytes) => Ok(Bytes::from(bytes)),
                        Step::Data(text) => Ok(Bytes::from(format!("data: {text}\n\n"))),
                        Step::Event(value) => Ok(Bytes::from(match value["type"].as_str() {
                            Some(kind) => format!("event: {kind}\ndata: {value}\n\n"),
                            None => format!("data: {value}\n\n"),
                        })),
                    };
                    return Some((item, steps));
                }
            });
            Response::builder()
                .status(200)
                .header("content-type", "text/event-stream")
                .header("cache-control", "no-cache")
                .body(Body::from_stream(stream))
                .unwrap()
        }
    };
    for (name, value) in reply.headers {
        response.headers_mut().insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    response
}

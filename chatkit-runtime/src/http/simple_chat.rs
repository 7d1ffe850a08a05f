//! `POST /api/chat`: a simple SSE chat protocol for clients other than
//! ChatKit JS (scripts, `curl`, mobile apps, a hand-written page), served by
//! the same [`ChatKit`](crate::server::ChatKit) server, agent and store as
//! `POST /chatkit`, behind the same authentication and limits.
//!
//! ChatKit JS speaks the ChatKit protocol at `/chatkit`; this endpoint is an
//! adapter over it. Each request becomes a `threads.create` or
//! `threads.add_user_message` request processed by
//! [`ChatKit::process`](crate::server::ChatKit::process)'s machinery, and the
//! stream's events are translated into the chunks below, so threads started
//! here show up in ChatKit JS's history, and the other way round.
//!
//! # Request
//!
//! ```json
//! {
//!   "messages": [{"role": "user", "content": "What is on my list?"}],
//!   "thread_id": "thr_4f2a...",
//!   "user_id": "alice"
//! }
//! ```
//!
//! - **The last message is the new user input.** It must have
//!   `"role": "user"` and non-empty `content`.
//! - **`thread_id`** (optional; absent, `null` or `""` for none) continues
//!   that thread of the user's (`404` if there is no such thread for this
//!   user). The store already holds the conversation, so the earlier
//!   messages of the array (the client's copy) are ignored: the model reads
//!   the stored history.
//! - **Without `thread_id`,** a thread is created. Earlier messages of the
//!   array are imported into it first, in order, as user and assistant
//!   messages (those with blank content are skipped), so a stateless client
//!   that sends its whole conversation gets an answer in context. Send the
//!   `thread_id` of the `done` chunk with the next message, rather than the
//!   history again: each request without one starts a new thread.
//! - **Roles** are `user` and `assistant`. Others (`system`, `tool`, ...)
//!   are refused: the server's agent has its own instructions, which a
//!   client does not override.
//! - **`user_id`** (optional): see [Users](#users).
//!
//! Unknown fields are ignored. The body size limit is
//! [`HttpConfig::max_json_bytes`](super::HttpConfig::max_json_bytes), as
//! for `/chatkit`.
//!
//! # Response
//!
//! `text/event-stream`, one JSON object per `data:` line:
//!
//! ```text
//! data: {"content":"Let me "}
//!
//! data: {"content":"check."}
//!
//! data: {"tool_call":{"name":"list_tasks","result":[{"id":1,"title":"Buy milk"}]}}
//!
//! data: {"content":"\n\nYou have one task: Buy milk."}
//!
//! data: {"done":true,"thread_id":"thr_4f2a..."}
//! ```
//!
//! - `content`: the assistant's text, delta by delta as it streams (a
//!   message that is not streamed comes as one chunk). When a turn has
//!   several assistant messages (text before and after a tool call, say),
//!   each after the first starts with a blank line (`"\n\n"`).
//! - `tool_call`: after each tool the agent ran, its name and its output as
//!   the model received it: JSON when that output parses as JSON, else the
//!   text (a failed call's message is redacted as it is for the model).
//! - `done`: the last chunk of a response that succeeded, with the thread
//!   to continue.
//! - `error`: instead of `done` when the response fails, the message the
//!   user may read (the model's failure, a store error, the idle timeout,
//!   a shutdown); the stream ends after it. As on `/chatkit`, what was
//!   answered so far is stored.
//! - `: keep-alive` comment lines in long silences, which SSE clients skip.
//!
//! Widgets, workflows, progress lines and client tool calls have no chunk
//! in this protocol: they are stored in the thread (ChatKit JS shows them
//! there) and left out of this stream.
//!
//! # Errors before the stream
//!
//! As on `/chatkit`, a JSON body `{"error": {"code": ..., "message": ...}}`:
//!
//! | status | code | when |
//! | --- | --- | --- |
//! | 400 | `invalid_request` | the body is not valid JSON or not a chat request (the message names the field, such as `messages[0].role`), `messages` is empty, the last message is not the user's, or its content is blank |
//! | 401 | `unauthorized` | not authenticated |
//! | 403 | `forbidden` | a `user_id` that is not the authenticated user |
//! | 404 | `not_found` | `thread_id` names no thread of this user |
//! | 409 | `thread_busy` | the thread is answering another request |
//! | 413 | `payload_too_large` | the body is over the limit |
//! | 429 | `rate_limited`, `too_many_streams` | the per-user stream limits (with `Retry-After`) |
//! | 503 | `unavailable` | the store is down, or the server is shutting down |
//!
//! # Users
//!
//! The user is whoever the app's [`Authenticator`](super::Authenticator)
//! says, exactly as for `/chatkit` (a bearer JWT in production); a body
//! `user_id` never chooses it:
//!
//! - a `user_id` that differs from the authenticated user (its
//!   [`scope`](crate::store::ScopedContext::scope): the user id, for the
//!   built-in authenticators) is refused with `403`, rather than answered
//!   as another user than the client believes;
//! - in the development header mode only ([`DevHeaderAuth`](super::DevHeaderAuth),
//!   `CHATKIT_DEV_USER_HEADER`), a request without the header may name its
//!   user with `user_id` instead: it goes through the same checks, as if
//!   sent in the header. When both are given they must agree.
//!
//! # Serving
//!
//! [`App::router`](super::App::router) serves it at `/api/chat`;
//! [`HttpConfig::simple_chat`](super::HttpConfig::simple_chat) (or
//! `CHATKIT_SIMPLE_CHAT_PATH`, empty to turn it off) moves it or turns it
//! off. CORS, the per-user stream rate and concurrency limits, the idle
//! timeout, keep-alive, metrics (request type `simple_chat`), logs and
//! graceful shutdown are those of `/chatkit`.
//!
//! ```no_run
//! use std::sync::Arc;
//! use chatkit_runtime::agent::{Agent, AgentServer};
//! use chatkit_runtime::http::{App, Auth, HttpConfig, User};
//! use chatkit_runtime::server::ChatKit;
//! use chatkit_runtime::{model, store};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let store = store::open_from_env::<User>().await?;
//!     let agent = Agent::with_model("assistant", model::from_env()?).instructions("Be brief.");
//!     let chatkit = ChatKit::with_store(AgentServer::new(agent, Arc::clone(&store)), store);
//!     let auth = Auth::from_env()?.expect("JWT_* or CHATKIT_DEV_USER_HEADER");
//!     // `/chatkit` for ChatKit JS, `/v1/chat` for simple clients.
//!     let app = App::new(chatkit, auth).config(HttpConfig::from_env()?.simple_chat(Some("/v1/chat")));
//!     app.serve(tokio::net::TcpListener::bind("127.0.0.1:8000").await?).await?;
//!     Ok(())
//! }
//! // curl -N http://127.0.0.1:8000/v1/chat -H 'authorization: Bearer ...' \
//! //   -H 'content-type: application/json' -d '{"messages":[{"role":"user","content":"hi"}]}'
//! ```

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::stream::Encoder;
use super::{
    Credentials, Peek, Shared, answer, error_response, read_json_body, refuse, unauthorized,
};
use crate::protocol::{
    ChatKitRequest, ThreadItem, ThreadItemUpdate, ThreadStreamEvent, ThreadsAddUserMessageParams,
    ThreadsCreateParams, UserMessageInput,
};
use crate::server::{ChatKitServer, HistoryMessage, ServerError, ToolCallDone};
use crate::store::ScopedContext;

/// The request type in logs and metrics.
const KIND: &str = "simple_chat";

/// What the user reads when a response fails without a message of its own.
const GENERIC_ERROR: &str = "Something went wrong while answering. Please try again.";

/// A request body.
#[derive(Debug, Deserialize)]
struct ChatRequest {
    messages: Vec<ChatMessage>,
    #[serde(default)]
    thread_id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ChatMessage {
    role: ChatRole,
    content: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ChatRole {
    User,
    Assistant,
}

/// A checked request: the new user input, and what comes with it.
#[derive(Debug)]
struct Chat {
    input: String,
    /// The messages before it, oldest first.
    earlier: Vec<ChatMessage>,
    thread_id: Option<String>,
    user_id: Option<String>,
}

/// Parses and checks a body; `Err` is the message of the `400`.
fn parse(body: &[u8]) -> Result<Chat, String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let request: ChatRequest =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                format!("the body is not valid JSON: {inner}")
            } else if path == "." {
                format!("the body is not a chat request: {inner}")
            } else {
                format!("invalid chat request at `{path}`: {inner}")
            }
        })?;
    deserializer
        .end()
        .map_err(|error| format!("the body is not valid JSON: {error}"))?;
    let ChatRequest {
        mut messages,
        thread_id,
        user_id,
    } = request;
    let last = messages.pop().ok_or(
        "`messages` is empty: send at least one message, the user's new input, last".to_owned(),
    )?;
    if last.role != ChatRole::User {
        return Err(
            "the last message must be the user's (`\"role\": \"user\"`): it is the new input"
                .to_owned(),
        );
    }
    if last.content.trim().is_empty() {
        return Err("the last message's `content` is empty".to_owned());
    }
    let given = |id: Option<String>| id.filter(|id| !id.is_empty());
    Ok(Chat {
        input: last.content,
        earlier: messages,
        thread_id: given(thread_id),
        user_id: given(user_id),
    })
}

/// Only the `user_id` of a body, for the development header mode.
fn body_user_id(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct UserOnly {
        #[serde(default)]
        user_id: Option<String>,
    }
    serde_json::from_slice::<UserOnly>(body)
        .ok()?
        .user_id
        .filter(|id| !id.is_empty())
}

/// `POST /api/chat`.
pub(super) async fn endpoint<S, C>(
    State(shared): State<Arc<Shared<S, C>>>,
    request: Request,
) -> Response
where
    S: ChatKitServer<C>,
    C: ScopedContext + 'static,
{
    let started = Instant::now();
    let metrics = &shared.metrics;
    let (mut parts, body) = request.into_parts();
    let authenticated = shared.auth.authenticate(&parts).await;
    // In the development header mode, a request without the header may
    // name its user in the body: it is read before authentication then.
    let stand_in = match (&authenticated, shared.auth.credentials()) {
        (Err(_), Credentials::UserHeader(header)) if !parts.headers.contains_key(&header) => {
            Some(header)
        }
        _ => None,
    };
    let authenticated = match (authenticated, stand_in) {
        (Err(error), None) => return unauthorized(metrics, error),
        (authenticated, stand_in) => authenticated.map_err(|error| (error, stand_in)),
    };
    let body = match read_json_body(&shared, &parts, body).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let ctx = match authenticated {
        Ok(ctx) => ctx,
        Err((error, header)) => {
            let user = body_user_id(&body).and_then(|id| HeaderValue::from_str(&id).ok());
            let (Some(header), Some(user)) = (header, user) else {
                return unauthorized(metrics, error);
            };
            parts.headers.insert(header, user);
            match shared.auth.authenticate(&parts).await {
                Ok(ctx) => ctx,
                Err(error) => return unauthorized(metrics, error),
            }
        }
    };
    let chat = match parse(&body) {
        Ok(chat) => chat,
        Err(message) => {
            let _entered = refusal_span(&ctx).entered();
            let elapsed_ms = started.elapsed().as_millis() as u64;
            return refuse(metrics, KIND, ServerError::bad_request(message), elapsed_ms);
        }
    };
    if let Some(user_id) = &chat.user_id
        && user_id != ctx.scope()
    {
        let _entered = refusal_span(&ctx).entered();
        metrics.record_rejected("forbidden");
        metrics.record_request(KIND, 403);
        tracing::info!(
            status = 403,
            "request refused: `user_id` is not the authenticated user"
        );
        return error_response(
            StatusCode::FORBIDDEN,
            "forbidden",
            "`user_id` is not the authenticated user; leave it out: the user comes from the \
             request's credentials.",
        );
    }
    let input = UserMessageInput::text(chat.input);
    let (request, history) = match &chat.thread_id {
        Some(thread_id) => (
            ChatKitRequest::ThreadsAddUserMessage(ThreadsAddUserMessageParams {
                input,
                thread_id: thread_id.clone(),
            }),
            Vec::new(),
        ),
        None => (
            ChatKitRequest::ThreadsCreate(ThreadsCreateParams { input }),
            history(chat.earlier),
        ),
    };
    let peek = Peek {
        kind: KIND,
        // Ids are short; anything else is not worth logging.
        thread_id: chat.thread_id.clone().filter(|id| id.len() <= 128),
        streaming: true,
        creates_thread: chat.thread_id.is_none(),
    };
    let chatkit = shared.chatkit.reporting_tool_calls();
    let encoder = Chunks::new(chat.thread_id);
    answer(&shared, ctx, peek, started, encoder, |ctx| {
        chatkit.process_request(request, ctx, history)
    })
    .await
}

/// The span of a request refused before [`answer`], which opens the
/// span of the others.
fn refusal_span(ctx: &impl ScopedContext) -> tracing::Span {
    tracing::info_span!(
        "chatkit_request",
        request_type = KIND,
        user_id = ctx.scope()
    )
}

/// The earlier messages of a new conversation, as stored.
fn history(messages: Vec<ChatMessage>) -> Vec<HistoryMessage> {
    messages
        .into_iter()
        .filter(|message| !message.content.trim().is_empty())
        .map(|message| match message.role {
            ChatRole::User => HistoryMessage::User(message.content),
            ChatRole::Assistant => HistoryMessage::Assistant(message.content),
        })
        .collect()
}

/// Writes a response's events as the chunks of this protocol.
#[derive(Debug, Default)]
struct Chunks {
    /// The thread answered: given, or read from `thread.created`.
    thread_id: Option<String>,
    /// The assistant messages whose text was written.
    written: HashSet<String>,
    /// Whether an `error` chunk was written: nothing follows it.
    failed: bool,
}

impl Chunks {
    fn new(thread_id: Option<String>) -> Self {
        Self {
            thread_id,
            ..Self::default()
        }
    }

    /// A `content` chunk of the message `item_id`, after a blank line when
    /// another message came before it.
    fn content(&mut self, item_id: &str, text: &str) -> Option<Bytes> {
        if text.is_empty() {
            return None;
        }
        if self.written.contains(item_id) {
            return Some(chunk(&json!({ "content": text })));
        }
        let first = self.written.is_empty();
        self.written.insert(item_id.to_owned());
        if first {
            Some(chunk(&json!({ "content": text })))
        } else {
            Some(chunk(&json!({ "content": format!("\n\n{text}") })))
        }
    }
}

impl Encoder for Chunks {
    fn event(&mut self, frame: Bytes) -> Option<Bytes> {
        if self.failed {
            return None;
        }
        let json = frame.strip_prefix(b"data: ")?;
        let event = match serde_json::from_slice::<ThreadStreamEvent>(json) {
            Ok(event) => event,
            Err(error) => {
                tracing::debug!(%error, "simple chat: an event that does not parse; skipped");
                return None;
            }
        };
        match event {
            ThreadStreamEvent::ThreadCreated { thread } => {
                self.thread_id = Some(thread.meta.id);
                None
            }
            ThreadStreamEvent::ThreadItemUpdated { item_id, update } => match update {
                ThreadItemUpdate::ContentPartTextDelta { delta, .. } => {
                    self.content(&item_id, &delta)
                }
                ThreadItemUpdate::ContentPartAdded { content, .. } => {
                    self.content(&item_id, &content.text)
                }
                _ => None,
            },
            // A message sent whole, not streamed.
            ThreadStreamEvent::ThreadItemDone {
                item: ThreadItem::AssistantMessage(message),
            } if !self.written.contains(&message.base.id) => {
                self.content(&message.base.id, &message.text())
            }
            ThreadStreamEvent::Error { message, .. } => {
                self.failed = true;
                // `stream.error` has no message: ChatKit JS shows one of its own.
                let message = message
                    .filter(|message| !message.trim().is_empty())
                    .unwrap_or_else(|| GENERIC_ERROR.to_owned());
                Some(chunk(&json!({ "error": message })))
            }
            _ => None,
        }
    }

    fn tool_call(&mut self, call: ToolCallDone) -> Option<Bytes> {
        if self.failed {
            return None;
        }
        let result = serde_json::from_str::<Value>(&call.output)
            .unwrap_or_else(|_| Value::String(call.output));
        Some(chunk(
            &json!({ "tool_call": { "name": call.name, "result": result } }),
        ))
    }

    fn end(&mut self) -> Option<Bytes> {
        if self.failed {
            return None;
        }
        Some(chunk(&json!({ "done": true, "thread_id": self.thread_id })))
    }
}

/// `data: <json>\n\n`.
fn chunk(value: &Value) -> Bytes {
    let mut frame = b"data: ".to_vec();
    // A `Value` always serializes.
    let _ = serde_json::to_writer(&mut frame, value);
    frame.extend_from_slice(b"\n\n");
    Bytes::from(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(body: &str) -> String {
        parse(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn a_body_is_checked_with_the_path_of_what_is_wrong() {
        let chat = parse(
            br#"{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},
                {"role":"user","content":"c"}],"thread_id":"","user_id":null,"stream":true}"#,
        )
        .unwrap();
        assert_eq!(chat.input, "c");
        assert_eq!(chat.earlier.len(), 2);
        assert_eq!((chat.thread_id, chat.user_id), (None, None));

        assert!(bad("{").contains("not valid JSON"), "{}", bad("{"));
        let trailing = bad(r#"{"messages":[{"role":"user","content":"a"}]} x"#);
        assert!(trailing.contains("not valid JSON"), "{trailing}");
        assert!(bad("{}").contains("missing field `messages`"));
        let role = bad(r#"{"messages":[{"role":"system","content":"x"}]}"#);
        assert!(role.contains("`messages[0].role`"), "{role}");
        assert!(role.contains("unknown variant `system`"), "{role}");
        let content = bad(r#"{"messages":[{"role":"user","content":3}]}"#);
        assert!(content.contains("`messages[0].content`"), "{content}");
        assert!(bad(r#"{"messages":[]}"#).contains("`messages` is empty"));
        assert!(bad(r#"{"messages":[{"role":"assistant","content":"x"}]}"#).contains("the user's"));
        assert!(bad(r#"{"messages":[{"role":"user","content":" \n"}]}"#).contains("is empty"));
    }

    fn frame(event: &ThreadStreamEvent) -> Bytes {
        let mut frame = b"data: ".to_vec();
        serde_json::to_writer(&mut frame, event).unwrap();
        frame.extend_from_slice(b"\n\n");
        Bytes::from(frame)
    }

    fn text(bytes: Option<Bytes>) -> Option<String> {
        bytes.map(|bytes| String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[test]
    fn later_messages_start_with_a_blank_line_and_whole_messages_are_written_once() {
        let delta = |id: &str, delta: &str| ThreadStreamEvent::ThreadItemUpdated {
            item_id: id.to_owned(),
            update: ThreadItemUpdate::ContentPartTextDelta {
                content_index: 0,
                delta: delta.to_owned(),
            },
        };
        let done = |id: &str, text: &str| ThreadStreamEvent::ThreadItemDone {
            item: ThreadItem::AssistantMessage(crate::protocol::AssistantMessageItem {
                base: crate::protocol::ItemBase::new(id, "thr_1"),
                content: vec![crate::protocol::AssistantMessageContent::text(text)],
            }),
        };
        let mut chunks = Chunks::new(Some("thr_1".to_owned()));
        let mut out = |event: ThreadStreamEvent| text(chunks.event(frame(&event)));
        assert_eq!(
            out(delta("m1", "Hel")).as_deref(),
            Some("data: {\"content\":\"Hel\"}\n\n")
        );
        assert_eq!(
            out(delta("m1", "lo")).as_deref(),
            Some("data: {\"content\":\"lo\"}\n\n")
        );
        assert_eq!(out(done("m1", "Hello")), None);
        assert_eq!(
            out(done("m2", "Bye")).as_deref(),
            Some("data: {\"content\":\"\\n\\nBye\"}\n\n")
        );
        assert_eq!(
            text(chunks.end()).as_deref(),
            Some("data: {\"done\":true,\"thread_id\":\"thr_1\"}\n\n")
        );
    }

    #[test]
    fn tool_results_are_json_when_they_parse_and_errors_end_the_stream() {
        let mut chunks = Chunks::new(None);
        let call = |output: &str| ToolCallDone {
            name: "t".to_owned(),
            output: output.to_owned(),
        };
        assert_eq!(
            text(chunks.tool_call(call(r#"{"a":1}"#))).as_deref(),
            Some("data: {\"tool_call\":{\"name\":\"t\",\"result\":{\"a\":1}}}\n\n")
        );
        assert_eq!(
            text(chunks.tool_call(call("not json"))).as_deref(),
            Some("data: {\"tool_call\":{\"name\":\"t\",\"result\":\"not json\"}}\n\n")
        );
        let failed = crate::server::StreamError::failed(true).to_event();
        assert_eq!(
            text(chunks.event(frame(&failed))).as_deref(),
            Some(format!("data: {{\"error\":\"{GENERIC_ERROR}\"}}\n\n").as_str())
        );
        assert_eq!(chunks.tool_call(call("1")), None);
        assert_eq!(chunks.end(), None);
    }
}

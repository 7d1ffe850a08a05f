//! A scripted ChatKit server behind the real axum route, and helpers to
//! send requests and read SSE streams.
#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chatkit_runtime::async_trait;
use chatkit_runtime::attachments::AttachmentStore;
use chatkit_runtime::protocol::*;
use chatkit_runtime::server::{
    AudioInput, ChatKit, ChatKitServer, EventSender, ServerError, StreamError, ThreadHandle,
};
use chatkit_runtime::store::{MemoryStore, Store};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

/// The request context: the user id, from the `x-user` header.
pub type User = String;

/// What a scripted call does.
pub type Script =
    Arc<dyn Fn(Call) -> futures::future::BoxFuture<'static, Result<(), StreamError>> + Send + Sync>;

/// One call of `respond` or `action`, as the script sees it.
pub struct Call {
    pub thread: ThreadHandle,
    pub input: Option<UserMessageItem>,
    pub action: Option<(Action, Option<WidgetItem>)>,
    pub events: EventSender,
    pub user: User,
}

#[derive(Default)]
pub struct Recorded {
    /// `(thread id, input text or None, user)` per `respond`.
    pub responds: Vec<(String, Option<UserMessageItem>, String)>,
    pub actions: Vec<(Action, Option<String>)>,
    pub feedback: Vec<(String, Vec<String>, FeedbackKind, String)>,
}

#[derive(Clone)]
pub struct Scripted {
    pub script: Arc<Mutex<Option<Script>>>,
    pub recorded: Arc<Mutex<Recorded>>,
}

#[async_trait]
impl ChatKitServer<User> for Scripted {
    async fn respond(
        &self,
        thread: &ThreadHandle,
        input: Option<&UserMessageItem>,
        events: &EventSender,
        ctx: &User,
    ) -> Result<(), StreamError> {
        self.recorded
            .lock()
            .unwrap()
            .responds
            .push((thread.id(), input.cloned(), ctx.clone()));
        let script = self.script.lock().unwrap().clone();
        match script {
            Some(script) => {
                script(Call {
                    thread: thread.clone(),
                    input: input.cloned(),
                    action: None,
                    events: events.clone(),
                    user: ctx.clone(),
                })
                .await
            }
            None => {
                events.assistant_message("Hi").await?;
                Ok(())
            }
        }
    }

    async fn action(
        &self,
        thread: &ThreadHandle,
        action: &Action,
        sender: Option<&WidgetItem>,
        events: &EventSender,
        ctx: &User,
    ) -> Result<(), StreamError> {
        self.recorded
            .lock()
            .unwrap()
            .actions
            .push((action.clone(), sender.map(|s| s.base.id.clone())));
        let script = self.script.lock().unwrap().clone();
        match script {
            Some(script) => {
                script(Call {
                    thread: thread.clone(),
                    input: None,
                    action: Some((action.clone(), sender.cloned())),
                    events: events.clone(),
                    user: ctx.clone(),
                })
                .await
            }
            None => Ok(()),
        }
    }

    async fn sync_action(
        &self,
        _thread: &ThreadMetadata,
        action: &Action,
        sender: Option<&WidgetItem>,
        _ctx: &User,
    ) -> Result<Option<ThreadItem>, ServerError> {
        let Some(sender) = sender else {
            return Ok(None);
        };
        let mut updated = sender.clone();
        updated.widget =
            widget_dsl::widget! { Card { Text { value: format!("Synced: {}", action.kind) } } }
                .into();
        Ok(Some(ThreadItem::Widget(updated)))
    }

    async fn add_feedback(
        &self,
        thread_id: &str,
        item_ids: &[String],
        kind: FeedbackKind,
        ctx: &User,
    ) -> Result<(), ServerError> {
        self.recorded.lock().unwrap().feedback.push((
            thread_id.to_owned(),
            item_ids.to_vec(),
            kind,
            ctx.clone(),
        ));
        Ok(())
    }

    async fn transcribe(
        &self,
        audio: AudioInput,
        _ctx: &User,
    ) -> Result<TranscriptionResult, ServerError> {
        Ok(TranscriptionResult {
            text: format!("heard {} bytes of {}", audio.data.len(), audio.media_type()),
        })
    }
}

/// Attachment bytes "stored" nowhere: enough to test the protocol side.
pub struct TestAttachments;

#[async_trait]
impl AttachmentStore<User> for TestAttachments {
    async fn create_attachment(
        &self,
        params: &AttachmentsCreateParams,
        _ctx: &User,
    ) -> Result<Attachment, ServerError> {
        let id = chatkit_runtime::store::generate_id(chatkit_runtime::store::IdKind::Attachment);
        let base = AttachmentBase {
            id: id.clone(),
            name: params.name.clone(),
            mime_type: params.mime_type.clone(),
            upload_descriptor: Some(UploadDescriptor {
                url: format!("https://files.example.com/{id}/upload"),
                method: UploadMethod::Put,
                headers: Default::default(),
            }),
            thread_id: None,
            metadata: Some(serde_json::Map::from_iter([(
                "bucket".to_owned(),
                json!("secret"),
            )])),
        };
        Ok(if params.mime_type.starts_with("image/") {
            Attachment::Image(ImageAttachment {
                base,
                preview_url: format!("https://files.example.com/{id}/preview"),
            })
        } else {
            Attachment::File(FileAttachment { base })
        })
    }

    async fn delete_attachment(
        &self,
        _attachment_id: &str,
        _ctx: &User,
    ) -> Result<(), ServerError> {
        Ok(())
    }
}

/// `(label, oracle kind, JSON)` of every event and body seen.
pub type Seen = Arc<Mutex<Vec<(String, &'static str, Value)>>>;

pub struct Harness {
    pub server: Scripted,
    pub store: Arc<MemoryStore>,
    pub router: axum::Router,
    /// Every SSE event and JSON body seen, for the reference oracle.
    pub seen: Seen,
}

pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub events: Vec<Value>,
    pub json: Value,
}

impl Harness {
    pub fn new() -> Self {
        let server = Scripted {
            script: Arc::default(),
            recorded: Arc::default(),
        };
        let store = Arc::new(MemoryStore::new());
        let dyn_store: Arc<dyn Store<User>> = store.clone();
        let chatkit = ChatKit::with_store(server.clone(), dyn_store).attachments(TestAttachments);
        let route = chatkit.into_route_with(|parts: &axum::http::request::Parts| {
            let user = parts
                .headers
                .get("x-user")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            async move { user.ok_or_else(|| ServerError::bad_request("missing x-user")) }
        });
        Self {
            server,
            store,
            router: axum::Router::new().route("/chatkit", route),
            seen: Arc::default(),
        }
    }

    pub fn script<F, Fut>(&self, script: F)
    where
        F: Fn(Call) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), StreamError>> + Send + 'static,
    {
        *self.server.script.lock().unwrap() = Some(Arc::new(move |call| Box::pin(script(call))));
    }

    pub fn recorded(&self) -> std::sync::MutexGuard<'_, Recorded> {
        self.server.recorded.lock().unwrap()
    }

    /// Sends a raw body as `user` and reads the whole reply.
    pub async fn raw(&self, user: &str, body: impl Into<Body>) -> Reply {
        let request = Request::post("/chatkit")
            .header("x-user", user)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = tokio::time::timeout(Duration::from_secs(10), response.into_body().collect())
            .await
            .expect("the response did not end")
            .unwrap()
            .to_bytes();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let mut reply = Reply {
            status,
            content_type: content_type.clone(),
            events: Vec::new(),
            json: Value::Null,
        };
        if content_type == "text/event-stream" {
            assert!(
                text.is_empty() || text.ends_with("\n\n"),
                "unterminated frame: {text:?}"
            );
            for frame in text.split_terminator("\n\n") {
                let data = frame
                    .strip_prefix("data: ")
                    .unwrap_or_else(|| panic!("bad frame {frame:?}"));
                assert!(!data.contains('\n'), "a frame spans lines: {data:?}");
                let event: Value = serde_json::from_str(data).unwrap();
                self.seen.lock().unwrap().push((
                    format!("event {}", event["type"]),
                    "event",
                    event.clone(),
                ));
                reply.events.push(event);
            }
        } else {
            reply.json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        }
        reply
    }

    /// Sends a request as `user`.
    pub async fn send(&self, user: &str, request: Value) -> Reply {
        let kind = request["type"].as_str().unwrap_or_default().to_owned();
        let reply = self.raw(user, request.to_string()).await;
        if reply.status.is_success() && reply.content_type == "application/json" {
            let oracle_kind = match kind.as_str() {
                "threads.get_by_id" | "threads.update" => "thread",
                "threads.list" => "thread_page",
                "items.list" => "item_page",
                "attachments.create" => "attachment",
                "threads.sync_custom_action" => "sync_action_response",
                "input.transcribe" => "transcription",
                _ => "empty",
            };
            self.seen.lock().unwrap().push((
                format!("{kind} response"),
                oracle_kind,
                reply.json.clone(),
            ));
        }
        reply
    }

    pub async fn create_thread(&self, user: &str, text: &str) -> (String, Reply) {
        let reply = self
            .send(
                user,
                json!({"type": "threads.create", "params": {"input": input(text)}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
        let id = reply.events[0]["thread"]["id"].as_str().unwrap().to_owned();
        (id, reply)
    }

    pub async fn items(&self, user: &str, thread_id: &str) -> Vec<Value> {
        let reply = self
            .send(
                user,
                json!({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc", "limit": 100}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
        reply.json["data"].as_array().unwrap().clone()
    }

    /// Items as stored, hidden ones included.
    pub async fn stored_items(&self, user: &str, thread_id: &str) -> Vec<ThreadItem> {
        Store::<User>::load_thread_items(
            self.store.as_ref(),
            thread_id,
            None,
            100,
            Order::Asc,
            &user.to_owned(),
        )
        .await
        .unwrap()
        .data
    }
}

pub fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

pub fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

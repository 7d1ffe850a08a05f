//! A ChatKit app behind the production HTTP layer (`chatkit_runtime::http`),
//! served on a loopback port, and a client for it.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chatkit_runtime::async_trait;
use chatkit_runtime::attachments::LocalAttachmentStore;
use chatkit_runtime::http::{App, Authenticator, HttpConfig, Metrics, User};
use chatkit_runtime::protocol::*;
use chatkit_runtime::server::{ChatKit, ChatKitServer, EventSender, StreamError, ThreadHandle};
use chatkit_runtime::store::{IdKind, MemoryStore, Store, StoreError, ThreadLease};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const SECRET: &str = "a test secret that is at least 32 bytes long";
pub const ISSUER: &str = "https://auth.example.test/";
pub const AUDIENCE: &str = "chatkit-tests";

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Valid claims for `sub`.
pub fn claims(sub: &str) -> Value {
    json!({"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "iat": now(), "exp": now() + 3600})
}

pub fn sign(alg: Algorithm, key: &EncodingKey, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

/// An HS256 token for `sub`, signed with [`SECRET`].
pub fn token(sub: &str) -> String {
    sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(SECRET.as_bytes()),
        None,
        &claims(sub),
    )
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jwt")
        .join(name)
}

/// What the bot does, by the text of the user message:
/// - `hang`: starts an assistant message ("Hello, World!"), then waits forever;
/// - `slow`: streams three chunks 150 ms apart;
/// - `wait:<ms>`: waits, then answers;
/// - anything else: answers `Hi <user id>` at once.
#[derive(Clone, Default)]
pub struct Bot {
    /// Notified when `hang` has sent its partial message.
    pub hanging: Arc<Notify>,
}

#[async_trait]
impl ChatKitServer<User> for Bot {
    async fn respond(
        &self,
        _thread: &ThreadHandle,
        input: Option<&UserMessageItem>,
        events: &EventSender,
        ctx: &User,
    ) -> Result<(), StreamError> {
        let text = input.map(UserMessageItem::text).unwrap_or_default();
        match text.as_str() {
            "hang" => {
                let id = events.new_item_id(IdKind::Message);
                let item = ThreadItem::AssistantMessage(AssistantMessageItem {
                    base: ItemBase::new(&id, events.thread_id()),
                    content: vec![],
                });
                events
                    .send(ThreadStreamEvent::ThreadItemAdded { item })
                    .await?;
                for delta in ["Hello, ", "World!"] {
                    events
                        .send(ThreadStreamEvent::ThreadItemUpdated {
                            item_id: id.clone(),
                            update: ThreadItemUpdate::ContentPartTextDelta {
                                content_index: 0,
                                delta: delta.into(),
                            },
                        })
                        .await?;
                }
                self.hanging.notify_one();
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Ok(())
            }
            "slow" => {
                let chunks = ["one ", "two ", "three"];
                let base = events.new_item_base(IdKind::Message);
                let id = base.id.clone();
                events
                    .send(ThreadStreamEvent::ThreadItemAdded {
                        item: ThreadItem::AssistantMessage(AssistantMessageItem {
                            base: base.clone(),
                            content: vec![],
                        }),
                    })
                    .await?;
                for chunk in chunks {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    events
                        .send(ThreadStreamEvent::ThreadItemUpdated {
                            item_id: id.clone(),
                            update: ThreadItemUpdate::ContentPartTextDelta {
                                content_index: 0,
                                delta: chunk.into(),
                            },
                        })
                        .await?;
                }
                events
                    .item_done(ThreadItem::AssistantMessage(AssistantMessageItem {
                        base,
                        content: vec![AssistantMessageContent::text(chunks.concat())],
                    }))
                    .await?;
                Ok(())
            }
            text => {
                if let Some(ms) = text.strip_prefix("wait:") {
                    let ms: u64 = ms.parse().unwrap();
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                }
                events.assistant_message(format!("Hi {}", ctx.id)).await?;
                Ok(())
            }
        }
    }
}

/// A memory store whose backend can be "down": every call then fails as
/// unavailable, the health check included.
pub struct FlakyStore {
    pub inner: MemoryStore,
    pub down: AtomicBool,
}

impl FlakyStore {
    fn check(&self) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) {
            Err(StoreError::Unavailable("the database is down".into()))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl Store<User> for FlakyStore {
    async fn load_thread(&self, id: &str, ctx: &User) -> Result<ThreadMetadata, StoreError> {
        self.check()?;
        self.inner.load_thread(id, ctx).await
    }
    async fn save_thread(&self, thread: &ThreadMetadata, ctx: &User) -> Result<(), StoreError> {
        self.check()?;
        self.inner.save_thread(thread, ctx).await
    }
    async fn load_threads(
        &self,
        limit: u32,
        after: Option<&str>,
        order: Order,
        ctx: &User,
    ) -> Result<Page<ThreadMetadata>, StoreError> {
        self.check()?;
        self.inner.load_threads(limit, after, order, ctx).await
    }
    async fn delete_thread(&self, id: &str, ctx: &User) -> Result<(), StoreError> {
        self.check()?;
        self.inner.delete_thread(id, ctx).await
    }
    async fn load_thread_items(
        &self,
        thread_id: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
        ctx: &User,
    ) -> Result<Page<ThreadItem>, StoreError> {
        self.check()?;
        self.inner
            .load_thread_items(thread_id, after, limit, order, ctx)
            .await
    }
    async fn add_thread_item(
        &self,
        thread_id: &str,
        item: &ThreadItem,
        ctx: &User,
    ) -> Result<(), StoreError> {
        self.check()?;
        self.inner.add_thread_item(thread_id, item, ctx).await
    }
    async fn save_item(
        &self,
        thread_id: &str,
        item: &ThreadItem,
        ctx: &User,
    ) -> Result<(), StoreError> {
        self.check()?;
        self.inner.save_item(thread_id, item, ctx).await
    }
    async fn load_item(
        &self,
        thread_id: &str,
        item_id: &str,
        ctx: &User,
    ) -> Result<ThreadItem, StoreError> {
        self.check()?;
        self.inner.load_item(thread_id, item_id, ctx).await
    }
    async fn delete_thread_item(
        &self,
        thread_id: &str,
        item_id: &str,
        ctx: &User,
    ) -> Result<(), StoreError> {
        self.check()?;
        self.inner.delete_thread_item(thread_id, item_id, ctx).await
    }
    async fn save_attachment(&self, attachment: &Attachment, ctx: &User) -> Result<(), StoreError> {
        self.check()?;
        self.inner.save_attachment(attachment, ctx).await
    }
    async fn load_attachment(&self, id: &str, ctx: &User) -> Result<Attachment, StoreError> {
        self.check()?;
        self.inner.load_attachment(id, ctx).await
    }
    async fn delete_attachment(&self, id: &str, ctx: &User) -> Result<(), StoreError> {
        self.check()?;
        self.inner.delete_attachment(id, ctx).await
    }
    async fn try_lock_thread(
        &self,
        thread_id: &str,
        ctx: &User,
    ) -> Result<Option<ThreadLease>, StoreError> {
        self.check()?;
        self.inner.try_lock_thread(thread_id, ctx).await
    }
    async fn health_check(&self) -> Result<(), StoreError> {
        self.check()
    }
}

/// The app on a loopback port.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<FlakyStore>,
    pub bot: Bot,
    pub metrics: Metrics,
    pub chatkit: ChatKit<Bot, User>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    uploads: PathBuf,
}

/// A reply, read to its end.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    /// The SSE events, parsed.
    pub events: Vec<Value>,
    /// How many SSE comment frames (`: ...`) came between them.
    pub comments: usize,
    pub json: Value,
    pub text: String,
}

impl Reply {
    pub fn types(&self) -> Vec<&str> {
        self.events
            .iter()
            .map(|e| e["type"].as_str().unwrap())
            .collect()
    }
}

/// Parses an SSE body as a client would: comments skipped, every data
/// frame one JSON event.
pub fn parse_sse(text: &str) -> (Vec<Value>, usize) {
    assert!(
        text.is_empty() || text.ends_with("\n\n"),
        "unterminated frame: {text:?}"
    );
    let mut events = Vec::new();
    let mut comments = 0;
    for frame in text.split_terminator("\n\n") {
        if frame.starts_with(':') {
            comments += 1;
            continue;
        }
        let data = frame
            .strip_prefix("data: ")
            .unwrap_or_else(|| panic!("bad frame {frame:?}"));
        events.push(serde_json::from_str(data).unwrap());
    }
    (events, comments)
}

impl TestServer {
    pub async fn start(auth: impl Authenticator<User>, config: HttpConfig) -> Self {
        let store = Arc::new(FlakyStore {
            inner: MemoryStore::new(),
            down: AtomicBool::new(false),
        });
        let bot = Bot::default();
        let uploads = std::env::temp_dir().join(format!("chatkit-http-{}", uuid_like(),));
        let dyn_store: Arc<dyn Store<User>> = store.clone();
        let chatkit = ChatKit::with_store(bot.clone(), dyn_store)
            .attachments(LocalAttachmentStore::new(&uploads, "/chatkit/attachments"));
        let app = App::new(chatkit, auth).config(config);
        let metrics = app.metrics().clone();
        let handle = app.chatkit().clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(app.serve_with_shutdown(listener, async move {
            let _ = stopped.await;
        }));
        Self {
            base: format!("http://{addr}"),
            client: chatkit_runtime::outbound::client().expect("the outbound client"),
            store,
            bot,
            metrics,
            chatkit: handle,
            stop: Some(stop),
            task: Some(task),
            uploads,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a ChatKit request, with a bearer token if given.
    pub async fn post(&self, token: Option<&str>, body: &Value) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url("/chatkit"))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// Sends a ChatKit request and reads the whole reply.
    pub async fn send(&self, token: Option<&str>, body: &Value) -> Reply {
        read(self.post(token, body).await).await
    }

    /// Creates a thread as the holder of `token`; returns its id and the reply.
    pub async fn create_thread(&self, token: &str, text: &str) -> (String, Reply) {
        let reply = self
            .send(
                Some(token),
                &json!({"type": "threads.create", "params": {"input": input(text)}}),
            )
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let id = reply.events[0]["thread"]["id"].as_str().unwrap().to_owned();
        (id, reply)
    }

    /// Items as stored, hidden ones included.
    pub async fn stored_items(&self, user: &str, thread_id: &str) -> Vec<ThreadItem> {
        self.store
            .inner
            .load_thread_items(thread_id, None, 100, Order::Asc, &User::new(user))
            .await
            .unwrap()
            .data
    }

    /// Signals shutdown; returns how the server ended, within `within`.
    pub async fn shutdown(&mut self, within: Duration) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = self.task.take().expect("already shut down");
        tokio::time::timeout(within, task)
            .await
            .expect("the server did not exit in time")
            .unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
        let _ = std::fs::remove_dir_all(&self.uploads);
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}-{}-{}",
        std::process::id(),
        now(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub async fn read(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = tokio::time::timeout(Duration::from_secs(20), response.text())
        .await
        .expect("the response did not end")
        .unwrap();
    let content_type = headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let (events, comments) = if content_type == "text/event-stream" {
        parse_sse(&text)
    } else {
        (Vec::new(), 0)
    };
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        events,
        comments,
        json,
        text,
    }
}

pub fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

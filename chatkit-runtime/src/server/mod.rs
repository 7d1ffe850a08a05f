//! The ChatKit server: [`ChatKitServer`] is what an app implements,
//! [`ChatKit`] serves it over the protocol.

mod error;
mod events;
pub mod http;
mod pipeline;
mod process;
mod shutdown;
mod widget_state;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

pub use error::{ServerError, StreamError};
pub(crate) use events::ToolCallDone;
pub use events::{Cancelled, EventSender, ThreadHandle};
pub use process::{EventStream, ProcessResult};
pub(crate) use process::{Frame, HistoryMessage};

use crate::attachments::AttachmentStore;
use crate::protocol::{
    Action, FeedbackKind, SdkHiddenContextItem, StreamOptions, ThreadItem, ThreadMetadata,
    TranscriptionResult, UserMessageItem, WidgetItem,
};
use crate::store::{IdKind, Store, StoreError};

/// The text of the marker stored when the user stops a response, so the
/// model knows on the next turn.
pub const CANCELLED_MARKER: &str =
    "The user cancelled the stream. Stop responding to the prior request.";

/// Audio to transcribe (`input.transcribe`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioInput {
    /// The decoded bytes.
    pub data: Vec<u8>,
    /// The MIME type as sent, such as `audio/webm;codecs=opus`.
    pub mime_type: String,
}

impl AudioInput {
    /// The MIME type without parameters, such as `audio/webm`.
    pub fn media_type(&self) -> &str {
        self.mime_type.split(';').next().unwrap_or_default().trim()
    }
}

/// An app's ChatKit backend. Only [`respond`](Self::respond) is required.
///
/// `C` is the per-request context the app chooses (the signed-in user, say);
/// it reaches every hook and every store call.
///
/// ```no_run
/// use chatkit_runtime::async_trait;
/// use chatkit_runtime::protocol::UserMessageItem;
/// use chatkit_runtime::server::{ChatKit, ChatKitServer, EventSender, StreamError, ThreadHandle};
/// use chatkit_runtime::store::MemoryStore;
///
/// struct Echo;
///
/// #[async_trait]
/// impl ChatKitServer<()> for Echo {
///     async fn respond(
///         &self,
///         _thread: &ThreadHandle,
///         input: Option<&UserMessageItem>,
///         events: &EventSender,
///         _ctx: &(),
///     ) -> Result<(), StreamError> {
///         let text = input.map(UserMessageItem::text).unwrap_or_default();
///         events.assistant_message(format!("You said: {text}")).await?;
///         Ok(())
///     }
/// }
///
/// #[tokio::main]
/// async fn main() -> std::io::Result<()> {
///     let chatkit = ChatKit::new(Echo, MemoryStore::new());
///     let app = axum::Router::new().route("/chatkit", chatkit.into_route());
///     let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
///     axum::serve(listener, app).await
/// }
/// ```
#[async_trait]
pub trait ChatKitServer<C: Send + Sync + 'static>: Send + Sync + 'static {
    /// Answers a user message, or continues after a client tool's output or
    /// structured input (`input` is `None` then). Events go through `events`.
    async fn respond(
        &self,
        thread: &ThreadHandle,
        input: Option<&UserMessageItem>,
        events: &EventSender,
        ctx: &C,
    ) -> Result<(), StreamError>;

    /// Handles a widget action (`threads.custom_action`); `sender` is the
    /// widget item that sent it. By default the action is refused.
    async fn action(
        &self,
        thread: &ThreadHandle,
        action: &Action,
        sender: Option<&WidgetItem>,
        events: &EventSender,
        ctx: &C,
    ) -> Result<(), StreamError> {
        let _ = (thread, sender, events, ctx);
        Err(StreamError::custom(
            format!("The action `{}` is not supported.", action.kind),
            false,
        ))
    }

    /// Handles a widget action that answers at once (`threads.sync_custom_action`,
    /// from an action with `streaming: false`). Returns the sender item as the
    /// action changed it, which the server stores; by default the action is refused.
    async fn sync_action(
        &self,
        thread: &ThreadMetadata,
        action: &Action,
        sender: Option<&WidgetItem>,
        ctx: &C,
    ) -> Result<Option<ThreadItem>, ServerError> {
        let _ = (thread, sender, ctx);
        Err(ServerError::not_implemented(format!(
            "The action `{}` is not supported.",
            action.kind
        )))
    }

    /// Records thumbs up or down on items. Does nothing by default.
    async fn add_feedback(
        &self,
        thread_id: &str,
        item_ids: &[String],
        kind: FeedbackKind,
        ctx: &C,
    ) -> Result<(), ServerError> {
        let _ = (thread_id, item_ids, kind, ctx);
        Ok(())
    }

    /// Turns speech into text (`input.transcribe`). Not offered by default.
    async fn transcribe(
        &self,
        audio: AudioInput,
        ctx: &C,
    ) -> Result<TranscriptionResult, ServerError> {
        let _ = (audio, ctx);
        Err(ServerError::not_implemented(
            "This server does not transcribe audio.",
        ))
    }

    /// The options of a response's stream; by default the client may cancel.
    fn stream_options(&self, thread: &ThreadMetadata, ctx: &C) -> StreamOptions {
        let _ = (thread, ctx);
        StreamOptions::default()
    }

    /// Called when the client goes away mid-response, with the items that
    /// were still streaming. By default it stores the partial assistant
    /// messages that have text, then [`CANCELLED_MARKER`] as hidden context.
    async fn handle_stream_cancelled(
        &self,
        thread: &ThreadMetadata,
        pending: Vec<ThreadItem>,
        store: &dyn Store<C>,
        ctx: &C,
    ) -> Result<(), StoreError> {
        for item in pending {
            if let ThreadItem::AssistantMessage(message) = &item
                && message
                    .content
                    .iter()
                    .any(|part| !part.text.trim().is_empty())
            {
                store.add_thread_item(&thread.id, &item, ctx).await?;
            }
        }
        let marker = ThreadItem::SdkHiddenContext(SdkHiddenContextItem {
            base: crate::protocol::ItemBase::new(
                store.generate_item_id(IdKind::SdkHiddenContext, thread, ctx),
                thread.id.clone(),
            ),
            content: CANCELLED_MARKER.to_owned(),
        });
        store.add_thread_item(&thread.id, &marker, ctx).await
    }
}

/// A [`ChatKitServer`] served over the ChatKit protocol, with its stores.
///
/// [`process`](Self::process) answers one request body; [`into_route`](Self::into_route)
/// and [`http`] put it behind axum. Cloning is cheap.
pub struct ChatKit<S, C> {
    pub(crate) server: Arc<S>,
    pub(crate) store: Arc<dyn Store<C>>,
    pub(crate) attachments: Option<Arc<dyn AttachmentStore<C>>>,
    /// The streamed responses running, shared by every clone.
    pub(crate) responses: Arc<shutdown::Responses>,
    /// Whether streams pass finished tool calls on ([`Frame::ToolCall`]):
    /// only in the copy an adapter of another protocol uses
    /// ([`reporting_tool_calls`](Self::reporting_tool_calls)), never for ChatKit clients.
    pub(crate) tool_calls: bool,
}

impl<S, C> Clone for ChatKit<S, C> {
    fn clone(&self) -> Self {
        Self {
            server: Arc::clone(&self.server),
            store: Arc::clone(&self.store),
            attachments: self.attachments.clone(),
            responses: Arc::clone(&self.responses),
            tool_calls: self.tool_calls,
        }
    }
}

impl<S, C> ChatKit<S, C> {
    /// The same service (server, stores, running responses), whose streams
    /// also carry [`Frame::ToolCall`] notices: for the simple chat endpoint.
    pub(crate) fn reporting_tool_calls(&self) -> Self {
        Self {
            tool_calls: true,
            ..self.clone()
        }
    }
}

impl<S, C> ChatKit<S, C>
where
    S: ChatKitServer<C>,
    C: Send + Sync + 'static,
{
    /// Serves `server` with `store`.
    pub fn new(server: S, store: impl Store<C>) -> Self {
        Self::with_store(server, Arc::new(store))
    }

    /// Serves `server` with a shared store.
    pub fn with_store(server: S, store: Arc<dyn Store<C>>) -> Self {
        Self {
            server: Arc::new(server),
            store,
            attachments: None,
            responses: Arc::default(),
            tool_calls: false,
        }
    }

    /// Adds an attachment store, which enables `attachments.create` and
    /// `attachments.delete`.
    #[must_use]
    pub fn attachments(mut self, attachments: impl AttachmentStore<C>) -> Self {
        self.attachments = Some(Arc::new(attachments));
        self
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store<C>> {
        &self.store
    }

    /// The server.
    pub fn server(&self) -> &S {
        &self.server
    }

    /// How many streamed responses are running, their cancellation
    /// handling included.
    pub fn running_responses(&self) -> usize {
        self.responses.running()
    }

    /// Whether [`shutdown`](Self::shutdown) has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.responses.is_closed()
    }

    /// Stops streaming, for a graceful shutdown (every clone shares it).
    ///
    /// New streamed requests are refused at once (503, before anything is
    /// written); running responses get up to `grace` to finish. The rest
    /// are then cancelled as if their client had gone away
    /// ([`handle_stream_cancelled`](ChatKitServer::handle_stream_cancelled)
    /// stores the partial assistant messages and [`CANCELLED_MARKER`]), and
    /// their clients receive a `stream.error` event they may retry. Returns
    /// when every response task has ended.
    pub async fn shutdown(&self, grace: Duration) {
        self.responses.shutdown(grace).await;
    }
}

//! `ChatKit::process`: one request body in, a stream of events or a JSON
//! body out.
//!
//! Everything that can fail before the first event (parsing, unknown
//! threads, items that are not what the request needs) is checked first and
//! answered with an HTTP error; a stream, once started, always ends with its
//! events or an `error` event.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use base64::Engine as _;
use bytes::Bytes;
use futures::Stream;
use serde::Serialize;
use tokio::sync::mpsc;

use super::events::ToolCallDone;
use super::pipeline::{self, Output, Run, client_thread};
use super::{AudioInput, ChatKit, ChatKitServer, ServerError};
use crate::protocol::{
    AssistantMessageContent, AssistantMessageItem, Attachment, ChatKitRequest,
    ClientToolCallStatus, ItemBase, ItemsFeedbackParams, ItemsListParams, ListParams, Order, Page,
    StructuredInput, StructuredInputAnswer, StructuredInputItem, StructuredInputStatus,
    StructuredInputSubmission, SyncCustomActionResponse, Thread, ThreadItem, ThreadMetadata,
    ThreadStreamEvent, UserMessageInput, UserMessageItem, WidgetItem,
};
use crate::store::{DEFAULT_PAGE_SIZE, IdKind, ThreadLease};

/// The answer to a request.
#[derive(Debug)]
pub enum ProcessResult {
    /// Server-sent events (`text/event-stream`).
    Stream(EventStream),
    /// A JSON body (`application/json`).
    Json(Bytes),
}

/// The events of a streamed response, as SSE frames (`data: <json>\n\n`).
///
/// The response runs in its own task; dropping this stream (the client went
/// away) cancels it, and the partial answer is stored.
#[derive(Debug)]
pub struct EventStream {
    rx: mpsc::Receiver<Frame>,
}

/// What a response's pipeline hands to its writer.
#[derive(Debug)]
pub(crate) enum Frame {
    /// An event, as the SSE frame a ChatKit client receives.
    Event(Bytes),
    /// A finished tool call, for an adapter that asked for them
    /// ([`ChatKit::reporting_tool_calls`]); never written to a ChatKit client.
    /// Boxed, to keep the frames of every stream's channel small.
    ToolCall(Box<ToolCallDone>),
}

impl EventStream {
    /// The next frame, internal notices included.
    pub(crate) fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Frame>> {
        self.rx.poll_recv(cx)
    }
}

/// The SSE frames only: internal notices are left out.
impl Stream for EventStream {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(Frame::Event(frame))) => return Poll::Ready(Some(Ok(frame))),
                Poll::Ready(Some(Frame::ToolCall(_))) => {}
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// A message of the conversation before a thread's first one, which an
/// adapter of another protocol imports (see [`ChatKit::process_request`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HistoryMessage {
    /// Stored as a user message.
    User(String),
    /// Stored as an assistant message.
    Assistant(String),
}

/// How many SSE frames may wait for a slow client.
const FRAME_BUFFER: usize = 32;

/// How far back `threads.add_client_tool_output` looks for the pending call.
const PENDING_CALL_LOOKBACK: u32 = 20;

fn json(value: &impl Serialize) -> Result<ProcessResult, ServerError> {
    serde_json::to_vec(value)
        .map(|body| ProcessResult::Json(Bytes::from(body)))
        .map_err(ServerError::internal)
}

fn empty() -> ProcessResult {
    ProcessResult::Json(Bytes::from_static(b"{}"))
}

impl<S, C> ChatKit<S, C>
where
    S: ChatKitServer<C>,
    C: Send + Sync + 'static,
{
    /// Answers one request body for the request context `ctx`.
    ///
    /// # Errors
    /// A [`ServerError`] (HTTP status and JSON body) for requests that fail
    /// before any event is sent: bad bodies (400), unknown threads, items or
    /// attachments (404), missing features (501), an unreachable store (503).
    pub async fn process(&self, body: &[u8], ctx: C) -> Result<ProcessResult, ServerError> {
        let (request, _metadata) = ChatKitRequest::parse(body)?;
        self.process_request(request, ctx, Vec::new()).await
    }

    /// [`process`](Self::process) for a parsed request, as adapters of
    /// other protocols send it. `history` is for `threads.create` only
    /// (ignored otherwise): messages stored in order before the first user
    /// message, so that the model reads them as the conversation so far.
    pub(crate) async fn process_request(
        &self,
        request: ChatKitRequest,
        ctx: C,
        history: Vec<HistoryMessage>,
    ) -> Result<ProcessResult, ServerError> {
        let ctx = Arc::new(ctx);
        let store = &self.store;
        match request {
            ChatKitRequest::ThreadsCreate(params) => {
                let attachments = self.load_attachments(&params.input, &ctx).await?;
                let thread = ThreadMetadata::new(store.generate_thread_id(&ctx));
                let lease = self.lock(&thread.id, &ctx).await?;
                let mut items = self.history_items(&thread, history, &ctx);
                let message = self
                    .user_message(&thread, params.input, attachments, &ctx)
                    .await?;
                items.push(ThreadItem::UserMessage(message.clone()));
                if let Err(error) = store.create_thread(&thread, &items, &ctx).await {
                    // Never leave a thread without its first message.
                    let _ = store.delete_thread(&thread.id, &ctx).await;
                    return Err(error.into());
                }
                let prelude = vec![
                    ThreadStreamEvent::ThreadCreated {
                        thread: client_thread(&thread),
                    },
                    ThreadStreamEvent::ThreadItemDone {
                        item: ThreadItem::UserMessage(message.clone()),
                    },
                ];
                Ok(self.stream(thread, lease, prelude, Run::Respond(Some(message)), ctx))
            }
            ChatKitRequest::ThreadsAddUserMessage(params) => {
                let thread = store.load_thread(&params.thread_id, &ctx).await?;
                let lease = self.lock(&thread.id, &ctx).await?;
                let attachments = self.load_attachments(&params.input, &ctx).await?;
                let message = self
                    .add_user_message(&thread, params.input, attachments, &ctx)
                    .await?;
                let prelude = vec![ThreadStreamEvent::ThreadItemDone {
                    item: ThreadItem::UserMessage(message.clone()),
                }];
                Ok(self.stream(thread, lease, prelude, Run::Respond(Some(message)), ctx))
            }
            ChatKitRequest::ThreadsAddClientToolOutput(params) => {
                let thread = store.load_thread(&params.thread_id, &ctx).await?;
                let lease = self.lock(&thread.id, &ctx).await?;
                self.complete_client_tool_call(&thread, params.result, &ctx)
                    .await?;
                Ok(self.stream(thread, lease, Vec::new(), Run::Respond(None), ctx))
            }
            ChatKitRequest::ThreadsAddStructuredInput(params) => {
                let thread = store.load_thread(&params.thread_id, &ctx).await?;
                let lease = self.lock(&thread.id, &ctx).await?;
                let item = store.load_item(&thread.id, &params.item_id, &ctx).await?;
                let ThreadItem::StructuredInput(pending) = item else {
                    return Err(ServerError::bad_request(format!(
                        "item `{}` is not a structured input",
                        params.item_id
                    )));
                };
                if pending.status != StructuredInputStatus::Pending {
                    return Err(ServerError::bad_request(format!(
                        "structured input `{}` was already answered",
                        params.item_id
                    )));
                }
                let answered =
                    ThreadItem::StructuredInput(apply_submission(pending, &params.input));
                store.save_item(&thread.id, &answered, &ctx).await?;
                let replaced = ThreadStreamEvent::ThreadItemReplaced { item: answered };
                Ok(self.stream_after_options(thread, lease, replaced, Run::Respond(None), ctx))
            }
            ChatKitRequest::ThreadsRetryAfterItem(params) => {
                let thread = store.load_thread(&params.thread_id, &ctx).await?;
                let lease = self.lock(&thread.id, &ctx).await?;
                let message = self.truncate_after(&thread, &params.item_id, &ctx).await?;
                Ok(self.stream(thread, lease, Vec::new(), Run::Respond(Some(message)), ctx))
            }
            ChatKitRequest::ThreadsCustomAction(params) => {
                let thread = store.load_thread(&params.thread_id, &ctx).await?;
                let lease = self.lock(&thread.id, &ctx).await?;
                let sender = self
                    .widget_sender(&thread, params.item_id.as_deref(), &ctx)
                    .await?;
                let run = Run::Action {
                    action: params.action,
                    sender,
                };
                Ok(self.stream(thread, lease, Vec::new(), run, ctx))
            }
            ChatKitRequest::ThreadsSyncCustomAction(params) => {
                let thread = store.load_thread(&params.thread_id, &ctx).await?;
                let sender = self
                    .widget_sender(&thread, params.item_id.as_deref(), &ctx)
                    .await?;
                let updated = self
                    .server
                    .sync_action(&thread, &params.action, sender.as_ref(), &ctx)
                    .await?;
                if let Some(item) = &updated {
                    // The reference forgets to store this; a reload would undo the action.
                    store.save_item(&thread.id, item, &ctx).await?;
                }
                json(&SyncCustomActionResponse {
                    updated_item: updated.map(|item| item.for_client().into_owned()),
                })
            }
            ChatKitRequest::ThreadsGetById(params) => {
                let thread = store.load_thread(&params.thread_id, &ctx).await?;
                let items = store
                    .load_thread_items(&thread.id, None, DEFAULT_PAGE_SIZE, Order::Asc, &ctx)
                    .await?;
                json(&Thread {
                    items: client_items(items),
                    ..client_thread(&thread)
                })
            }
            ChatKitRequest::ThreadsList(ListParams {
                limit,
                order,
                after,
            }) => {
                let page = store
                    .load_threads(page_size(limit), after.as_deref(), order, &ctx)
                    .await?;
                json(&Page {
                    data: page.data.iter().map(client_thread).collect::<Vec<_>>(),
                    has_more: page.has_more,
                    after: page.after,
                })
            }
            ChatKitRequest::ThreadsUpdate(params) => {
                let mut thread = store.load_thread(&params.thread_id, &ctx).await?;
                thread.title = Some(params.title);
                store.save_thread(&thread, &ctx).await?;
                json(&client_thread(&thread))
            }
            ChatKitRequest::ThreadsDelete(params) => {
                store.load_thread(&params.thread_id, &ctx).await?;
                store.delete_thread(&params.thread_id, &ctx).await?;
                Ok(empty())
            }
            ChatKitRequest::ItemsList(ItemsListParams {
                thread_id,
                limit,
                order,
                after,
            }) => {
                let page = store
                    .load_thread_items(&thread_id, after.as_deref(), page_size(limit), order, &ctx)
                    .await?;
                json(&client_items(page))
            }
            ChatKitRequest::ItemsFeedback(ItemsFeedbackParams {
                thread_id,
                item_ids,
                kind,
            }) => {
                // Only the caller's own items can be rated.
                store.load_thread(&thread_id, &ctx).await?;
                for item_id in &item_ids {
                    store.load_item(&thread_id, item_id, &ctx).await?;
                }
                self.server
                    .add_feedback(&thread_id, &item_ids, kind, &ctx)
                    .await?;
                Ok(empty())
            }
            ChatKitRequest::AttachmentsCreate(params) => {
                let attachments = self.attachment_store()?;
                let attachment = attachments.create_attachment(&params, &ctx).await?;
                store.save_attachment(&attachment, &ctx).await?;
                json(&attachment.for_client())
            }
            ChatKitRequest::AttachmentsDelete(params) => {
                let attachments = self.attachment_store()?;
                store.load_attachment(&params.attachment_id, &ctx).await?;
                attachments
                    .delete_attachment(&params.attachment_id, &ctx)
                    .await?;
                store.delete_attachment(&params.attachment_id, &ctx).await?;
                Ok(empty())
            }
            ChatKitRequest::InputTranscribe(params) => {
                let data = base64::engine::general_purpose::STANDARD
                    .decode(params.audio_base64.as_bytes())
                    .map_err(|err| {
                        ServerError::bad_request(format!(
                            "`audio_base64` is not valid base64: {err}"
                        ))
                    })?;
                let audio = AudioInput {
                    data,
                    mime_type: params.mime_type,
                };
                json(&self.server.transcribe(audio, &ctx).await?)
            }
        }
    }

    pub(crate) fn attachment_store(
        &self,
    ) -> Result<&Arc<dyn crate::attachments::AttachmentStore<C>>, ServerError> {
        self.attachments
            .as_ref()
            .ok_or_else(|| ServerError::not_implemented("This server does not accept attachments."))
    }

    /// Takes the thread's lease, or answers 409 while another response runs.
    /// During a shutdown, answers 503 instead: no new response starts.
    async fn lock(&self, thread_id: &str, ctx: &C) -> Result<ThreadLease, ServerError> {
        if self.responses.is_closed() {
            return Err(ServerError::unavailable(
                "The server is shutting down; try again shortly.",
            ));
        }
        self.store
            .try_lock_thread(thread_id, ctx)
            .await?
            .ok_or_else(|| ServerError::thread_busy(thread_id))
    }

    fn stream(
        &self,
        thread: ThreadMetadata,
        lease: ThreadLease,
        prelude: Vec<ThreadStreamEvent>,
        run: Run,
        ctx: Arc<C>,
    ) -> ProcessResult {
        self.spawn(thread, lease, prelude, None, run, ctx)
    }

    /// A stream whose first event after `stream_options` is `first` (already stored).
    fn stream_after_options(
        &self,
        thread: ThreadMetadata,
        lease: ThreadLease,
        first: ThreadStreamEvent,
        run: Run,
        ctx: Arc<C>,
    ) -> ProcessResult {
        self.spawn(thread, lease, Vec::new(), Some(first), run, ctx)
    }

    fn spawn(
        &self,
        thread: ThreadMetadata,
        lease: ThreadLease,
        prelude: Vec<ThreadStreamEvent>,
        first: Option<ThreadStreamEvent>,
        run: Run,
        ctx: Arc<C>,
    ) -> ProcessResult {
        let (tx, rx) = mpsc::channel(FRAME_BUFFER);
        let running = self.responses.start();
        let output = Output::new(tx, self.tool_calls);
        let response = pipeline::drive(self.clone(), thread, prelude, run, ctx, output, first);
        // In the request's span, so that what `respond` logs is attributed to it.
        let response = async move {
            response.await;
            // Held until the response, and its cancellation handling, are over.
            drop(lease);
            drop(running);
        };
        tokio::spawn(tracing::Instrument::in_current_span(response));
        ProcessResult::Stream(EventStream { rx })
    }

    /// The attachments a message refers to, all of which must be the caller's.
    async fn load_attachments(
        &self,
        input: &UserMessageInput,
        ctx: &C,
    ) -> Result<Vec<Attachment>, ServerError> {
        let mut attachments = Vec::with_capacity(input.attachments.len());
        for id in &input.attachments {
            attachments.push(self.store.load_attachment(id, ctx).await?);
        }
        Ok(attachments)
    }

    /// The messages of a conversation imported with its first one, as items.
    fn history_items(
        &self,
        thread: &ThreadMetadata,
        history: Vec<HistoryMessage>,
        ctx: &C,
    ) -> Vec<ThreadItem> {
        history
            .into_iter()
            .map(|message| match message {
                HistoryMessage::User(text) => ThreadItem::UserMessage(self.user_item(
                    thread,
                    UserMessageInput::text(text),
                    Vec::new(),
                    ctx,
                )),
                HistoryMessage::Assistant(text) => {
                    ThreadItem::AssistantMessage(AssistantMessageItem {
                        base: self.new_message_base(thread, ctx),
                        content: vec![AssistantMessageContent::text(text)],
                    })
                }
            })
            .collect()
    }

    /// A new user message, with its attachments stamped with the thread (and stored).
    async fn user_message(
        &self,
        thread: &ThreadMetadata,
        input: UserMessageInput,
        mut attachments: Vec<Attachment>,
        ctx: &C,
    ) -> Result<UserMessageItem, ServerError> {
        for attachment in &mut attachments {
            attachment.base_mut().thread_id = Some(thread.id.clone());
            self.store.save_attachment(attachment, ctx).await?;
        }
        Ok(self.user_item(thread, input, attachments, ctx))
    }

    /// The item of a new user message.
    fn user_item(
        &self,
        thread: &ThreadMetadata,
        input: UserMessageInput,
        attachments: Vec<Attachment>,
        ctx: &C,
    ) -> UserMessageItem {
        UserMessageItem {
            base: self.new_message_base(thread, ctx),
            content: input.content,
            attachments,
            quoted_text: input.quoted_text,
            inference_options: input.inference_options,
        }
    }

    /// The base of a new message of `thread`, created now.
    fn new_message_base(&self, thread: &ThreadMetadata, ctx: &C) -> ItemBase {
        ItemBase::new(
            self.store.generate_item_id(IdKind::Message, thread, ctx),
            thread.id.clone(),
        )
    }

    /// Stores a new user message, with its attachments stamped with the thread.
    async fn add_user_message(
        &self,
        thread: &ThreadMetadata,
        input: UserMessageInput,
        attachments: Vec<Attachment>,
        ctx: &C,
    ) -> Result<UserMessageItem, ServerError> {
        let message = self.user_message(thread, input, attachments, ctx).await?;
        self.store
            .add_thread_item(&thread.id, &ThreadItem::UserMessage(message.clone()), ctx)
            .await?;
        Ok(message)
    }

    /// Completes the thread's pending client tool call with `result`, and
    /// drops any other pending one (only one runs per turn).
    async fn complete_client_tool_call(
        &self,
        thread: &ThreadMetadata,
        result: serde_json::Value,
        ctx: &C,
    ) -> Result<(), ServerError> {
        let recent = self
            .store
            .load_thread_items(&thread.id, None, PENDING_CALL_LOOKBACK, Order::Desc, ctx)
            .await?;
        // The newest pending call, looking past hidden items the turn may have added.
        let mut pending = recent.data.into_iter().filter_map(|item| match item {
            ThreadItem::ClientToolCall(call) if call.status == ClientToolCallStatus::Pending => {
                Some(call)
            }
            _ => None,
        });
        let Some(mut call) = pending.next() else {
            return Err(ServerError::bad_request(format!(
                "thread `{}` has no pending client tool call",
                thread.id
            )));
        };
        let stale: Vec<String> = pending.map(|call| call.base.id).collect();
        call.status = ClientToolCallStatus::Completed;
        call.output = Some(result);
        self.store
            .save_item(&thread.id, &ThreadItem::ClientToolCall(call), ctx)
            .await?;
        if !stale.is_empty() {
            self.store
                .delete_thread_items(&thread.id, &stale, ctx)
                .await?;
        }
        Ok(())
    }

    /// Deletes every item after the user message `item_id` and returns it.
    async fn truncate_after(
        &self,
        thread: &ThreadMetadata,
        item_id: &str,
        ctx: &C,
    ) -> Result<UserMessageItem, ServerError> {
        let mut newer = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self
                .store
                .load_thread_items(
                    &thread.id,
                    after.as_deref(),
                    DEFAULT_PAGE_SIZE,
                    Order::Desc,
                    ctx,
                )
                .await?;
            for item in page.data {
                if item.id() == item_id {
                    let ThreadItem::UserMessage(message) = item else {
                        return Err(ServerError::bad_request(format!(
                            "item `{item_id}` is not a user message"
                        )));
                    };
                    self.store
                        .delete_thread_items(&thread.id, &newer, ctx)
                        .await?;
                    return Ok(message);
                }
                newer.push(item.id().to_owned());
            }
            match page.after {
                Some(next) if page.has_more => after = Some(next),
                _ => {
                    return Err(ServerError::not_found(format!(
                        "item `{item_id}` not found"
                    )));
                }
            }
        }
    }

    /// The widget item an action came from, if the request names one.
    async fn widget_sender(
        &self,
        thread: &ThreadMetadata,
        item_id: Option<&str>,
        ctx: &C,
    ) -> Result<Option<WidgetItem>, ServerError> {
        let Some(item_id) = item_id else {
            return Ok(None);
        };
        match self.store.load_item(&thread.id, item_id, ctx).await? {
            ThreadItem::Widget(widget) => Ok(Some(widget)),
            _ => Err(ServerError::bad_request(format!(
                "item `{item_id}` is not a widget"
            ))),
        }
    }
}

fn page_size(limit: Option<u32>) -> u32 {
    match limit {
        None | Some(0) => DEFAULT_PAGE_SIZE,
        Some(limit) => limit,
    }
}

/// A page of items as the client may see it: hidden items left out (after
/// paging, so cursors stay the store's), server-side data removed.
fn client_items(page: Page<ThreadItem>) -> Page<ThreadItem> {
    Page {
        data: page
            .data
            .iter()
            .filter(|item| !item.is_hidden())
            .map(|item| item.for_client().into_owned())
            .collect(),
        has_more: page.has_more,
        after: page.after,
    }
}

/// Answers a structured input: every question gets an answer, skipped when
/// the submission has none; a single-choice question keeps one value.
fn apply_submission(
    mut item: StructuredInputItem,
    submission: &StructuredInputSubmission,
) -> StructuredInputItem {
    let skipped_all = submission.status == StructuredInputStatus::Skipped;
    for input in &mut item.inputs {
        let given = submission.answers.get(input.id());
        let answer = match given {
            Some(answer) if !skipped_all && !answer.skipped && !answer.values.is_empty() => {
                let mut values = answer.values.clone();
                if let StructuredInput::MultipleChoice {
                    multiple: false, ..
                } = input
                {
                    values.truncate(1);
                }
                StructuredInputAnswer {
                    values,
                    skipped: false,
                }
            }
            _ => StructuredInputAnswer {
                values: Vec::new(),
                skipped: true,
            },
        };
        match input {
            StructuredInput::MultipleChoice { answer: slot, .. }
            | StructuredInput::Freeform { answer: slot, .. } => {
                *slot = Some(answer);
            }
        }
    }
    item.status = submission.status;
    item
}

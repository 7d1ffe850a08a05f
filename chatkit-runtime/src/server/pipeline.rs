//! The life of a streamed response, in its own task: the events before the
//! response, `stream_options`, then whatever `respond` or `action` sends,
//! each stored before it is forwarded; thread changes, errors, panics and a
//! client that goes away along the way.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use bytes::Bytes;
use futures::FutureExt as _;
use serde_json::Map;
use tokio::sync::mpsc;

use super::events::{Delivery, Envelope, EventSender, Outgoing, ThreadHandle, ToolCallDone};
use super::process::Frame;
use super::shutdown::Phase;
use super::widget_state::apply_widget_update;
use super::{ChatKit, ChatKitServer, StreamError};
use crate::protocol::{
    Action, AssistantMessageContent, AssistantMessageItem, Page, Thread, ThreadItem,
    ThreadItemUpdate, ThreadMetadata, ThreadStreamEvent, UserMessageItem, WidgetItem,
};
use crate::store::StoreError;

/// How many events `respond` may run ahead of the pipeline.
const EVENT_BUFFER: usize = 64;

/// What runs after `stream_options`.
// Built once per response and moved straight into its future.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Run {
    /// `respond`, with the user message or `None` to continue a turn.
    Respond(Option<UserMessageItem>),
    /// `action`, with the widget item that sent it.
    Action {
        action: Action,
        sender: Option<WidgetItem>,
    },
}

/// The client's side of the stream: SSE frames, one per event (and the
/// internal notices an adapter asked for).
pub(crate) struct Output {
    tx: mpsc::Sender<Frame>,
    /// Whether finished tool calls are passed on as [`Frame::ToolCall`]
    /// (for an adapter of another protocol; ChatKit responses never ask).
    tool_calls: bool,
}

impl Output {
    pub(crate) fn new(tx: mpsc::Sender<Frame>, tool_calls: bool) -> Self {
        Self { tx, tool_calls }
    }

    /// Sends an event; `Err` when the client is gone.
    // Serialized before the future is made: a future waiting for a slow
    // client holds the frame, not the event (about a kilobyte).
    fn send(&self, event: &ThreadStreamEvent) -> impl Future<Output = Result<(), ()>> + use<'_> {
        self.send_frame(sse_frame(event))
    }

    async fn send_frame(&self, frame: Bytes) -> Result<(), ()> {
        self.tx.send(Frame::Event(frame)).await.map_err(|_| ())
    }

    /// Sends an event if the client has room for it now.
    fn try_send(&self, event: &ThreadStreamEvent) {
        let _ = self.tx.try_send(Frame::Event(sse_frame(event)));
    }

    /// Passes a finished tool call on to the adapter; `Err` when the client is gone.
    async fn tool_call(&self, call: Box<ToolCallDone>) -> Result<(), ()> {
        self.tx.send(Frame::ToolCall(call)).await.map_err(|_| ())
    }
}

/// `data: <json>\n\n`, with the event as the client may see it.
pub(crate) fn sse_frame(event: &ThreadStreamEvent) -> Bytes {
    let mut frame = Vec::with_capacity(256);
    frame.extend_from_slice(b"data: ");
    let written = match client_event(event) {
        Some(event) => serde_json::to_writer(&mut frame, &event),
        None => serde_json::to_writer(&mut frame, event),
    };
    if written.is_err() {
        // Our types always serialize; if one ever does not, the client still
        // gets a well-formed event rather than a broken frame.
        frame.truncate(6);
        frame.extend_from_slice(br#"{"type":"error","code":"stream.error","allow_retry":true}"#);
    }
    frame.extend_from_slice(b"\n\n");
    Bytes::from(frame)
}

/// The event without server-side data (thread and attachment metadata), if it has any.
fn client_event(event: &ThreadStreamEvent) -> Option<ThreadStreamEvent> {
    match event {
        ThreadStreamEvent::ThreadCreated { thread }
        | ThreadStreamEvent::ThreadUpdated { thread }
            if !thread.meta.metadata.is_empty() =>
        {
            let mut thread = thread.clone();
            thread.meta.metadata = Map::new();
            Some(match event {
                ThreadStreamEvent::ThreadCreated { .. } => {
                    ThreadStreamEvent::ThreadCreated { thread }
                }
                _ => ThreadStreamEvent::ThreadUpdated { thread },
            })
        }
        ThreadStreamEvent::ThreadItemDone { item }
        | ThreadStreamEvent::ThreadItemAdded { item }
        | ThreadStreamEvent::ThreadItemReplaced { item } => match item.for_client() {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(item) => Some(match event {
                ThreadStreamEvent::ThreadItemDone { .. } => {
                    ThreadStreamEvent::ThreadItemDone { item }
                }
                ThreadStreamEvent::ThreadItemAdded { .. } => {
                    ThreadStreamEvent::ThreadItemAdded { item }
                }
                _ => ThreadStreamEvent::ThreadItemReplaced { item },
            }),
        },
        _ => None,
    }
}

/// A thread as the client receives it: no server-side metadata, no items.
pub(crate) fn client_thread(thread: &ThreadMetadata) -> Thread {
    let mut meta = thread.clone();
    meta.metadata = Map::new();
    Thread {
        meta,
        items: Page::default(),
    }
}

/// The state of one response.
struct Response<'a, S, C> {
    kit: &'a ChatKit<S, C>,
    ctx: &'a C,
    thread: &'a ThreadHandle,
    thread_id: String,
    output: &'a Output,
    /// Items added but not done yet, in order, kept up to date for cancellation.
    pending: Vec<ThreadItem>,
    /// The thread version last stored and reported.
    synced_version: u64,
}

enum Failure {
    /// The client is gone.
    Disconnected,
    /// The server is shutting down and the grace period is over.
    Shutdown,
    /// Storing an event failed.
    Store(StoreError),
}

impl<S, C> Response<'_, S, C>
where
    S: ChatKitServer<C>,
    C: Send + Sync + 'static,
{
    /// Stores what the event asks to store, then forwards it, then reports
    /// a thread change made before it was sent.
    // The envelope stays boxed: this future holds a pointer, not the event.
    async fn handle(&mut self, envelope: Box<Envelope>) -> Result<(), Failure> {
        let Envelope {
            event,
            thread,
            delivery,
        } = &*envelope;
        let delivery = *delivery;
        let store = &self.kit.store;
        let mut forward = delivery != Delivery::StoreOnly;
        match event {
            _ if delivery == Delivery::ForwardOnly => {}
            ThreadStreamEvent::ThreadItemAdded { item } => {
                self.pending.retain(|pending| pending.id() != item.id());
                self.pending.push(item.clone());
            }
            ThreadStreamEvent::ThreadItemUpdated { item_id, update } => {
                if let Some(item) = self.pending.iter_mut().find(|item| item.id() == item_id) {
                    apply_update(item, update);
                } else {
                    // Rare, and its future is large: boxed.
                    Box::pin(self.update_stored_widget(item_id, update)).await?;
                }
            }
            ThreadStreamEvent::ThreadItemDone { item } => {
                store
                    .add_thread_item(&self.thread_id, item, self.ctx)
                    .await
                    .map_err(Failure::Store)?;
                self.pending.retain(|pending| pending.id() != item.id());
                forward = !item.is_hidden();
            }
            ThreadStreamEvent::ThreadItemRemoved { item_id } => {
                store
                    .delete_thread_item(&self.thread_id, item_id, self.ctx)
                    .await
                    .map_err(Failure::Store)?;
                self.pending.retain(|pending| pending.id() != item_id);
            }
            ThreadStreamEvent::ThreadItemReplaced { item } => {
                store
                    .save_item(&self.thread_id, item, self.ctx)
                    .await
                    .map_err(Failure::Store)?;
                self.pending.retain(|pending| pending.id() != item.id());
            }
            _ => {}
        }
        if forward {
            self.output
                .send(event)
                .await
                .map_err(|()| Failure::Disconnected)?;
        }
        match thread {
            Some((version, thread)) if *version > self.synced_version => {
                self.report_thread(*version, thread).await
            }
            _ => Ok(()),
        }
    }

    /// Applies a widget update to a finished (stored) widget item, so that
    /// the store keeps what the client shows.
    async fn update_stored_widget(
        &self,
        item_id: &str,
        update: &ThreadItemUpdate,
    ) -> Result<(), Failure> {
        if !matches!(
            update,
            ThreadItemUpdate::WidgetRootUpdated { .. }
                | ThreadItemUpdate::WidgetComponentUpdated { .. }
                | ThreadItemUpdate::WidgetStreamingTextValueDelta { .. }
        ) {
            return Ok(());
        }
        let store = &self.kit.store;
        let item = match store.load_item(&self.thread_id, item_id, self.ctx).await {
            Ok(item) => item,
            Err(error) if error.is_not_found() => {
                tracing::debug!(item_id, "a widget update names no stored item");
                return Ok(());
            }
            Err(error) => return Err(Failure::Store(error)),
        };
        let ThreadItem::Widget(mut item) = item else {
            tracing::debug!(item_id, "a widget update names an item that is no widget");
            return Ok(());
        };
        let Some(widget) = apply_widget_update(&item.widget, update) else {
            tracing::warn!(
                item_id,
                "a widget update does not apply to the stored widget; not stored"
            );
            return Ok(());
        };
        item.widget = widget;
        store
            .save_item(&self.thread_id, &ThreadItem::Widget(item), self.ctx)
            .await
            .map_err(Failure::Store)
    }

    /// Stores and reports the thread as it is now, if it changed since last reported.
    async fn sync_thread(&mut self) -> Result<(), Failure> {
        let version = self.thread.version();
        if version > self.synced_version {
            let thread = self.thread.get();
            self.report_thread(version, &thread).await?;
        }
        Ok(())
    }

    async fn report_thread(
        &mut self,
        version: u64,
        thread: &ThreadMetadata,
    ) -> Result<(), Failure> {
        self.synced_version = version;
        self.kit
            .store
            .save_thread(thread, self.ctx)
            .await
            .map_err(Failure::Store)?;
        let frame = sse_frame(&ThreadStreamEvent::ThreadUpdated {
            thread: client_thread(thread),
        });
        self.output
            .send_frame(frame)
            .await
            .map_err(|()| Failure::Disconnected)
    }

    /// Sends an `error` event; the stream ends after it.
    async fn fail(&mut self, error: &StreamError) {
        match error.source() {
            Some(source) => tracing::warn!(error = %error, source = %source, "response failed"),
            None => tracing::info!(error = %error, "response ended with an error event"),
        }
        // A client that is gone needs no error.
        let _ = self.output.send(&error.to_event()).await;
        let _ = self.sync_thread().await;
    }
}

/// Keeps a pending item's copy in step with its streamed updates.
fn apply_update(item: &mut ThreadItem, update: &ThreadItemUpdate) {
    match item {
        ThreadItem::AssistantMessage(message) => apply_message_update(message, update),
        ThreadItem::Widget(item) => {
            if let Some(widget) = apply_widget_update(&item.widget, update) {
                item.widget = widget;
            }
        }
        ThreadItem::Workflow(workflow) => match update {
            ThreadItemUpdate::WorkflowTaskAdded { task, .. } => {
                workflow.workflow.tasks.push(task.clone())
            }
            ThreadItemUpdate::WorkflowTaskUpdated { task_index, task } => {
                if let Some(slot) = workflow.workflow.tasks.get_mut(*task_index as usize) {
                    *slot = task.clone();
                }
            }
            _ => {}
        },
        _ => {}
    }
}

fn apply_message_update(message: &mut AssistantMessageItem, update: &ThreadItemUpdate) {
    /// The part at `index`, padding with empty parts up to it.
    fn part(
        content: &mut Vec<AssistantMessageContent>,
        index: u32,
    ) -> &mut AssistantMessageContent {
        let index = index as usize;
        if content.len() <= index {
            content.resize_with(index + 1, Default::default);
        }
        &mut content[index]
    }
    let content = &mut message.content;
    match update {
        ThreadItemUpdate::ContentPartAdded {
            content_index,
            content: new,
        }
        | ThreadItemUpdate::ContentPartDone {
            content_index,
            content: new,
        } => *part(content, *content_index) = new.clone(),
        ThreadItemUpdate::ContentPartTextDelta {
            content_index,
            delta,
        } => part(content, *content_index).text.push_str(delta),
        ThreadItemUpdate::ContentPartAnnotationAdded {
            content_index,
            annotation_index,
            annotation,
        } => {
            let annotations = &mut part(content, *content_index).annotations;
            let at = (*annotation_index as usize).min(annotations.len());
            annotations.insert(at, annotation.clone());
        }
        _ => {}
    }
}

/// Completes when a shutdown cancels running responses.
async fn cancelling(phase: &mut tokio::sync::watch::Receiver<Phase>) {
    if phase
        .wait_for(|phase| *phase == Phase::Cancelling)
        .await
        .is_err()
    {
        // The `ChatKit` is gone: no shutdown will come.
        std::future::pending::<()>().await;
    }
}

/// Runs a streamed response to its end, or until the client goes away.
///
/// Everything large (the events before the response, the request, the
/// user's `respond` future) is serialized or boxed here, before the
/// response's future is made: that future lives as long as the stream, and
/// its size is what every open stream holds.
pub(crate) fn drive<S, C>(
    kit: ChatKit<S, C>,
    thread: ThreadMetadata,
    prelude: Vec<ThreadStreamEvent>,
    run: Run,
    ctx: Arc<C>,
    output: Output,
    first: Option<ThreadStreamEvent>,
) -> impl Future<Output = ()> + Send
where
    S: ChatKitServer<C>,
    C: Send + Sync + 'static,
{
    let options = kit.server.stream_options(&thread, &ctx);
    let mut opening: Vec<Bytes> = prelude.iter().map(sse_frame).collect();
    opening.push(sse_frame(&ThreadStreamEvent::StreamOptions {
        stream_options: options,
    }));
    // Stored by the caller (the answered structured input).
    opening.extend(first.as_ref().map(sse_frame));

    let handle = ThreadHandle::new(thread.clone());
    let (tx, rx) = mpsc::channel(EVENT_BUFFER);
    let ids = {
        let store = Arc::clone(&kit.store);
        let ctx = Arc::clone(&ctx);
        let thread = thread.clone();
        Arc::new(move |kind| store.generate_item_id(kind, &thread, &ctx))
    };
    let sender = EventSender::new(tx, handle.clone(), ids, output.tool_calls);
    let server = Arc::clone(&kit.server);
    let run_ctx = Arc::clone(&ctx);
    let run_handle = handle.clone();
    // The sender moves into the future, so the event channel closes when it ends.
    let work = async move {
        let sender = sender;
        match run {
            Run::Respond(input) => {
                server
                    .respond(&run_handle, input.as_ref(), &sender, &run_ctx)
                    .await
            }
            Run::Action {
                action,
                sender: item,
            } => {
                server
                    .action(&run_handle, &action, item.as_ref(), &sender, &run_ctx)
                    .await
            }
        }
    };
    // Boxed, so that dropping it on disconnect really ends the response.
    let work: Work = Box::pin(AssertUnwindSafe(work).catch_unwind());
    run_pipeline(kit, handle, thread.id, opening, work, rx, ctx, output)
}

/// What `respond` or `action` returns, or its panic.
type Work =
    std::pin::Pin<Box<dyn Future<Output = std::thread::Result<Result<(), StreamError>>> + Send>>;

#[allow(clippy::too_many_arguments)]
async fn run_pipeline<S, C>(
    kit: ChatKit<S, C>,
    handle: ThreadHandle,
    thread_id: String,
    opening: Vec<Bytes>,
    mut work: Work,
    mut rx: mpsc::Receiver<Outgoing>,
    ctx: Arc<C>,
    output: Output,
) where
    S: ChatKitServer<C>,
    C: Send + Sync + 'static,
{
    for frame in opening {
        if output.send_frame(frame).await.is_err() {
            return;
        }
    }
    let mut response = Response {
        kit: &kit,
        ctx: &ctx,
        thread: &handle,
        thread_id,
        output: &output,
        pending: Vec::new(),
        synced_version: 0,
    };
    let mut outcome = None;
    let mut shutdown = kit.responses.phase();
    // Made once, not on every event.
    let mut closed = std::pin::pin!(output.tx.closed());
    let mut cancelled = std::pin::pin!(cancelling(&mut shutdown));
    let failure = loop {
        tokio::select! {
            biased;
            () = &mut closed => break Some(Failure::Disconnected),
            () = &mut cancelled => break Some(Failure::Shutdown),
            message = rx.recv() => match message {
                Some(Outgoing::Event(envelope)) => {
                    if let Err(failure) = response.handle(envelope).await {
                        break Some(failure);
                    }
                }
                Some(Outgoing::ToolCall(call)) => {
                    if output.tool_call(call).await.is_err() {
                        break Some(Failure::Disconnected);
                    }
                }
                None => break None,
            },
            result = &mut work, if outcome.is_none() => outcome = Some(result),
        }
    };
    // The ends below are boxed: they run once, and unboxed their futures
    // would make every stream's future larger for its whole life.
    match failure {
        None => match outcome {
            Some(Ok(Ok(()))) | None => {
                let _ = Box::pin(response.sync_thread()).await;
            }
            Some(Ok(Err(error))) => Box::pin(response.fail(&error)).await,
            Some(Err(_panic)) => Box::pin(response.fail(&StreamError::failed(true))).await,
        },
        Some(Failure::Store(error)) => {
            Box::pin(response.fail(&StreamError::from(error))).await;
        }
        Some(failure @ (Failure::Disconnected | Failure::Shutdown)) => {
            // Stop the response first: dropping it cancels model calls and tools.
            drop(work);
            let pending = std::mem::take(&mut response.pending);
            let synced = response.synced_version;
            Box::pin(cancelled_response(
                &kit, &handle, pending, synced, &ctx, &output, failure,
            ))
            .await;
        }
    }
}

/// Stores what a response cancelled by its client or a shutdown had sent.
async fn cancelled_response<S, C>(
    kit: &ChatKit<S, C>,
    handle: &ThreadHandle,
    pending: Vec<ThreadItem>,
    synced_version: u64,
    ctx: &C,
    output: &Output,
    failure: Failure,
) where
    S: ChatKitServer<C>,
    C: Send + Sync + 'static,
{
    let thread = handle.get();
    let _ = kit
        .server
        .handle_stream_cancelled(&thread, pending, kit.store.as_ref(), ctx)
        .await;
    if handle.version() > synced_version {
        let _ = kit.store.save_thread(&handle.get(), ctx).await;
    }
    if let Failure::Shutdown = failure {
        tracing::info!("response cancelled by the server's shutdown");
        // The client may retry on another replica; never wait for a slow one.
        output.try_send(&StreamError::failed(true).to_event());
    } else {
        tracing::debug!("response cancelled: the client went away");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::protocol::{ThreadMetadata, ThreadStreamEvent};
    use crate::server::{ChatKitServer, EventSender, ThreadHandle};

    /// Every open stream holds its response's future for as long as it is
    /// open: these budgets keep what the load test measured (about 55 KB of
    /// memory per open stream, most of it the connections' buffers).
    #[test]
    fn the_futures_of_an_open_stream_stay_small() {
        let store: Arc<dyn crate::store::Store<String>> =
            Arc::new(crate::store::MemoryStore::new());
        let model = Arc::new(crate::model::ScriptedModel::new());
        let agent = crate::agent::Agent::with_model("a", model);
        let server = crate::agent::AgentServer::new(agent.clone(), Arc::clone(&store));
        let kit = super::ChatKit::with_store(server, Arc::clone(&store));
        let thread = ThreadMetadata::new("thr_1");
        let user = "u".to_owned();

        let (tx, _rx) = tokio::sync::mpsc::channel(1);
        let output = super::Output::new(tx, false);
        let run = super::Run::Respond(None);
        let drive = super::drive(
            kit.clone(),
            thread.clone(),
            Vec::new(),
            run,
            Arc::new(user.clone()),
            output,
            None,
        );
        let size = std::mem::size_of_val(&drive);
        assert!(size <= 2048, "the pipeline's future is {size} bytes");

        let handle = ThreadHandle::new(thread);
        let (tx, _rx) = tokio::sync::mpsc::channel(1);
        let sender = EventSender::new(tx, handle.clone(), Arc::new(|_| String::new()), false);
        let respond = kit.server.respond(&handle, None, &sender, &user);
        let size = std::mem::size_of_val(&*respond);
        assert!(size <= 4096, "an agent's response future is {size} bytes");

        // Awaited for every event: it holds the event boxed, not inline.
        let event = ThreadStreamEvent::ProgressUpdate {
            icon: None,
            text: String::new(),
        };
        assert!(std::mem::size_of::<ThreadStreamEvent>() > 512);
        let send = sender.send(event);
        let size = std::mem::size_of_val(&send);
        assert!(size <= 256, "sending an event is a {size}-byte future");
    }
}

//! What `respond` works with: a sender for events and a handle on the thread.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use widget_dsl::{IconName, WidgetRoot};

use crate::protocol::{
    AssistantMessageContent, AssistantMessageItem, ItemBase, ThreadItem, ThreadItemUpdate,
    ThreadMetadata, ThreadStreamEvent, WidgetItem,
};
use crate::store::IdKind;
use crate::sync::lock;
use crate::tool::{ErrorVisibility, ToolOutput};

/// The client went away: the response was cancelled. `respond` should stop;
/// `?` turns this into a [`StreamError`](super::StreamError) that is never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the client cancelled the response")
    }
}

impl std::error::Error for Cancelled {}

type IdGenerator = Arc<dyn Fn(IdKind) -> String + Send + Sync>;

/// Sends the events of a response to the client, in order.
///
/// Events go through the server's pipeline, which stores `thread.item.done`,
/// `removed` and `replaced` items before forwarding them, keeps hidden items
/// from the client, and reports thread changes.
#[derive(Clone)]
pub struct EventSender {
    tx: mpsc::Sender<Outgoing>,
    thread: ThreadHandle,
    /// The thread version last attached to an event.
    sent_version: Arc<AtomicU64>,
    thread_id: Arc<str>,
    ids: IdGenerator,
    /// Whether [`tool_call_done`](Self::tool_call_done) reports anything:
    /// only for the adapters of other protocols that ask for it.
    tool_calls: bool,
}

/// What goes down a response's event channel to its pipeline.
///
/// Boxed: a channel allocates its slots in blocks of 32, and an event is
/// about a kilobyte (widgets are large), so that unboxed every open stream
/// would hold ~38 KB of slots; and the futures that wait to send one hold a
/// pointer, not the event.
pub(crate) enum Outgoing {
    /// An event of the response.
    Event(Box<Envelope>),
    /// An internal notice for an adapter (see [`EventSender::tool_call_done`]):
    /// never stored, never serialized, never sent to a ChatKit client.
    ToolCall(Box<ToolCallDone>),
}

/// A tool call that finished, as the model sees it: for adapters of other
/// protocols (the simple chat endpoint), never for ChatKit clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ToolCallDone {
    /// The tool's name.
    pub(crate) name: String,
    /// The tool's output as the model receives it (errors redacted as for the model).
    pub(crate) output: String,
}

/// An event, with the thread if it changed since the previous event: the
/// change is reported right after this event, as `respond` ordered them.
pub(crate) struct Envelope {
    pub(crate) event: ThreadStreamEvent,
    pub(crate) thread: Option<(u64, ThreadMetadata)>,
    pub(crate) delivery: Delivery,
}

/// What the pipeline does with an event besides its usual work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Store what it stores, forward it.
    Normal,
    /// Forward it only: a later [`StoreOnly`](Self::StoreOnly) event stores
    /// its result.
    ForwardOnly,
    /// Store it only: the client already has it, from earlier events.
    StoreOnly,
}

impl std::fmt::Debug for EventSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSender")
            .field("thread_id", &self.thread_id)
            .finish_non_exhaustive()
    }
}

impl EventSender {
    /// A sender into `tx`; `tool_calls` turns on [`tool_call_done`](Self::tool_call_done).
    pub(crate) fn new(
        tx: mpsc::Sender<Outgoing>,
        thread: ThreadHandle,
        ids: IdGenerator,
        tool_calls: bool,
    ) -> Self {
        let thread_id = thread.id();
        Self {
            tx,
            thread,
            sent_version: Arc::new(AtomicU64::new(0)),
            thread_id: thread_id.into(),
            ids,
            tool_calls,
        }
    }

    /// Sends an event. Waits while the client is slower than the response.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub fn send(
        &self,
        event: ThreadStreamEvent,
    ) -> impl Future<Output = Result<(), Cancelled>> + Send + '_ {
        self.deliver(event, Delivery::Normal)
    }

    // Not an `async fn`: the event is boxed before the future is made, so
    // that a future waiting to send (and every future awaiting one) holds a
    // pointer rather than the event.
    fn deliver(
        &self,
        event: ThreadStreamEvent,
        delivery: Delivery,
    ) -> impl Future<Output = Result<(), Cancelled>> + Send + '_ {
        let version = self.thread.version();
        let thread = (self.sent_version.fetch_max(version, Ordering::AcqRel) < version)
            .then(|| (version, self.thread.get()));
        let message = Outgoing::Event(Box::new(Envelope {
            event,
            thread,
            delivery,
        }));
        self.forward(message)
    }

    async fn forward(&self, message: Outgoing) -> Result<(), Cancelled> {
        self.tx.send(message).await.map_err(|_| Cancelled)
    }

    /// Reports a finished tool call (its name, and its output as the model
    /// sees it) to the adapter that started the response, in order with the
    /// events: the simple chat endpoint turns it into a `tool_call` chunk.
    /// Nothing is stored or sent to ChatKit clients; for their responses
    /// this does nothing.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub(crate) async fn tool_call_done(
        &self,
        name: &str,
        output: &ToolOutput,
        visibility: ErrorVisibility,
    ) -> Result<(), Cancelled> {
        if !self.tool_calls {
            return Ok(());
        }
        let call = ToolCallDone {
            name: name.to_owned(),
            output: output.to_model_text(visibility),
        };
        self.forward(Outgoing::ToolCall(Box::new(call))).await
    }

    /// Changes a widget the client already shows (the `sender` of an
    /// action, say) into `widget`: the client gets the smallest updates
    /// ([`diff_widget`](widget_dsl::diff_widget)), and the store the new
    /// widget, so that a reload shows what the user saw. The item's copy
    /// text is kept; see [`update_widget_with_copy_text`](Self::update_widget_with_copy_text).
    ///
    /// Returns the item as it now is (unchanged when `widget` is the same).
    ///
    /// ```no_run
    /// # use chatkit_runtime::{protocol::*, server::*, widgets::*};
    /// # async fn f(events: &EventSender, sender: &WidgetItem) -> Result<(), StreamError> {
    /// let done: Card = widget! { Card { Text { value: "Paid, thank you" } } };
    /// events.update_widget(sender, done).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub async fn update_widget(
        &self,
        sender: &WidgetItem,
        widget: impl Into<WidgetRoot>,
    ) -> Result<WidgetItem, Cancelled> {
        self.update_widget_with_copy_text(sender, widget, sender.copy_text.clone())
            .await
    }

    /// [`update_widget`](Self::update_widget), with the text the widget
    /// stands for in the model's history (and the client's copy button)
    /// replaced by `copy_text`.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub async fn update_widget_with_copy_text(
        &self,
        sender: &WidgetItem,
        widget: impl Into<WidgetRoot>,
        copy_text: Option<String>,
    ) -> Result<WidgetItem, Cancelled> {
        let widget = widget.into();
        let updates = widget_dsl::diff_widget(&sender.widget, &widget);
        if updates.is_empty() && copy_text == sender.copy_text {
            return Ok(sender.clone());
        }
        for update in updates {
            let event = ThreadStreamEvent::ThreadItemUpdated {
                item_id: sender.base.id.clone(),
                update: update.into(),
            };
            self.deliver(event, Delivery::ForwardOnly).await?;
        }
        let item = WidgetItem {
            base: sender.base.clone(),
            widget,
            copy_text,
        };
        let event = ThreadStreamEvent::ThreadItemReplaced {
            item: ThreadItem::Widget(item.clone()),
        };
        self.deliver(event, Delivery::StoreOnly).await?;
        Ok(item)
    }

    /// Whether the client is gone.
    pub fn is_cancelled(&self) -> bool {
        self.tx.is_closed()
    }

    /// The id of the thread being answered.
    pub fn thread_id(&self) -> &str {
        &self.thread_id
    }

    /// A new item id of `kind`, from the store's generator.
    pub fn new_item_id(&self, kind: IdKind) -> String {
        (self.ids)(kind)
    }

    /// The base of a new item of this thread, created now.
    pub fn new_item_base(&self, kind: IdKind) -> ItemBase {
        ItemBase::new(self.new_item_id(kind), self.thread_id.as_ref())
    }

    /// Sends a complete item (`thread.item.done`), which the server stores first.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub fn item_done(
        &self,
        item: ThreadItem,
    ) -> impl Future<Output = Result<(), Cancelled>> + Send + '_ {
        self.send(ThreadStreamEvent::ThreadItemDone { item })
    }

    /// Sends a complete assistant message with `text`.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub fn assistant_message(
        &self,
        text: impl Into<String>,
    ) -> impl Future<Output = Result<(), Cancelled>> + Send + '_ {
        let item = ThreadItem::AssistantMessage(AssistantMessageItem {
            base: self.new_item_base(IdKind::Message),
            content: vec![AssistantMessageContent::text(text)],
        });
        self.item_done(item)
    }

    /// Sends a widget as a complete item.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub fn widget(
        &self,
        widget: impl Into<WidgetRoot>,
        copy_text: Option<String>,
    ) -> impl Future<Output = Result<(), Cancelled>> + Send + '_ {
        let item = ThreadItem::Widget(WidgetItem {
            base: self.new_item_base(IdKind::Message),
            widget: widget.into(),
            copy_text,
        });
        self.item_done(item)
    }

    /// Sends a transient progress line.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub fn progress(
        &self,
        text: impl Into<String>,
        icon: Option<IconName>,
    ) -> impl Future<Output = Result<(), Cancelled>> + Send + '_ {
        self.send(ThreadStreamEvent::ProgressUpdate {
            icon,
            text: text.into(),
        })
    }

    /// Streams an assistant message: `thread.item.added`, a content part,
    /// one `text_delta` per chunk, then the part and the item done.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub async fn stream_text<I, T>(&self, chunks: I) -> Result<(), Cancelled>
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let base = self.new_item_base(IdKind::Message);
        let item_id = base.id.clone();
        let mut message = AssistantMessageItem {
            base,
            content: Vec::new(),
        };
        self.send(ThreadStreamEvent::ThreadItemAdded {
            item: ThreadItem::AssistantMessage(message.clone()),
        })
        .await?;
        let updated = |update| ThreadStreamEvent::ThreadItemUpdated {
            item_id: item_id.clone(),
            update,
        };
        self.send(updated(ThreadItemUpdate::ContentPartAdded {
            content_index: 0,
            content: AssistantMessageContent::default(),
        }))
        .await?;
        let mut text = String::new();
        for chunk in chunks {
            let delta = chunk.into();
            text.push_str(&delta);
            self.send(updated(ThreadItemUpdate::ContentPartTextDelta {
                content_index: 0,
                delta,
            }))
            .await?;
        }
        let content = AssistantMessageContent::text(text);
        self.send(updated(ThreadItemUpdate::ContentPartDone {
            content_index: 0,
            content: content.clone(),
        }))
        .await?;
        message.content = vec![content];
        self.item_done(ThreadItem::AssistantMessage(message)).await
    }
}

/// The thread being answered. Changes made through [`update`](Self::update)
/// are stored and sent to the client as `thread.updated` after the next event.
#[derive(Debug, Clone)]
pub struct ThreadHandle {
    inner: Arc<HandleInner>,
}

#[derive(Debug)]
struct HandleInner {
    thread: Mutex<ThreadMetadata>,
    /// Bumped on every change.
    version: AtomicU64,
}

impl ThreadHandle {
    pub(crate) fn new(thread: ThreadMetadata) -> Self {
        Self {
            inner: Arc::new(HandleInner {
                thread: Mutex::new(thread),
                version: AtomicU64::new(0),
            }),
        }
    }

    /// A copy of the thread as it is now.
    pub fn get(&self) -> ThreadMetadata {
        lock(&self.inner.thread).clone()
    }

    /// The thread id.
    pub fn id(&self) -> String {
        lock(&self.inner.thread).id.clone()
    }

    /// Changes the thread: its title, status, allowed image domains or
    /// server-side metadata.
    pub fn update<R>(&self, change: impl FnOnce(&mut ThreadMetadata) -> R) -> R {
        let mut thread = lock(&self.inner.thread);
        let before = thread.clone();
        let result = change(&mut thread);
        if *thread != before {
            self.inner.version.fetch_add(1, Ordering::AcqRel);
        }
        result
    }

    /// How many changes were made.
    pub(crate) fn version(&self) -> u64 {
        self.inner.version.load(Ordering::Acquire)
    }
}

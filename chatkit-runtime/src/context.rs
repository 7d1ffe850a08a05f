//! The context a tool runs in.

use std::sync::{Arc, Mutex};

use futures::{Stream, StreamExt as _};
use serde_json::Value;
use widget_dsl::{IntoWidgetRoot, diff_widget};

use crate::protocol::{
    Task, ThreadItem, ThreadItemUpdate, ThreadStreamEvent, WidgetItem, Workflow, WorkflowItem,
    WorkflowKind, WorkflowSummary,
};
use crate::server::{Cancelled, EventSender, ThreadHandle};
use crate::store::{IdKind, Store};
use crate::sync::lock;

/// What a tool can reach while it runs: the app's per-request context (the
/// `C` chosen by the app, such as the signed-in user), and, during a ChatKit
/// response, the thread, the store and the client.
///
/// A `#[function_tool]` receives it by declaring a `&AgentContext<C>`
/// parameter anywhere in its list; that parameter is not part of the schema
/// the model sees.
pub struct AgentContext<C = ()> {
    context: C,
    response: Option<Response<C>>,
    client_tool_call: Mutex<Option<ClientToolCall>>,
    extensions: axum::http::Extensions,
    /// Outside a ChatKit response, widgets the tool shows are kept here (for
    /// an MCP result) instead of being dropped.
    captured: Option<Mutex<Vec<CapturedWidget>>>,
}

/// A widget a tool showed while no ChatKit client was listening.
#[derive(Debug, Clone, PartialEq)]
pub struct CapturedWidget {
    /// The widget, in its last state.
    pub widget: widget_dsl::WidgetRoot,
    /// Its copy text.
    pub copy_text: Option<String>,
}

struct Response<C> {
    events: EventSender,
    thread: ThreadHandle,
    store: Arc<dyn Store<C>>,
}

/// A tool the client runs (`onClientTool` in ChatKit JS): setting one ends
/// the turn with a pending `client_tool_call` item; the client's result
/// resumes the run.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientToolCall {
    /// The client tool's name.
    pub name: String,
    /// Its arguments.
    pub arguments: serde_json::Map<String, Value>,
}

impl<C> std::fmt::Debug for AgentContext<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentContext")
            .field("in_response", &self.response.is_some())
            .finish_non_exhaustive()
    }
}

impl<C> AgentContext<C> {
    /// A context wrapping the app's per-request `context`, outside any
    /// ChatKit response (for calling tools directly, or in tests).
    pub fn new(context: C) -> Self {
        Self {
            context,
            response: None,
            client_tool_call: Mutex::new(None),
            extensions: axum::http::Extensions::new(),
            captured: None,
        }
    }

    /// A context outside any ChatKit response that keeps the widgets the
    /// tool shows, for [`take_captured_widgets`](Self::take_captured_widgets)
    /// (an MCP server returns them in the tool's result).
    pub fn capturing_widgets(context: C) -> Self {
        Self {
            captured: Some(Mutex::new(Vec::new())),
            ..Self::new(context)
        }
    }

    /// The widgets shown so far in a [`capturing_widgets`](Self::capturing_widgets)
    /// context, in order; empty otherwise.
    pub fn take_captured_widgets(&self) -> Vec<CapturedWidget> {
        self.captured
            .as_ref()
            .map_or_else(Vec::new, |captured| std::mem::take(&mut *lock(captured)))
    }

    fn capture(&self, widget: widget_dsl::WidgetRoot, copy_text: Option<String>) {
        if let Some(captured) = &self.captured {
            lock(captured).push(CapturedWidget { widget, copy_text });
        }
    }

    /// A context for a ChatKit response: tools can stream to the client.
    pub fn for_response(
        context: C,
        thread: ThreadHandle,
        events: EventSender,
        store: Arc<dyn Store<C>>,
    ) -> Self {
        Self {
            context,
            response: Some(Response {
                events,
                thread,
                store,
            }),
            client_tool_call: Mutex::new(None),
            extensions: axum::http::Extensions::new(),
            captured: None,
        }
    }

    /// Adds app state tools can read with [`extension`](Self::extension),
    /// such as a database pool; one value per type.
    #[must_use]
    pub fn with_extension<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.extensions.insert(value);
        self
    }

    /// Replaces all app state with `extensions`.
    #[must_use]
    pub fn with_extensions(mut self, extensions: axum::http::Extensions) -> Self {
        self.extensions = extensions;
        self
    }

    /// App state of type `T`, if the app added one.
    ///
    /// ```
    /// use chatkit_runtime::AgentContext;
    ///
    /// #[derive(Clone)]
    /// struct Db(&'static str);
    ///
    /// let ctx = AgentContext::new(()).with_extension(Db("tasks.db"));
    /// assert_eq!(ctx.extension::<Db>().map(|db| db.0), Some("tasks.db"));
    /// ```
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.extensions.get::<T>()
    }

    /// The app's per-request context.
    pub fn context(&self) -> &C {
        &self.context
    }

    /// The thread being answered, during a ChatKit response.
    pub fn thread(&self) -> Option<&ThreadHandle> {
        self.response.as_ref().map(|r| &r.thread)
    }

    /// The store, during a ChatKit response.
    pub fn store(&self) -> Option<&Arc<dyn Store<C>>> {
        self.response.as_ref().map(|r| &r.store)
    }

    /// The event sender, during a ChatKit response.
    pub fn events(&self) -> Option<&EventSender> {
        self.response.as_ref().map(|r| &r.events)
    }

    /// Sends an event to the client (a progress update, a notice, a client
    /// effect, ...). Outside a response there is no client, and nothing is sent.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub fn stream(
        &self,
        event: ThreadStreamEvent,
    ) -> impl Future<Output = Result<(), Cancelled>> + Send + '_ {
        // Handed to the sender now: the future waiting to send holds a
        // pointer, not the event.
        let sending = self.events().map(|events| events.send(event));
        async move {
            match sending {
                Some(sending) => sending.await,
                None => Ok(()),
            }
        }
    }

    /// Shows a finished widget in the thread. Outside a response it is
    /// dropped, or kept by a [`capturing_widgets`](Self::capturing_widgets)
    /// context.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub async fn stream_widget(
        &self,
        widget: impl IntoWidgetRoot,
        copy_text: Option<String>,
    ) -> Result<(), Cancelled> {
        match self.events() {
            Some(events) => events.widget(widget.into_widget_root(), copy_text).await,
            None => {
                self.capture(widget.into_widget_root(), copy_text);
                Ok(())
            }
        }
    }

    /// Shows a widget whose state changes over time: the first state is
    /// sent as a new item, each next one as the minimal updates from the
    /// previous (text deltas, component or root replacements), and the
    /// last state completes the item.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub async fn stream_widget_updates<W>(
        &self,
        states: impl Stream<Item = W> + Send,
        copy_text: Option<String>,
    ) -> Result<(), Cancelled>
    where
        W: IntoWidgetRoot,
    {
        let Some(events) = self.events() else {
            // No client to animate for: only the last state counts.
            if let Some(last) = states
                .fold(None, |_, state| async move { Some(state) })
                .await
            {
                self.capture(last.into_widget_root(), copy_text);
            }
            return Ok(());
        };
        let mut states = std::pin::pin!(states);
        let Some(first) = states.next().await else {
            return Ok(());
        };
        let base = events.new_item_base(IdKind::Message);
        let item_id = base.id.clone();
        let mut item = WidgetItem {
            base,
            widget: first.into_widget_root(),
            copy_text,
        };
        events
            .send(ThreadStreamEvent::ThreadItemAdded {
                item: ThreadItem::Widget(item.clone()),
            })
            .await?;
        while let Some(next) = states.next().await {
            let next = next.into_widget_root();
            for update in diff_widget(&item.widget, &next) {
                events
                    .send(ThreadStreamEvent::ThreadItemUpdated {
                        item_id: item_id.clone(),
                        update: ThreadItemUpdate::from(update),
                    })
                    .await?;
            }
            item.widget = next;
        }
        events.item_done(ThreadItem::Widget(item)).await
    }

    /// Starts a workflow (a group of tasks shown as one item, such as "steps
    /// taken"): the client sees it grow as tasks are added and updated, and it
    /// is stored when ended.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub async fn start_workflow(&self, kind: WorkflowKind) -> Result<WorkflowHandle, Cancelled> {
        let base = match self.events() {
            Some(events) => events.new_item_base(IdKind::Workflow),
            None => crate::protocol::ItemBase::new(crate::store::generate_id(IdKind::Workflow), ""),
        };
        let item = WorkflowItem {
            base,
            workflow: Workflow {
                kind,
                tasks: Vec::new(),
                summary: None,
                expanded: true,
            },
        };
        self.stream(ThreadStreamEvent::ThreadItemAdded {
            item: ThreadItem::Workflow(item.clone()),
        })
        .await?;
        Ok(WorkflowHandle {
            item,
            events: self.events().cloned(),
        })
    }

    /// Asks the client to run a tool (`onClientTool`): the turn ends after
    /// this tool returns, with a pending `client_tool_call` item, and the
    /// client's result resumes the run. One per turn; the last call wins.
    pub fn client_tool_call(&self, name: impl Into<String>, arguments: Value) {
        let arguments = match arguments {
            Value::Object(map) => map,
            Value::Null => serde_json::Map::new(),
            other => serde_json::Map::from_iter([("value".to_owned(), other)]),
        };
        *lock(&self.client_tool_call) = Some(ClientToolCall {
            name: name.into(),
            arguments,
        });
    }

    /// The client tool call a tool asked for, taking it.
    pub fn take_client_tool_call(&self) -> Option<ClientToolCall> {
        lock(&self.client_tool_call).take()
    }
}

impl Default for AgentContext<()> {
    fn default() -> Self {
        Self::new(())
    }
}

/// A workflow being shown: add and update its tasks, then end it.
#[derive(Debug)]
pub struct WorkflowHandle {
    item: WorkflowItem,
    events: Option<EventSender>,
}

impl WorkflowHandle {
    async fn send(&self, event: ThreadStreamEvent) -> Result<(), Cancelled> {
        match &self.events {
            Some(events) => events.send(event).await,
            None => Ok(()),
        }
    }

    /// The workflow's item id.
    pub fn id(&self) -> &str {
        &self.item.base.id
    }

    /// Adds a task; returns its index.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub async fn add_task(&mut self, task: Task) -> Result<usize, Cancelled> {
        self.item.workflow.tasks.push(task.clone());
        let index = self.item.workflow.tasks.len() - 1;
        self.send(ThreadStreamEvent::ThreadItemUpdated {
            item_id: self.item.base.id.clone(),
            update: ThreadItemUpdate::WorkflowTaskAdded {
                task_index: index as u32,
                task,
            },
        })
        .await?;
        Ok(index)
    }

    /// Replaces the task at `index` (to change its status or text); an
    /// index past the end is ignored.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub async fn update_task(&mut self, index: usize, task: Task) -> Result<(), Cancelled> {
        let Some(slot) = self.item.workflow.tasks.get_mut(index) else {
            return Ok(());
        };
        *slot = task.clone();
        self.send(ThreadStreamEvent::ThreadItemUpdated {
            item_id: self.item.base.id.clone(),
            update: ThreadItemUpdate::WorkflowTaskUpdated {
                task_index: index as u32,
                task,
            },
        })
        .await
    }

    /// Ends the workflow, collapsed under `summary`, and stores it.
    ///
    /// # Errors
    /// [`Cancelled`] once the client is gone.
    pub async fn end(mut self, summary: Option<WorkflowSummary>) -> Result<(), Cancelled> {
        self.item.workflow.summary = summary;
        self.item.workflow.expanded = false;
        let item = ThreadItem::Workflow(self.item.clone());
        self.send(ThreadStreamEvent::ThreadItemDone { item }).await
    }
}

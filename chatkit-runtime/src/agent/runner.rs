//! The agent loop: call the model, stream what it says to ChatKit, run the
//! tools it calls, feed their results back, and again, until it answers.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use futures::{StreamExt as _, stream};
use serde_json::json;

use super::{Agent, Handoff};
use crate::AgentContext;
use crate::model::{Citation, ContentPart, InputItem, ModelError, ModelEvent, ModelRequest, Usage};
use crate::protocol::{
    Annotation, AssistantMessageContent, AssistantMessageItem, ClientToolCallItem,
    ClientToolCallStatus, FileSource, Source, SourceBase, StatusIndicator, Task, ThreadItem,
    ThreadItemUpdate, ThreadStreamEvent, UrlSource, Workflow, WorkflowItem, WorkflowKind,
    WorkflowSummary,
};
use crate::server::{Cancelled, StreamError};
use crate::store::IdKind;
use crate::tool::{ErrorVisibility, Tool, ToolImage, ToolOutput};

/// Runs agents. The defaults follow the OpenAI Agents SDK.
#[derive(Debug, Clone)]
pub struct Runner {
    max_turns: usize,
    tool_concurrency: Option<usize>,
    error_visibility: ErrorVisibility,
    tool_progress: bool,
    metrics: Option<crate::http::Metrics>,
}

impl Default for Runner {
    fn default() -> Self {
        Self {
            max_turns: 10,
            tool_concurrency: None,
            error_visibility: ErrorVisibility::Redacted,
            tool_progress: false,
            metrics: None,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RunOutcome {
    /// The model answered without calling tools.
    Answered {
        /// The final text.
        text: String,
    },
    /// A tool asked the client to run a tool; the run resumes with its result.
    ClientToolCall {
        /// The pending item's call id.
        call_id: String,
    },
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// How it ended.
    pub outcome: RunOutcome,
    /// The agent that answered last (after handoffs).
    pub last_agent: String,
    /// Model calls made.
    pub turns: usize,
    /// Tokens used, over every model call of the run.
    pub usage: Usage,
    /// What the run added to the conversation (for callers that keep it).
    pub new_items: Vec<InputItem>,
}

/// Why a run stopped early.
#[derive(Debug)]
#[non_exhaustive]
pub enum RunError {
    /// The model failed (after retries).
    Model(ModelError),
    /// The model kept calling tools past `max_turns`.
    MaxTurnsExceeded(usize),
    /// The client went away.
    Cancelled,
    /// A required MCP server could not list its tools.
    ToolServerUnavailable {
        /// The server's name.
        server: String,
        /// Why, for the log.
        reason: String,
    },
    /// The agent's tools cannot be offered as configured (two MCP servers
    /// offering one name, say).
    ToolConflict(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Model(err) => write!(f, "the model failed: {err}"),
            Self::MaxTurnsExceeded(max) => write!(f, "the agent did not finish within {max} turns"),
            Self::Cancelled => f.write_str("the client cancelled the response"),
            Self::ToolServerUnavailable { server, reason } => {
                write!(f, "the tool server `{server}` is unavailable: {reason}")
            }
            Self::ToolConflict(message) => write!(f, "the tools are misconfigured: {message}"),
        }
    }
}

impl std::error::Error for RunError {}

impl From<Cancelled> for RunError {
    fn from(_: Cancelled) -> Self {
        Self::Cancelled
    }
}

impl RunError {
    /// The `error` event for a failed run: a message the user can act on,
    /// never a provider's internals.
    pub fn into_stream_error(self) -> StreamError {
        match self {
            RunError::Model(err) if err.is_retryable() => StreamError::custom(
                "The assistant is unavailable right now. Please try again.",
                true,
            ),
            RunError::Model(_) => {
                StreamError::custom("The assistant could not answer this request.", true)
            }
            RunError::MaxTurnsExceeded(max) => StreamError::custom(
                format!(
                    "The assistant took more than {max} steps and stopped. Please try again or rephrase."
                ),
                true,
            ),
            RunError::Cancelled => StreamError::failed(false),
            RunError::ToolServerUnavailable { server, .. } => StreamError::custom(
                format!("The tool server \"{server}\" is unavailable right now. Please try again."),
                true,
            ),
            RunError::ToolConflict(message) => {
                tracing::error!("{message}");
                StreamError::custom("The assistant's tools are misconfigured.", false)
            }
        }
    }
}

impl Runner {
    /// A runner with the defaults: 10 turns, every tool call of a response
    /// at once, tool errors redacted.
    pub fn new() -> Self {
        Self::default()
    }

    /// The most model calls per run.
    #[must_use]
    pub fn max_turns(mut self, max_turns: usize) -> Self {
        self.max_turns = max_turns.max(1);
        self
    }

    /// The most tool calls run at once (of one model response).
    #[must_use]
    pub fn tool_concurrency(mut self, limit: usize) -> Self {
        self.tool_concurrency = Some(limit.max(1));
        self
    }

    /// Whether the model sees the detail of tool errors, unless a tool says otherwise.
    #[must_use]
    pub fn error_visibility(mut self, visibility: ErrorVisibility) -> Self {
        self.error_visibility = visibility;
        self
    }

    /// Counts tool calls and model calls (with their durations) in `metrics`,
    /// which the HTTP layer serves at `/metrics`.
    #[must_use]
    pub fn metrics(mut self, metrics: crate::http::Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Shows each tool call as a task item: running, then done.
    #[must_use]
    pub fn tool_progress(mut self, show: bool) -> Self {
        self.tool_progress = show;
        self
    }

    /// Runs `agent` on the conversation `input`, streaming its answer through
    /// the context's event sender (nothing is sent outside a ChatKit response).
    ///
    /// # Errors
    /// A [`RunError`] when the model fails, `max_turns` is exceeded, or the
    /// client goes away.
    pub async fn run_streamed<C: Send + Sync + 'static>(
        &self,
        agent: &Agent<C>,
        input: Vec<InputItem>,
        ctx: &AgentContext<C>,
    ) -> Result<RunResult, RunError> {
        let mut agent = Arc::new(agent.clone());
        let mut history = input;
        let start = history.len();
        let mut usage = Usage::default();
        for turn in 1..=self.max_turns {
            let dialect = agent.model.schema_dialect();
            // The steps of a turn other than the model's stream are boxed:
            // this future lives as long as the response, and its size is
            // what every open stream holds.
            let toolset = Box::pin(agent.tools_for(ctx)).await?;
            let mut tools = Vec::new();
            for tool in &toolset {
                match tool.definition(dialect) {
                    Ok(definition) => tools.push(definition),
                    // A tool the provider cannot take is left out, not fatal.
                    Err(_) => continue,
                }
            }
            tools.extend(agent.handoffs.iter().map(handoff_definition));
            let request = ModelRequest {
                instructions: agent.instructions_for(ctx),
                input: history.clone(),
                tools,
                settings: agent.settings.clone(),
            };
            let response = self.stream_response(&agent, request, ctx).await?;
            usage.add(&response.usage);
            if !response.text.is_empty() {
                history.push(InputItem::text(
                    crate::model::Role::Assistant,
                    response.text.clone(),
                ));
            }
            if response.calls.is_empty() {
                return Ok(RunResult {
                    outcome: RunOutcome::Answered {
                        text: response.text,
                    },
                    last_agent: agent.name.clone(),
                    turns: turn,
                    usage,
                    new_items: history.split_off(start),
                });
            }
            for call in &response.calls {
                history.push(InputItem::FunctionCall {
                    call_id: call.call_id.clone(),
                    name: call.name.clone(),
                    arguments: call.arguments.clone(),
                });
            }
            let (outputs, handoff) =
                Box::pin(self.run_tools(&agent, &toolset, &response.calls, ctx)).await?;
            history.extend(outputs);
            if let Some(client_call) = ctx.take_client_tool_call() {
                let call_id = Box::pin(self.pending_client_call(client_call, ctx)).await?;
                return Ok(RunResult {
                    outcome: RunOutcome::ClientToolCall { call_id },
                    last_agent: agent.name.clone(),
                    turns: turn,
                    usage,
                    new_items: history.split_off(start),
                });
            }
            if let Some(next) = handoff {
                agent = next;
            }
        }
        Err(RunError::MaxTurnsExceeded(self.max_turns))
    }

    /// One model call, streamed to the client as it comes.
    async fn stream_response<C: Send + Sync + 'static>(
        &self,
        agent: &Agent<C>,
        request: ModelRequest,
        ctx: &AgentContext<C>,
    ) -> Result<ModelResponse, RunError> {
        let started = Instant::now();
        let result = self.stream_model(agent, request, ctx).await;
        if let Some(metrics) = &self.metrics {
            metrics.record_model_call(
                agent.model.name(),
                started.elapsed(),
                !matches!(result, Err(RunError::Model(_))),
            );
        }
        result
    }

    async fn stream_model<C: Send + Sync + 'static>(
        &self,
        agent: &Agent<C>,
        request: ModelRequest,
        ctx: &AgentContext<C>,
    ) -> Result<ModelResponse, RunError> {
        let mut stream = agent.model.stream(request).await.map_err(RunError::Model)?;
        let mut out = Emitter::new(ctx);
        let mut response = ModelResponse::default();
        while let Some(event) = stream.next().await {
            match event.map_err(RunError::Model)? {
                ModelEvent::TextDelta(delta) => {
                    out.end_reasoning().await?;
                    out.text(&delta).await?;
                    response.text.push_str(&delta);
                }
                ModelEvent::Citation(citation) => out.citation(citation).await?,
                ModelEvent::ReasoningDelta(delta) => out.reasoning(&delta).await?,
                ModelEvent::ReasoningDone => out.reasoning_part_done(),
                ModelEvent::ToolCall {
                    call_id,
                    name,
                    arguments,
                } => {
                    out.end_reasoning().await?;
                    response.calls.push(Call {
                        call_id,
                        name,
                        arguments,
                    });
                }
                ModelEvent::Completed { usage } => response.usage = usage,
            }
        }
        out.finish().await?;
        if response.usage.requests == 0 {
            response.usage.requests = 1;
        }
        Ok(response)
    }

    /// Runs one response's tool calls, at most `tool_concurrency` at once,
    /// and returns their outputs in call order, plus the agent to hand off to.
    async fn run_tools<C: Send + Sync + 'static>(
        &self,
        agent: &Arc<Agent<C>>,
        toolset: &[Arc<dyn Tool<C>>],
        calls: &[Call],
        ctx: &AgentContext<C>,
    ) -> Result<(Vec<InputItem>, Option<Arc<Agent<C>>>), RunError> {
        let mut handoff = None;
        let mut jobs = Vec::with_capacity(calls.len());
        for call in calls {
            if let Some(target) = agent.handoffs.iter().find(|h| h.tool_name() == call.name) {
                // The first handoff of a response wins, as in the Agents SDK.
                let output = if handoff.is_none() {
                    handoff = Some(Arc::clone(&target.agent));
                    format!("Transferred to {}. Continue as {0}.", target.agent.name)
                } else {
                    "Ignored: another handoff in this response was taken.".to_owned()
                };
                jobs.push(Job::Done(output));
                continue;
            }
            match toolset.iter().find(|tool| tool.name() == call.name) {
                Some(tool) => jobs.push(Job::Run(Arc::clone(tool), call.clone())),
                None => {
                    let available: Vec<String> = toolset
                        .iter()
                        .map(|t| t.name().to_owned())
                        .chain(agent.handoffs.iter().map(Handoff::tool_name))
                        .collect();
                    jobs.push(Job::Done(format!(
                        "Tool `{}` not found. Available tools: {}.",
                        call.name,
                        if available.is_empty() {
                            "none".to_owned()
                        } else {
                            available.join(", ")
                        }
                    )));
                }
            }
        }
        let limit = self.tool_concurrency.unwrap_or(jobs.len().max(1));
        let visibility = self.error_visibility;
        let progress = self.tool_progress;
        let metrics = self.metrics.as_ref();
        let outputs: Vec<Result<Vec<ContentPart>, Cancelled>> = stream::iter(jobs)
            .map(|job| async move {
                match job {
                    Job::Done(text) => Ok(vec![ContentPart::Text { text }]),
                    Job::Run(tool, call) => {
                        let task = if progress {
                            Some(ToolTask::start(ctx, tool.name()).await?)
                        } else {
                            None
                        };
                        let started = Instant::now();
                        let output = tool.call(ctx, &call.arguments).await;
                        if let Some(metrics) = metrics {
                            metrics.record_tool_call(
                                tool.name(),
                                started.elapsed(),
                                !output.is_error(),
                            );
                        }
                        if let Some(events) = ctx.events() {
                            let shown = tool.error_visibility().unwrap_or(visibility);
                            events.tool_call_done(tool.name(), &output, shown).await?;
                        }
                        if let Some(task) = task {
                            task.finish(ctx, output.is_error()).await?;
                        }
                        Ok(model_content(
                            &output,
                            tool.error_visibility().unwrap_or(visibility),
                        ))
                    }
                }
            })
            .buffered(limit)
            .collect()
            .await;
        let mut items = Vec::with_capacity(calls.len());
        for (call, output) in calls.iter().zip(outputs) {
            items.push(InputItem::FunctionCallOutput {
                call_id: call.call_id.clone(),
                output: output?,
            });
        }
        Ok((items, handoff))
    }

    /// Ends the turn with a pending client tool call item.
    async fn pending_client_call<C: Send + Sync + 'static>(
        &self,
        call: crate::ClientToolCall,
        ctx: &AgentContext<C>,
    ) -> Result<String, RunError> {
        let Some(events) = ctx.events() else {
            return Ok(String::new());
        };
        let base = events.new_item_base(IdKind::ToolCall);
        let call_id = base.id.clone();
        events
            .item_done(ThreadItem::ClientToolCall(ClientToolCallItem {
                base,
                status: ClientToolCallStatus::Pending,
                call_id: call_id.clone(),
                name: call.name,
                arguments: call.arguments,
                output: None,
            }))
            .await?;
        Ok(call_id)
    }
}

/// A task item showing a tool call's progress.
struct ToolTask {
    item: crate::protocol::TaskItem,
    name: String,
}

impl ToolTask {
    async fn start<C>(ctx: &AgentContext<C>, name: &str) -> Result<Self, Cancelled> {
        let base = match ctx.events() {
            Some(events) => events.new_item_base(IdKind::Task),
            None => crate::protocol::ItemBase::new(crate::store::generate_id(IdKind::Task), ""),
        };
        let item = crate::protocol::TaskItem {
            base,
            task: Task::Custom {
                status_indicator: StatusIndicator::Loading,
                title: Some(format!("Running {name}")),
                icon: Some(widget_dsl::IconName::Bolt),
                content: None,
            },
        };
        ctx.stream(ThreadStreamEvent::ThreadItemAdded {
            item: ThreadItem::Task(item.clone()),
        })
        .await?;
        Ok(Self {
            item,
            name: name.to_owned(),
        })
    }

    async fn finish<C>(mut self, ctx: &AgentContext<C>, failed: bool) -> Result<(), Cancelled> {
        self.item.task = Task::Custom {
            status_indicator: StatusIndicator::Complete,
            title: Some(if failed {
                format!("{} failed", self.name)
            } else {
                format!("Ran {}", self.name)
            }),
            icon: Some(widget_dsl::IconName::Bolt),
            content: None,
        };
        ctx.stream(ThreadStreamEvent::ThreadItemDone {
            item: ThreadItem::Task(self.item),
        })
        .await
    }
}

enum Job<C> {
    Done(String),
    Run(Arc<dyn Tool<C>>, Call),
}

#[derive(Debug, Clone)]
struct Call {
    call_id: String,
    name: String,
    arguments: String,
}

#[derive(Debug, Default)]
struct ModelResponse {
    text: String,
    calls: Vec<Call>,
    usage: Usage,
}

fn handoff_definition<C>(handoff: &Handoff<C>) -> crate::tool::ToolDefinition {
    crate::tool::ToolDefinition {
        name: handoff.tool_name(),
        description: format!(
            "Hand off to the {} agent: {}",
            handoff.agent.name, handoff.description
        ),
        parameters: json!({"type": "object", "properties": {}, "required": [], "additionalProperties": false}),
        strict: true,
    }
}

/// A tool's output as the model reads it.
fn model_content(output: &ToolOutput, visibility: ErrorVisibility) -> Vec<ContentPart> {
    match output {
        ToolOutput::Image(image) => vec![ContentPart::Image {
            url: ToolImage::as_url(image).to_owned(),
        }],
        ToolOutput::Parts(parts) => parts
            .iter()
            .flat_map(|part| model_content(part, visibility))
            .collect(),
        other => vec![ContentPart::Text {
            text: other.to_model_text(visibility),
        }],
    }
}

/// Turns model events into ChatKit events: an assistant message streamed
/// part by part, and a reasoning workflow with one thought per summary part.
struct Emitter<'a, C> {
    ctx: &'a AgentContext<C>,
    message: Option<AssistantMessageItem>,
    reasoning: Option<Reasoning>,
}

struct Reasoning {
    item: WorkflowItem,
    started: Instant,
    /// Whether the last thought is still being written.
    open: bool,
}

impl<'a, C> Emitter<'a, C> {
    fn new(ctx: &'a AgentContext<C>) -> Self {
        Self {
            ctx,
            message: None,
            reasoning: None,
        }
    }

    // Not an `async fn`, which would keep the event in its future.
    fn send(
        &self,
        event: ThreadStreamEvent,
    ) -> impl Future<Output = Result<(), Cancelled>> + Send + use<'a, C> {
        self.ctx.stream(event)
    }

    fn new_base(&self, kind: IdKind) -> crate::protocol::ItemBase {
        match self.ctx.events() {
            Some(events) => events.new_item_base(kind),
            None => crate::protocol::ItemBase::new(crate::store::generate_id(kind), ""),
        }
    }

    async fn text(&mut self, delta: &str) -> Result<(), Cancelled> {
        if self.message.is_none() {
            let message = AssistantMessageItem {
                base: self.new_base(IdKind::Message),
                content: Vec::new(),
            };
            self.send(ThreadStreamEvent::ThreadItemAdded {
                item: ThreadItem::AssistantMessage(message.clone()),
            })
            .await?;
            self.send(ThreadStreamEvent::ThreadItemUpdated {
                item_id: message.base.id.clone(),
                update: ThreadItemUpdate::ContentPartAdded {
                    content_index: 0,
                    content: AssistantMessageContent::default(),
                },
            })
            .await?;
            self.message = Some(AssistantMessageItem {
                content: vec![AssistantMessageContent::default()],
                ..message
            });
        }
        let Some(message) = &mut self.message else {
            return Ok(());
        };
        if let Some(part) = message.content.first_mut() {
            part.text.push_str(delta);
        }
        let item_id = message.base.id.clone();
        self.send(ThreadStreamEvent::ThreadItemUpdated {
            item_id,
            update: ThreadItemUpdate::ContentPartTextDelta {
                content_index: 0,
                delta: delta.to_owned(),
            },
        })
        .await
    }

    async fn citation(&mut self, citation: Citation) -> Result<(), Cancelled> {
        let Some(message) = &mut self.message else {
            return Ok(());
        };
        let (source, index) = match citation {
            Citation::Url { url, title, index } => (
                Source::Url(UrlSource {
                    base: SourceBase {
                        title,
                        ..SourceBase::default()
                    },
                    url,
                    attribution: None,
                }),
                index,
            ),
            Citation::File {
                filename,
                title,
                index,
            } => (
                Source::File(FileSource {
                    base: SourceBase {
                        title: title.unwrap_or_else(|| filename.clone()),
                        ..SourceBase::default()
                    },
                    filename,
                }),
                index,
            ),
        };
        let annotation = Annotation::new(source, index);
        let Some(part) = message.content.first_mut() else {
            return Ok(());
        };
        let annotation_index = part.annotations.len() as u32;
        part.annotations.push(annotation.clone());
        let item_id = message.base.id.clone();
        self.send(ThreadStreamEvent::ThreadItemUpdated {
            item_id,
            update: ThreadItemUpdate::ContentPartAnnotationAdded {
                content_index: 0,
                annotation_index,
                annotation,
            },
        })
        .await
    }

    async fn reasoning(&mut self, delta: &str) -> Result<(), Cancelled> {
        if self.reasoning.is_none() {
            let item = WorkflowItem {
                base: self.new_base(IdKind::Workflow),
                workflow: Workflow {
                    kind: WorkflowKind::Reasoning,
                    tasks: Vec::new(),
                    summary: None,
                    expanded: false,
                },
            };
            self.send(ThreadStreamEvent::ThreadItemAdded {
                item: ThreadItem::Workflow(item.clone()),
            })
            .await?;
            self.reasoning = Some(Reasoning {
                item,
                started: Instant::now(),
                open: false,
            });
        }
        let Some(reasoning) = &mut self.reasoning else {
            return Ok(());
        };
        let tasks = &mut reasoning.item.workflow.tasks;
        let (update, index) = if reasoning.open {
            let index = tasks.len() - 1;
            if let Some(Task::Thought { content, .. }) = tasks.get_mut(index) {
                content.push_str(delta);
            }
            (true, index)
        } else {
            tasks.push(Task::Thought {
                status_indicator: StatusIndicator::None,
                title: None,
                content: delta.to_owned(),
            });
            reasoning.open = true;
            (false, tasks.len() - 1)
        };
        let task = tasks[index].clone();
        let item_id = reasoning.item.base.id.clone();
        let task_index = index as u32;
        let update = if update {
            ThreadItemUpdate::WorkflowTaskUpdated { task_index, task }
        } else {
            ThreadItemUpdate::WorkflowTaskAdded { task_index, task }
        };
        self.send(ThreadStreamEvent::ThreadItemUpdated { item_id, update })
            .await
    }

    fn reasoning_part_done(&mut self) {
        if let Some(reasoning) = &mut self.reasoning {
            reasoning.open = false;
        }
    }

    /// Completes the reasoning workflow, with how long it took.
    async fn end_reasoning(&mut self) -> Result<(), Cancelled> {
        let Some(mut reasoning) = self.reasoning.take() else {
            return Ok(());
        };
        reasoning.item.workflow.summary = Some(WorkflowSummary::Duration {
            duration: reasoning.started.elapsed().as_secs(),
        });
        self.send(ThreadStreamEvent::ThreadItemDone {
            item: ThreadItem::Workflow(reasoning.item),
        })
        .await
    }

    /// Completes the open message and workflow.
    async fn finish(&mut self) -> Result<(), Cancelled> {
        self.end_reasoning().await?;
        let Some(message) = self.message.take() else {
            return Ok(());
        };
        if let Some(part) = message.content.first() {
            self.send(ThreadStreamEvent::ThreadItemUpdated {
                item_id: message.base.id.clone(),
                update: ThreadItemUpdate::ContentPartDone {
                    content_index: 0,
                    content: part.clone(),
                },
            })
            .await?;
        }
        self.send(ThreadStreamEvent::ThreadItemDone {
            item: ThreadItem::AssistantMessage(message),
        })
        .await
    }
}

//! An agent as a ChatKit server.

use std::sync::Arc;

use async_trait::async_trait;

use super::{Agent, DefaultHistory, HistoryConverter, RunResult, Runner};
use crate::AgentContext;
use crate::model::Usage;
use crate::protocol::{Order, UserMessageItem};
use crate::server::{ChatKitServer, EventSender, StreamError, ThreadHandle};
use crate::store::Store;

type UsageHook<C> = Arc<dyn Fn(&C, &RunResult) + Send + Sync>;

/// A [`ChatKitServer`] that answers with an agent: it loads the thread's
/// recent items, converts them to model input, runs the agent, and streams
/// what it says and does.
///
/// ```no_run
/// use std::sync::Arc;
/// use chatkit_runtime::agent::{Agent, AgentServer};
/// use chatkit_runtime::model::ScriptedModel;
/// use chatkit_runtime::server::ChatKit;
/// use chatkit_runtime::store::{MemoryStore, Store};
///
/// let store: Arc<dyn Store<()>> = Arc::new(MemoryStore::new());
/// let agent = Agent::new("assistant", ScriptedModel::new()).instructions("Be brief.");
/// let chatkit = ChatKit::with_store(AgentServer::new(agent, Arc::clone(&store)), store);
/// ```
pub struct AgentServer<C> {
    agent: Agent<C>,
    store: Arc<dyn Store<C>>,
    runner: Runner,
    history: Arc<dyn HistoryConverter>,
    history_limit: u32,
    on_run: Option<UsageHook<C>>,
    extensions: axum::http::Extensions,
}

impl<C: Clone + Send + Sync + 'static> AgentServer<C> {
    /// Answers with `agent`, reading history from `store` (the ChatKit's store).
    pub fn new(agent: Agent<C>, store: Arc<dyn Store<C>>) -> Self {
        Self {
            agent,
            store,
            runner: Runner::default(),
            history: Arc::new(DefaultHistory),
            history_limit: 40,
            on_run: None,
            extensions: axum::http::Extensions::new(),
        }
    }

    /// Runs with `runner` (turn limit, tool concurrency, error visibility).
    #[must_use]
    pub fn runner(mut self, runner: Runner) -> Self {
        self.runner = runner;
        self
    }

    /// Converts history with `converter`.
    #[must_use]
    pub fn history(mut self, converter: impl HistoryConverter) -> Self {
        self.history = Arc::new(converter);
        self
    }

    /// How many recent items the model sees (default 40).
    #[must_use]
    pub fn history_limit(mut self, limit: u32) -> Self {
        self.history_limit = limit.max(1);
        self
    }

    /// Called after every run with its result (token usage, turns, last
    /// agent): for logging, metering or quotas.
    #[must_use]
    pub fn on_run(mut self, hook: impl Fn(&C, &RunResult) + Send + Sync + 'static) -> Self {
        self.on_run = Some(Arc::new(hook));
        self
    }

    /// Adds app state (a database pool, a client, ...) that every tool of
    /// every run can read with [`AgentContext::extension`].
    #[must_use]
    pub fn extension<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.extensions.insert(value);
        self
    }

    /// The agent.
    pub fn agent(&self) -> &Agent<C> {
        &self.agent
    }
}

#[async_trait]
impl<C: Clone + Send + Sync + 'static> ChatKitServer<C> for AgentServer<C> {
    async fn respond(
        &self,
        thread: &ThreadHandle,
        _input: Option<&UserMessageItem>,
        events: &EventSender,
        ctx: &C,
    ) -> Result<(), StreamError> {
        // The user message is stored already: the history ends with it.
        let mut page = self
            .store
            .load_thread_items(&thread.id(), None, self.history_limit, Order::Desc, ctx)
            .await?;
        page.data.reverse();
        let input = self.history.to_input(&page.data);
        // Not kept for the rest of the response.
        drop(page);
        let agent_ctx = AgentContext::for_response(
            ctx.clone(),
            thread.clone(),
            events.clone(),
            Arc::clone(&self.store),
        )
        .with_extensions(self.extensions.clone());
        let result = self
            .runner
            .run_streamed(&self.agent, input, &agent_ctx)
            .await
            .map_err(super::RunError::into_stream_error)?;
        if let Some(hook) = &self.on_run {
            hook(ctx, &result);
        }
        Ok(())
    }
}

impl Usage {
    /// A one-line summary for logs.
    pub fn summary(&self) -> String {
        format!(
            "{} requests, {} input tokens ({} cached), {} output tokens ({} reasoning)",
            self.requests,
            self.input_tokens,
            self.cached_input_tokens,
            self.output_tokens,
            self.reasoning_tokens
        )
    }
}

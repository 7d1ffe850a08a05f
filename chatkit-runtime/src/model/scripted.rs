//! An offline model that replays scripted responses: for tests and
//! benchmarks of the agent loop.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;
use futures::StreamExt as _;

use super::{Model, ModelError, ModelErrorKind, ModelEvent, ModelRequest, ModelStream, Usage};
use crate::sync::lock;
use crate::tool::SchemaDialect;

/// One scripted answer of a [`ScriptedModel`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ScriptedResponse {
    /// The stream's items, in order: events, and possibly an error (the
    /// stream ends after it).
    Stream(Vec<Result<ModelEvent, ModelError>>),
    /// [`Model::stream`] itself fails, as when the provider cannot be
    /// reached.
    Fail(ModelError),
}

impl ScriptedResponse {
    /// These events, as given (add a [`ModelEvent::Completed`] yourself).
    pub fn events(events: impl IntoIterator<Item = ModelEvent>) -> Self {
        Self::Stream(events.into_iter().map(Ok).collect())
    }

    /// A text answer: one text delta, then `Completed` (one request, no
    /// tokens).
    pub fn text(text: impl Into<String>) -> Self {
        Self::events([ModelEvent::TextDelta(text.into()), completed()])
    }

    /// One tool call, then `Completed`.
    pub fn tool_call(
        call_id: impl Into<String>,
        name: impl Into<String>,
        arguments: impl Into<String>,
    ) -> Self {
        Self::tool_calls([(call_id, name, arguments)])
    }

    /// Several tool calls `(call_id, name, arguments)` in one answer, then
    /// `Completed`.
    pub fn tool_calls<I, N, A>(calls: impl IntoIterator<Item = (I, N, A)>) -> Self
    where
        I: Into<String>,
        N: Into<String>,
        A: Into<String>,
    {
        let mut events: Vec<ModelEvent> = calls
            .into_iter()
            .map(|(call_id, name, arguments)| ModelEvent::ToolCall {
                call_id: call_id.into(),
                name: name.into(),
                arguments: arguments.into(),
            })
            .collect();
        events.push(completed());
        Self::events(events)
    }

    /// `events`, then `error` as a stream item (a failure mid-answer).
    pub fn events_then_error(
        events: impl IntoIterator<Item = ModelEvent>,
        error: ModelError,
    ) -> Self {
        let mut items: Vec<_> = events.into_iter().map(Ok).collect();
        items.push(Err(error));
        Self::Stream(items)
    }

    /// [`Model::stream`] fails with `error`.
    pub fn error(error: ModelError) -> Self {
        Self::Fail(error)
    }
}

impl From<Vec<ModelEvent>> for ScriptedResponse {
    fn from(events: Vec<ModelEvent>) -> Self {
        Self::events(events)
    }
}

impl From<ModelError> for ScriptedResponse {
    fn from(error: ModelError) -> Self {
        Self::Fail(error)
    }
}

fn completed() -> ModelEvent {
    ModelEvent::Completed {
        usage: Usage {
            requests: 1,
            ..Usage::default()
        },
    }
}

/// A [`Model`] that answers each call with the next scripted response, with
/// no latency and no network, and records the requests it gets.
///
/// When the script runs out, [`Model::stream`] fails with a
/// [`ModelErrorKind::Rejected`] error saying so.
///
/// ```
/// use std::sync::Arc;
/// use chatkit_runtime::model::{
///     InputItem, Model, ModelEvent, ModelRequest, Role, ScriptedModel, ScriptedResponse,
/// };
/// use futures::StreamExt as _;
///
/// # futures::executor::block_on(async {
/// let model = Arc::new(
///     ScriptedModel::new()
///         .with_response(ScriptedResponse::tool_call("call_1", "get_weather", r#"{"city":"Paris"}"#))
///         .with_response(ScriptedResponse::text("It is sunny in Paris.")),
/// );
///
/// let request = ModelRequest {
///     input: vec![InputItem::text(Role::User, "Weather in Paris?")],
///     ..ModelRequest::default()
/// };
/// let events: Vec<_> = model.stream(request).await.unwrap().collect().await;
/// assert!(matches!(events[0], Ok(ModelEvent::ToolCall { .. })));
/// assert_eq!(model.requests().len(), 1);
/// assert_eq!(model.remaining(), 1);
/// # });
/// ```
#[derive(Debug)]
pub struct ScriptedModel {
    name: String,
    dialect: SchemaDialect,
    script: Mutex<VecDeque<ScriptedResponse>>,
    requests: Mutex<Vec<ModelRequest>>,
}

impl Default for ScriptedModel {
    fn default() -> Self {
        Self::new()
    }
}

impl ScriptedModel {
    /// A model with an empty script, named `scripted`; add responses with
    /// [`with_response`](Self::with_response) or [`push`](Self::push).
    pub fn new() -> Self {
        Self {
            name: "scripted".to_owned(),
            dialect: SchemaDialect::OpenAi,
            script: Mutex::new(VecDeque::new()),
            requests: Mutex::new(Vec::new()),
        }
    }

    /// A model that gives these responses, in order: [`ScriptedResponse`]s,
    /// or `Vec<ModelEvent>`s, or [`ModelError`]s.
    pub fn from_responses(
        responses: impl IntoIterator<Item = impl Into<ScriptedResponse>>,
    ) -> Self {
        let model = Self::new();
        for response in responses {
            model.push(response);
        }
        model
    }

    /// Adds a response at the end of the script.
    #[must_use]
    pub fn with_response(self, response: impl Into<ScriptedResponse>) -> Self {
        self.push(response);
        self
    }

    /// Another name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Another schema dialect (to act as Gemini, say).
    #[must_use]
    pub fn with_dialect(mut self, dialect: SchemaDialect) -> Self {
        self.dialect = dialect;
        self
    }

    /// Adds a response at the end of the script.
    pub fn push(&self, response: impl Into<ScriptedResponse>) {
        lock(&self.script).push_back(response.into());
    }

    /// The requests received so far, oldest first.
    pub fn requests(&self) -> Vec<ModelRequest> {
        lock(&self.requests).clone()
    }

    /// The last request received.
    pub fn last_request(&self) -> Option<ModelRequest> {
        lock(&self.requests).last().cloned()
    }

    /// How many responses are left.
    pub fn remaining(&self) -> usize {
        lock(&self.script).len()
    }
}

#[async_trait]
impl Model for ScriptedModel {
    fn name(&self) -> &str {
        &self.name
    }

    fn schema_dialect(&self) -> SchemaDialect {
        self.dialect
    }

    async fn stream(&self, request: ModelRequest) -> Result<ModelStream, ModelError> {
        let calls = {
            let mut requests = lock(&self.requests);
            requests.push(request);
            requests.len()
        };
        match lock(&self.script).pop_front() {
            Some(ScriptedResponse::Stream(items)) => Ok(futures::stream::iter(items).boxed()),
            Some(ScriptedResponse::Fail(error)) => Err(error),
            None => Err(ModelError::new(
                ModelErrorKind::Rejected,
                format!("the scripted model has no response left for call {calls}"),
            )),
        }
    }
}

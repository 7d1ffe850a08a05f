//! Language models: what the agent loop sends them and what they stream back.
//!
//! [`Model`] is the contract; implementations speak a provider's API
//! (OpenAI Responses, Chat Completions for Gemini, Azure OpenAI and
//! compatible servers) and turn its stream into [`ModelEvent`]s.
//!
//! [`OpenAiResponsesModel`] and [`ChatCompletionsModel`] (Cargo feature
//! `openai`, a default one) send their requests with
//! [async-openai](async_openai), through the shared
//! [`outbound`](crate::outbound) client (rustls with ring); both also take an
//! async-openai client or configuration of your own (`from_client`,
//! `from_config`). [`from_env`] chooses one from environment variables.
//! [`CommandModel`] and [`ScriptedModel`] need no network, nor the feature.

use std::fmt;

use async_trait::async_trait;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

use crate::tool::{SchemaDialect, ToolDefinition};

#[cfg(feature = "openai")]
mod chat_completions;
mod command;
mod config;
#[cfg(feature = "openai")]
mod connection;
#[cfg(feature = "openai")]
mod openai;
mod scripted;
#[cfg(feature = "openai")]
mod wire;

#[cfg(feature = "openai")]
pub use chat_completions::{ChatCompletionsModel, GEMINI_BASE_URL};
pub use command::CommandModel;
pub use config::{
    ConfigError, DEFAULT_GEMINI_MODEL, DEFAULT_OPENAI_MODEL, ModelSource, from_env,
    from_env_or_offline, from_env_or_offline_with, from_env_with, is_configured,
};
#[cfg(feature = "openai")]
pub use connection::{RetryPolicy, openai_client};
#[cfg(feature = "openai")]
pub use openai::{OPENAI_BASE_URL, OpenAiResponsesModel};
pub use scripted::{ScriptedModel, ScriptedResponse};

/// One model call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelRequest {
    /// The system prompt.
    pub instructions: String,
    /// The conversation so far, oldest first.
    pub input: Vec<InputItem>,
    /// The tools the model may call, in the provider's dialect.
    pub tools: Vec<ToolDefinition>,
    /// Sampling and tool settings.
    pub settings: ModelSettings,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The end user.
    User,
    /// The model.
    Assistant,
    /// Instructions from the app, within the conversation.
    Developer,
}

/// A part of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentPart {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image, by URL or `data:` URL.
    Image {
        /// The URL.
        url: String,
    },
}

/// One entry of the conversation sent to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InputItem {
    /// A message.
    Message {
        /// Its author.
        role: Role,
        /// Its parts.
        content: Vec<ContentPart>,
    },
    /// A tool call the model made earlier.
    FunctionCall {
        /// The call id.
        call_id: String,
        /// The tool's name.
        name: String,
        /// The arguments, as JSON text.
        arguments: String,
    },
    /// The result of a tool call.
    FunctionCallOutput {
        /// The call id.
        call_id: String,
        /// What the tool returned, as the model reads it.
        output: Vec<ContentPart>,
    },
}

impl InputItem {
    /// A text message.
    pub fn text(role: Role, text: impl Into<String>) -> Self {
        Self::Message {
            role,
            content: vec![ContentPart::Text { text: text.into() }],
        }
    }
}

/// How the model may use tools.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolChoice {
    /// The model decides.
    #[default]
    Auto,
    /// The model must not call tools.
    None,
    /// The model must call some tool.
    Required,
    /// The model must call this tool.
    Tool(String),
}

/// Sampling and tool settings of a model call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelSettings {
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Nucleus sampling.
    pub top_p: Option<f32>,
    /// The most output tokens.
    pub max_tokens: Option<u32>,
    /// How the model may use tools.
    pub tool_choice: Option<ToolChoice>,
    /// Whether the model may call several tools at once.
    pub parallel_tool_calls: Option<bool>,
    /// Reasoning effort for reasoning models (`low`, `medium`, `high`).
    pub reasoning_effort: Option<String>,
}

impl ModelSettings {
    /// `other`'s settings where set, these otherwise.
    #[must_use]
    pub fn merged_with(&self, other: &Self) -> Self {
        Self {
            temperature: other.temperature.or(self.temperature),
            top_p: other.top_p.or(self.top_p),
            max_tokens: other.max_tokens.or(self.max_tokens),
            tool_choice: other
                .tool_choice
                .clone()
                .or_else(|| self.tool_choice.clone()),
            parallel_tool_calls: other.parallel_tool_calls.or(self.parallel_tool_calls),
            reasoning_effort: other
                .reasoning_effort
                .clone()
                .or_else(|| self.reasoning_effort.clone()),
        }
    }
}

/// A citation the model attached to its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Citation {
    /// A web page.
    Url {
        /// The URL.
        url: String,
        /// Its title.
        title: String,
        /// Character offset in the text where the citation goes.
        index: Option<u32>,
    },
    /// A file.
    File {
        /// The file id or name.
        filename: String,
        /// A title, if any.
        title: Option<String>,
        /// Character offset in the text where the citation goes.
        index: Option<u32>,
    },
}

/// Tokens used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Model calls made.
    pub requests: u32,
    /// Tokens sent.
    pub input_tokens: u64,
    /// Tokens generated.
    pub output_tokens: u64,
    /// Of the input tokens, those read from the provider's cache.
    pub cached_input_tokens: u64,
    /// Of the output tokens, those spent reasoning.
    pub reasoning_tokens: u64,
}

impl Usage {
    /// Input and output tokens.
    pub fn total_tokens(&self) -> u64 {
        self.input_tokens + self.output_tokens
    }

    /// Adds another call's usage.
    pub fn add(&mut self, other: &Self) {
        self.requests += other.requests;
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cached_input_tokens += other.cached_input_tokens;
        self.reasoning_tokens += other.reasoning_tokens;
    }
}

/// One event of a streamed model response, in order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ModelEvent {
    /// Text of the answer.
    TextDelta(String),
    /// A citation in the answer's text.
    Citation(Citation),
    /// Text of a reasoning summary.
    ReasoningDelta(String),
    /// The end of one reasoning summary part.
    ReasoningDone,
    /// A complete tool call (deltas are accumulated by the model).
    ToolCall {
        /// The call id (made up when the provider sends none).
        call_id: String,
        /// The tool's name.
        name: String,
        /// The arguments, as JSON text.
        arguments: String,
    },
    /// The response is complete.
    Completed {
        /// Tokens used by this call.
        usage: Usage,
    },
}

/// Why a model call failed. Its text never holds an API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    kind: ModelErrorKind,
    message: String,
}

/// What kind of model failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelErrorKind {
    /// Rate limited (HTTP 429); worth retrying.
    RateLimited,
    /// The provider failed (5xx) or the connection did; worth retrying.
    Unavailable,
    /// The call took too long.
    Timeout,
    /// The request was refused (4xx): bad key, unknown model, bad schema.
    Rejected,
    /// The response could not be understood.
    Protocol,
}

impl ModelError {
    /// An error of `kind`.
    pub fn new(kind: ModelErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What kind of failure.
    pub fn kind(&self) -> ModelErrorKind {
        self.kind
    }

    /// The detail (no API key).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether a retry may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            ModelErrorKind::RateLimited | ModelErrorKind::Unavailable | ModelErrorKind::Timeout
        )
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ModelError {}

/// A stream of model events.
pub type ModelStream = BoxStream<'static, Result<ModelEvent, ModelError>>;

/// A language model that streams its answers.
#[async_trait]
pub trait Model: Send + Sync + 'static {
    /// The model's name, for logs.
    fn name(&self) -> &str;

    /// The schema dialect its tools need.
    fn schema_dialect(&self) -> SchemaDialect {
        SchemaDialect::OpenAi
    }

    /// Starts a call. Errors before the first event come back here;
    /// failures during the stream come as stream items.
    async fn stream(&self, request: ModelRequest) -> Result<ModelStream, ModelError>;
}

//! The requests a ChatKit client sends, and the JSON answers of the
//! non-streaming ones.

use std::fmt;

use serde::ser::SerializeMap as _;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::item::{ThreadItem, UserMessageContent};
use super::thread::Order;

/// A request to the ChatKit endpoint: `{"type": ..., "params": {...}, "metadata": {...}}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ChatKitRequest {
    /// `threads.create` (streamed): a new thread with a first message.
    ThreadsCreate(ThreadsCreateParams),
    /// `threads.add_user_message` (streamed).
    ThreadsAddUserMessage(ThreadsAddUserMessageParams),
    /// `threads.add_client_tool_output` (streamed): the result of a client tool call.
    ThreadsAddClientToolOutput(ThreadsAddClientToolOutputParams),
    /// `threads.add_structured_input` (streamed): answers to a structured input item.
    ThreadsAddStructuredInput(ThreadsAddStructuredInputParams),
    /// `threads.retry_after_item` (streamed): answer a user message again.
    ThreadsRetryAfterItem(ThreadsRetryAfterItemParams),
    /// `threads.custom_action` (streamed): a widget action.
    ThreadsCustomAction(ThreadsCustomActionParams),
    /// `threads.sync_custom_action` (JSON): a widget action answered at once.
    ThreadsSyncCustomAction(ThreadsCustomActionParams),
    /// `threads.get_by_id` (JSON).
    ThreadsGetById(ThreadIdParams),
    /// `threads.list` (JSON).
    ThreadsList(ListParams),
    /// `threads.update` (JSON): rename a thread.
    ThreadsUpdate(ThreadsUpdateParams),
    /// `threads.delete` (JSON).
    ThreadsDelete(ThreadIdParams),
    /// `items.list` (JSON).
    ItemsList(ItemsListParams),
    /// `items.feedback` (JSON): thumbs up or down.
    ItemsFeedback(ItemsFeedbackParams),
    /// `attachments.create` (JSON): start a two-phase upload.
    AttachmentsCreate(AttachmentsCreateParams),
    /// `attachments.delete` (JSON).
    AttachmentsDelete(AttachmentsDeleteParams),
    /// `input.transcribe` (JSON): speech to text.
    InputTranscribe(InputTranscribeParams),
}

/// Every request `type`, in protocol order.
pub const REQUEST_TYPES: &[&str] = &[
    "threads.create",
    "threads.add_user_message",
    "threads.add_client_tool_output",
    "threads.add_structured_input",
    "threads.retry_after_item",
    "threads.custom_action",
    "threads.sync_custom_action",
    "threads.get_by_id",
    "threads.list",
    "threads.update",
    "threads.delete",
    "items.list",
    "items.feedback",
    "attachments.create",
    "attachments.delete",
    "input.transcribe",
];

impl ChatKitRequest {
    /// The wire `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::ThreadsCreate(_) => "threads.create",
            Self::ThreadsAddUserMessage(_) => "threads.add_user_message",
            Self::ThreadsAddClientToolOutput(_) => "threads.add_client_tool_output",
            Self::ThreadsAddStructuredInput(_) => "threads.add_structured_input",
            Self::ThreadsRetryAfterItem(_) => "threads.retry_after_item",
            Self::ThreadsCustomAction(_) => "threads.custom_action",
            Self::ThreadsSyncCustomAction(_) => "threads.sync_custom_action",
            Self::ThreadsGetById(_) => "threads.get_by_id",
            Self::ThreadsList(_) => "threads.list",
            Self::ThreadsUpdate(_) => "threads.update",
            Self::ThreadsDelete(_) => "threads.delete",
            Self::ItemsList(_) => "items.list",
            Self::ItemsFeedback(_) => "items.feedback",
            Self::AttachmentsCreate(_) => "attachments.create",
            Self::AttachmentsDelete(_) => "attachments.delete",
            Self::InputTranscribe(_) => "input.transcribe",
        }
    }

    /// Whether the answer is a stream of events rather than JSON.
    pub fn is_streaming(&self) -> bool {
        matches!(
            self,
            Self::ThreadsCreate(_)
                | Self::ThreadsAddUserMessage(_)
                | Self::ThreadsAddClientToolOutput(_)
                | Self::ThreadsAddStructuredInput(_)
                | Self::ThreadsRetryAfterItem(_)
                | Self::ThreadsCustomAction(_)
        )
    }

    /// Parses a request body. The request's `metadata` is returned beside it.
    ///
    /// # Errors
    /// A [`RequestError`] naming what is wrong: bad JSON, an unknown `type`,
    /// a missing `params`, or params that do not fit (with their path).
    pub fn parse(body: &[u8]) -> Result<(Self, Map<String, Value>), RequestError> {
        #[derive(Deserialize)]
        struct Envelope {
            #[serde(rename = "type")]
            kind: String,
            params: Option<Value>,
            #[serde(default)]
            metadata: Option<Map<String, Value>>,
        }
        let envelope: Envelope = serde_json::from_slice(body).map_err(|err| {
            let message = if err.is_data() {
                format!("the body is not a ChatKit request: {err}")
            } else {
                format!("the body is not valid JSON: {err}")
            };
            RequestError::new(message)
        })?;
        let params = envelope
            .params
            .ok_or_else(|| RequestError::new(format!("`{}` needs `params`", envelope.kind)))?;
        let request = match envelope.kind.as_str() {
            "threads.create" => Self::ThreadsCreate(params_of(&envelope.kind, params)?),
            "threads.add_user_message" => {
                Self::ThreadsAddUserMessage(params_of(&envelope.kind, params)?)
            }
            "threads.add_client_tool_output" => {
                Self::ThreadsAddClientToolOutput(params_of(&envelope.kind, params)?)
            }
            "threads.add_structured_input" => {
                Self::ThreadsAddStructuredInput(params_of(&envelope.kind, params)?)
            }
            "threads.retry_after_item" => {
                Self::ThreadsRetryAfterItem(params_of(&envelope.kind, params)?)
            }
            "threads.custom_action" => {
                Self::ThreadsCustomAction(params_of(&envelope.kind, params)?)
            }
            "threads.sync_custom_action" => {
                Self::ThreadsSyncCustomAction(params_of(&envelope.kind, params)?)
            }
            "threads.get_by_id" => Self::ThreadsGetById(params_of(&envelope.kind, params)?),
            "threads.list" => Self::ThreadsList(params_of(&envelope.kind, params)?),
            "threads.update" => Self::ThreadsUpdate(params_of(&envelope.kind, params)?),
            "threads.delete" => Self::ThreadsDelete(params_of(&envelope.kind, params)?),
            "items.list" => Self::ItemsList(params_of(&envelope.kind, params)?),
            "items.feedback" => Self::ItemsFeedback(params_of(&envelope.kind, params)?),
            "attachments.create" => Self::AttachmentsCreate(params_of(&envelope.kind, params)?),
            "attachments.delete" => Self::AttachmentsDelete(params_of(&envelope.kind, params)?),
            "input.transcribe" => Self::InputTranscribe(params_of(&envelope.kind, params)?),
            other => {
                return Err(RequestError::new(format!(
                    "unknown request type `{other}`; expected one of {}",
                    REQUEST_TYPES.join(", ")
                )));
            }
        };
        Ok((request, envelope.metadata.unwrap_or_default()))
    }

    fn params_value(&self) -> Result<Value, serde_json::Error> {
        match self {
            Self::ThreadsCreate(p) => serde_json::to_value(p),
            Self::ThreadsAddUserMessage(p) => serde_json::to_value(p),
            Self::ThreadsAddClientToolOutput(p) => serde_json::to_value(p),
            Self::ThreadsAddStructuredInput(p) => serde_json::to_value(p),
            Self::ThreadsRetryAfterItem(p) => serde_json::to_value(p),
            Self::ThreadsCustomAction(p) | Self::ThreadsSyncCustomAction(p) => {
                serde_json::to_value(p)
            }
            Self::ThreadsGetById(p) | Self::ThreadsDelete(p) => serde_json::to_value(p),
            Self::ThreadsList(p) => serde_json::to_value(p),
            Self::ThreadsUpdate(p) => serde_json::to_value(p),
            Self::ItemsList(p) => serde_json::to_value(p),
            Self::ItemsFeedback(p) => serde_json::to_value(p),
            Self::AttachmentsCreate(p) => serde_json::to_value(p),
            Self::AttachmentsDelete(p) => serde_json::to_value(p),
            Self::InputTranscribe(p) => serde_json::to_value(p),
        }
    }
}

/// Serializes as the client sends it, `{"type": ..., "params": {...}}`.
impl Serialize for ChatKitRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let params = self.params_value().map_err(serde::ser::Error::custom)?;
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", self.type_name())?;
        map.serialize_entry("params", &params)?;
        map.end()
    }
}

fn params_of<T: serde::de::DeserializeOwned>(kind: &str, params: Value) -> Result<T, RequestError> {
    serde_path_to_error::deserialize(params).map_err(|err| {
        let path = err.path().to_string();
        let at = if path == "." {
            String::new()
        } else {
            format!(" at `params.{path}`")
        };
        RequestError::new(format!("invalid `{kind}` request{at}: {}", err.inner()))
    })
}

/// A request body that is not a valid ChatKit request (HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    message: String,
}

impl RequestError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// What is wrong, for the client.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RequestError {}

/// A message the user sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserMessageInput {
    /// Text and tags.
    pub content: Vec<UserMessageContent>,
    /// Ids of attachments uploaded before.
    pub attachments: Vec<String>,
    /// Text the user quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_text: Option<String>,
    /// The model and tool the user picked.
    pub inference_options: InferenceOptions,
}

impl UserMessageInput {
    /// A plain text message.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            content: vec![UserMessageContent::InputText { text: text.into() }],
            attachments: Vec::new(),
            quoted_text: None,
            inference_options: InferenceOptions::default(),
        }
    }
}

/// The model and tool the user picked in the composer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InferenceOptions {
    /// A tool the model must use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// The model to use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// A tool picked in the composer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolChoice {
    /// The tool's id.
    pub id: String,
}

/// An action sent by a widget (`type` and `payload` of its `ActionConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// The action's name.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its data, with form values merged in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
}

/// Params of `threads.create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadsCreateParams {
    /// The first message.
    pub input: UserMessageInput,
}

/// Params of `threads.add_user_message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadsAddUserMessageParams {
    /// The message.
    pub input: UserMessageInput,
    /// The thread.
    pub thread_id: String,
}

/// Params of `threads.add_client_tool_output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadsAddClientToolOutputParams {
    /// The thread.
    pub thread_id: String,
    /// What the client tool returned. Required, as in the reference; it may be `null`.
    pub result: Value,
}

/// Params of `threads.add_structured_input`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadsAddStructuredInputParams {
    /// The thread.
    pub thread_id: String,
    /// The structured input item.
    pub item_id: String,
    /// The answers.
    pub input: StructuredInputSubmission,
}

/// Answers to a structured input item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StructuredInputSubmission {
    /// Whether the user answered or skipped.
    #[serde(default = "answered")]
    pub status: super::item::StructuredInputStatus,
    /// Answers by question id.
    #[serde(default)]
    pub answers: std::collections::BTreeMap<String, StructuredInputAnswerSubmission>,
}

fn answered() -> super::item::StructuredInputStatus {
    super::item::StructuredInputStatus::Answered
}

/// The answer to one question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructuredInputAnswerSubmission {
    /// The chosen or typed values.
    #[serde(default)]
    pub values: Vec<String>,
    /// The question was skipped.
    #[serde(default)]
    pub skipped: bool,
}

/// Params of `threads.retry_after_item`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadsRetryAfterItemParams {
    /// The thread.
    pub thread_id: String,
    /// The user message to answer again.
    pub item_id: String,
}

/// Params of `threads.custom_action` and `threads.sync_custom_action`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadsCustomActionParams {
    /// The thread.
    pub thread_id: String,
    /// The widget item that sent the action, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    /// The action.
    pub action: Action,
}

/// Params naming a thread (`threads.get_by_id`, `threads.delete`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadIdParams {
    /// The thread.
    pub thread_id: String,
}

/// Params of `threads.list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListParams {
    /// Page size (20 when absent or 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Order by creation time.
    #[serde(default)]
    pub order: Order,
    /// The cursor: the id of the last entry of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// Params of `threads.update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadsUpdateParams {
    /// The thread.
    pub thread_id: String,
    /// The new title.
    pub title: String,
}

/// Params of `items.list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemsListParams {
    /// The thread.
    pub thread_id: String,
    /// Page size (20 when absent or 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Order by creation time.
    #[serde(default)]
    pub order: Order,
    /// The cursor: the id of the last item of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// Params of `items.feedback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemsFeedbackParams {
    /// The thread.
    pub thread_id: String,
    /// The items rated.
    pub item_ids: Vec<String>,
    /// Thumbs up or down.
    pub kind: FeedbackKind,
}

/// Thumbs up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    /// Thumbs up.
    Positive,
    /// Thumbs down.
    Negative,
}

/// Params of `attachments.create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentsCreateParams {
    /// The file name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// The MIME type.
    pub mime_type: String,
}

/// Params of `attachments.delete`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentsDeleteParams {
    /// The attachment.
    pub attachment_id: String,
}

/// Params of `input.transcribe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputTranscribeParams {
    /// The audio, base64-encoded.
    pub audio_base64: String,
    /// Its MIME type, such as `audio/webm;codecs=opus`.
    pub mime_type: String,
}

/// The answer to `threads.sync_custom_action`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncCustomActionResponse {
    /// The sender item as changed by the action, if it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_item: Option<ThreadItem>,
}

/// The answer to `input.transcribe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptionResult {
    /// The recognized text.
    pub text: String,
}

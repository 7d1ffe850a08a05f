//! Thread items and what they contain.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use widget_dsl::{IconName, WidgetRoot};

use super::Timestamp;
use super::request::InferenceOptions;

/// An item of a thread, tagged by `type`.
// Widgets make `Widget` the largest variant; items are read and written a
// page at a time, so boxing it would only add an allocation per item.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ThreadItem {
    /// What the user wrote.
    UserMessage(UserMessageItem),
    /// What the assistant wrote.
    AssistantMessage(AssistantMessageItem),
    /// A tool the client runs; the turn waits for its output.
    ClientToolCall(ClientToolCallItem),
    /// A widget.
    Widget(WidgetItem),
    /// An image made by the model.
    GeneratedImage(GeneratedImageItem),
    /// Questions the user answers in a form.
    StructuredInput(StructuredInputItem),
    /// A group of tasks (reasoning, tool progress).
    Workflow(WorkflowItem),
    /// A single task.
    Task(TaskItem),
    /// Context for the model that the client never sees.
    #[serde(rename = "hidden_context_item")]
    HiddenContext(HiddenContextItem),
    /// Context the runtime itself adds (such as the cancellation marker); never sent.
    SdkHiddenContext(SdkHiddenContextItem),
    /// Marks the end of the assistant's turn.
    EndOfTurn(EndOfTurnItem),
}

/// Fields every item has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemBase {
    /// The item id.
    pub id: String,
    /// The thread it belongs to.
    pub thread_id: String,
    /// When it was created; items are ordered by it.
    #[serde(with = "super::timestamp")]
    pub created_at: Timestamp,
}

impl ItemBase {
    /// An item of `thread_id` created now.
    pub fn new(id: impl Into<String>, thread_id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            thread_id: thread_id.into(),
            created_at: super::now(),
        }
    }
}

macro_rules! item_struct {
    ($(#[$meta:meta])* $name:ident { $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            /// The id, thread and creation time.
            #[serde(flatten)]
            pub base: ItemBase,
            $($(#[$field_meta])* pub $field: $ty,)*
        }
    };
}

item_struct! {
    /// A message from the user.
    UserMessageItem {
        /// Text and tags, in order.
        pub content: Vec<UserMessageContent>,
        /// Files and images attached to the message.
        #[serde(default)]
        pub attachments: Vec<Attachment>,
        /// Text the user quoted from the thread.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub quoted_text: Option<String>,
        /// The model and tool the user picked.
        #[serde(default)]
        pub inference_options: InferenceOptions,
    }
}

impl UserMessageItem {
    /// The text of the message: its text parts and tags, joined.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .map(|part| match part {
                UserMessageContent::InputText { text } => text.as_str(),
                UserMessageContent::InputTag { text, .. } => text.as_str(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

item_struct! {
    /// A message from the assistant.
    AssistantMessageItem {
        /// Text parts, in order.
        pub content: Vec<AssistantMessageContent>,
    }
}

impl AssistantMessageItem {
    /// The text of all parts, joined.
    pub fn text(&self) -> String {
        self.content.iter().map(|part| part.text.as_str()).collect()
    }
}

item_struct! {
    /// A tool the client runs (`onClientTool`); its output resumes the turn.
    ClientToolCallItem {
        /// Whether the client answered.
        #[serde(default)]
        pub status: ClientToolCallStatus,
        /// The model's call id.
        pub call_id: String,
        /// The tool's name.
        pub name: String,
        /// The arguments.
        #[serde(default)]
        pub arguments: Map<String, Value>,
        /// The client's result, once completed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub output: Option<Value>,
    }
}

item_struct! {
    /// A widget.
    WidgetItem {
        /// The widget tree.
        pub widget: WidgetRoot,
        /// Text the copy button puts on the clipboard.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub copy_text: Option<String>,
    }
}

item_struct! {
    /// An image made by the model.
    GeneratedImageItem {
        /// The image, once there is one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image: Option<GeneratedImage>,
    }
}

item_struct! {
    /// Questions for the user, answered with `threads.add_structured_input`.
    StructuredInputItem {
        /// Whether the user answered.
        #[serde(default)]
        pub status: StructuredInputStatus,
        /// The questions.
        pub inputs: Vec<StructuredInput>,
    }
}

item_struct! {
    /// A group of tasks, such as the model's reasoning.
    WorkflowItem {
        /// The workflow.
        pub workflow: Workflow,
    }
}

item_struct! {
    /// A single task.
    TaskItem {
        /// The task.
        pub task: Task,
    }
}

item_struct! {
    /// Context for the model that the client never sees.
    HiddenContextItem {
        /// Any data.
        pub content: Value,
    }
}

item_struct! {
    /// Context the runtime adds for the model; never sent to the client.
    SdkHiddenContextItem {
        /// The text.
        pub content: String,
    }
}

item_struct! {
    /// Marks the end of the assistant's turn.
    EndOfTurnItem {}
}

impl ThreadItem {
    /// The id, thread and creation time.
    pub fn base(&self) -> &ItemBase {
        match self {
            Self::UserMessage(item) => &item.base,
            Self::AssistantMessage(item) => &item.base,
            Self::ClientToolCall(item) => &item.base,
            Self::Widget(item) => &item.base,
            Self::GeneratedImage(item) => &item.base,
            Self::StructuredInput(item) => &item.base,
            Self::Workflow(item) => &item.base,
            Self::Task(item) => &item.base,
            Self::HiddenContext(item) => &item.base,
            Self::SdkHiddenContext(item) => &item.base,
            Self::EndOfTurn(item) => &item.base,
        }
    }

    /// Mutable access to the id, thread and creation time.
    pub fn base_mut(&mut self) -> &mut ItemBase {
        match self {
            Self::UserMessage(item) => &mut item.base,
            Self::AssistantMessage(item) => &mut item.base,
            Self::ClientToolCall(item) => &mut item.base,
            Self::Widget(item) => &mut item.base,
            Self::GeneratedImage(item) => &mut item.base,
            Self::StructuredInput(item) => &mut item.base,
            Self::Workflow(item) => &mut item.base,
            Self::Task(item) => &mut item.base,
            Self::HiddenContext(item) => &mut item.base,
            Self::SdkHiddenContext(item) => &mut item.base,
            Self::EndOfTurn(item) => &mut item.base,
        }
    }

    /// The item id.
    pub fn id(&self) -> &str {
        &self.base().id
    }

    /// The id of the thread it belongs to.
    pub fn thread_id(&self) -> &str {
        &self.base().thread_id
    }

    /// When it was created.
    pub fn created_at(&self) -> Timestamp {
        self.base().created_at
    }

    /// The wire `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::UserMessage(_) => "user_message",
            Self::AssistantMessage(_) => "assistant_message",
            Self::ClientToolCall(_) => "client_tool_call",
            Self::Widget(_) => "widget",
            Self::GeneratedImage(_) => "generated_image",
            Self::StructuredInput(_) => "structured_input",
            Self::Workflow(_) => "workflow",
            Self::Task(_) => "task",
            Self::HiddenContext(_) => "hidden_context_item",
            Self::SdkHiddenContext(_) => "sdk_hidden_context",
            Self::EndOfTurn(_) => "end_of_turn",
        }
    }

    /// Whether the client must never see the item.
    pub fn is_hidden(&self) -> bool {
        matches!(self, Self::HiddenContext(_) | Self::SdkHiddenContext(_))
    }

    /// The item as the client may see it: attachment `metadata` is server-side data.
    pub fn for_client(&self) -> std::borrow::Cow<'_, Self> {
        match self {
            Self::UserMessage(message)
                if message
                    .attachments
                    .iter()
                    .any(|a| a.base().metadata.is_some()) =>
            {
                let mut message = message.clone();
                for attachment in &mut message.attachments {
                    attachment.base_mut().metadata = None;
                }
                std::borrow::Cow::Owned(Self::UserMessage(message))
            }
            _ => std::borrow::Cow::Borrowed(self),
        }
    }
}

/// A part of a user message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum UserMessageContent {
    /// Text.
    InputText {
        /// The text.
        text: String,
    },
    /// An entity the user tagged (`@someone`).
    InputTag {
        /// The entity id.
        id: String,
        /// The displayed text.
        text: String,
        /// The entity's data.
        data: Map<String, Value>,
        /// The entity's group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        /// Whether the tag can be clicked.
        #[serde(default)]
        interactive: bool,
    },
}

/// A text part of an assistant message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AssistantMessageContent {
    /// Citations in the text.
    #[serde(default)]
    pub annotations: Vec<Annotation>,
    /// The text.
    pub text: String,
    /// Always `"output_text"`.
    #[serde(rename = "type", default)]
    pub kind: OutputText,
}

impl AssistantMessageContent {
    /// A part with `text` and no annotations.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            annotations: Vec::new(),
            text: text.into(),
            kind: OutputText,
        }
    }
}

/// The `"output_text"` tag of an [`AssistantMessageContent`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputText;

impl Serialize for OutputText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("output_text")
    }
}

impl<'de> Deserialize<'de> for OutputText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(deserializer)?;
        if tag == "output_text" {
            Ok(Self)
        } else {
            Err(serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&tag),
                &"\"output_text\"",
            ))
        }
    }
}

/// A citation in an assistant message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    /// Always `"annotation"`.
    #[serde(rename = "type", default = "annotation_tag")]
    pub kind: String,
    /// What is cited.
    pub source: Source,
    /// Character offset of the footnote marker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
}

fn annotation_tag() -> String {
    "annotation".to_owned()
}

impl Annotation {
    /// A citation of `source` at character `index`.
    pub fn new(source: Source, index: Option<u32>) -> Self {
        Self {
            kind: annotation_tag(),
            source,
            index,
        }
    }
}

/// What a citation or a search task points at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Source {
    /// A web page.
    Url(UrlSource),
    /// A file.
    File(FileSource),
    /// An entity of the app.
    Entity(EntitySource),
}

/// Fields every source has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceBase {
    /// The title.
    pub title: String,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A timestamp, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// A group label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// A web page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrlSource {
    /// Title and description.
    #[serde(flatten)]
    pub base: SourceBase,
    /// The URL.
    pub url: String,
    /// Who to credit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
}

/// A file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSource {
    /// Title and description.
    #[serde(flatten)]
    pub base: SourceBase,
    /// The file name.
    pub filename: String,
}

/// An entity of the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntitySource {
    /// Title and description.
    #[serde(flatten)]
    pub base: SourceBase,
    /// The entity id.
    pub id: String,
    /// An icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<IconName>,
    /// A label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The label shown inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline_label: Option<String>,
    /// Whether it can be clicked.
    #[serde(default)]
    pub interactive: bool,
    /// The entity's data.
    #[serde(default)]
    pub data: Map<String, Value>,
    /// Deprecated by the reference and ignored; kept for round trips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
}

/// Whether a client tool call was answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientToolCallStatus {
    /// Waiting for `threads.add_client_tool_output`.
    #[default]
    Pending,
    /// Answered.
    Completed,
}

/// A generated image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedImage {
    /// The image id.
    pub id: String,
    /// An URL or `data:` URL.
    pub url: String,
}

/// Whether structured input was answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StructuredInputStatus {
    /// Waiting for the user.
    #[default]
    Pending,
    /// Answered.
    Answered,
    /// Skipped.
    Skipped,
}

/// One question of a [`StructuredInputItem`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StructuredInput {
    /// Choose among options.
    MultipleChoice {
        /// The question id; answers are keyed by it.
        id: String,
        /// The question.
        question: String,
        /// The answer, once given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answer: Option<StructuredInputAnswer>,
        /// The options.
        options: Vec<ChoiceOption>,
        /// Whether several options may be chosen.
        #[serde(default)]
        multiple: bool,
    },
    /// Free text.
    Freeform {
        /// The question id; answers are keyed by it.
        id: String,
        /// The question.
        question: String,
        /// The answer, once given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answer: Option<StructuredInputAnswer>,
        /// A hint.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
}

impl StructuredInput {
    /// The question id.
    pub fn id(&self) -> &str {
        match self {
            Self::MultipleChoice { id, .. } | Self::Freeform { id, .. } => id,
        }
    }
}

/// An option of a multiple-choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// The option.
    pub value: String,
}

/// The answer to one question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructuredInputAnswer {
    /// The chosen or typed values.
    #[serde(default)]
    pub values: Vec<String>,
    /// The question was skipped.
    #[serde(default)]
    pub skipped: bool,
}

/// A group of tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workflow {
    /// `custom` or `reasoning`.
    #[serde(rename = "type")]
    pub kind: WorkflowKind,
    /// The tasks, in order.
    #[serde(default)]
    pub tasks: Vec<Task>,
    /// A summary shown when collapsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<WorkflowSummary>,
    /// Whether the client shows it expanded.
    #[serde(default)]
    pub expanded: bool,
}

/// The kind of a workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowKind {
    /// Tasks of the app.
    Custom,
    /// The model's reasoning.
    Reasoning,
}

/// The summary of a collapsed workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum WorkflowSummary {
    /// A title and icon.
    Custom {
        /// The title.
        title: String,
        /// An icon.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        icon: Option<IconName>,
    },
    /// How long it took.
    Duration {
        /// Seconds.
        duration: u64,
    },
}

/// A task of a workflow, or on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Task {
    /// A task of the app.
    Custom {
        /// Progress shown next to it.
        #[serde(default)]
        status_indicator: StatusIndicator,
        /// The title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// An icon.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        icon: Option<IconName>,
        /// Details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content: Option<String>,
    },
    /// A web search.
    WebSearch {
        /// Progress shown next to it.
        #[serde(default)]
        status_indicator: StatusIndicator,
        /// The title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// The query shown in the title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title_query: Option<String>,
        /// The queries run.
        #[serde(default)]
        queries: Vec<String>,
        /// The pages found.
        #[serde(default, serialize_with = "tagged_sources::urls")]
        sources: Vec<UrlSource>,
    },
    /// A thought of the model.
    Thought {
        /// Progress shown next to it.
        #[serde(default)]
        status_indicator: StatusIndicator,
        /// The title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// The thought.
        content: String,
    },
    /// Files read.
    File {
        /// Progress shown next to it.
        #[serde(default)]
        status_indicator: StatusIndicator,
        /// The title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// The files.
        #[serde(default, serialize_with = "tagged_sources::files")]
        sources: Vec<FileSource>,
    },
    /// An image being made.
    Image {
        /// Progress shown next to it.
        #[serde(default)]
        status_indicator: StatusIndicator,
        /// The title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
}

/// The sources of a task keep their `type` tag on the wire, as in the
/// reference (`list[URLSource]`, `list[FileSource]`: the tag is a field of the
/// source classes there, here it belongs to [`Source`]).
mod tagged_sources {
    use serde::{Serialize, Serializer};

    use super::{FileSource, UrlSource};

    #[derive(Serialize)]
    #[serde(tag = "type", rename = "url")]
    struct Url<'a> {
        #[serde(flatten)]
        source: &'a UrlSource,
    }

    #[derive(Serialize)]
    #[serde(tag = "type", rename = "file")]
    struct File<'a> {
        #[serde(flatten)]
        source: &'a FileSource,
    }

    pub(super) fn urls<S: Serializer>(
        sources: &[UrlSource],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(sources.iter().map(|source| Url { source }))
    }

    pub(super) fn files<S: Serializer>(
        sources: &[FileSource],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(sources.iter().map(|source| File { source }))
    }
}

/// Progress shown next to a task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusIndicator {
    /// Nothing.
    #[default]
    None,
    /// A spinner.
    Loading,
    /// A check mark.
    Complete,
}

/// A file or image attached to a user message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Attachment {
    /// A file.
    File(FileAttachment),
    /// An image, with a preview.
    Image(ImageAttachment),
}

impl Attachment {
    /// The fields every attachment has.
    pub fn base(&self) -> &AttachmentBase {
        match self {
            Self::File(file) => &file.base,
            Self::Image(image) => &image.base,
        }
    }

    /// Mutable access to the fields every attachment has.
    pub fn base_mut(&mut self) -> &mut AttachmentBase {
        match self {
            Self::File(file) => &mut file.base,
            Self::Image(image) => &mut image.base,
        }
    }

    /// The attachment id.
    pub fn id(&self) -> &str {
        &self.base().id
    }

    /// The attachment as the client may see it, without `metadata`.
    pub fn for_client(&self) -> Self {
        let mut attachment = self.clone();
        attachment.base_mut().metadata = None;
        attachment
    }
}

/// Fields every attachment has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentBase {
    /// The attachment id (`atc_...`).
    pub id: String,
    /// The file name.
    pub name: String,
    /// The MIME type.
    pub mime_type: String,
    /// Where the client uploads the bytes (two-phase uploads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_descriptor: Option<UploadDescriptor>,
    /// The thread of the message it is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    /// Server-side data. Stored; removed by [`Attachment::for_client`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
}

/// A file attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileAttachment {
    /// The common fields.
    #[serde(flatten)]
    pub base: AttachmentBase,
}

/// An image attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageAttachment {
    /// The common fields.
    #[serde(flatten)]
    pub base: AttachmentBase,
    /// URL of a thumbnail.
    pub preview_url: String,
}

/// Where and how the client uploads an attachment's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadDescriptor {
    /// The upload URL.
    pub url: String,
    /// `POST` or `PUT`.
    pub method: UploadMethod,
    /// Headers to send.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
}

/// The HTTP method of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadMethod {
    /// `POST` (a multipart form with a `file` field).
    #[serde(rename = "POST")]
    Post,
    /// `PUT` (the raw bytes).
    #[serde(rename = "PUT")]
    Put,
}

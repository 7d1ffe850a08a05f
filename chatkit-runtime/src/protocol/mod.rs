//! The ChatKit wire protocol: requests, streamed events, threads, items and
//! their updates, as serde types that produce exactly the JSON of the
//! reference server (`None` omitted; defaults such as `false`, `[]` and `{}`
//! kept).

mod event;
mod item;
mod request;
mod thread;
mod update;

pub use event::{ErrorCode, NoticeLevel, StreamOptions, ThreadStreamEvent};
pub use item::{
    Annotation, AssistantMessageContent, AssistantMessageItem, Attachment, AttachmentBase,
    ChoiceOption, ClientToolCallItem, ClientToolCallStatus, EndOfTurnItem, EntitySource,
    FileAttachment, FileSource, GeneratedImage, GeneratedImageItem, HiddenContextItem,
    ImageAttachment, ItemBase, OutputText, SdkHiddenContextItem, Source, SourceBase,
    StatusIndicator, StructuredInput, StructuredInputAnswer, StructuredInputItem,
    StructuredInputStatus, Task, TaskItem, ThreadItem, UploadDescriptor, UploadMethod, UrlSource,
    UserMessageContent, UserMessageItem, WidgetItem, Workflow, WorkflowItem, WorkflowKind,
    WorkflowSummary,
};
pub use request::{
    Action, AttachmentsCreateParams, AttachmentsDeleteParams, ChatKitRequest, FeedbackKind,
    InferenceOptions, InputTranscribeParams, ItemsFeedbackParams, ItemsListParams, ListParams,
    REQUEST_TYPES, RequestError, StructuredInputAnswerSubmission, StructuredInputSubmission,
    SyncCustomActionResponse, ThreadIdParams, ThreadsAddClientToolOutputParams,
    ThreadsAddStructuredInputParams, ThreadsAddUserMessageParams, ThreadsCreateParams,
    ThreadsCustomActionParams, ThreadsRetryAfterItemParams, ThreadsUpdateParams, ToolChoice,
    TranscriptionResult, UserMessageInput,
};
pub use thread::{Order, Page, Thread, ThreadMetadata, ThreadStatus};
pub use update::ThreadItemUpdate;

/// A point in time. Serialized as ISO 8601 with microseconds and `Z`;
/// parsed from ISO 8601 with or without an offset (the reference writes
/// naive local times, read here as UTC).
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// The current time, as items and threads are stamped: to the microsecond,
/// the precision of the wire format, so a stored time reads back equal.
pub fn now() -> Timestamp {
    use chrono::SubsecRound as _;
    chrono::Utc::now().trunc_subsecs(6)
}

pub(crate) mod timestamp {
    use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        value: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_rfc3339_opts(SecondsFormat::Micros, true))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| {
            serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&text),
                &"an ISO 8601 date-time",
            )
        })
    }

    pub(crate) fn parse(text: &str) -> Option<DateTime<Utc>> {
        if let Ok(value) = DateTime::parse_from_rfc3339(text) {
            return Some(value.with_timezone(&Utc));
        }
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(|naive| naive.and_utc())
    }
}

//! The events of a streamed response.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use widget_dsl::IconName;

use super::{Thread, ThreadItem, ThreadItemUpdate};

/// One server-sent event of a streamed response, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum ThreadStreamEvent {
    /// The thread was created (first event of `threads.create`).
    #[serde(rename = "thread.created")]
    ThreadCreated {
        /// The new thread.
        thread: Thread,
    },
    /// The thread changed (title, status, ...).
    #[serde(rename = "thread.updated")]
    ThreadUpdated {
        /// The thread.
        thread: Thread,
    },
    /// An item started streaming; not stored until it is done.
    #[serde(rename = "thread.item.added")]
    ThreadItemAdded {
        /// The item as it starts.
        item: ThreadItem,
    },
    /// A streaming item changed.
    #[serde(rename = "thread.item.updated")]
    ThreadItemUpdated {
        /// The item's id.
        item_id: String,
        /// The change.
        update: ThreadItemUpdate,
    },
    /// An item is complete; stored before it is sent.
    #[serde(rename = "thread.item.done")]
    ThreadItemDone {
        /// The complete item.
        item: ThreadItem,
    },
    /// An item was removed; deleted before it is sent.
    #[serde(rename = "thread.item.removed")]
    ThreadItemRemoved {
        /// The removed item's id.
        item_id: String,
    },
    /// An item was replaced; stored before it is sent.
    #[serde(rename = "thread.item.replaced")]
    ThreadItemReplaced {
        /// The new item.
        item: ThreadItem,
    },
    /// Options of this stream (first event of every response).
    #[serde(rename = "stream_options")]
    StreamOptions {
        /// The options.
        stream_options: StreamOptions,
    },
    /// A transient progress line.
    #[serde(rename = "progress_update")]
    ProgressUpdate {
        /// An icon.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        icon: Option<IconName>,
        /// The text.
        text: String,
    },
    /// A side effect the client runs (`onEffect`).
    #[serde(rename = "client_effect")]
    ClientEffect {
        /// The effect's name.
        name: String,
        /// Its data.
        #[serde(default)]
        data: Map<String, Value>,
    },
    /// The response failed.
    #[serde(rename = "error")]
    Error {
        /// What kind of error.
        #[serde(default)]
        code: ErrorCode,
        /// A message for the user (`custom` errors).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// Whether the client offers a retry.
        #[serde(default)]
        allow_retry: bool,
    },
    /// A notice for the user.
    #[serde(rename = "notice")]
    Notice {
        /// How important.
        level: NoticeLevel,
        /// The message, in Markdown.
        message: String,
        /// A title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
}

impl ThreadStreamEvent {
    /// The wire `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::ThreadCreated { .. } => "thread.created",
            Self::ThreadUpdated { .. } => "thread.updated",
            Self::ThreadItemAdded { .. } => "thread.item.added",
            Self::ThreadItemUpdated { .. } => "thread.item.updated",
            Self::ThreadItemDone { .. } => "thread.item.done",
            Self::ThreadItemRemoved { .. } => "thread.item.removed",
            Self::ThreadItemReplaced { .. } => "thread.item.replaced",
            Self::StreamOptions { .. } => "stream_options",
            Self::ProgressUpdate { .. } => "progress_update",
            Self::ClientEffect { .. } => "client_effect",
            Self::Error { .. } => "error",
            Self::Notice { .. } => "notice",
        }
    }
}

/// Options of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamOptions {
    /// Whether the client shows a stop button.
    pub allow_cancel: bool,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self { allow_cancel: true }
    }
}

/// The code of an `error` event. The client localizes `stream.error`;
/// `custom` errors carry their own message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `"stream.error"`: generating the response failed.
    StreamError,
    /// `"custom"`: see the message.
    #[default]
    Custom,
    /// A code this version does not know.
    Other(String),
}

impl ErrorCode {
    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::StreamError => "stream.error",
            Self::Custom => "custom",
            Self::Other(code) => code,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Ok(match code.as_str() {
            "stream.error" => Self::StreamError,
            "custom" => Self::Custom,
            _ => Self::Other(code),
        })
    }
}

/// How important a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeLevel {
    /// Information.
    Info,
    /// A warning.
    Warning,
    /// Something went wrong.
    Danger,
}

//! Threads and pages.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ThreadItem, Timestamp};

/// A thread without its items: what stores keep and `threads.list` returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadMetadata {
    /// The thread's title, if one was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The thread id (`thr_...`).
    pub id: String,
    /// When the thread was created.
    #[serde(with = "super::timestamp")]
    pub created_at: Timestamp,
    /// Whether the user can still post.
    #[serde(default)]
    pub status: ThreadStatus,
    /// Image domains the client may render in assistant messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_image_domains: Option<Vec<String>>,
    /// Server-side data of the app. Stored, never sent to the client.
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

impl ThreadMetadata {
    /// A new active thread created now.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            title: None,
            id: id.into(),
            created_at: super::now(),
            status: ThreadStatus::Active,
            allowed_image_domains: None,
            metadata: Map::new(),
        }
    }
}

/// A thread with a page of its items, as the client receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    /// The thread's fields.
    #[serde(flatten)]
    pub meta: ThreadMetadata,
    /// A page of items.
    #[serde(default)]
    pub items: Page<ThreadItem>,
}

/// Whether a thread accepts new messages; only the client's composer reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ThreadStatus {
    /// Open.
    #[default]
    Active,
    /// Temporarily closed to new messages.
    Locked {
        /// Why, for the user.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Closed for good.
    Closed {
        /// Why, for the user.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

/// One page of a list, with the cursor of the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The entries.
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    /// Whether more entries follow.
    #[serde(default)]
    pub has_more: bool,
    /// The cursor of the next page: the id of the last entry, when `has_more`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            data: Vec::new(),
            has_more: false,
            after: None,
        }
    }
}

/// The order of a listing, by creation time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Oldest first.
    Asc,
    /// Newest first (the protocol's default).
    #[default]
    Desc,
}

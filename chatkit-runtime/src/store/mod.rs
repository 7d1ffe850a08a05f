//! Where threads, items and attachments live.
//!
//! [`Store`] is the contract; [`MemoryStore`] keeps everything in memory
//! (tests, demos), [`SqliteStore`] in an embedded SQLite file (the default;
//! Cargo feature `sqlite`) and `PostgresStore` in PostgreSQL (feature
//! `postgres`). Every call carries the request context, and the built-in stores
//! scope every query by its [`ScopedContext::scope`]: one user never sees or
//! changes another user's threads, items or attachments.

mod locks;
mod memory;
mod open;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod rows;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::fmt;

use async_trait::async_trait;

pub use locks::{LocalThreadLocks, ThreadLease};
pub use memory::MemoryStore;
pub(crate) use open::DEFAULT_URL;
pub use open::{open, open_from_env};
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use crate::protocol::{Attachment, Order, Page, ThreadItem, ThreadMetadata};

/// The page size when a request gives none (or 0).
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// A request context the built-in stores can scope data by.
pub trait ScopedContext: Send + Sync {
    /// Whose data the request may see: typically the user id. Data saved
    /// under one scope is invisible under every other.
    fn scope(&self) -> &str;
}

impl ScopedContext for String {
    fn scope(&self) -> &str {
        self
    }
}

impl ScopedContext for &'static str {
    fn scope(&self) -> &str {
        self
    }
}

/// A single-tenant app: everything shares one scope.
impl ScopedContext for () {
    fn scope(&self) -> &str {
        ""
    }
}

/// What an id is for; decides its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdKind {
    /// `thr_`
    Thread,
    /// `msg_`: user and assistant messages, widgets, generated images.
    Message,
    /// `tc_`
    ToolCall,
    /// `tsk_`
    Task,
    /// `wf_`
    Workflow,
    /// `atc_`
    Attachment,
    /// `shcx_`
    SdkHiddenContext,
}

impl IdKind {
    /// The id prefix, as in the reference server.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Thread => "thr",
            Self::Message => "msg",
            Self::ToolCall => "tc",
            Self::Task => "tsk",
            Self::Workflow => "wf",
            Self::Attachment => "atc",
            Self::SdkHiddenContext => "shcx",
        }
    }
}

/// A database URL fit for logs: the password, if any, replaced by `***`.
///
/// ```
/// assert_eq!(
///     chatkit_runtime::store::display_url("postgres://app:s3cret@db:5432/chat"),
///     "postgres://app:***@db:5432/chat",
/// );
/// assert_eq!(chatkit_runtime::store::display_url("sqlite://chatkit.db"), "sqlite://chatkit.db");
/// ```
pub fn display_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

/// A new random id of `kind`: its prefix, `_`, and 16 hex digits.
pub fn generate_id(kind: IdKind) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{}_{}", kind.prefix(), &random[..16])
}

/// Why a store call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// No such thread, item or attachment in the caller's scope.
    NotFound {
        /// `"thread"`, `"item"` or `"attachment"`.
        kind: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The storage backend failed or is unreachable; the request may succeed later.
    Unavailable(Box<dyn std::error::Error + Send + Sync>),
    /// Stored data could not be read back (corrupt, or from an incompatible version).
    Corrupt(String),
    /// The store is misconfigured (an unsupported or malformed URL); retrying will not help.
    Config(String),
}

impl StoreError {
    /// A thread, item or attachment that does not exist in the caller's scope.
    pub fn not_found(kind: &'static str, id: impl Into<String>) -> Self {
        Self::NotFound {
            kind,
            id: id.into(),
        }
    }

    /// Whether this is [`StoreError::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound { kind, id } => write!(f, "{kind} `{id}` not found"),
            Self::Unavailable(err) => write!(f, "the store is unavailable: {err}"),
            Self::Corrupt(message) => write!(f, "stored data is unreadable: {message}"),
            Self::Config(message) => write!(f, "the store is misconfigured: {message}"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unavailable(err) => Some(err.as_ref()),
            _ => None,
        }
    }
}

/// Persistence of threads, items and attachment metadata.
///
/// Every method receives the request context `C`; an implementation must
/// only ever return or change data that the context may see.
///
/// Scope: a thread, its items or an attachment outside the caller's scope
/// behaves exactly like a missing one ([`StoreError::NotFound`]); so does
/// listing the items of such a thread (the reference returns an empty page).
/// Item ids are unique within their thread, and items are filed under the
/// `thread_id` argument.
///
/// Missing targets: loading, or changing items of, a missing thread is
/// `NotFound`; deleting a missing item or attachment is not an error.
///
/// Listing contract (threads and items alike): entries are ordered by
/// `created_at`, ties broken by insertion order, so pages are stable;
/// `after` is an exclusive cursor (the id of the last entry of the previous
/// page; an unknown cursor is [`StoreError::NotFound`]); the returned page
/// holds at most `limit` entries, with `has_more` and, when there are more,
/// `after` set to its last entry's id.
#[async_trait]
pub trait Store<C: Send + Sync>: Send + Sync + 'static {
    /// A new thread id (`thr_` + 16 hex digits by default).
    fn generate_thread_id(&self, _ctx: &C) -> String {
        generate_id(IdKind::Thread)
    }

    /// A new item id of `kind` for `thread`.
    fn generate_item_id(&self, kind: IdKind, _thread: &ThreadMetadata, _ctx: &C) -> String {
        generate_id(kind)
    }

    /// Loads a thread.
    async fn load_thread(&self, thread_id: &str, ctx: &C) -> Result<ThreadMetadata, StoreError>;

    /// Inserts or replaces a thread.
    async fn save_thread(&self, thread: &ThreadMetadata, ctx: &C) -> Result<(), StoreError>;

    /// Stores a new thread with its first items, in order: the conversation
    /// a `threads.create` starts. The default saves the thread, then adds
    /// each item; the built-in stores do it in one statement (and
    /// `PostgresStore` at once: all or none).
    async fn create_thread(
        &self,
        thread: &ThreadMetadata,
        items: &[ThreadItem],
        ctx: &C,
    ) -> Result<(), StoreError> {
        self.save_thread(thread, ctx).await?;
        for item in items {
            self.add_thread_item(&thread.id, item, ctx).await?;
        }
        Ok(())
    }

    /// Lists threads.
    async fn load_threads(
        &self,
        limit: u32,
        after: Option<&str>,
        order: Order,
        ctx: &C,
    ) -> Result<Page<ThreadMetadata>, StoreError>;

    /// Deletes a thread with all its items, at once.
    async fn delete_thread(&self, thread_id: &str, ctx: &C) -> Result<(), StoreError>;

    /// Lists a thread's items; [`StoreError::NotFound`] if the thread is not the caller's.
    async fn load_thread_items(
        &self,
        thread_id: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
        ctx: &C,
    ) -> Result<Page<ThreadItem>, StoreError>;

    /// Adds an item to a thread. Adding an item whose id exists replaces it
    /// in place (a workflow continued across a client tool call is added twice).
    async fn add_thread_item(
        &self,
        thread_id: &str,
        item: &ThreadItem,
        ctx: &C,
    ) -> Result<(), StoreError>;

    /// Inserts or replaces an item by id.
    async fn save_item(
        &self,
        thread_id: &str,
        item: &ThreadItem,
        ctx: &C,
    ) -> Result<(), StoreError>;

    /// Loads one item.
    async fn load_item(
        &self,
        thread_id: &str,
        item_id: &str,
        ctx: &C,
    ) -> Result<ThreadItem, StoreError>;

    /// Deletes one item; deleting a missing item is not an error.
    async fn delete_thread_item(
        &self,
        thread_id: &str,
        item_id: &str,
        ctx: &C,
    ) -> Result<(), StoreError>;

    /// Deletes several items at once, all or none where the backend allows.
    async fn delete_thread_items(
        &self,
        thread_id: &str,
        item_ids: &[String],
        ctx: &C,
    ) -> Result<(), StoreError> {
        for item_id in item_ids {
            self.delete_thread_item(thread_id, item_id, ctx).await?;
        }
        Ok(())
    }

    /// Inserts or replaces attachment metadata.
    async fn save_attachment(&self, attachment: &Attachment, ctx: &C) -> Result<(), StoreError>;

    /// Loads attachment metadata.
    async fn load_attachment(&self, attachment_id: &str, ctx: &C)
    -> Result<Attachment, StoreError>;

    /// Deletes attachment metadata; deleting a missing attachment is not an error.
    async fn delete_attachment(&self, attachment_id: &str, ctx: &C) -> Result<(), StoreError>;

    /// Takes the exclusive right to respond on a thread, held until the
    /// lease is dropped; `None` when another response holds it. The server
    /// takes it for every streamed response, so two responses never
    /// interleave their items on one thread. A store shared by several
    /// server processes must lock across them (as `PostgresStore` does);
    /// [`LocalThreadLocks`] serves stores used by one process.
    async fn try_lock_thread(
        &self,
        thread_id: &str,
        ctx: &C,
    ) -> Result<Option<ThreadLease>, StoreError>;

    /// Whether the backend answers now, for readiness checks: cheap, and
    /// outside any scope. The default always succeeds; stores with a backend
    /// to reach (such as `SqliteStore` and `PostgresStore`) run a trivial query.
    async fn health_check(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

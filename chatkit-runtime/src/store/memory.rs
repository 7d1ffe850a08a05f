//! A store in memory, for tests and demos.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use super::{DEFAULT_PAGE_SIZE, LocalThreadLocks, ScopedContext, Store, StoreError, ThreadLease};
use crate::protocol::{Attachment, Order, Page, ThreadItem, ThreadMetadata, Timestamp};

/// Threads, items and attachments in memory, scoped like the other stores.
/// Everything is lost when the process exits.
///
/// ```
/// use chatkit_runtime::store::{MemoryStore, Store};
/// use chatkit_runtime::protocol::ThreadMetadata;
///
/// # futures::executor::block_on(async {
/// let store = MemoryStore::new();
/// let user = "user-1".to_owned();
/// store.save_thread(&ThreadMetadata::new("thr_1"), &user).await.unwrap();
/// assert!(store.load_thread("thr_1", &"someone-else".to_owned()).await.is_err());
/// # });
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    locks: LocalThreadLocks,
}

#[derive(Debug, Default)]
struct State {
    threads: HashMap<String, StoredThread>,
    attachments: HashMap<String, (String, Attachment)>,
    /// Insertion counter: breaks ties between equal `created_at`.
    next_seq: u64,
}

#[derive(Debug)]
struct StoredThread {
    scope: String,
    seq: u64,
    thread: ThreadMetadata,
    items: Vec<StoredItem>,
}

#[derive(Debug)]
struct StoredItem {
    seq: u64,
    item: ThreadItem,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated:
        // every change below is a single insert or remove.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    fn thread(&self, thread_id: &str, scope: &str) -> Result<&StoredThread, StoreError> {
        self.threads
            .get(thread_id)
            .filter(|stored| stored.scope == scope)
            .ok_or_else(|| StoreError::not_found("thread", thread_id))
    }

    fn thread_mut(
        &mut self,
        thread_id: &str,
        scope: &str,
    ) -> Result<&mut StoredThread, StoreError> {
        self.threads
            .get_mut(thread_id)
            .filter(|stored| stored.scope == scope)
            .ok_or_else(|| StoreError::not_found("thread", thread_id))
    }

    fn upsert_item(
        &mut self,
        thread_id: &str,
        item: &ThreadItem,
        scope: &str,
    ) -> Result<(), StoreError> {
        let seq = self.seq();
        let thread = self.thread_mut(thread_id, scope)?;
        match thread
            .items
            .iter_mut()
            .find(|stored| stored.item.id() == item.id())
        {
            Some(stored) => stored.item = item.clone(),
            None => thread.items.push(StoredItem {
                seq,
                item: item.clone(),
            }),
        }
        Ok(())
    }
}

/// One page of `entries` (each with its sort key and id) after the cursor.
fn paginate<T: Clone>(
    mut entries: Vec<((Timestamp, u64), &str, &T)>,
    after: Option<&str>,
    limit: u32,
    order: Order,
    kind: &'static str,
) -> Result<Page<T>, StoreError> {
    entries.sort_by_key(|(key, _, _)| *key);
    if order == Order::Desc {
        entries.reverse();
    }
    let start = match after {
        Some(cursor) => {
            entries
                .iter()
                .position(|(_, id, _)| *id == cursor)
                .ok_or_else(|| StoreError::not_found(kind, cursor))?
                + 1
        }
        None => 0,
    };
    let limit = if limit == 0 { DEFAULT_PAGE_SIZE } else { limit } as usize;
    let rest = &entries[start..];
    let data: Vec<T> = rest
        .iter()
        .take(limit)
        .map(|(_, _, value)| (*value).clone())
        .collect();
    let has_more = rest.len() > limit;
    let after = if has_more {
        rest.get(limit - 1).map(|(_, id, _)| (*id).to_owned())
    } else {
        None
    };
    Ok(Page {
        data,
        has_more,
        after,
    })
}

#[async_trait]
impl<C: ScopedContext> Store<C> for MemoryStore {
    async fn load_thread(&self, thread_id: &str, ctx: &C) -> Result<ThreadMetadata, StoreError> {
        Ok(self.state().thread(thread_id, ctx.scope())?.thread.clone())
    }

    async fn save_thread(&self, thread: &ThreadMetadata, ctx: &C) -> Result<(), StoreError> {
        let mut state = self.state();
        let seq = state.seq();
        match state.threads.get_mut(&thread.id) {
            Some(stored) if stored.scope == ctx.scope() => stored.thread = thread.clone(),
            // Another scope's id is not taken over.
            Some(_) => return Err(StoreError::not_found("thread", &thread.id)),
            None => {
                state.threads.insert(
                    thread.id.clone(),
                    StoredThread {
                        scope: ctx.scope().to_owned(),
                        seq,
                        thread: thread.clone(),
                        items: Vec::new(),
                    },
                );
            }
        }
        Ok(())
    }

    async fn load_threads(
        &self,
        limit: u32,
        after: Option<&str>,
        order: Order,
        ctx: &C,
    ) -> Result<Page<ThreadMetadata>, StoreError> {
        let state = self.state();
        let entries = state
            .threads
            .values()
            .filter(|stored| stored.scope == ctx.scope())
            .map(|stored| {
                (
                    (stored.thread.created_at, stored.seq),
                    stored.thread.id.as_str(),
                    &stored.thread,
                )
            })
            .collect();
        paginate(entries, after, limit, order, "thread")
    }

    async fn delete_thread(&self, thread_id: &str, ctx: &C) -> Result<(), StoreError> {
        let mut state = self.state();
        state.thread(thread_id, ctx.scope())?;
        state.threads.remove(thread_id);
        Ok(())
    }

    async fn load_thread_items(
        &self,
        thread_id: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
        ctx: &C,
    ) -> Result<Page<ThreadItem>, StoreError> {
        let state = self.state();
        let thread = state.thread(thread_id, ctx.scope())?;
        let entries = thread
            .items
            .iter()
            .map(|stored| {
                (
                    (stored.item.created_at(), stored.seq),
                    stored.item.id(),
                    &stored.item,
                )
            })
            .collect();
        paginate(entries, after, limit, order, "item")
    }

    async fn add_thread_item(
        &self,
        thread_id: &str,
        item: &ThreadItem,
        ctx: &C,
    ) -> Result<(), StoreError> {
        self.state().upsert_item(thread_id, item, ctx.scope())
    }

    async fn save_item(
        &self,
        thread_id: &str,
        item: &ThreadItem,
        ctx: &C,
    ) -> Result<(), StoreError> {
        self.state().upsert_item(thread_id, item, ctx.scope())
    }

    async fn load_item(
        &self,
        thread_id: &str,
        item_id: &str,
        ctx: &C,
    ) -> Result<ThreadItem, StoreError> {
        let state = self.state();
        state
            .thread(thread_id, ctx.scope())?
            .items
            .iter()
            .find(|stored| stored.item.id() == item_id)
            .map(|stored| stored.item.clone())
            .ok_or_else(|| StoreError::not_found("item", item_id))
    }

    async fn delete_thread_item(
        &self,
        thread_id: &str,
        item_id: &str,
        ctx: &C,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        let thread = state.thread_mut(thread_id, ctx.scope())?;
        thread.items.retain(|stored| stored.item.id() != item_id);
        Ok(())
    }

    async fn delete_thread_items(
        &self,
        thread_id: &str,
        item_ids: &[String],
        ctx: &C,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        let thread = state.thread_mut(thread_id, ctx.scope())?;
        thread
            .items
            .retain(|stored| !item_ids.iter().any(|id| id == stored.item.id()));
        Ok(())
    }

    async fn save_attachment(&self, attachment: &Attachment, ctx: &C) -> Result<(), StoreError> {
        let mut state = self.state();
        match state.attachments.get(attachment.id()) {
            Some((scope, _)) if scope != ctx.scope() => {
                Err(StoreError::not_found("attachment", attachment.id()))
            }
            _ => {
                state.attachments.insert(
                    attachment.id().to_owned(),
                    (ctx.scope().to_owned(), attachment.clone()),
                );
                Ok(())
            }
        }
    }

    async fn load_attachment(
        &self,
        attachment_id: &str,
        ctx: &C,
    ) -> Result<Attachment, StoreError> {
        self.state()
            .attachments
            .get(attachment_id)
            .filter(|(scope, _)| scope == ctx.scope())
            .map(|(_, attachment)| attachment.clone())
            .ok_or_else(|| StoreError::not_found("attachment", attachment_id))
    }

    async fn try_lock_thread(
        &self,
        thread_id: &str,
        ctx: &C,
    ) -> Result<Option<ThreadLease>, StoreError> {
        Ok(self.locks.try_lock(ctx.scope(), thread_id))
    }

    async fn delete_attachment(&self, attachment_id: &str, ctx: &C) -> Result<(), StoreError> {
        let mut state = self.state();
        if state
            .attachments
            .get(attachment_id)
            .is_some_and(|(scope, _)| scope == ctx.scope())
        {
            state.attachments.remove(attachment_id);
        }
        Ok(())
    }
}

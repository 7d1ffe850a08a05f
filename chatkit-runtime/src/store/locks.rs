//! One response at a time per thread.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

/// The exclusive right to respond on a thread, released when dropped.
#[must_use = "the thread is unlocked as soon as the lease is dropped"]
pub struct ThreadLease {
    _held: Box<dyn Send + Sync>,
}

impl ThreadLease {
    /// A lease that holds `guard` (a lock guard, a transaction, ...) until dropped.
    pub fn new(guard: impl Send + Sync + 'static) -> Self {
        Self {
            _held: Box::new(guard),
        }
    }
}

impl std::fmt::Debug for ThreadLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ThreadLease")
    }
}

/// Thread locks within one process, for stores that a single server uses.
#[derive(Debug, Clone, Default)]
pub struct LocalThreadLocks {
    busy: Arc<Mutex<HashSet<String>>>,
}

struct LocalGuard {
    busy: Arc<Mutex<HashSet<String>>>,
    key: String,
}

impl Drop for LocalGuard {
    fn drop(&mut self) {
        self.busy
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.key);
    }
}

impl LocalThreadLocks {
    /// No thread locked.
    pub fn new() -> Self {
        Self::default()
    }

    /// Locks `thread_id` of `scope`, or `None` if it is locked already.
    pub fn try_lock(&self, scope: &str, thread_id: &str) -> Option<ThreadLease> {
        // The scope keeps ids of different users apart, as the stores do.
        let key = format!("{scope}\u{0}{thread_id}");
        let mut busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        if !busy.insert(key.clone()) {
            return None;
        }
        Some(ThreadLease::new(LocalGuard {
            busy: Arc::clone(&self.busy),
            key,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::LocalThreadLocks;

    #[test]
    fn one_lease_per_thread_until_dropped() {
        let locks = LocalThreadLocks::new();
        let lease = locks.try_lock("alice", "thr_1").expect("free");
        assert!(locks.try_lock("alice", "thr_1").is_none());
        assert!(locks.try_lock("alice", "thr_2").is_some());
        assert!(locks.try_lock("bob", "thr_1").is_some());
        drop(lease);
        assert!(locks.try_lock("alice", "thr_1").is_some());
    }
}

//! The connections a file database opened by [`SqliteStore::open`] keeps
//! for itself: one that writes, a few that read.
//!
//! Why not the pool: SQLite has one writer at a time, and writers on
//! several connections wait for each other in SQLite's busy handler, which
//! sleeps and retries; queued for one connection, they wait their turn
//! instead. And every statement on a pool costs two more round trips to the
//! connection's thread than on a connection of one's own (a check when it is
//! taken, a ping when it is given back): each is a thread woken and put to
//! sleep, which costs more than the statement.
//!
//! [`SqliteStore::open`]: super::SqliteStore::open

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions as _, Connection as _, Sqlite};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

use crate::store::StoreError;

/// A connection taken for one operation.
pub(super) enum Conn<'a> {
    /// One of the store's own.
    Own(MappedMutexGuard<'a, SqliteConnection>),
    /// The pool's, for a store made by `from_pool` or in memory.
    Pooled(PoolConnection<Sqlite>),
}

impl Deref for Conn<'_> {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        match self {
            Self::Own(conn) => conn,
            Self::Pooled(conn) => conn,
        }
    }
}

impl DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match self {
            Self::Own(conn) => conn,
            Self::Pooled(conn) => conn,
        }
    }
}

/// A connection, or `None` once closed.
type Slot = Mutex<Option<SqliteConnection>>;

#[derive(Debug)]
pub(super) struct Connections {
    writer: Slot,
    readers: Box<[Slot]>,
    /// The reader to wait for when none is free, in turn.
    next: AtomicUsize,
}

impl Connections {
    /// Opens a writer and `readers` readers (at least one).
    pub(super) async fn open(
        options: &SqliteConnectOptions,
        readers: usize,
    ) -> Result<Self, sqlx::Error> {
        let writer = options.connect().await?;
        let mut slots = Vec::with_capacity(readers.max(1));
        for _ in 0..readers.max(1) {
            slots.push(Mutex::new(Some(options.connect().await?)));
        }
        Ok(Self {
            writer: Mutex::new(Some(writer)),
            readers: slots.into_boxed_slice(),
            next: AtomicUsize::new(0),
        })
    }

    /// The writer, once the writes queued before are done.
    pub(super) async fn writer(&self) -> Result<Conn<'_>, StoreError> {
        open(self.writer.lock().await)
    }

    /// A reader: a free one, or the next in turn once it is free.
    pub(super) async fn reader(&self) -> Result<Conn<'_>, StoreError> {
        for slot in &self.readers {
            if let Ok(guard) = slot.try_lock() {
                return open(guard);
            }
        }
        let next = self.next.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        open(self.readers[next].lock().await)
    }

    /// Closes every connection once its operation in progress is done;
    /// later operations fail.
    pub(super) async fn close(&self) {
        for slot in std::iter::once(&self.writer).chain(&self.readers) {
            let conn = slot.lock().await.take();
            if let Some(conn) = conn {
                let _ = conn.close().await;
            }
        }
    }
}

fn open(guard: MutexGuard<'_, Option<SqliteConnection>>) -> Result<Conn<'_>, StoreError> {
    MutexGuard::try_map(guard, Option::as_mut)
        .map(Conn::Own)
        .map_err(|_| StoreError::Unavailable("the SQLite store is closed".into()))
}

-- Threads, items and attachment metadata of `SqliteStore`.
--
-- Rows keep the wire JSON of the protocol types in `data`; the other columns
-- exist to find, scope and order rows. `created_at` is UTC text of fixed
-- width (`2025-01-31T12:34:56.123456Z`), so text order is time order. `seq`
-- is the insertion counter of the table (one more than its largest `seq`):
-- an upsert keeps it, and it breaks ties between equal `created_at` in
-- insertion order. (It is a column of its own, not the rowid, so that the
-- page indexes can seek to a `(created_at, seq)` cursor exactly.)

CREATE TABLE threads (
    id         TEXT    PRIMARY KEY NOT NULL,
    scope      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    seq        INTEGER NOT NULL UNIQUE,
    data       TEXT    NOT NULL -- ThreadMetadata JSON
);

-- `threads.list` of one scope: one range scan in (created_at, seq) order.
CREATE INDEX threads_by_scope_created ON threads (scope, created_at, seq);

CREATE TABLE items (
    id         TEXT    NOT NULL,
    thread_id  TEXT    NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    scope      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    seq        INTEGER NOT NULL UNIQUE,
    data       TEXT    NOT NULL, -- ThreadItem JSON
    -- Item ids are unique within their thread: upserts conflict on this,
    -- and it indexes `thread_id` for the foreign key.
    PRIMARY KEY (thread_id, id)
);

-- `items.list` of one thread: one range scan in (created_at, seq) order.
CREATE INDEX items_by_thread_created ON items (scope, thread_id, created_at, seq);

CREATE TABLE attachments (
    id    TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL,
    data  TEXT NOT NULL -- Attachment JSON, including its server-side metadata
);

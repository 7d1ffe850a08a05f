-- Threads, items and attachment metadata of `PostgresStore`.
--
-- Rows keep the wire JSON of the protocol types in `data` (JSONB); the other
-- columns exist to find, scope and order rows. The tables are prefixed
-- `chatkit_` because a PostgreSQL database is usually shared with the app's
-- own tables; the migrations are recorded in `_chatkit_migrations` for the
-- same reason.
--
-- `seq` comes from an identity column: globally increasing and never reused
-- (a rolled-back insert or an upsert that updates leaves a gap, which is
-- harmless). An upsert keeps the row and with it `seq`, which breaks ties
-- between equal `created_at` in insertion order. Identity values are only
-- generated, never supplied (`GENERATED ALWAYS`), so no UNIQUE index is
-- needed to keep them apart.

CREATE TABLE chatkit_threads (
    id         text        PRIMARY KEY,
    scope      text        NOT NULL,
    created_at timestamptz NOT NULL,
    seq        bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    data       jsonb       NOT NULL -- ThreadMetadata JSON
);

-- `threads.list` of one scope: one range scan in (created_at, seq) order,
-- forwards or backwards.
CREATE INDEX chatkit_threads_by_scope_created ON chatkit_threads (scope, created_at, seq);

CREATE TABLE chatkit_items (
    id         text        NOT NULL,
    thread_id  text        NOT NULL REFERENCES chatkit_threads (id) ON DELETE CASCADE,
    scope      text        NOT NULL,
    created_at timestamptz NOT NULL,
    seq        bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    data       jsonb       NOT NULL, -- ThreadItem JSON
    -- Item ids are unique within their thread: upserts conflict on this,
    -- and it indexes `thread_id` for the cascade.
    PRIMARY KEY (thread_id, id)
);

-- `items.list` of one thread: one range scan in (created_at, seq) order.
CREATE INDEX chatkit_items_by_thread_created ON chatkit_items (scope, thread_id, created_at, seq);

CREATE TABLE chatkit_attachments (
    id    text  PRIMARY KEY,
    scope text  NOT NULL,
    data  jsonb NOT NULL -- Attachment JSON, including its server-side metadata
);

//! Schema migrations. Each runs once, in order, inside a transaction, and is recorded in
//! `schema_migrations`; a database from a newer version is refused rather than damaged.
//! Table names are part of the external contract (docs/architecture.md#duckdb-tables).

pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial schema",
        sql: r#"
CREATE TABLE playback_events (
    event_id            VARCHAR PRIMARY KEY,
    event_type          VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    server_id           VARCHAR,
    server_name         VARCHAR,
    session_key         VARCHAR,
    correlation_key     VARCHAR,
    occurred_at         TIMESTAMPTZ NOT NULL,
    received_at         TIMESTAMPTZ NOT NULL,
    user_id             VARCHAR,
    username            VARCHAR,
    media_type          VARCHAR NOT NULL,
    title               VARCHAR,
    parent_title        VARCHAR,
    grandparent_title   VARCHAR,
    rating_key          VARCHAR,
    year                INTEGER,
    duration_ms         BIGINT,
    view_offset_ms      BIGINT,
    player              VARCHAR,
    platform            VARCHAR,
    product             VARCHAR,
    device              VARCHAR,
    machine_id          VARCHAR,
    ip_address          VARCHAR,
    location            VARCHAR,
    transcode_decision  VARCHAR,
    video_resolution    VARCHAR,
    raw                 VARCHAR,
    stream_seq          BIGINT,
    session_id          VARCHAR
);
CREATE TABLE sessions (
    session_id          VARCHAR PRIMARY KEY,
    source              VARCHAR NOT NULL,
    server_id           VARCHAR,
    user_id             VARCHAR,
    username            VARCHAR,
    rating_key          VARCHAR,
    title               VARCHAR,
    media_type          VARCHAR,
    player              VARCHAR,
    machine_id          VARCHAR,
    state               VARCHAR NOT NULL,
    started_at          TIMESTAMPTZ,
    stopped_at          TIMESTAMPTZ,
    paused_ms           BIGINT NOT NULL DEFAULT 0,
    play_ms             BIGINT NOT NULL DEFAULT 0,
    last_position_ms    BIGINT,
    duration_ms         BIGINT,
    percent_complete    DOUBLE,
    transcode_decision  VARCHAR,
    closed_by_timeout   BOOLEAN NOT NULL DEFAULT false,
    playback_key        VARCHAR,
    state_since         TIMESTAMPTZ,
    last_event_at       TIMESTAMPTZ,
    event_count         INTEGER NOT NULL DEFAULT 0,
    parent_title        VARCHAR,
    grandparent_title   VARCHAR
);
CREATE TABLE dedup_audit (
    id                  VARCHAR PRIMARY KEY,
    kept_event_id       VARCHAR NOT NULL,
    dropped_event_id    VARCHAR NOT NULL,
    matched_key         VARCHAR NOT NULL,
    rule                VARCHAR NOT NULL,
    "at"                TIMESTAMPTZ NOT NULL,
    dropped             VARCHAR NOT NULL,
    restored            BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE dlq_entries (
    id                  VARCHAR PRIMARY KEY,
    kind                VARCHAR NOT NULL,
    source              VARCHAR,
    subject             VARCHAR,
    error               VARCHAR NOT NULL,
    attempts            VARCHAR NOT NULL,
    first_failed_at     TIMESTAMPTZ NOT NULL,
    last_failed_at      TIMESTAMPTZ NOT NULL,
    payload             BLOB,
    headers             VARCHAR,
    code                VARCHAR,
    event_id            VARCHAR,
    stream_seq          BIGINT,
    content_type        VARCHAR
);
-- Staging tables of the batch writer: filled by DuckDB's appender and moved into the real
-- tables with one INSERT … SELECT inside the batch's transaction (single-row INSERTs cost
-- milliseconds each). Empty outside a transaction.
CREATE TABLE stage_events AS SELECT * FROM playback_events LIMIT 0;
CREATE TABLE stage_sessions AS SELECT * FROM sessions LIMIT 0;
"#,
    },
    Migration {
        version: 2,
        name: "sessions know their platform, product and server name",
        // History lists and "top platforms" read these per session; taking them from the
        // session's events at query time would scan every event. Existing sessions get them
        // from their stored events.
        sql: r#"
ALTER TABLE sessions ADD COLUMN platform VARCHAR;
ALTER TABLE sessions ADD COLUMN product VARCHAR;
ALTER TABLE sessions ADD COLUMN server_name VARCHAR;
ALTER TABLE stage_sessions ADD COLUMN platform VARCHAR;
ALTER TABLE stage_sessions ADD COLUMN product VARCHAR;
ALTER TABLE stage_sessions ADD COLUMN server_name VARCHAR;
UPDATE sessions SET platform = known.platform, product = known.product,
                    server_name = known.server_name
FROM (SELECT session_id, any_value(platform) AS platform, any_value(product) AS product,
             any_value(server_name) AS server_name
      FROM playback_events WHERE session_id IS NOT NULL GROUP BY session_id) AS known
WHERE sessions.session_id = known.session_id;
"#,
    },
    Migration {
        version: 3,
        name: "sessions say what closed them",
        sql: r#"
ALTER TABLE sessions ADD COLUMN closed_by VARCHAR;
ALTER TABLE stage_sessions ADD COLUMN closed_by VARCHAR;
UPDATE sessions SET closed_by = CASE
    WHEN closed_by_timeout THEN 'timeout'
    WHEN state = 'stopped' THEN 'stop'
END;
"#,
    },
    Migration {
        version: 4,
        name: "event origin and history import",
        sql: r#"
-- Where each event came from (webhook, import, poll; DuckDB cannot add a column with a
-- NOT NULL constraint, the code reads a missing one as webhook), and what a history row carries that
-- no single event does. Added at the end of both the table and its staging twin, whose
-- column orders must stay equal (events are moved with INSERT … SELECT *).
ALTER TABLE playback_events ADD COLUMN origin VARCHAR DEFAULT 'webhook';
ALTER TABLE playback_events ADD COLUMN paused_ms BIGINT;
ALTER TABLE playback_events ADD COLUMN percent_complete DOUBLE;
ALTER TABLE stage_events ADD COLUMN origin VARCHAR DEFAULT 'webhook';
ALTER TABLE stage_events ADD COLUMN paused_ms BIGINT;
ALTER TABLE stage_events ADD COLUMN percent_complete DOUBLE;
-- When the writer last touched a session, by the wall clock: the sweep closes a session only
-- once it is silent by both clocks, so an imported playback from 2024 whose stop is in the
-- next batch is not closed by timeout in between.
ALTER TABLE sessions ADD COLUMN touched_at TIMESTAMPTZ;
ALTER TABLE stage_sessions ADD COLUMN touched_at TIMESTAMPTZ;
-- Where a history import stopped, per source: a restarted or failed import goes on from
-- here. One row per source (one Tautulli connection).
CREATE TABLE import_checkpoints (
    source          VARCHAR PRIMARY KEY,
    job_id          VARCHAR NOT NULL,
    since           VARCHAR,
    next_start      BIGINT NOT NULL,
    total           BIGINT NOT NULL,
    events          BIGINT NOT NULL DEFAULT 0,
    rejected        BIGINT NOT NULL DEFAULT 0,
    state           VARCHAR NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
"#,
    },
];

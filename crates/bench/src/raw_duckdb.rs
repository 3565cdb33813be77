//! Baseline: DuckDB's appender, the fastest way into `playback_events`, with the same rows
//! in the same schema (made by the engine's own migrations), one transaction per batch as
//! the writer commits, through the row shape the writer itself appends
//! (`persist::events::append_row`). The 1,000,000-event database of the query phase is filled this way.

use std::path::Path;
use std::time::Instant;

use cartographus_engine::event::MediaEvent;
use cartographus_engine::persist::{events, Database};
use duckdb::Connection;

/// Creates the database with the engine's schema and opens a connection of our own.
pub fn create(path: &Path) -> Result<Connection, String> {
    drop(Database::open(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?);
    Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// The session a stored event belongs to: one per playback, and each generated playback
/// has a player of its own.
pub fn session_id(event: &MediaEvent) -> String {
    format!(
        "s-{}",
        event.machine_id.as_deref().unwrap_or(&event.event_id)
    )
}

/// Appends `rows` (the first with stream sequence `first_seq`) in one transaction.
pub fn append(conn: &mut Connection, rows: &[MediaEvent], first_seq: u64) -> Result<(), String> {
    let failed = |what: &str, e: duckdb::Error| format!("DuckDB {what}: {e}");
    let tx = conn.transaction().map_err(|e| failed("begin", e))?;
    {
        let mut appender = tx
            .appender("playback_events")
            .map_err(|e| failed("appender", e))?;
        for (i, e) in rows.iter().enumerate() {
            let session = session_id(e);
            events::append_row(&mut appender, e, Some(first_seq + i as u64), Some(&session))
                .map_err(|e| format!("DuckDB append: {e}"))?;
        }
        appender.flush().map_err(|e| failed("flush", e))?;
    }
    tx.commit().map_err(|e| failed("commit", e))
}

/// Rows per second appending `events` into a new database at `path`, `batch` per commit.
pub fn insert_rate(path: &Path, events: &[MediaEvent], batch: usize) -> Result<f64, String> {
    let mut conn = create(path)?;
    let started = Instant::now();
    for (i, chunk) in events.chunks(batch).enumerate() {
        append(&mut conn, chunk, (i * batch) as u64 + 1)?;
    }
    let secs = started.elapsed().as_secs_f64();
    let stored: i64 = conn
        .query_row("SELECT count(*) FROM playback_events", [], |r| r.get(0))
        .map_err(|e| format!("DuckDB count: {e}"))?;
    if stored as usize != events.len() {
        return Err(format!("appended {} rows, found {stored}", events.len()));
    }
    Ok(events.len() as f64 / secs)
}

/// One `sessions` row per playback, aggregated from its stored events (all stopped).
pub fn derive_sessions(conn: &Connection) -> Result<usize, String> {
    conn.execute(
        r#"INSERT INTO sessions (session_id, source, server_id, user_id, username, rating_key,
               title, media_type, player, machine_id, state, started_at, stopped_at, paused_ms,
               play_ms, last_position_ms, duration_ms, percent_complete, transcode_decision,
               closed_by_timeout, playback_key, state_since, last_event_at, event_count,
               parent_title, grandparent_title, platform, product, server_name)
           SELECT session_id, any_value(source), any_value(server_id), any_value(user_id),
               any_value(username), any_value(rating_key), any_value(title),
               any_value(media_type), any_value(player), any_value(machine_id), 'stopped',
               min(occurred_at), max(occurred_at), 268000,
               epoch_ms(max(occurred_at)) - epoch_ms(min(occurred_at)) - 268000,
               max(view_offset_ms), any_value(duration_ms),
               100.0 * max(view_offset_ms) / nullif(any_value(duration_ms), 0),
               any_value(transcode_decision), false,
               regexp_replace(any_value(correlation_key), '\|[a-z]+$', ''),
               max(occurred_at), max(occurred_at), count(*)::INTEGER,
               any_value(parent_title), any_value(grandparent_title), any_value(platform),
               any_value(product), any_value(server_name)
           FROM playback_events GROUP BY session_id"#,
        [],
    )
    .map_err(|e| format!("DuckDB sessions: {e}"))
}

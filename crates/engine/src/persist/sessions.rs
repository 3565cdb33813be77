//! The `sessions` table: loading the open sessions a batch touches, saving what the state
//! machine (`crate::session`) made of them and closing the ones whose stop never came; the
//! history query is `session_list.rs`.

use chrono::{DateTime, Utc};
use duckdb::{params, params_from_iter, Connection, Row};

use super::db::DbError;
pub use super::session_list::{
    list, SessionFilter, SessionSortKey, SortOrder, SortPosition, StreamDecision,
};
use crate::event::{MediaType, Source};
use crate::session::{ClosedBy, Session, SessionState};

pub(crate) const COLUMNS: &str =
    "session_id, source, server_id, user_id, username, rating_key, title,
    media_type, player, machine_id, state, epoch_ms(started_at), epoch_ms(stopped_at),
    paused_ms, play_ms, last_position_ms, duration_ms, percent_complete, transcode_decision,
    closed_by_timeout, playback_key, epoch_ms(state_since), epoch_ms(last_event_at), event_count,
    parent_title, grandparent_title, platform, product, server_name, closed_by";

/// Timestamps are read as epoch milliseconds: exact, and independent of the session's
/// time zone setting.
pub(crate) fn time(epoch_ms: Option<i64>) -> Option<DateTime<Utc>> {
    epoch_ms.and_then(DateTime::from_timestamp_millis)
}

pub(crate) fn from_row(row: &Row<'_>) -> duckdb::Result<Session> {
    let source: String = row.get(1)?;
    let media_type: Option<String> = row.get(7)?;
    let state: String = row.get(10)?;
    let started_at = time(row.get(11)?).unwrap_or_default();
    Ok(Session {
        session_id: row.get(0)?,
        source: Source::parse(&source).unwrap_or(Source::Tautulli),
        server_id: row.get(2)?,
        user_id: row.get(3)?,
        username: row.get(4)?,
        rating_key: row.get(5)?,
        title: row.get(6)?,
        media_type: media_type
            .as_deref()
            .and_then(MediaType::parse)
            .unwrap_or(MediaType::Other),
        player: row.get(8)?,
        machine_id: row.get(9)?,
        state: SessionState::parse(&state).unwrap_or(SessionState::Stopped),
        started_at,
        stopped_at: time(row.get(12)?),
        paused_ms: row.get::<_, i64>(13)? as f64,
        play_ms: row.get::<_, i64>(14)? as f64,
        last_position_ms: row.get::<_, Option<i64>>(15)?.map(|v| v as f64),
        duration_ms: row.get::<_, Option<i64>>(16)?.map(|v| v as f64),
        percent_complete: row.get(17)?,
        transcode_decision: row.get(18)?,
        closed_by_timeout: row.get(19)?,
        playback_key: row.get::<_, Option<String>>(20)?.unwrap_or_default(),
        state_since: time(row.get(21)?).unwrap_or(started_at),
        last_event_at: time(row.get(22)?).unwrap_or(started_at),
        event_count: row.get::<_, i32>(23)?.max(0) as u32,
        parent_title: row.get(24)?,
        grandparent_title: row.get(25)?,
        platform: row.get(26)?,
        product: row.get(27)?,
        server_name: row.get(28)?,
        closed_by: row
            .get::<_, Option<String>>(29)?
            .as_deref()
            .and_then(ClosedBy::parse),
    })
}

/// The sessions of these playbacks that are open or stopped since `since`, oldest first.
pub fn load_recent(
    conn: &Connection,
    playback_keys: &[String],
    since: DateTime<Utc>,
) -> Result<Vec<Session>, DbError> {
    if playback_keys.is_empty() {
        return Ok(Vec::new());
    }
    let keys = super::db::in_list(playback_keys.iter().map(String::as_str));
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions
         WHERE playback_key IN ({})
           AND (state <> 'stopped' OR stopped_at >= ?::TIMESTAMPTZ)
         ORDER BY started_at, session_id",
        keys.sql
    );
    let mut values = keys.values;
    values.push(since.to_rfc3339());
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(values), from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Which of these session ids the table holds.
pub fn stored_ids(
    conn: &Connection,
    ids: &[&str],
) -> Result<std::collections::HashSet<String>, DbError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let list = super::db::in_list(ids.iter().copied());
    let sql = format!(
        "SELECT session_id FROM sessions WHERE session_id IN ({})",
        list.sql
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(list.values), |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Appends sessions that are not in the table yet (begun by this batch) straight into
/// `sessions`, inside the caller's transaction; its key refuses one that is.
pub fn insert_new(conn: &Connection, sessions: &[&Session]) -> Result<(), DbError> {
    append_all(conn, "sessions", sessions)
}

/// Appends sessions as rows of the `sessions` shape into `table` (it or its staging twin).
fn append_all(conn: &Connection, table: &str, sessions: &[&Session]) -> Result<(), DbError> {
    if sessions.is_empty() {
        return Ok(());
    }
    let touched_at = Utc::now().to_rfc3339();
    let mut appender = conn.appender(table)?;
    for s in sessions {
        appender.append_row(params![
            s.session_id,
            s.source.as_str(),
            s.server_id,
            s.user_id,
            s.username,
            s.rating_key,
            s.title,
            s.media_type.as_str(),
            s.player,
            s.machine_id,
            s.state.as_str(),
            s.started_at.to_rfc3339(),
            s.stopped_at.map(|t| t.to_rfc3339()),
            s.paused_ms as i64,
            s.play_ms as i64,
            s.last_position_ms.map(|v| v as i64),
            s.duration_ms.map(|v| v as i64),
            s.percent_complete,
            s.transcode_decision,
            s.closed_by_timeout,
            s.playback_key,
            s.state_since.to_rfc3339(),
            s.last_event_at.to_rfc3339(),
            s.event_count,
            s.parent_title,
            s.grandparent_title,
            s.platform,
            s.product,
            s.server_name,
            s.closed_by.map(ClosedBy::as_str),
            touched_at,
        ])?;
    }
    appender.flush()?;
    Ok(())
}

/// Inserts or updates many sessions inside the caller's transaction: appended to the
/// staging table, then one upsert (single-row statements cost milliseconds each).
pub fn save_many(conn: &Connection, sessions: &[&Session]) -> Result<(), DbError> {
    if sessions.is_empty() {
        return Ok(());
    }
    conn.prepare("DELETE FROM stage_sessions")?.execute([])?;
    append_all(conn, "stage_sessions", sessions)?;
    conn.prepare(
        "INSERT INTO sessions SELECT * FROM stage_sessions
         ON CONFLICT (session_id) DO UPDATE SET
             server_id = excluded.server_id, user_id = excluded.user_id,
             username = excluded.username, rating_key = excluded.rating_key,
             title = excluded.title, player = excluded.player,
             machine_id = excluded.machine_id, state = excluded.state,
             stopped_at = excluded.stopped_at, paused_ms = excluded.paused_ms,
             play_ms = excluded.play_ms, last_position_ms = excluded.last_position_ms,
             duration_ms = excluded.duration_ms, percent_complete = excluded.percent_complete,
             transcode_decision = excluded.transcode_decision,
             closed_by_timeout = excluded.closed_by_timeout, state_since = excluded.state_since,
             last_event_at = excluded.last_event_at, event_count = excluded.event_count,
             parent_title = excluded.parent_title,
             grandparent_title = excluded.grandparent_title,
             platform = excluded.platform, product = excluded.product,
             server_name = excluded.server_name, closed_by = excluded.closed_by,
             touched_at = excluded.touched_at",
    )?
    .execute([])?;
    conn.prepare("DELETE FROM stage_sessions")?.execute([])?;
    Ok(())
}

/// Closes (flagged `closed_by_timeout`) every open session silent since before `cutoff` by
/// both clocks — its last event's time and when the writer last touched it (an imported
/// playback's events are years old when they arrive) — and returns how many.
pub fn close_stale(conn: &mut Connection, cutoff: DateTime<Utc>) -> Result<usize, DbError> {
    let tx = conn.transaction()?;
    let stale = {
        let sql = format!(
            "SELECT {COLUMNS} FROM sessions WHERE state <> 'stopped' AND last_event_at < ?::TIMESTAMPTZ
             AND coalesce(touched_at, last_event_at) < ?::TIMESTAMPTZ"
        );
        let mut statement = tx.prepare(&sql)?;
        let cutoff = cutoff.to_rfc3339();
        let rows = statement.query_map(params![cutoff, cutoff], from_row)?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    let closed: Vec<Session> = stale
        .into_iter()
        .map(|mut session| {
            session.close_by_timeout();
            session
        })
        .collect();
    save_many(&tx, &closed.iter().collect::<Vec<_>>())?;
    tx.commit()?;
    Ok(closed.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventType, Source};
    use crate::persist::Database;
    use crate::testkit::event;

    /// DuckDB 1.4.5 plans a prepared statement with the table statistics of the moment
    /// (duckdb/duckdb#23704, #24696): reused on a table that has grown since, it can miss
    /// rows or return mangled strings. Our statements over changing tables are prepared for
    /// each use; this is the first lookup of a fresh database, and the ones after it.
    #[test]
    fn lookups_see_rows_written_after_their_first_use() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::persist::db::open_for_tests(&dir.path().join("c.duckdb"));
        let start = event(Source::Tautulli, EventType::Start, 0);
        let key = crate::session::playback_key(&start);
        let since = start.occurred_at - chrono::Duration::hours(1);
        assert!(load_recent(&conn, std::slice::from_ref(&key), since)
            .unwrap()
            .is_empty());
        assert!(stored_ids(&conn, &["s-none"]).unwrap().is_empty());
        for n in 0..3 {
            let mut e = event(Source::Tautulli, EventType::Start, n * 7200);
            e.event_id = format!("a-much-longer-event-id-than-any-before-{n}");
            let session = Session::begin(&e);
            let tx = conn.transaction().unwrap();
            insert_new(&tx, &[&session]).unwrap();
            tx.commit().unwrap();
            let found = load_recent(&conn, std::slice::from_ref(&key), since).unwrap();
            assert_eq!(found.len(), n as usize + 1);
            assert!(
                found.iter().any(|s| s.session_id == session.session_id),
                "{found:?}"
            );
            let stored = stored_ids(&conn, &[session.session_id.as_str()]).unwrap();
            assert!(stored.contains(&session.session_id), "{stored:?}");
        }
    }

    #[tokio::test]
    async fn an_old_playback_just_written_is_closed_only_once_silent_by_the_wall_clock_too() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("c.duckdb")).unwrap();
        let closed = db
            .with_conn(|conn| {
                // An imported start from long ago, its stop still on its way.
                let open = Session::begin(&event(Source::Tautulli, EventType::Start, 0));
                save_many(conn, &[&open])?;
                let timeout = chrono::Duration::hours(6);
                let now = Utc::now();
                let at_once = close_stale(conn, now - timeout)?;
                let six_hours_later = close_stale(conn, now + chrono::Duration::seconds(1))?;
                Ok((at_once, six_hours_later))
            })
            .await
            .unwrap();
        assert_eq!(closed, (0, 1));
    }
}

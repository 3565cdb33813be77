//! The `playback_events` table: inserting kept events (idempotent on `event_id`), loading
//! the stored events a batch could duplicate, and reading events back for history.

use chrono::{DateTime, Utc};
use duckdb::{params, params_from_iter, Connection, Row};

use super::db::{in_list, DbError};
use super::dedup::{self, Candidate};
use super::sessions::time;
use crate::event::{EventType, Location, MediaEvent, MediaType, Origin, Source};

fn location_str(location: Option<Location>) -> Option<&'static str> {
    location.map(|l| match l {
        Location::Lan => "lan",
        Location::Wan => "wan",
    })
}

/// Inserts one event inside the caller's transaction; false when its id was already stored.
pub fn insert(
    conn: &Connection,
    e: &MediaEvent,
    stream_seq: Option<u64>,
    session_id: Option<&str>,
) -> Result<bool, DbError> {
    Ok(insert_many(conn, &[(e, stream_seq, session_id)])? == 1)
}

/// Appends one event as a row of `playback_events`' shape (the table or its staging twin).
pub fn append_row(
    appender: &mut duckdb::Appender<'_>,
    e: &MediaEvent,
    stream_seq: Option<u64>,
    session_id: Option<&str>,
) -> Result<(), DbError> {
    appender.append_row(params![
        e.event_id,
        e.event_type.as_str(),
        e.source.as_str(),
        e.server_id,
        e.server_name,
        e.session_key,
        e.correlation_key,
        e.occurred_at.to_rfc3339(),
        e.received_at.to_rfc3339(),
        e.user_id,
        e.username,
        e.media_type.as_str(),
        e.title,
        e.parent_title,
        e.grandparent_title,
        e.rating_key,
        e.year,
        e.duration_ms,
        e.view_offset_ms,
        e.player,
        e.platform,
        e.product,
        e.device,
        e.machine_id,
        e.ip_address,
        location_str(e.location),
        e.transcode_decision,
        e.video_resolution,
        e.raw.to_string(),
        stream_seq.map(|s| s as i64),
        session_id,
        e.origin.as_str(),
        e.paused_ms,
        e.percent_complete,
    ])?;
    Ok(())
}

/// Inserts many events inside the caller's transaction through the staging table: one
/// appender pass and one `INSERT … SELECT`, still idempotent on `event_id`. Returns how
/// many were new.
pub fn insert_many(
    conn: &Connection,
    rows: &[(&MediaEvent, Option<u64>, Option<&str>)],
) -> Result<usize, DbError> {
    if rows.is_empty() {
        return Ok(0);
    }
    conn.prepare("DELETE FROM stage_events")?.execute([])?;
    {
        let mut appender = conn.appender("stage_events")?;
        for (e, stream_seq, session_id) in rows {
            append_row(&mut appender, e, *stream_seq, *session_id)?;
        }
        appender.flush()?;
    }
    let inserted = conn
        .prepare(
            "INSERT INTO playback_events SELECT * FROM stage_events ON CONFLICT (event_id) DO NOTHING",
        )?
        .execute([])?;
    conn.prepare("DELETE FROM stage_events")?.execute([])?;
    Ok(inserted)
}

/// Appends events the caller knows are not stored (the store path decided so against
/// [`candidates`], which finds every stored event with one of their ids) straight into
/// `playback_events`, inside the caller's transaction. The table's key still refuses a
/// repeat, failing the transaction rather than storing anything twice.
pub fn append_new(
    conn: &Connection,
    rows: &[(&MediaEvent, Option<u64>, Option<&str>)],
) -> Result<(), DbError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut appender = conn.appender("playback_events")?;
    for (e, stream_seq, session_id) in rows {
        append_row(&mut appender, e, *stream_seq, *session_id)?;
    }
    appender.flush()?;
    Ok(())
}

/// The stored events any of `batch` could duplicate: the same ids, or the same playback or
/// session within the widest dedup window of the batch's time span.
pub fn candidates(conn: &Connection, batch: &[&MediaEvent]) -> Result<Vec<Candidate>, DbError> {
    let (Some(first), Some(last)) = (
        batch.iter().map(|e| e.occurred_at).min(),
        batch.iter().map(|e| e.occurred_at).max(),
    ) else {
        return Ok(Vec::new());
    };
    let ids = in_list(batch.iter().map(|e| e.event_id.as_str()));
    let keys = in_list(batch.iter().map(|e| e.correlation_key.as_str()));
    let sessions = in_list(batch.iter().filter_map(|e| e.session_key.as_deref()));
    let sql = format!(
        "SELECT event_id, source, server_id, session_key, correlation_key, event_type,
                epoch_ms(occurred_at), stream_seq, origin
         FROM playback_events
         WHERE event_id IN ({})
            OR (occurred_at BETWEEN ?::TIMESTAMPTZ AND ?::TIMESTAMPTZ
                AND (correlation_key IN ({}) OR session_key IN ({})))",
        ids.sql, keys.sql, sessions.sql,
    );
    let mut values = ids.values;
    values.push((first - dedup::MAX_WINDOW).to_rfc3339());
    values.push((last + dedup::MAX_WINDOW).to_rfc3339());
    values.extend(keys.values);
    values.extend(sessions.values);
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(values), candidate_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn candidate_from_row(row: &Row<'_>) -> duckdb::Result<Candidate> {
    let source: String = row.get(1)?;
    let event_type: String = row.get(5)?;
    let origin: Option<String> = row.get(8)?;
    Ok(Candidate {
        event_id: row.get(0)?,
        source: Source::parse(&source).unwrap_or(Source::Tautulli),
        origin: origin
            .as_deref()
            .and_then(Origin::parse)
            .unwrap_or_default(),
        server_id: row.get(2)?,
        session_key: row.get(3)?,
        correlation_key: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
        event_type: EventType::parse(&event_type).unwrap_or(EventType::Progress),
        occurred_at: time(row.get(6)?).unwrap_or_default(),
        stream_seq: row.get::<_, Option<i64>>(7)?.map(|s| s as u64),
    })
}

pub fn count_events(conn: &Connection) -> Result<u64, DbError> {
    let n: i64 = conn.query_row("SELECT count(*) FROM playback_events", [], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

const COLUMNS: &str = "event_id, event_type, source, server_id, server_name, session_key,
    correlation_key, epoch_ms(occurred_at), epoch_ms(received_at), user_id, username,
    media_type, title, parent_title, grandparent_title, rating_key, year, duration_ms,
    view_offset_ms, player, platform, product, device, machine_id, ip_address, location,
    transcode_decision, video_resolution, raw, origin, paused_ms, percent_complete";

fn from_row(row: &Row<'_>) -> duckdb::Result<MediaEvent> {
    let event_type: String = row.get(1)?;
    let source: String = row.get(2)?;
    let media_type: String = row.get(11)?;
    let location: Option<String> = row.get(25)?;
    let raw: Option<String> = row.get(28)?;
    let origin: Option<String> = row.get(29)?;
    let millis = |v: Option<i64>| v.and_then(|v| u32::try_from(v).ok());
    Ok(MediaEvent {
        event_id: row.get(0)?,
        event_type: EventType::parse(&event_type).unwrap_or(EventType::Progress),
        source: Source::parse(&source).unwrap_or(Source::Tautulli),
        origin: origin
            .as_deref()
            .and_then(Origin::parse)
            .unwrap_or_default(),
        server_id: row.get(3)?,
        server_name: row.get(4)?,
        session_key: row.get(5)?,
        correlation_key: row.get::<_, Option<String>>(6)?.unwrap_or_default(),
        occurred_at: time(row.get(7)?).unwrap_or_default(),
        received_at: time(row.get(8)?).unwrap_or_default(),
        user_id: row.get(9)?,
        username: row.get(10)?,
        media_type: MediaType::parse(&media_type).unwrap_or(MediaType::Other),
        title: row.get(12)?,
        parent_title: row.get(13)?,
        grandparent_title: row.get(14)?,
        rating_key: row.get(15)?,
        year: row.get(16)?,
        duration_ms: millis(row.get(17)?),
        view_offset_ms: millis(row.get(18)?),
        player: row.get(19)?,
        platform: row.get(20)?,
        product: row.get(21)?,
        device: row.get(22)?,
        machine_id: row.get(23)?,
        ip_address: row.get(24)?,
        location: match location.as_deref() {
            Some("lan") => Some(Location::Lan),
            Some("wan") => Some(Location::Wan),
            _ => None,
        },
        transcode_decision: row.get(26)?,
        video_resolution: row.get(27)?,
        paused_ms: millis(row.get(30)?),
        percent_complete: row.get(31)?,
        raw: raw
            .and_then(|r| serde_json::from_str(&r).ok())
            .unwrap_or(serde_json::Value::Null),
    })
}

pub fn get(conn: &Connection, event_id: &str) -> Result<Option<MediaEvent>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM playback_events WHERE event_id = ?");
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query_map(params![event_id], from_row)?;
    Ok(rows.next().transpose()?)
}

/// Which stored events a list covers (`GET /api/v1/events`, `list_events`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, specta::Type)]
#[serde(default, deny_unknown_fields)]
pub struct EventFilter {
    pub source: Option<Source>,
    /// A server's id (Plex `Server.uuid`, Tautulli `server_machine_id`, Jellyfin
    /// `ServerId`, Emby `Server.Id`) or its name.
    pub server: Option<String>,
    pub event_type: Option<EventType>,
    /// From this time on (`occurred_at`), inclusive.
    pub since: Option<DateTime<Utc>>,
    /// Before this time, exclusive.
    pub until: Option<DateTime<Utc>>,
    /// Case-insensitive text in title, show, user or player.
    pub q: Option<String>,
    /// The events of this session only (its `session_id`).
    pub session: Option<String>,
}

/// At most `limit` events, newest first, after `after` (the `occurred_at` and id of the last
/// event of the previous page).
pub fn list(
    conn: &Connection,
    filter: &EventFilter,
    after: Option<&(DateTime<Utc>, String)>,
    limit: usize,
) -> Result<Vec<MediaEvent>, DbError> {
    let (mut clauses, mut values) = conditions(filter);
    if let Some((at, id)) = after {
        clauses.push(
            "(occurred_at < ?::TIMESTAMPTZ OR (occurred_at = ?::TIMESTAMPTZ AND event_id < ?))",
        );
        values.push(at.to_rfc3339());
        values.push(at.to_rfc3339());
        values.push(id.clone());
    }
    let ids = page_ids(conn, &clauses, &values, limit)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Only now the wide rows, by primary key, for the page alone.
    let sql = format!(
        "SELECT {COLUMNS} FROM playback_events WHERE event_id IN ({})",
        vec!["?"; ids.len()].join(", ")
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(&ids), from_row)?;
    let mut events: Vec<MediaEvent> = rows.collect::<Result<_, _>>()?;
    events.sort_by(|a, b| (b.occurred_at, &b.event_id).cmp(&(a.occurred_at, &a.event_id)));
    Ok(events)
}

/// The filter as SQL conditions (joined with AND) and their parameters in order; the list
/// and the export (`export.rs`) read the same rows.
pub(crate) fn conditions(filter: &EventFilter) -> (Vec<&'static str>, Vec<String>) {
    let mut clauses: Vec<&'static str> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    if let Some(session) = &filter.session {
        clauses.push("session_id = ?");
        values.push(session.clone());
    }
    if let Some(source) = filter.source {
        clauses.push("source = ?");
        values.push(source.as_str().to_string());
    }
    if let Some(server) = &filter.server {
        clauses.push("(server_id = ? OR server_name = ?)");
        values.push(server.clone());
        values.push(server.clone());
    }
    if let Some(event_type) = filter.event_type {
        clauses.push("event_type = ?");
        values.push(event_type.as_str().to_string());
    }
    if let Some(since) = filter.since {
        clauses.push("occurred_at >= ?::TIMESTAMPTZ");
        values.push(since.to_rfc3339());
    }
    if let Some(until) = filter.until {
        clauses.push("occurred_at < ?::TIMESTAMPTZ");
        values.push(until.to_rfc3339());
    }
    if let Some(text) = search_text(filter.q.as_deref()) {
        clauses.push(
            "(title ILIKE ? ESCAPE '\\' OR grandparent_title ILIKE ? ESCAPE '\\'
              OR username ILIKE ? ESCAPE '\\' OR player ILIKE ? ESCAPE '\\')",
        );
        let pattern = format!("%{}%", escape_like(text));
        values.extend(std::iter::repeat_n(pattern, 4));
    }
    (clauses, values)
}

/// How far back from the newest matching event each attempt looks before the next widens.
const PROBES: [chrono::Duration; 3] = [
    chrono::Duration::hours(1),
    chrono::Duration::days(1),
    chrono::Duration::days(30),
];

/// The ids of one page, newest first. Sorting a million rows for 50 costs ~100 ms, while a
/// time range lets DuckDB skip every row group outside it (events arrive roughly in time
/// order): so look an hour, a day, a month back from the newest candidate, and sort the whole
/// table only when those hold too few.
fn page_ids(
    conn: &Connection,
    clauses: &[&str],
    values: &[String],
    limit: usize,
) -> Result<Vec<String>, DbError> {
    let filter_sql = |extra: Option<&str>| {
        let all: Vec<&str> = clauses.iter().copied().chain(extra).collect();
        if all.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", all.join(" AND "))
        }
    };
    let ids_sql = |extra: Option<&str>| {
        format!(
            "SELECT event_id FROM playback_events {}
             ORDER BY occurred_at DESC, event_id DESC LIMIT {limit}",
            filter_sql(extra),
        )
    };
    let newest: Option<i64> = conn.query_row(
        &format!(
            "SELECT epoch_ms(max(occurred_at)) FROM playback_events {}",
            filter_sql(None)
        ),
        params_from_iter(values),
        |row| row.get(0),
    )?;
    let Some(newest) = newest.and_then(DateTime::from_timestamp_millis) else {
        return Ok(Vec::new());
    };
    for span in PROBES {
        let mut probe_values = values.to_vec();
        probe_values.push((newest - span).to_rfc3339());
        let mut statement = conn.prepare(&ids_sql(Some("occurred_at >= ?::TIMESTAMPTZ")))?;
        let ids: Vec<String> = statement
            .query_map(params_from_iter(probe_values), |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        if ids.len() >= limit {
            return Ok(ids);
        }
    }
    let mut statement = conn.prepare(&ids_sql(None))?;
    let ids = statement
        .query_map(params_from_iter(values), |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// ILIKE treats `%` and `_` as wildcards; a search for "100%" means the characters.
/// The text a `q` filter searches for; blank is no filter.
pub(crate) fn search_text(q: Option<&str>) -> Option<&str> {
    q.filter(|q| !q.trim().is_empty())
}

pub(crate) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;

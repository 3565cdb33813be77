//! Writes `MediaEvent`s into `playback_events`, idempotently: a second insert of the same
//! `event_id` changes nothing and reports that it was a duplicate.

use duckdb::{params, Connection};

use super::db::DbError;
use crate::event::MediaEvent;

const INSERT: &str = "INSERT INTO playback_events (
    event_id, event_type, source, server_id, server_name, session_key, correlation_key,
    occurred_at, received_at, user_id, username, media_type, title, parent_title,
    grandparent_title, rating_key, year, duration_ms, view_offset_ms, player, platform,
    product, device, machine_id, ip_address, location, transcode_decision, video_resolution,
    raw
) VALUES (?, ?, ?, ?, ?, ?, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
          ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (event_id) DO NOTHING";

/// Inserts the events in one transaction; for each, whether it was new (`true`) or already
/// stored (`false`).
pub fn insert_events(conn: &mut Connection, events: &[MediaEvent]) -> Result<Vec<bool>, DbError> {
    let tx = conn.transaction()?;
    let mut inserted = Vec::with_capacity(events.len());
    {
        let mut statement = tx.prepare_cached(INSERT)?;
        for e in events {
            let location = e.location.map(|l| match l {
                crate::event::Location::Lan => "lan",
                crate::event::Location::Wan => "wan",
            });
            let changed = statement.execute(params![
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
                location,
                e.transcode_decision,
                e.video_resolution,
                e.raw.to_string(),
            ])?;
            inserted.push(changed == 1);
        }
    }
    tx.commit()?;
    Ok(inserted)
}

pub fn count_events(conn: &Connection) -> Result<u64, DbError> {
    let n: i64 = conn.query_row("SELECT count(*) FROM playback_events", [], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

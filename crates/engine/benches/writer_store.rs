//! The writer's store path (dedup lookup, insert, sessions, one transaction per batch)
//! against a raw DuckDB bulk insert of the same rows into the same table, in the same run.
//! Run: `cargo bench --workspace --bench writer_store` (prints a table).

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use duckdb::Connection;

use cartographus_engine::event::{EventType, MediaEvent, MediaType, Source};
use cartographus_engine::persist::{events, store, Database};

const ROWS: usize = 20_000;
const BATCH: usize = 1_000;

/// Distinct playbacks (one player and item each), each a start then a stop, in time order.
fn events() -> Vec<MediaEvent> {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    (0..ROWS)
        .map(|n| {
            let playback = n / 2;
            let event_type = if n % 2 == 0 {
                EventType::Start
            } else {
                EventType::Stop
            };
            let at = t0 + Duration::seconds(n as i64);
            MediaEvent {
                event_id: format!("{n:032x}"),
                event_type,
                source: Source::Tautulli,
                server_id: Some("srv".into()),
                server_name: Some("Basement".into()),
                session_key: Some(playback.to_string()),
                correlation_key: format!(
                    "player-{playback}|{}|{}",
                    40_000 + playback,
                    event_type.as_str()
                ),
                occurred_at: at,
                received_at: at,
                user_id: Some("9123456".into()),
                username: Some("dana".into()),
                media_type: MediaType::Episode,
                title: Some("The Long Night Shift".into()),
                parent_title: Some("Season 3".into()),
                grandparent_title: Some("Harbor Lights".into()),
                rating_key: Some((40_000 + playback).to_string()),
                year: Some(2021),
                duration_ms: Some(2_712_000),
                view_offset_ms: Some(600_000),
                player: Some("Living Room TV".into()),
                platform: Some("Android".into()),
                product: Some("Plex for Android (TV)".into()),
                device: Some("Android TV".into()),
                machine_id: Some(format!("player-{playback}")),
                ip_address: Some("192.168.1.40".into()),
                location: None,
                transcode_decision: Some("direct play".into()),
                video_resolution: Some("1080".into()),
                raw: serde_json::json!({"event": event_type.as_str(), "n": n}),
            }
        })
        .collect()
}

fn fresh(dir: &tempfile::TempDir, name: &str) -> Connection {
    let path = dir.path().join(name);
    drop(Database::open(&path).expect("open"));
    Connection::open(&path).expect("reopen")
}

/// The baseline: DuckDB's appender, the fastest way to put these rows into this table.
fn raw_insert(conn: &mut Connection, rows: &[MediaEvent]) {
    let tx = conn.transaction().expect("tx");
    {
        let mut appender = tx.appender("playback_events").expect("appender");
        for e in rows {
            events::append_row(&mut appender, e, None, None).expect("append");
        }
        appender.flush().expect("flush");
    }
    tx.commit().expect("commit");
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let events = events();

    let mut raw = fresh(&dir, "raw.duckdb");
    let started = Instant::now();
    for batch in events.chunks(BATCH) {
        raw_insert(&mut raw, batch);
    }
    let raw_secs = started.elapsed().as_secs_f64();

    let mut conn = fresh(&dir, "writer.duckdb");
    let started = Instant::now();
    for (i, batch) in events.chunks(BATCH).enumerate() {
        let items: Vec<_> = batch
            .iter()
            .enumerate()
            .map(|(j, e)| (e.clone(), Some((i * BATCH + j) as u64 + 1)))
            .collect();
        store::store(&mut conn, &items).expect("store");
    }
    let writer_secs = started.elapsed().as_secs_f64();

    let stored: i64 = conn
        .query_row("SELECT count(*) FROM playback_events", [], |r| r.get(0))
        .expect("count");
    assert_eq!(stored as usize, ROWS);
    let sessions: i64 = conn
        .query_row(
            "SELECT count(*) FROM sessions WHERE state = 'stopped'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(sessions as usize, ROWS / 2);

    let raw_rate = ROWS as f64 / raw_secs;
    let writer_rate = ROWS as f64 / writer_secs;
    println!("writer_store: {ROWS} rows in batches of {BATCH}");
    println!("  raw DuckDB appender   {raw_rate:>10.0} rows/s");
    println!("  writer store path     {writer_rate:>10.0} rows/s  (dedup + sessions + audit)");
    println!("  ratio writer / raw    {:>10.3}", writer_rate / raw_rate);
}

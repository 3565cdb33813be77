//! The writer's store path (dedup lookup, insert, sessions, one transaction per batch)
//! against a raw DuckDB bulk insert of the same rows into the same table, in the same run.
//! Run: `cargo bench --workspace --bench writer_store` (prints a table).

use std::time::Instant;

use chrono::Duration;
use duckdb::Connection;

use cartographus_engine::event::{EventType, MediaEvent};
use cartographus_engine::persist::{events, store, Database};
use cartographus_engine::testkit::{playback, t0};

const ROWS: usize = 20_000;
const BATCH: usize = 1_000;

/// Distinct playbacks (one player and item each), each a start then a stop, in time order.
fn events() -> Vec<MediaEvent> {
    (0..ROWS)
        .map(|n| {
            let event_type = if n % 2 == 0 {
                EventType::Start
            } else {
                EventType::Stop
            };
            playback(n / 2, event_type, t0() + Duration::seconds(n as i64))
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

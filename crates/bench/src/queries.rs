//! Reads on a full database: 1,000,000 events (a year of generated playbacks, parsed by
//! the engine's own parsers) appended straight into a DuckDB file, then a server started
//! on it and `GET /api/v1/stats` and `GET /api/v1/events?limit=50` timed.

use std::path::Path;
use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde::Serialize;

use crate::raw_duckdb;
use crate::server::{Binaries, Server};
use crate::summary::{percentiles, round, Percentiles};
use crate::webhooks::{Generator, STEPS};

const CHUNK: u64 = 20_000;

#[derive(Serialize)]
pub struct Outcome {
    pub events: u64,
    pub fill_s: f64,
    pub db_mb: f64,
    /// Start-up on the full database: spawn to healthy.
    pub ready_s: f64,
    pub engine_rss_mb: Option<f64>,
    pub stats_ms: Option<Percentiles>,
    pub history_ms: Option<Percentiles>,
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// Appends `count` generated events into a new database at `path`; returns seconds.
fn fill(fixtures: &Path, path: &Path, count: u64) -> Result<f64, String> {
    let year_s = 365 * 24 * 3600;
    let playbacks = count.div_ceil(STEPS).max(1) as i64;
    let generator = Arc::new(Generator::load(
        fixtures,
        Utc::now() - chrono::Duration::seconds(year_s + 3600),
        (year_s / playbacks).max(1),
    )?);
    let mut conn = raw_duckdb::create(path)?;
    let started = Instant::now();
    let chunks: Vec<u64> = (0..count).step_by(CHUNK as usize).collect();
    let (send, receive) = sync_channel(2);
    std::thread::scope(|scope| {
        // One producer per core builds and parses webhooks; this thread appends.
        let producers = std::thread::available_parallelism().map_or(2, |n| n.get());
        for worker in 0..producers {
            let (send, generator, chunks) = (send.clone(), Arc::clone(&generator), &chunks);
            scope.spawn(move || {
                for &first in chunks.iter().skip(worker).step_by(producers) {
                    let events: Result<Vec<_>, String> = (first..(first + CHUNK).min(count))
                        .map(|n| generator.webhook(n).event())
                        .collect();
                    if send.send((first, events)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(send);
        for (first, events) in receive {
            raw_duckdb::append(&mut conn, &events?, first + 1)?;
        }
        Ok::<(), String>(())
    })?;
    raw_duckdb::derive_sessions(&conn)?;
    conn.execute_batch("CHECKPOINT")
        .map_err(|e| format!("DuckDB checkpoint: {e}"))?;
    Ok(started.elapsed().as_secs_f64())
}

pub async fn run(
    bins: &Binaries,
    fixtures: &Path,
    work_dir: &Path,
    count: u64,
    samples: usize,
) -> Result<Outcome, String> {
    let mut notes = Vec::new();
    let data_dir = work_dir.join("full");
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let db_path = data_dir.join("cartographus.duckdb");
    println!("  appending {count} events into {}", db_path.display());
    let fill_s = {
        let (fixtures, db_path) = (fixtures.to_path_buf(), db_path.clone());
        tokio::task::spawn_blocking(move || fill(&fixtures, &db_path, count))
            .await
            .map_err(|e| format!("the fill failed: {e}"))??
    };
    let db_mb = std::fs::metadata(&db_path).map_or(0.0, |m| m.len() as f64 / 1_048_576.0);
    println!("  filled in {fill_s:.1} s ({db_mb:.0} MiB); starting the server on it");

    let mut server = Server::spawn(bins, &data_dir)?;
    let ready_s = server.wait_ready(Duration::from_secs(60)).await?;
    let api = server.api();
    let stored = api.events_stored().await?;
    if stored != count {
        notes.push(format!(
            "query phase: the server reports {stored} events stored, not {count}"
        ));
    }
    let timed = |path: &'static str| {
        let api = api.clone();
        async move {
            let mut millis = Vec::with_capacity(samples);
            for i in 0..samples + 5 {
                let (status, _, ms) = api.get(path).await?;
                if status != 200 {
                    return Ok::<_, String>(Err(status));
                }
                if i >= 5 {
                    millis.push(ms);
                }
            }
            Ok(Ok(millis))
        }
    };
    let stats_ms = match timed("/api/v1/stats").await? {
        Ok(ms) => percentiles(&ms),
        Err(status) => {
            notes.push(format!(
                "query_ms.stats_p95: null — GET /api/v1/stats answered {status}"
            ));
            None
        }
    };
    let history_ms = match timed("/api/v1/events?limit=50").await? {
        Ok(ms) => percentiles(&ms),
        Err(404) => {
            notes.push(
                "query_ms.history_p95: null — GET /api/v1/events answered 404 (the history route \
                 is not built yet)"
                    .into(),
            );
            None
        }
        Err(status) => {
            notes.push(format!(
                "query_ms.history_p95: null — GET /api/v1/events answered {status}"
            ));
            None
        }
    };
    let engine_rss_mb = server.rss_mb().0.map(round);
    let ended = server.stop();
    if !ended.contains("exit status: 0") {
        notes.push(format!("query server stop: {ended}"));
    }
    Ok(Outcome {
        events: count,
        fill_s: round(fill_s),
        db_mb: round(db_mb),
        ready_s: round(ready_s),
        engine_rss_mb,
        stats_ms,
        history_ms,
        notes,
    })
}

//! Reads on a full database: 1,000,000 events (a year of generated playbacks, parsed by
//! the engine's own parsers) appended straight into a DuckDB file, then a server started
//! on it, `GET /api/v1/stats`, `GET /api/v1/events?limit=50` and the history and analytics
//! views' queries (sessions sorted and searched, every chart over a month and the year)
//! timed, and webhooks posted flat out to see whether ingest keeps its pace on a full
//! database.

use std::path::Path;
use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde::Serialize;

use crate::raw_duckdb;
use crate::server::{Binaries, Server};
use crate::summary::{percentiles, round, Percentiles};
use crate::target::Target;
use crate::throughput::{self, FlatOut};
use crate::webhooks::{Generator, STEPS};

const CHUNK: u64 = 20_000;
/// The longest a query is sampled (a slow one gets fewer samples, at least 20).
const QUERY_TIME: Duration = Duration::from_secs(45);

#[derive(Serialize, Clone)]
pub struct ExportFigure {
    pub file: String,
    pub rows: u64,
    pub mb: f64,
    pub seconds: f64,
    pub rows_per_s: f64,
    /// The engine's largest RSS while it streamed the file (sampled every 20 ms).
    pub engine_peak_rss_mb: Option<f64>,
}

#[derive(Serialize)]
pub struct Outcome {
    pub events: u64,
    pub fill_s: f64,
    /// Of which DuckDB (append, sessions, checkpoint).
    pub fill_duckdb_s: f64,
    pub db_mb: f64,
    /// Start-up on the full database: spawn to healthy.
    pub ready_s: f64,
    pub engine_rss_mb: Option<f64>,
    pub stats_ms: Option<Percentiles>,
    pub history_ms: Option<Percentiles>,
    /// The history and analytics views' queries, by name (absent: the route failed).
    pub views_ms: std::collections::BTreeMap<String, Percentiles>,
    /// Every stored event exported, as CSV and as Parquet, streamed.
    pub exports: Vec<ExportFigure>,
    /// Webhooks flat out at the server holding the full database: does ingest keep up?
    pub flat_out: Option<FlatOut>,
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// Appends `count` generated events into a new database at `path`; returns the seconds it
/// took and how many of them went to DuckDB (the rest: building and parsing webhooks).
fn fill(fixtures: &Path, path: &Path, count: u64) -> Result<(f64, f64), String> {
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
    let appending = std::thread::scope(|scope| {
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
        let mut appending = Duration::ZERO;
        for (first, events) in receive {
            let events = events?;
            let at = Instant::now();
            raw_duckdb::append(&mut conn, &events, first + 1)?;
            appending += at.elapsed();
        }
        Ok::<Duration, String>(appending)
    })?;
    let at = Instant::now();
    raw_duckdb::derive_sessions(&conn)?;
    conn.execute_batch("CHECKPOINT")
        .map_err(|e| format!("DuckDB checkpoint: {e}"))?;
    let duckdb_s = (appending + at.elapsed()).as_secs_f64();
    Ok((started.elapsed().as_secs_f64(), duckdb_s))
}

pub struct Settings {
    pub events: u64,
    pub samples: usize,
    /// Webhooks posted flat out afterwards (0: none).
    pub flat_out: u64,
    pub connections: usize,
}

pub async fn run(
    bins: &Binaries,
    fixtures: &Path,
    work_dir: &Path,
    settings: &Settings,
) -> Result<Outcome, String> {
    let (count, samples) = (settings.events, settings.samples);
    let mut notes = Vec::new();
    let data_dir = work_dir.join("full");
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let db_path = data_dir.join("cartographus.duckdb");
    println!("  appending {count} events into {}", db_path.display());
    let (fill_s, fill_duckdb_s) = {
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
    // Five warm-up requests, then `samples` timed ones, for at most QUERY_TIME each.
    let timed = |path: &str| {
        let api = api.clone();
        let path = path.to_string();
        async move {
            let path = path.as_str();
            let mut millis = Vec::with_capacity(samples);
            let deadline = Instant::now() + QUERY_TIME;
            for i in 0..samples + 5 {
                if Instant::now() > deadline && millis.len() >= 20 {
                    break;
                }
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
    let mut views_ms = std::collections::BTreeMap::new();
    for (name, path) in view_queries(Utc::now()) {
        match timed(&path).await? {
            Ok(ms) => {
                if let Some(p) = percentiles(&ms) {
                    views_ms.insert(name.to_string(), p);
                }
            }
            Err(status) => notes.push(format!(
                "views_ms.{name}: null — GET {path} answered {status}"
            )),
        }
    }
    let engine_rss_mb = server.rss_mb().0.map(round);
    let mut exports = Vec::new();
    for file in ["events.csv", "events.parquet"] {
        println!("  export of every event: {file}");
        match export(&server, file, count).await {
            Ok(figure) => exports.push(figure),
            Err(e) => notes.push(format!("export {file}: {e}")),
        }
    }
    let flat_out = if settings.flat_out > 0 {
        println!(
            "  flat out on the full database: {} webhooks",
            settings.flat_out
        );
        // Playbacks after the stored ones, so nothing collides with them, one a second from
        // 3 hours ago as in the pipeline phase (more than a day ahead would be refused).
        let first_playback = (count / STEPS) as i64;
        let start =
            Utc::now() - chrono::Duration::hours(3) - chrono::Duration::seconds(first_playback);
        let generator = Arc::new(Generator::load(fixtures, start, 1)?);
        let target = Arc::new(Target::new(
            server.base_url(),
            server.webhook_token(),
            settings.connections,
        )?);
        let (flat, flat_notes) = throughput::flat_out_until_stored(
            &server,
            &target,
            &generator,
            count..count + settings.flat_out,
            settings.connections,
            None,
        )
        .await?;
        notes.extend(
            flat_notes
                .into_iter()
                .map(|n| format!("full database: {n}")),
        );
        Some(flat)
    } else {
        None
    };
    let ended = server.stop();
    if !ended.contains("exit status: 0") {
        notes.push(format!("query server stop: {ended}"));
    }
    Ok(Outcome {
        events: count,
        fill_s: round(fill_s),
        fill_duckdb_s: round(fill_duckdb_s),
        db_mb: round(db_mb),
        ready_s: round(ready_s),
        engine_rss_mb,
        stats_ms,
        history_ms,
        views_ms,
        exports,
        flat_out,
        notes,
    })
}

/// Downloads `GET /api/v1/export/{file}` (every stored event) while sampling the engine's
/// RSS; a CSV's rows are its lines after the header.
async fn export(server: &Server, file: &str, stored: u64) -> Result<ExportFigure, String> {
    let pid = server.engine_pid();
    let peak = Arc::new(std::sync::Mutex::new(None::<f64>));
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(20));
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                every.tick().await;
                if let (Some(rss), Ok(mut peak)) = (crate::process::rss_mb(pid), peak.lock()) {
                    *peak = Some(peak.map_or(rss, |p: f64| p.max(rss)));
                }
            }
        })
    };
    let downloaded = server
        .api()
        .download(&format!("/api/v1/export/{file}"))
        .await;
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let _ = sampler.await;
    let (status, bytes, lines, seconds) = downloaded?;
    if status != 200 {
        return Err(format!("answered {status}"));
    }
    let rows = if file.ends_with(".csv") {
        lines.saturating_sub(1)
    } else {
        stored
    };
    let engine_peak_rss_mb = peak.lock().ok().and_then(|p| *p).map(round);
    Ok(ExportFigure {
        file: file.to_string(),
        rows,
        mb: round(bytes as f64 / 1e6),
        seconds: round(seconds),
        rows_per_s: round(rows as f64 / seconds.max(1e-9)),
        engine_peak_rss_mb,
    })
}

/// The queries behind the history and analytics views, as the UI sends them (a zone an hour
/// east of UTC with one change, as a browser in Central Europe would).
fn view_queries(now: chrono::DateTime<Utc>) -> Vec<(&'static str, String)> {
    let month = (now - chrono::Duration::days(30)).format("%Y-%m-%dT%H:%M:%SZ");
    let change = (now - chrono::Duration::days(180)).format("%Y-%m-%dT%H:%M:%SZ");
    let tz = format!("60,120@{change}");
    let plays = |query: &str| format!("/api/v1/analytics/plays?{query}&tz={tz}");
    vec![
        ("sessions_newest", "/api/v1/sessions?limit=100".to_string()),
        (
            "sessions_by_title_searched",
            "/api/v1/sessions?limit=100&sort=title&order=asc&q=the".to_string(),
        ),
        (
            "sessions_by_duration",
            "/api/v1/sessions?limit=100&sort=duration".to_string(),
        ),
        (
            "plays_per_day_by_type_30d",
            plays(&format!("by=day&series=media_type&since={month}")),
        ),
        (
            "plays_per_day_by_type_year",
            plays("by=day&series=media_type"),
        ),
        ("stream_type_per_day_year", plays("by=day&series=transcode")),
        ("plays_by_weekday_year", plays("by=weekday")),
        ("plays_by_hour_year", plays("by=hour")),
        ("top_users_year", plays("by=user")),
        ("top_titles_year", plays("by=title")),
        ("top_platforms_year", plays("by=platform")),
        (
            "concurrent_per_day_30d",
            format!("/api/v1/analytics/concurrent?since={month}&tz={tz}"),
        ),
        (
            "concurrent_per_day_year",
            format!("/api/v1/analytics/concurrent?tz={tz}"),
        ),
    ]
}

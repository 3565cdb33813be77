//! Throughput: webhooks posted flat out over C connections until DuckDB holds every one
//! that was acknowledged (events acknowledged and stored per second), with the CPU each
//! process used meanwhile and the engine's own writer counters.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::cpu;
use crate::load;
use crate::server::Server;
use crate::summary::{percentiles, round, Percentiles};
use crate::target::Target;
use crate::webhooks::Generator;

/// CPU seconds each process used during a phase, and how busy the machine was.
#[derive(Serialize, Clone, Copy)]
pub struct PhaseCpu {
    pub wall_s: f64,
    pub engine_s: Option<f64>,
    pub nats_s: Option<f64>,
    /// This process: the load generator (and its WebSocket client).
    pub bench_s: Option<f64>,
    pub machine_busy_pct: Option<f64>,
    /// Share of all cores used by other processes: noise in the figures when it is high.
    pub others_pct: Option<f64>,
}

pub fn cpu_mark(server: &Server) -> cpu::Mark {
    let nats = server.nats_pid().unwrap_or(0);
    cpu::Mark::now(&[server.engine_pid(), nats, std::process::id()])
}

pub fn phase_cpu(mark: &cpu::Mark) -> PhaseCpu {
    let usage = mark.usage();
    let ours: f64 = usage.cpu_s.iter().flatten().sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let others_pct = usage
        .machine_busy_pct
        .map(|busy| round((busy - 100.0 * ours / (usage.wall_s * cores)).max(0.0)));
    PhaseCpu {
        others_pct,
        wall_s: usage.wall_s,
        engine_s: usage.cpu_s[0],
        nats_s: usage.cpu_s[1],
        bench_s: usage.cpu_s[2],
        machine_busy_pct: usage.machine_busy_pct,
    }
}

#[derive(Serialize)]
pub struct FlatOut {
    pub connections: usize,
    pub acknowledged: u64,
    /// Acknowledged per second while posting.
    pub ack_per_s: f64,
    /// Acknowledged and stored per second: first request to the last event in DuckDB.
    pub stored_per_s: Option<f64>,
    /// From the last answer until DuckDB held every event.
    pub drain_s: Option<f64>,
    pub ack_ms: Option<Percentiles>,
    /// First request until every event was stored.
    pub cpu: PhaseCpu,
    /// The engine's writer counters afterwards (`writer` of `GET /api/v1/stats`).
    pub engine_writer: Option<serde_json::Value>,
    /// What the writer did in this phase alone: its counters afterwards minus before, so
    /// the small batches of the paced phases do not weigh on the flat-out figure.
    pub writer_during: Option<WriterDelta>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct WriterDelta {
    pub stored: f64,
    pub batches: f64,
    pub store_cpu_us: f64,
}

impl WriterDelta {
    fn between(before: &serde_json::Value, after: &serde_json::Value) -> Option<Self> {
        let delta = |key: &str| Some(after[key].as_f64()? - before[key].as_f64()?);
        Some(Self {
            stored: delta("stored")?,
            batches: delta("batches")?,
            store_cpu_us: delta("store_cpu_us")?,
        })
    }

    pub fn cpu_us_per_event(&self) -> Option<f64> {
        (self.stored > 0.0).then(|| self.store_cpu_us / self.stored)
    }
}

async fn writer_counters(server: &Server) -> Option<serde_json::Value> {
    match server.api().get("/api/v1/stats").await {
        Ok((200, body, _)) => serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .map(|stats| stats["writer"].clone()),
        _ => None,
    }
}

/// Posts webhooks `range` flat out and waits (up to 120 s) until all acknowledged ones are
/// stored. `timeline`: where to write the per-request latencies, relative to an instant.
pub async fn flat_out_until_stored(
    server: &Server,
    target: &Arc<Target>,
    generator: &Arc<Generator>,
    range: Range<u64>,
    connections: usize,
    timeline: Option<(PathBuf, Instant)>,
) -> Result<(FlatOut, Vec<String>), String> {
    let mut notes = Vec::new();
    let stored_before = server.api().events_stored().await?;
    let writer_before = writer_counters(server).await;
    let poller = StoredPoller::start(server);
    let mark = cpu_mark(server);
    let began = Instant::now();
    let outcome = load::flat_out(
        target,
        generator,
        range.start,
        range.end - range.start,
        connections,
    )
    .await;
    let answered = Instant::now();
    if let Some((path, zero)) = timeline {
        outcome.write_timeline(&path, zero)?;
    }
    notes.extend(outcome.error_note("flat out"));
    let acknowledged = outcome.acked.len() as u64;
    let all_stored = poller
        .until(stored_before + acknowledged, Duration::from_secs(120))
        .await;
    let cpu = phase_cpu(&mark);
    if all_stored.is_none() {
        notes.push(format!(
            "flat out: DuckDB did not hold all {acknowledged} acknowledged events within 120 s"
        ));
    }
    let engine_writer = writer_counters(server).await;
    let writer_during = writer_before
        .as_ref()
        .zip(engine_writer.as_ref())
        .and_then(|(before, after)| WriterDelta::between(before, after));
    if let Some(writer) = &engine_writer {
        for counter in ["dead_lettered", "duplicates"] {
            if writer[counter].as_f64().is_some_and(|n| n > 0.0) {
                notes.push(format!(
                    "flat out: the engine's writer counts {} {counter} (expected none)",
                    writer[counter]
                ));
            }
        }
    }
    let flat_out = FlatOut {
        connections,
        acknowledged,
        ack_per_s: round(outcome.per_second()),
        stored_per_s: all_stored
            .map(|at| round(acknowledged as f64 / at.duration_since(began).as_secs_f64())),
        drain_s: all_stored.map(|at| round(at.saturating_duration_since(answered).as_secs_f64())),
        ack_ms: percentiles(&outcome.latencies_ms),
        cpu,
        engine_writer,
        writer_during,
    };
    Ok((flat_out, notes))
}

/// Waits until DuckDB holds at least `expected` events; returns the count.
pub async fn wait_stored(server: &Server, expected: u64, within: Duration) -> Result<u64, String> {
    let deadline = Instant::now() + within;
    loop {
        let stored = server.api().events_stored().await?;
        if stored >= expected {
            return Ok(stored);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "only {stored} of {expected} acknowledged events were stored after {within:?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls `events_stored` every 100 ms from the start of the flat-out phase.
struct StoredPoller {
    samples: Arc<Mutex<Vec<(Instant, u64)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl StoredPoller {
    fn start(server: &Server) -> Self {
        let samples = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::clone(&samples);
        let api = server.api();
        let task = tokio::spawn(async move {
            loop {
                if let Ok(stored) = api.events_stored().await {
                    if let Ok(mut samples) = shared.lock() {
                        samples.push((Instant::now(), stored));
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        Self { samples, task }
    }

    /// When the count first reached `expected`, waiting at most `within` for it.
    async fn until(self, expected: u64, within: Duration) -> Option<Instant> {
        let deadline = Instant::now() + within;
        let reached = loop {
            let first = self
                .samples
                .lock()
                .ok()
                .and_then(|s| s.iter().find(|(_, n)| *n >= expected).map(|(at, _)| *at));
            if first.is_some() || Instant::now() > deadline {
                break first;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        self.task.abort();
        reached
    }
}

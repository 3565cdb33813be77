//! The whole pipeline under load: a fresh `cartographus-server serve` with its sidecar,
//! start-up time and idle memory, ack latency open-loop at each rate (with the live
//! WebSocket latency of the same events), then flat out until everything is stored.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::live::LiveFeed;
use crate::load;
use crate::server::{Binaries, Server};
use crate::summary::{percentiles, round, Percentiles};
use crate::target::Target;
use crate::throughput::{self, cpu_mark, phase_cpu, wait_stored, FlatOut, PhaseCpu};
use crate::webhooks::Generator;

pub struct Settings {
    pub rates: Vec<u32>,
    pub rate_duration: Duration,
    pub flat_out_count: u64,
    pub connections: usize,
    /// Where to write each phase's `start_s,latency_ms` timeline, if anywhere.
    pub timeline_dir: Option<std::path::PathBuf>,
}

#[derive(Serialize, Default, Clone, Copy)]
pub struct Rss {
    pub engine_idle: Option<f64>,
    pub engine_loaded: Option<f64>,
    pub nats_idle: Option<f64>,
    pub nats_loaded: Option<f64>,
    /// A minute after the load stopped (the live client closed): what each gave back.
    pub engine_after_minute: Option<f64>,
    pub nats_after_minute: Option<f64>,
}

#[derive(Serialize)]
pub struct RatePhase {
    pub target_per_s: u32,
    pub achieved_per_s: f64,
    pub ack_ms: Option<Percentiles>,
    pub live_ms: Option<Percentiles>,
    pub max_schedule_lag_ms: f64,
    pub cpu: PhaseCpu,
}

pub struct Outcome {
    pub ready_s: f64,
    pub rss: Rss,
    pub rates: Vec<RatePhase>,
    pub live_ms: Option<Percentiles>,
    pub flat_out: FlatOut,
    pub notes: Vec<String>,
}

/// Keeps the peak resident memory of the engine and its sidecar while load runs.
struct PeakRss {
    peak: Arc<Mutex<(f64, f64)>>,
    task: tokio::task::JoinHandle<()>,
}

impl PeakRss {
    fn start(server: &Server) -> Self {
        let peak = Arc::new(Mutex::new((0.0_f64, 0.0_f64)));
        let (shared, engine_pid) = (Arc::clone(&peak), server.engine_pid());
        let nats_pid = server.nats_pid();
        let task = tokio::spawn(async move {
            loop {
                let engine = crate::process::rss_mb(engine_pid).unwrap_or(0.0);
                let nats = nats_pid.and_then(crate::process::rss_mb).unwrap_or(0.0);
                if let Ok(mut peak) = shared.lock() {
                    *peak = (peak.0.max(engine), peak.1.max(nats));
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        Self { peak, task }
    }

    fn finish(self) -> (f64, f64) {
        self.task.abort();
        self.peak.lock().map(|p| *p).unwrap_or((0.0, 0.0))
    }
}

pub async fn run(
    bins: &Binaries,
    work_dir: &Path,
    generator: &Arc<Generator>,
    settings: &Settings,
) -> Result<Outcome, String> {
    let mut notes = Vec::new();
    let mut server = Server::spawn(bins, &work_dir.join("pipeline"))?;
    let ready_s = server.wait_ready(Duration::from_secs(30)).await?;
    println!("  ready in {ready_s:.2} s; settling 3 s for the idle memory");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (engine_idle, nats_idle) = server.rss_mb();

    let live = match LiveFeed::connect(&server.ws_url()).await {
        Ok(feed) => Some(feed),
        Err(e) => {
            notes.push(format!("live_ms: {e}"));
            None
        }
    };
    let target = Arc::new(Target::new(
        server.base_url(),
        server.webhook_token(),
        settings.connections,
    )?);
    let peak = PeakRss::start(&server);
    let zero = Instant::now();
    let mut next = 0u64;
    let mut acked_total = 0u64;

    // Warm-up: connections opened, code paths paged in. Not measured.
    let warm = load::open_loop(&target, generator, next, 100.0, Duration::from_secs(1)).await;
    next += warm.sent;
    acked_total += warm.acked.len() as u64;
    notes.extend(warm.error_note("warm-up"));

    let mut rates = Vec::new();
    let mut all_live = Vec::new();
    for &rate in &settings.rates {
        println!("  {rate} req/s for {:?}", settings.rate_duration);
        let mark = cpu_mark(&server);
        let outcome = load::open_loop(
            &target,
            generator,
            next,
            f64::from(rate),
            settings.rate_duration,
        )
        .await;
        let cpu = phase_cpu(&mark);
        if let Some(dir) = &settings.timeline_dir {
            outcome.write_timeline(&dir.join(format!("ack-{rate}.csv")), zero)?;
        }
        next += outcome.sent;
        acked_total += outcome.acked.len() as u64;
        notes.extend(outcome.error_note(&format!("{rate} req/s")));
        // Let the last messages of the phase reach the socket before matching.
        if let Some(feed) = &live {
            feed.settle(&outcome.acked, Duration::from_secs(2)).await;
        }
        let live_ms = live.as_ref().and_then(|feed| {
            let matched = feed.matched(&outcome.acked);
            if matched.missing > 0 && !matched.latencies_ms.is_empty() {
                notes.push(format!(
                    "live_ms at {rate} req/s: {} of {} acknowledged events never reached the WebSocket",
                    matched.missing,
                    outcome.acked.len()
                ));
            }
            all_live.extend_from_slice(&matched.latencies_ms);
            percentiles(&matched.latencies_ms)
        });
        rates.push(RatePhase {
            target_per_s: rate,
            achieved_per_s: round(outcome.per_second()),
            ack_ms: percentiles(&outcome.latencies_ms),
            live_ms,
            max_schedule_lag_ms: round(outcome.max_schedule_lag_ms),
            cpu,
        });
    }
    if let Some(feed) = &live {
        let (types, closed) = feed.summary();
        if all_live.is_empty() {
            notes.push(format!(
                "live_ms: null — no {{\"type\":\"event\"}} message carried an acknowledged event id \
                 (messages seen by type: {types:?}{}); the WebSocket event feed is not built yet",
                closed.map(|c| format!(", socket closed: {c}")).unwrap_or_default()
            ));
        }
    }

    // Everything so far stored before the flat-out phase starts, so it measures itself.
    wait_stored(&server, acked_total, Duration::from_secs(60)).await?;
    println!(
        "  flat out: {} webhooks over {} connections",
        settings.flat_out_count, settings.connections
    );
    let timeline = settings
        .timeline_dir
        .as_ref()
        .map(|dir| (dir.join("ack-flat-out.csv"), zero));
    let (flat_out, flat_notes) = throughput::flat_out_until_stored(
        &server,
        &target,
        generator,
        next..next + settings.flat_out_count,
        settings.connections,
        timeline,
    )
    .await?;
    notes.extend(flat_notes);
    let (engine_loaded, nats_loaded) = peak.finish();
    drop(live);
    // Idle again for a minute: how much of the loaded memory each process returns.
    println!("  a minute idle after the load, for the memory it gives back");
    tokio::time::sleep(Duration::from_secs(60)).await;
    let (engine_after_minute, nats_after_minute) = server.rss_mb();
    let ended = server.stop();
    if !ended.contains("exit status: 0") && !ended.contains("exit code: 0") {
        notes.push(format!("pipeline server stop: {ended}"));
    }
    let positive = |v: f64| (v > 0.0).then_some(round(v));
    Ok(Outcome {
        ready_s: round(ready_s),
        rss: Rss {
            engine_idle: engine_idle.map(round),
            engine_loaded: positive(engine_loaded),
            nats_idle: nats_idle.map(round),
            nats_loaded: positive(nats_loaded),
            engine_after_minute: engine_after_minute.map(round),
            nats_after_minute: nats_after_minute.map(round),
        },
        rates,
        live_ms: percentiles(&all_live),
        flat_out,
        notes,
    })
}

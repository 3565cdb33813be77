//! What runs beside the load: every few seconds an RSS sample and the sidecar's restart
//! count; at each scheduled time a kill -9 of the server (restarted on the same data dir
//! and port) or of its nats-server sidecar (which the engine must restart by itself).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use cartographus_bench::process;
use cartographus_bench::server::{Binaries, Server};
use cartographus_bench::summary::round;
use cartographus_bench::target::Target;

use crate::memory::Samples;
use crate::schedule::{Schedule, Victim};

/// How long a killed server's sidecar may take to follow it (it gets SIGTERM and flushes).
const SIDECAR_FOLLOWS_WITHIN: Duration = Duration::from_secs(15);
/// How long the server (after a restart) or the engine's new sidecar may take to come up.
const RECOVERY_WITHIN: Duration = Duration::from_secs(60);
/// A stats call that takes longer is skipped (the server may be busy recovering).
const STATS_WITHIN: Duration = Duration::from_secs(2);
const PROGRESS_EVERY: Duration = Duration::from_secs(60);

pub struct Settings {
    pub bins: Binaries,
    pub data_dir: PathBuf,
    pub port: u16,
    pub schedule: Schedule,
    pub rss_every: Duration,
    /// When the load started; times in the log count from here.
    pub started: Instant,
    pub end: Instant,
}

#[derive(Debug, Serialize)]
pub struct Kill {
    /// Seconds since the load started.
    pub at_s: f64,
    pub victim: Victim,
    pub pid: Option<u32>,
    /// Kill to healthy server (server) or to the engine's new sidecar (sidecar).
    pub recovered_s: Option<f64>,
    pub detail: String,
}

#[derive(Default)]
pub struct Log {
    pub kills: Vec<Kill>,
    /// Servers started after the first one: one per server kill, plus any unexpected exit.
    pub server_restarts: u32,
    /// The last sidecar restart count each server reported (the count starts at 0 with
    /// every server), so their sum is every restart the engines made.
    pub sidecar_restarts: Vec<u32>,
    pub samples: Samples,
    /// Anything that breaks the promise or the supervision; the run fails on any.
    pub problems: Vec<String>,
}

impl Log {
    /// The current server reported `restarts` sidecar restarts.
    pub fn observe_sidecar_restarts(&mut self, restarts: u32) {
        match self.sidecar_restarts.last_mut() {
            Some(last) => *last = (*last).max(restarts),
            None => self.sidecar_restarts.push(restarts),
        }
    }

    pub fn sidecar_restarts_seen(&self) -> u32 {
        self.sidecar_restarts.iter().sum()
    }

    pub fn kills_of(&self, victim: Victim) -> usize {
        self.kills.iter().filter(|k| k.victim == victim).count()
    }
}

/// Kills and samples until `settings.end`. Fails only when the server cannot be brought back
/// (nothing more could be learnt); everything else is written into the log's problems.
pub async fn run(
    server: &mut Server,
    target: &Target,
    mut settings: Settings,
) -> Result<Log, String> {
    let mut log = Log {
        sidecar_restarts: vec![0],
        ..Log::default()
    };
    let (gap, mut victim) = settings.schedule.next();
    let mut next_kill = Instant::now() + gap;
    let mut next_sample = Instant::now();
    let mut next_progress = settings.started + PROGRESS_EVERY;
    loop {
        let now = Instant::now();
        if now >= settings.end {
            return Ok(log);
        }
        let t_s = now.duration_since(settings.started).as_secs_f64();
        if let Some(status) = server.exited() {
            log.problems.push(format!(
                "at {t_s:.0} s cartographus-server exited on its own ({status}); its last words:\n{}",
                server.stderr_tail(20)
            ));
            bury(server, &mut log, t_s).await;
            restart(server, &settings, &mut log, t_s).await?;
        }
        if now >= next_sample {
            log.samples.take(t_s, server);
            if let Some(restarts) = sidecar_restarts(server).await {
                log.observe_sidecar_restarts(restarts);
            }
            next_sample = (next_sample + settings.rss_every).max(Instant::now());
        }
        if now >= next_progress {
            progress(t_s, target, &log);
            next_progress += PROGRESS_EVERY;
        }
        if now >= next_kill {
            match victim {
                Victim::Server => kill_server(server, &settings, &mut log, t_s).await?,
                Victim::Sidecar => kill_sidecar(server, &mut log, t_s).await,
            }
            let (gap, after) = settings.schedule.next();
            victim = after;
            next_kill = Instant::now() + gap;
        }
        let wake = next_sample
            .min(next_kill)
            .min(next_progress)
            .min(settings.end);
        tokio::time::sleep_until(wake.into()).await;
    }
}

fn progress(t_s: f64, target: &Target, log: &Log) {
    let (answered, failed) = target.counts();
    let mb = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0} MB"));
    let (engine, nats) = log
        .samples
        .last()
        .map_or((None, None), |s| (s.engine_mb, s.nats_mb));
    println!(
        "  [{:>2}:{:02}] 2xx {answered}, failed {failed}; RSS engine {}, nats-server {}; \
         kills: {} server, {} sidecar",
        (t_s / 60.0) as u64,
        (t_s % 60.0) as u64,
        mb(engine),
        mb(nats),
        log.kills_of(Victim::Server),
        log.kills_of(Victim::Sidecar),
    );
}

/// `sidecar.restarts` from the server's stats, if it answers quickly.
pub async fn sidecar_restarts(server: &Server) -> Option<u32> {
    let stats = sidecar_status(server).await?;
    stats["restarts"].as_u64().map(|n| n as u32)
}

async fn sidecar_status(server: &Server) -> Option<serde_json::Value> {
    let api = server.api();
    let stats = tokio::time::timeout(STATS_WITHIN, api.stats())
        .await
        .ok()?
        .ok()?;
    Some(stats["sidecar"].clone()).filter(|s| !s.is_null())
}

async fn kill_server(
    server: &mut Server,
    settings: &Settings,
    log: &mut Log,
    t_s: f64,
) -> Result<(), String> {
    // Its restart count dies with it: read it one last time.
    if let Some(restarts) = sidecar_restarts(server).await {
        log.observe_sidecar_restarts(restarts);
    }
    let pid = server.engine_pid();
    let killed_at = Instant::now();
    let ended = bury(server, log, t_s).await;
    println!("  [{t_s:>6.0} s] kill -9 server {pid}: {ended}");
    restart(server, settings, log, t_s).await?;
    let recovered_s = killed_at.elapsed().as_secs_f64();
    println!("             server back up in {recovered_s:.2} s");
    log.kills.push(Kill {
        at_s: round(t_s),
        victim: Victim::Server,
        pid: Some(pid),
        recovered_s: Some(round(recovered_s)),
        detail: ended,
    });
    Ok(())
}

/// kill -9 of the server (a no-op if it is already dead), then its sidecar must follow by
/// itself. Says how both ended.
async fn bury(server: &mut Server, log: &mut Log, t_s: f64) -> String {
    let killed = server.kill_9(SIDECAR_FOLLOWS_WITHIN).await;
    let sidecar = match (killed.sidecar_pid, killed.sidecar_gone_s) {
        (None, _) => "no sidecar was running".to_string(),
        (Some(_), Some(gone)) => format!("its sidecar followed in {gone:.2} s"),
        (Some(sidecar), None) => {
            log.problems.push(format!(
                "at {t_s:.0} s the sidecar (pid {sidecar}) outlived its server by more than \
                 {SIDECAR_FOLLOWS_WITHIN:?}; the soak killed it"
            ));
            format!("its sidecar {sidecar} did NOT follow")
        }
    };
    format!("{}, {sidecar}", killed.status)
}

/// Starts a new server on the same data dir and port and waits until it is healthy.
async fn restart(
    server: &mut Server,
    settings: &Settings,
    log: &mut Log,
    t_s: f64,
) -> Result<(), String> {
    *server = Server::spawn_on(&settings.bins, &settings.data_dir, settings.port)?;
    log.server_restarts += 1;
    log.sidecar_restarts.push(0);
    server
        .wait_ready(RECOVERY_WITHIN)
        .await
        .map(drop)
        .map_err(|e| format!("the server did not come back after {t_s:.0} s: {e}"))
}

async fn kill_sidecar(server: &mut Server, log: &mut Log, t_s: f64) {
    let status = sidecar_status(server).await;
    if let Some(restarts) = status.as_ref().and_then(|s| s["restarts"].as_u64()) {
        log.observe_sidecar_restarts(restarts as u32);
    }
    // The pid the engine reports, checked against /proc; else its pid file.
    let pid = status
        .and_then(|s| s["pid"].as_u64())
        .map(|pid| pid as u32)
        .filter(|&pid| process::runs(pid, "nats-server"))
        .or_else(|| server.nats_pid());
    let Some(pid) = pid else {
        log.problems.push(format!(
            "at {t_s:.0} s there was no sidecar to kill (the engine reports none running)"
        ));
        log.kills.push(Kill {
            at_s: round(t_s),
            victim: Victim::Sidecar,
            pid: None,
            recovered_s: None,
            detail: "no sidecar running".into(),
        });
        return;
    };
    process::kill_pid(pid);
    let killed_at = Instant::now();
    println!("  [{t_s:>6.0} s] kill -9 sidecar {pid}");
    let (recovered_s, detail) = loop {
        let status = sidecar_status(server).await;
        let new_pid = status
            .as_ref()
            .and_then(|s| s["pid"].as_u64())
            .map(|p| p as u32)
            .filter(|&p| p != pid);
        if let Some(new_pid) = new_pid {
            if let Some(restarts) = status.as_ref().and_then(|s| s["restarts"].as_u64()) {
                log.observe_sidecar_restarts(restarts as u32);
            }
            let after = killed_at.elapsed().as_secs_f64();
            println!("             the engine restarted it as {new_pid} in {after:.2} s");
            break (
                Some(round(after)),
                format!("restarted by the engine as {new_pid}"),
            );
        }
        if killed_at.elapsed() > RECOVERY_WITHIN {
            log.problems.push(format!(
                "at {t_s:.0} s the engine did not restart its killed sidecar within \
                 {RECOVERY_WITHIN:?}"
            ));
            break (None, "not restarted".to_string());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    log.kills.push(Kill {
        at_s: round(t_s),
        victim: Victim::Sidecar,
        pid: Some(pid),
        recovered_s,
        detail,
    });
}

//! Keeps the nats-server sidecar running: restarts it with backoff when it dies, stops it
//! with the engine, and publishes its state (pid, restarts, last exit) for health and stats.

use std::time::{Duration, Instant};

use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use super::sidecar::{RunningSidecar, SidecarSpec};

const READY_WITHIN: Duration = Duration::from_secs(15);
const STOP_GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SidecarState {
    /// None while it is down.
    pub pid: Option<u32>,
    pub up_since: Option<Instant>,
    pub restarts: u32,
    pub last_exit: Option<String>,
    /// What `nats-server --version` says (e.g. "v2.12.8"), asked once at start.
    pub version: Option<String>,
}

impl SidecarState {
    /// Resident memory of the sidecar, read from /proc.
    pub fn rss_bytes(&self) -> Option<u64> {
        let statm = std::fs::read_to_string(format!("/proc/{}/statm", self.pid?)).ok()?;
        let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
        let page_size = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
            .ok()
            .flatten()
            .unwrap_or(4096) as u64;
        Some(pages * page_size)
    }
}

pub struct Supervisor {
    spec: SidecarSpec,
    state: watch::Receiver<SidecarState>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Supervisor {
    /// Starts the first instance and then watches it. A first start that fails is retried
    /// with the same backoff as a crash (the state says why meanwhile), so a sidecar that
    /// cannot start right now never stops the engine from taking webhooks into the spool.
    pub async fn start(spec: SidecarSpec) -> Self {
        let version = binary_version(&spec.bin).await;
        let first = RunningSidecar::start(&spec, READY_WITHIN).await;
        let initial = match &first {
            Ok(running) => SidecarState {
                pid: Some(running.pid),
                up_since: Some(running.started_at),
                restarts: 0,
                last_exit: None,
                version: version.clone(),
            },
            Err(e) => {
                tracing::warn!("nats-server did not start: {e}; retrying");
                SidecarState {
                    last_exit: Some(e.to_string()),
                    version: version.clone(),
                    ..SidecarState::default()
                }
            }
        };
        let (state_tx, state) = watch::channel(initial);
        let (stop, stop_rx) = oneshot::channel();
        let task = tokio::spawn(watch_and_restart(
            spec.clone(),
            first.ok(),
            state_tx,
            stop_rx,
        ));
        Self {
            spec,
            state,
            stop: Some(stop),
            task,
        }
    }

    pub fn spec(&self) -> &SidecarSpec {
        &self.spec
    }

    pub fn state(&self) -> watch::Receiver<SidecarState> {
        self.state.clone()
    }

    /// Stops the sidecar and waits until it is gone.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

async fn watch_and_restart(
    spec: SidecarSpec,
    mut running: Option<RunningSidecar>,
    state: watch::Sender<SidecarState>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        if let Some(mut current) = running.take() {
            tokio::select! {
                _ = &mut stop => {
                    current.stop(STOP_GRACE).await;
                    state.send_modify(|s| { s.pid = None; s.up_since = None; });
                    return;
                }
                exit = current.wait_exit() => {
                    let stderr = current.stderr_tail();
                    tracing::warn!(%exit, %stderr, "nats-server exited unexpectedly; restarting");
                    state.send_modify(|s| {
                        s.pid = None;
                        s.up_since = None;
                        s.last_exit = Some(exit);
                    });
                }
            }
        }
        // The first retry comes quickly (a crash is usually a one-off); later ones back
        // off so a server that cannot start does not spin.
        let mut delays = crate::bus::retry_delays();
        let started = loop {
            let delay = delays.next().unwrap_or(Duration::from_secs(5));
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep(delay) => {}
            }
            match RunningSidecar::start(&spec, READY_WITHIN).await {
                Ok(started) => break started,
                Err(e) => {
                    tracing::warn!("nats-server restart failed: {e}");
                    state.send_modify(|s| s.last_exit = Some(e.to_string()));
                }
            }
        };
        state.send_modify(|s| {
            s.pid = Some(started.pid);
            s.up_since = Some(started.started_at);
            s.restarts += 1;
        });
        running = Some(started);
    }
}

/// The version a nats-server binary reports ("nats-server: v2.12.8" → "v2.12.8"); None when it
/// cannot say within a few seconds. Only shown to the user: nothing depends on it.
async fn binary_version(bin: &std::path::Path) -> Option<String> {
    let output = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::process::Command::new(bin)
            .arg("--version")
            .kill_on_drop(true)
            .output(),
    )
    .await
    .ok()?
    .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.trim().rsplit(' ').next()?.trim();
    (!version.is_empty()).then(|| version.to_string())
}

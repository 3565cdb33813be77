//! The JetStream bus: how the engine reaches NATS (its own sidecar, an external server, or
//! none at all) and the health of that connection. Stream provisioning and the publisher
//! build on the client this module connects.

pub mod publisher;
pub mod sidecar;
pub mod spool;
pub mod stream;
pub mod supervisor;

use std::path::Path;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::config::{NatsConfig, NatsMode};
use crate::health::{HealthHub, PartHealth, PartStatus};
use crate::secret::{generate_token, redact_urls, Secret};
use sidecar::{SidecarError, SidecarSpec};
use supervisor::{SidecarState, Supervisor};

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error(transparent)]
    Sidecar(#[from] SidecarError),
    #[error("no free loopback port for nats-server: {0}")]
    NoPort(std::io::Error),
    #[error("cannot connect to NATS at {url}: {reason}")]
    Connect { url: String, reason: String },
}

/// A live connection to NATS and, in embedded mode, the sidecar behind it.
pub struct Bus {
    client: async_nats::Client,
    url: String,
    supervisor: Option<Supervisor>,
    monitor: JoinHandle<()>,
}

impl Bus {
    /// Connects as configured. `Ok(None)` means NATS is switched off (the direct path).
    pub async fn start(
        config: &NatsConfig,
        data_dir: &Path,
        health: &HealthHub,
    ) -> Result<Option<Self>, BusError> {
        let (url, token, supervisor) = match &config.mode {
            NatsMode::Disabled => {
                health.report(
                    "nats",
                    PartHealth::new(PartStatus::Disabled, "NATS_ENABLED=false: direct path"),
                );
                return Ok(None);
            }
            NatsMode::External { url, token, creds } => {
                let client = connect(
                    url,
                    token.clone().map(Secret::new).as_ref(),
                    creds.as_deref(),
                )
                .await?;
                return Ok(Some(Self::watch(client, redact_urls(url), None, health)));
            }
            NatsMode::Embedded { server_bin } => {
                let bin = sidecar::locate_binary(server_bin.as_deref())?;
                let work_dir = data_dir.join("nats");
                sidecar::stop_stale(&work_dir);
                let spec = SidecarSpec {
                    bin,
                    work_dir,
                    store_dir: config.store_dir.clone(),
                    port: sidecar::free_loopback_port().map_err(BusError::NoPort)?,
                    token: generate_token(),
                };
                let supervisor = Supervisor::start(spec).await?;
                let spec = supervisor.spec();
                (spec.url(), Some(spec.token.clone()), Some(supervisor))
            }
        };
        let client = connect(&url, token.as_ref(), None).await?;
        Ok(Some(Self::watch(client, url, supervisor, health)))
    }

    fn watch(
        client: async_nats::Client,
        url: String,
        supervisor: Option<Supervisor>,
        health: &HealthHub,
    ) -> Self {
        let monitor = tokio::spawn(monitor_health(
            client.clone(),
            url.clone(),
            supervisor.as_ref().map(Supervisor::state),
            health.clone(),
        ));
        Self {
            client,
            url,
            supervisor,
            monitor,
        }
    }

    pub fn client(&self) -> &async_nats::Client {
        &self.client
    }

    pub fn jetstream(&self) -> async_nats::jetstream::Context {
        async_nats::jetstream::new(self.client.clone())
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn sidecar_watch(&self) -> Option<tokio::sync::watch::Receiver<SidecarState>> {
        self.supervisor.as_ref().map(Supervisor::state)
    }

    pub fn sidecar_state(&self) -> Option<SidecarState> {
        self.supervisor.as_ref().map(|s| s.state().borrow().clone())
    }

    /// Flushes the client, then stops the sidecar (embedded mode).
    pub async fn shutdown(self) {
        self.monitor.abort();
        let _ = tokio::time::timeout(Duration::from_secs(2), self.client.flush()).await;
        drop(self.client);
        if let Some(supervisor) = self.supervisor {
            supervisor.shutdown().await;
        }
    }
}

/// Connects to `url` (several servers may be listed, comma-separated), authenticating with
/// a token, a credentials file, or the user:password in the URL itself.
/// Endless retry delays for what must eventually succeed (a sidecar restart, a spooled
/// record's publish): 100 ms doubling to 5 s, with jitter so retries do not march in step.
pub(crate) fn retry_delays() -> impl Iterator<Item = Duration> {
    use backon::{BackoffBuilder, ExponentialBuilder};
    ExponentialBuilder::new()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(5))
        .with_jitter()
        .without_max_times()
        .build()
}

async fn connect(
    url: &str,
    token: Option<&Secret>,
    creds: Option<&Path>,
) -> Result<async_nats::Client, BusError> {
    let failed = |reason: String| BusError::Connect {
        url: redact_urls(url),
        reason: redact_urls(&reason),
    };
    let options = match (token, creds) {
        (_, Some(creds)) => async_nats::ConnectOptions::with_credentials_file(creds)
            .await
            .map_err(|e| failed(format!("cannot read credentials {}: {e}", creds.display())))?,
        (Some(token), None) => async_nats::ConnectOptions::with_token(token.expose().to_string()),
        (None, None) => async_nats::ConnectOptions::new(),
    }
    .name("cartographus")
    .connection_timeout(Duration::from_secs(5))
    // Reconnect fast: a restarted sidecar is back within a second or two.
    .reconnect_delay_callback(|attempt| Duration::from_millis((50u64 << attempt.min(5)).min(1000)))
    .max_reconnects(None);
    let servers: Vec<&str> = url
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    options
        .connect(servers)
        .await
        .map_err(|e| failed(e.to_string()))
}

/// Reports the "nats" part: up only while the client is connected (and, in embedded mode,
/// the sidecar runs).
async fn monitor_health(
    client: async_nats::Client,
    url: String,
    sidecar: Option<tokio::sync::watch::Receiver<SidecarState>>,
    health: HealthHub,
) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        tick.tick().await;
        let state = sidecar.as_ref().map(|rx| rx.borrow().clone());
        let connected = client.connection_state() == async_nats::connection::State::Connected;
        let part = match (&state, connected) {
            (Some(s), _) if s.pid.is_none() => PartHealth::new(
                PartStatus::Down,
                format!(
                    "nats-server is down ({}); restarting",
                    s.last_exit.as_deref().unwrap_or("exited")
                ),
            ),
            (_, false) => PartHealth::new(PartStatus::Down, format!("not connected to {url}")),
            // pid, uptime and restarts live in the sidecar status (stats, SidecarChanged),
            // so health changes only when something is up or down.
            (Some(_), true) => PartHealth::new(PartStatus::Up, format!("sidecar on {url}")),
            (None, true) => PartHealth::new(PartStatus::Up, format!("external server {url}")),
        };
        health.report("nats", part);
    }
}

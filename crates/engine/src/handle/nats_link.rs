//! How the engine comes to JetStream: pick the route from the configuration, then connect and
//! provision — at once if NATS answers, else in the background for as long as it takes, with
//! webhooks going durably into the spool meanwhile — and start what reads and writes the
//! stream (publisher, spool forwarder, DuckDB writer, in external mode the live feed, health
//! monitors).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::tasks::Tasks;
use super::EngineError;
use crate::bus::publisher::Publisher;
use crate::bus::spool::{forwarder, Spool};
use crate::bus::spool_health::{self, Leftover};
use crate::bus::stream::{self, ProvisionError, Provisioned, StreamSpec};
use crate::bus::supervisor::{SidecarState, Supervisor};
use crate::bus::{self, sidecar, Bus, BusError, NatsTarget};
use crate::config::{Config, NatsMode};
use crate::health::{HealthHub, PartHealth, PartStatus};
use crate::ingest::Ingest;
use crate::live::tap::LiveTap;
use crate::live::LiveHub;
use crate::metrics::Metrics;
use crate::persist::writer::{WriterConfig, WriterCounters};
use crate::persist::writer_task::{self, WriterTask};
use crate::persist::Database;

/// How long a webhook waits for JetStream's PublishAck before its event is spooled instead.
const ACK_TIMEOUT: Duration = Duration::from_secs(2);

/// The connection once NATS has answered; empty before (and on the direct path).
pub type BusSlot = Arc<OnceLock<Bus>>;

/// What the JetStream side needs from the rest of the engine.
#[derive(Clone)]
pub struct Parts {
    pub db: Database,
    pub live: LiveHub,
    pub metrics: Arc<Metrics>,
    pub writer_counters: Arc<WriterCounters>,
    pub health: HealthHub,
    pub tasks: Tasks,
}

impl Parts {
    fn live_tap(&self) -> LiveTap {
        LiveTap::new(self.live.clone(), self.metrics.clone())
    }
}

/// The route chosen at start.
pub struct Link {
    pub ingest: Ingest,
    pub bus: BusSlot,
    /// Embedded mode: the sidecar's keeper, stopped last.
    pub supervisor: Option<Supervisor>,
    pub sidecar: Option<watch::Receiver<SidecarState>>,
    /// Direct path: what an earlier run left in the spool, shown until it is forwarded.
    pub leftover: Option<Leftover>,
}

/// Picks the route. `NATS_ENABLED=false` or no nats-server binary is the direct path; any
/// other trouble reaching NATS is the JetStream route with the spool taking events until it
/// answers. Returns once NATS has answered or the first attempt has failed.
pub async fn start(config: &Config, parts: Parts) -> Result<Link, EngineError> {
    let spool_dir = config.data_dir.join("spool");
    let plan = match &config.nats.mode {
        NatsMode::Disabled => {
            parts.health.report(
                "nats",
                PartHealth::new(PartStatus::Disabled, "NATS_ENABLED=false: direct path"),
            );
            return Ok(direct(parts, spool_dir, "NATS_ENABLED=false"));
        }
        NatsMode::Embedded { server_bin } => match sidecar::locate_binary(server_bin.as_deref()) {
            Ok(bin) => Plan::Sidecar(bin),
            Err(e) => {
                let why = e.to_string();
                tracing::warn!("{why}; running the direct path");
                parts.health.report(
                    "nats",
                    PartHealth::new(PartStatus::Down, format!("{why}; running the direct path")),
                );
                return Ok(direct(parts, spool_dir, &why));
            }
        },
        NatsMode::External { url, token, creds } => Plan::External(NatsTarget::external(
            url,
            token.as_deref(),
            creds.as_deref(),
        )?),
    };

    // Opened before the sidecar so a spool that cannot open leaves no sidecar behind.
    let spool = Spool::open(&spool_dir, config.spool_max_bytes)?;
    // Other engines may publish to an external server's stream; only the sidecar's stream is
    // this engine's alone, so only there is what it accepts all there is to show.
    let follow_stream = matches!(plan, Plan::External(_));
    let (target, supervisor) = match plan {
        Plan::External(target) => (target, None),
        Plan::Sidecar(bin) => {
            let supervisor = bus::start_sidecar(bin, &config.nats, &config.data_dir).await?;
            (NatsTarget::sidecar(supervisor.spec()), Some(supervisor))
        }
    };
    let sidecar = supervisor.as_ref().map(Supervisor::state);
    let ingest = Ingest::spooling(spool.clone(), parts.db.clone(), parts.live_tap());
    let shutdown = parts.tasks.token();
    parts.tasks.spawn(
        "spool health",
        spool_health::run(spool.clone(), parts.health.clone(), shutdown),
    );
    let slot = BusSlot::default();
    let connector = Connector {
        target,
        sidecar: sidecar.clone(),
        stream: StreamSpec {
            retention_days: config.nats.retention_days,
            replicas: config.nats.stream_replicas,
        },
        writer: WriterConfig {
            batch_size: usize::try_from(config.writer.batch_size).unwrap_or(1000),
            flush_interval: config.writer.flush_interval,
        },
        spool,
        ingest: ingest.clone(),
        slot: slot.clone(),
        follow_stream,
        parts,
    };
    connector.start().await;
    Ok(Link {
        ingest,
        bus: slot,
        supervisor,
        sidecar,
        leftover: None,
    })
}

/// Where NATS will be.
enum Plan {
    Sidecar(PathBuf),
    External(NatsTarget),
}

fn direct(parts: Parts, spool_dir: PathBuf, why: &str) -> Link {
    let leftover = spool_health::report_leftover(&spool_dir, why, &parts.health);
    Link {
        ingest: Ingest::direct(parts.db.clone(), parts.live_tap()),
        bus: BusSlot::default(),
        supervisor: None,
        sidecar: None,
        leftover: (leftover.pending > 0).then_some(leftover),
    }
}

struct Connector {
    target: NatsTarget,
    sidecar: Option<watch::Receiver<SidecarState>>,
    stream: StreamSpec,
    writer: WriterConfig,
    spool: Spool,
    ingest: Ingest,
    slot: BusSlot,
    /// Feed the live view from the stream too (external mode): see [`crate::live::feed`].
    follow_stream: bool,
    parts: Parts,
}

/// Where one attempt got to.
enum Attempt {
    Unreachable(BusError),
    Unprovisioned(async_nats::Client, ProvisionError),
    Ready(Bus, Provisioned),
}

impl Connector {
    /// One attempt now, so a healthy start is complete when `Engine::start` returns; if it
    /// fails, the rest happens in the background.
    async fn start(self) {
        match self.attempt(None).await {
            Attempt::Ready(bus, provisioned) => self.bring_up(bus, provisioned),
            failed => {
                let mut said = None;
                let client = self.report(&failed, &mut said);
                let tasks = self.parts.tasks.clone();
                let shutdown = tasks.token();
                tasks.spawn("nats connector", self.retry(client, said, shutdown));
            }
        }
    }

    async fn attempt(&self, client: Option<async_nats::Client>) -> Attempt {
        let client = match client {
            Some(client) => client,
            None => match bus::connect(&self.target).await {
                Ok(client) => client,
                Err(e) => return Attempt::Unreachable(e),
            },
        };
        let jetstream = async_nats::jetstream::new(client.clone());
        match stream::provision(&jetstream, self.stream).await {
            Ok(provisioned) => Attempt::Ready(
                Bus::new(client, &self.target, self.sidecar.clone()),
                provisioned,
            ),
            Err(e) => Attempt::Unprovisioned(client, e),
        }
    }

    /// Retries with backoff until NATS answers and the stream is provisioned, or the engine
    /// stops. A connected client is kept between attempts.
    async fn retry(
        self,
        mut client: Option<async_nats::Client>,
        mut said: Option<String>,
        shutdown: CancellationToken,
    ) {
        let mut delays = bus::retry_delays();
        loop {
            let delay = delays.next().unwrap_or(Duration::from_secs(5));
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
            let attempt = tokio::select! {
                _ = shutdown.cancelled() => return,
                attempt = self.attempt(client.take()) => attempt,
            };
            match attempt {
                Attempt::Ready(bus, provisioned) => {
                    tracing::info!(url = bus.url(), "NATS answers; switching to JetStream");
                    self.bring_up(bus, provisioned);
                    return;
                }
                failed => client = self.report(&failed, &mut said),
            }
        }
    }

    /// Says why NATS is not usable yet (in the log only when the reason changed from what
    /// was `said` last); hands back a connected client to keep.
    fn report(&self, failed: &Attempt, said: &mut Option<String>) -> Option<async_nats::Client> {
        let meanwhile = "webhooks go to the spool and are forwarded once it answers";
        let (detail, client) = match failed {
            Attempt::Unreachable(e) => {
                let sidecar_down = self
                    .sidecar
                    .as_ref()
                    .and_then(crate::bus::health::sidecar_down_reason);
                let detail = match sidecar_down {
                    Some(why) => {
                        format!("nats-server is not running ({why}); retrying — {meanwhile}")
                    }
                    None => format!("{e}; retrying — {meanwhile}"),
                };
                (detail, None)
            }
            Attempt::Unprovisioned(client, e) => (
                format!(
                    "connected to {}, but {e}; retrying — {meanwhile}",
                    self.target.shown()
                ),
                Some(client.clone()),
            ),
            Attempt::Ready(..) => return None,
        };
        if said.as_deref() != Some(detail.as_str()) {
            tracing::warn!("NATS not usable yet: {detail}");
            *said = Some(detail.clone());
        }
        self.parts
            .health
            .report("nats", PartHealth::new(PartStatus::Down, detail));
        client
    }

    /// NATS answered: publish from now on, forward the spool, start the writer, the live
    /// feed and the monitors of the connection and the stream.
    fn bring_up(self, bus: Bus, provisioned: Provisioned) {
        let tasks = &self.parts.tasks;
        if tasks.is_stopping() || self.slot.set(bus.clone()).is_err() {
            return;
        }
        crate::bus::health::report_now(&bus, &self.parts.health);
        let jetstream = bus.jetstream();
        let publisher = Publisher::new(jetstream.clone(), ACK_TIMEOUT)
            .with_atomic_batches(provisioned.atomic_batches);
        self.ingest.connected(publisher.clone());
        tasks.spawn(
            "spool forwarder",
            forwarder::run(
                self.spool.clone(),
                publisher,
                self.parts.db.clone(),
                tasks.token(),
            ),
        );
        writer_task::spawn(
            tasks,
            WriterTask {
                jetstream: jetstream.clone(),
                db: self.parts.db.clone(),
                config: self.writer.clone(),
                counters: self.parts.writer_counters.clone(),
                metrics: self.parts.metrics.clone(),
                stream: self.stream,
            },
        );
        if self.follow_stream {
            crate::live::feed::spawn(
                tasks,
                jetstream.clone(),
                self.parts.live_tap(),
                provisioned.last_sequence,
            );
        }
        tasks.spawn(
            "nats health",
            crate::bus::health::run(bus, self.parts.health.clone(), tasks.token()),
        );
        tasks.spawn(
            "stream health",
            crate::bus::stream_health::run(
                jetstream,
                self.stream,
                provisioned.retention_hold,
                self.parts.health.clone(),
                tasks.token(),
            ),
        );
    }
}

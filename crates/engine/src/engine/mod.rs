//! The engine's life: start every part in order, keep their health, stop them cleanly.
//! [`EngineHandle`] is the one set of functions both adapters (HTTP API, desktop commands)
//! call, so the two can never drift. The read side and the DLQ functions live in
//! `queries.rs` and `dead_letters.rs`; paging in `page.rs`.

mod dead_letters;
mod live_view;
pub mod page;
mod queries;

pub use dead_letters::RetrySelection;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::bus::publisher::Publisher;
use crate::bus::spool::{forwarder, Spool, SpoolError};
use crate::bus::supervisor::SidecarState;
use crate::bus::{stream, Bus};
use crate::config::{Config, NatsMode};
use crate::health::{Health, HealthHub, PartHealth, PartStatus};
use crate::ingest::Ingest;
use crate::jobs::Jobs;
use crate::live::LiveHub;
use crate::metrics::Metrics;
use crate::persist::writer::{Writer, WriterConfig, WriterCounters};
use crate::persist::{Database, DbError};
use crate::secret::Secret;
use crate::stats::SidecarStatus;
use async_nats::jetstream::consumer::pull;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "port {port} on {ip} is already in use (another Cartographus?). \
         Choose another address with CARTOGRAPHUS_LISTEN or --listen"
    )]
    PortInUse { ip: std::net::IpAddr, port: u16 },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Spool(#[from] SpoolError),
}

/// Why an engine function refused; each maps to one stable code at the edge.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unavailable(String),
    /// A dead letter that still cannot be stored; it stays in the DLQ with this attempt.
    #[error("{message}")]
    StillFailing { code: String, message: String },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl OpError {
    pub fn code(&self) -> &str {
        match self {
            OpError::NotFound(_) => "not_found",
            OpError::BadRequest(_) => "bad_request",
            OpError::Conflict(_) => "conflict",
            OpError::Unavailable(_) => "unavailable",
            OpError::StillFailing { code, .. } => code,
            OpError::Db(_) => "store_failed",
        }
    }
}

/// The tokens the engine checks. Resolved from the settings file and the environment.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub api: Secret,
    pub webhooks: BTreeMap<String, Secret>,
}

/// Facts about the running engine, for the UI's footer and the `tokens` command.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct EngineInfo {
    pub version: String,
    pub data_dir: String,
    pub listen: String,
    /// Where the WebSocket-only port listens, when `CARTOGRAPHUS_WS_PORT` is set.
    pub ws_listen: Option<String>,
}

struct Shared {
    health: HealthHub,
    info: InfoInternal,
    tokens: Tokens,
    ingest: Ingest,
    jetstream: Option<async_nats::jetstream::Context>,
    sidecar: Option<watch::Receiver<SidecarState>>,
    jobs: Jobs,
    writer_counters: Arc<WriterCounters>,
    batch_size: usize,
    live: LiveHub,
    metrics: Arc<Metrics>,
}

/// How long a webhook waits for JetStream's PublishAck before its event is spooled instead.
const ACK_TIMEOUT: Duration = Duration::from_secs(2);

/// Internal view of the engine's facts, with typed values the edge needs.
pub struct InfoInternal {
    pub listen: SocketAddr,
    pub listen_is_loopback: bool,
    /// The WebSocket-only listener (`CARTOGRAPHUS_WS_PORT`), when configured.
    pub ws_addr: Option<SocketAddr>,
    pub data_dir: PathBuf,
    pub ui_dir: Option<PathBuf>,
}

/// A cheap, cloneable handle on the running engine.
#[derive(Clone)]
pub struct EngineHandle {
    shared: Arc<Shared>,
}

impl EngineHandle {
    pub fn health(&self) -> Health {
        self.shared.health.current()
    }

    pub fn subscribe_health(&self) -> watch::Receiver<Health> {
        self.shared.health.subscribe()
    }

    pub fn info(&self) -> EngineInfo {
        let info = &self.shared.info;
        EngineInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            data_dir: info.data_dir.display().to_string(),
            listen: info.listen.to_string(),
            ws_listen: info.ws_addr.map(|a| a.to_string()),
        }
    }

    pub fn info_ref(&self) -> &InfoInternal {
        &self.shared.info
    }

    pub fn api_token(&self) -> &Secret {
        &self.shared.tokens.api
    }

    pub fn webhook_token(&self, source: &str) -> Option<&Secret> {
        self.shared.tokens.webhooks.get(source)
    }

    /// The sidecar's state now (embedded mode only).
    pub fn sidecar(&self) -> Option<SidecarStatus> {
        let state = self.shared.sidecar.as_ref()?.borrow().clone();
        Some(SidecarStatus::from_state(&state))
    }

    /// Wakes on every sidecar start, exit and restart (embedded mode only).
    pub fn subscribe_sidecar(&self) -> Option<watch::Receiver<SidecarState>> {
        self.shared.sidecar.clone()
    }

    /// Where accepted webhooks go (JetStream, or DuckDB on the direct path).
    pub fn ingest(&self) -> &Ingest {
        &self.shared.ingest
    }

    /// The DuckDB file every query and write goes through.
    pub fn database(&self) -> &Database {
        self.shared.ingest.database()
    }

    pub fn jobs(&self) -> &Jobs {
        &self.shared.jobs
    }
}

pub struct Engine {
    handle: EngineHandle,
    http: JoinHandle<()>,
    stop_http: oneshot::Sender<()>,
    bus: Option<Bus>,
    db: Database,
    /// Health monitors and the spool forwarder; aborted at shutdown.
    background: Vec<JoinHandle<()>>,
}

impl Engine {
    /// Starts every part. The listener is bound first so a taken port fails fast, before a
    /// sidecar is spawned; NATS trouble degrades to the direct path instead of failing.
    pub async fn start(config: Config, tokens: Tokens) -> Result<Self, EngineError> {
        let health = HealthHub::new();
        std::fs::create_dir_all(&config.data_dir).map_err(|source| EngineError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;

        let listener = bind(config.listen).await?;
        let listen = listener.local_addr().map_err(|source| EngineError::Bind {
            addr: config.listen,
            source,
        })?;

        // The optional WebSocket-only port, on the same interface as the main listener.
        let ws_listener = match config.ws_port {
            Some(port) => Some(bind(SocketAddr::new(config.listen.ip(), port)).await?),
            None => None,
        };
        let ws_addr = ws_listener.as_ref().and_then(|l| l.local_addr().ok());

        let db_path = config.data_dir.join("cartographus.duckdb");
        let db = tokio::task::spawn_blocking(move || Database::open(&db_path))
            .await
            .map_err(|e| DbError::Task(e.to_string()))??;
        health.report(
            "duckdb",
            PartHealth::new(PartStatus::Up, db.path().display().to_string()),
        );
        let db_monitor = tokio::spawn(monitor_db(db.clone(), health.clone()));

        // Opened before the bus so a spool that cannot open leaves no sidecar behind.
        let spool = match config.nats.mode {
            NatsMode::Disabled => None,
            _ => Some(Spool::open(
                &config.data_dir.join("spool"),
                config.spool_max_bytes,
            )?),
        };
        let bus = start_bus(&config, &health).await;
        let live = LiveHub::new();
        let metrics = Arc::new(Metrics::default());
        let mut background = vec![
            db_monitor,
            tokio::spawn(sweep(db.clone(), live.clone(), config.session_timeout)),
        ];
        let writer_counters = Arc::new(WriterCounters::default());

        let batch_size = usize::try_from(config.nats.batch_size).unwrap_or(1000);
        if let Some(bus) = &bus {
            background.push(tokio::spawn(run_writer(
                bus.jetstream(),
                db.clone(),
                WriterConfig {
                    batch_size,
                    flush_interval: config.nats.flush_interval,
                },
                writer_counters.clone(),
                metrics.clone(),
            )));
            background.push(tokio::spawn(crate::live::feed::run(
                bus.jetstream(),
                live.clone(),
                metrics.clone(),
            )));
        }
        let ingest = match (&bus, spool) {
            (Some(bus), Some(spool)) => {
                let publisher = Publisher::new(bus.jetstream(), ACK_TIMEOUT);
                background.push(tokio::spawn(forwarder::run(
                    spool.clone(),
                    publisher.clone(),
                    db.clone(),
                )));
                background.push(tokio::spawn(monitor_spool(spool.clone(), health.clone())));
                Ingest::jetstream(publisher, spool, db.clone())
            }
            _ => Ingest::direct(db.clone(), live.clone()),
        };

        let handle = EngineHandle {
            shared: Arc::new(Shared {
                health: health.clone(),
                info: InfoInternal {
                    listen,
                    listen_is_loopback: listen.ip().is_loopback(),
                    ws_addr,
                    data_dir: config.data_dir.clone(),
                    ui_dir: config.ui_dir.clone(),
                },
                tokens,
                ingest,
                jetstream: bus.as_ref().map(Bus::jetstream),
                sidecar: bus.as_ref().and_then(Bus::sidecar_watch),
                jobs: Jobs::default(),
                writer_counters,
                batch_size,
                live,
                metrics,
            }),
        };
        handle.shared_tasks(&mut background);
        if let Some(ws_listener) = ws_listener {
            let app = crate::api::ws_router(handle.clone());
            background.push(tokio::spawn(async move {
                if let Err(e) = axum::serve(ws_listener, app).await {
                    tracing::error!("WebSocket port failed: {e}");
                }
            }));
        }
        let (stop_http, stopped) = oneshot::channel::<()>();
        let app = crate::api::router(handle.clone());
        let http = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!("HTTP server failed: {e}");
            }
        });
        health.report(
            "listener",
            PartHealth::new(PartStatus::Up, format!("http://{listen}")),
        );
        tracing::info!(%listen, data_dir = %config.data_dir.display(), "engine started");
        Ok(Self {
            handle,
            http,
            stop_http,
            bus,
            db,
            background,
        })
    }

    pub fn handle(&self) -> EngineHandle {
        self.handle.clone()
    }

    pub fn listen_addr(&self) -> SocketAddr {
        self.handle.shared.info.listen
    }

    pub fn bus(&self) -> Option<&Bus> {
        self.bus.as_ref()
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Stops accepting requests, lets in-flight ones finish, stops the sidecar and
    /// checkpoints the database.
    pub async fn shutdown(self) {
        tracing::info!("engine stopping");
        let _ = self.stop_http.send(());
        if tokio::time::timeout(Duration::from_secs(10), self.http)
            .await
            .is_err()
        {
            tracing::warn!("HTTP connections still open after 10 s; closing them");
        }
        for task in &self.background {
            task.abort();
        }
        if let Some(bus) = self.bus {
            bus.shutdown().await;
        }
        let checkpoint = self
            .db
            .with_conn(|conn| Ok(conn.execute_batch("CHECKPOINT")?))
            .await;
        if let Err(e) = checkpoint {
            tracing::warn!("database checkpoint at shutdown failed: {e}");
        }
        tracing::info!("engine stopped");
    }
}

/// Connects NATS and provisions the stream; any failure leaves the direct path running.
async fn start_bus(config: &Config, health: &HealthHub) -> Option<Bus> {
    let bus = match Bus::start(&config.nats, &config.data_dir, health).await {
        Ok(bus) => bus?,
        Err(e) => {
            tracing::warn!("NATS unavailable, running the direct path: {e}");
            health.report("nats", PartHealth::new(PartStatus::Down, e.to_string()));
            return None;
        }
    };
    let provisioned = stream::provision(
        &bus.jetstream(),
        config.nats.retention_days,
        config.nats.stream_replicas,
    )
    .await;
    if let Err(e) = provisioned {
        tracing::warn!("{e}; running the direct path");
        bus.shutdown().await;
        health.report("nats", PartHealth::new(PartStatus::Down, e.to_string()));
        return None;
    }
    Some(bus)
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, EngineError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AddrInUse => EngineError::PortInUse {
                ip: addr.ip(),
                port: addr.port(),
            },
            _ => EngineError::Bind { addr, source },
        })
}

/// Runs the DuckDB writer on the `persist` consumer, finding the consumer again whenever
/// it cannot be reached (the sidecar restarting).
async fn run_writer(
    jetstream: async_nats::jetstream::Context,
    db: Database,
    config: WriterConfig,
    counters: Arc<WriterCounters>,
    metrics: Arc<Metrics>,
) {
    let mut delays = crate::bus::retry_delays();
    loop {
        let consumer = async {
            jetstream
                .get_stream(stream::STREAM)
                .await
                .map_err(|e| e.to_string())?
                .get_consumer::<pull::Config>(stream::PERSIST_CONSUMER)
                .await
                .map_err(|e| e.to_string())
        };
        match consumer.await {
            Ok(consumer) => {
                Writer::new(consumer, db.clone(), config.clone(), counters.clone())
                    .with_metrics(metrics.clone())
                    .run()
                    .await;
            }
            Err(e) => {
                let delay = delays.next().unwrap_or(Duration::from_secs(5));
                tracing::warn!("the writer cannot reach its consumer ({e}); retrying in {delay:?}");
                tokio::time::sleep(delay).await;
            }
        }
    }
}

/// Once a minute: close sessions whose stop never came, and expire old dead letters.
async fn sweep(db: Database, live: LiveHub, session_timeout: Duration) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tick.tick().await;
        let timeout =
            chrono::Duration::from_std(session_timeout).unwrap_or(chrono::Duration::hours(6));
        live.expire(chrono::Utc::now() - timeout);
        let swept = db
            .with_conn(move |conn| {
                let now = chrono::Utc::now();
                let timeout = chrono::Duration::from_std(session_timeout)
                    .unwrap_or(chrono::Duration::hours(6));
                let closed = crate::persist::sessions::close_stale(conn, now - timeout)?;
                let expired = crate::dlq::store::expire(conn, now)?;
                Ok((closed, expired))
            })
            .await;
        match swept {
            Ok((0, 0)) => {}
            Ok((closed, expired)) => {
                tracing::info!(
                    closed,
                    expired,
                    "closed silent sessions, expired dead letters"
                )
            }
            Err(e) => tracing::warn!("sweep failed: {e}"),
        }
    }
}

/// How often silent sessions and old dead letters are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

async fn monitor_spool(spool: Spool, health: HealthHub) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        tick.tick().await;
        health.report("spool", spool.health(chrono::Utc::now()));
    }
}

async fn monitor_db(db: Database, health: HealthHub) {
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    loop {
        tick.tick().await;
        let part = match db.ping().await {
            Ok(()) => PartHealth::new(PartStatus::Up, db.path().display().to_string()),
            Err(e) => PartHealth::new(PartStatus::Down, e.to_string()),
        };
        health.report("duckdb", part);
    }
}

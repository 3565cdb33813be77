//! The engine's life: start every part in order, keep their health, stop them cleanly.
//! [`EngineHandle`] is the one set of functions both adapters (HTTP API, desktop commands)
//! call, so the two can never drift. The read side and the DLQ functions live in
//! `queries.rs` and `dead_letters.rs`; paging in `page.rs`; the way to JetStream in
//! `nats_link.rs`; moving the listener in `listen.rs`; background tasks and their stop in
//! `tasks.rs`.

mod analytics;
pub mod data_dir_lock;
mod dead_letters;
mod export;
mod import;
pub mod ingestion;
pub mod intake;
mod jobs;
mod listen;
mod listeners;
mod live_view;
mod maintenance;
pub mod nats_link;
mod op_error;
pub mod operations;
pub mod page;
mod pipeline_history;
mod preferences;
mod queries;
mod setup;
mod sort_cursor;
pub mod tasks;

pub use dead_letters::{Purged, RetryPayload, RetrySelection};
pub use export::{ExportRows, Exported, TempExport};
pub use ingestion::IngestionState;
pub use op_error::OpError;
pub use pipeline_history::StatsHistoryView;
pub use queries::Restored;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::bus::spool::SpoolError;
use crate::bus::spool_health::Leftover;
use crate::bus::supervisor::{SidecarState, Supervisor};
use crate::bus::{Bus, BusError};
use crate::config::Config;
use crate::health::{Health, HealthHub};
use crate::ingest::Ingest;
use crate::jobs::Jobs;
use crate::live::LiveHub;
use crate::metrics::Metrics;
use crate::persist::writer::WriterCounters;
use crate::persist::{Database, DbError};
use crate::preferences::SettingsService;
use crate::secret::Secret;
use crate::stats::SidecarStatus;
use data_dir_lock::{DataDirError, DataDirLock};
use listeners::Listeners;
use nats_link::{BusSlot, Link, Parts};
use tasks::Tasks;

/// How long HTTP connections get to finish once the engine stops taking new ones.
const HTTP_GRACE: Duration = Duration::from_secs(10);
/// How long background tasks get to finish what they hold (a batch, a spool record).
const TASKS_GRACE: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    DataDir(#[from] DataDirError),
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
    #[error(transparent)]
    Bus(#[from] BusError),
}

impl EngineError {
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::DataDir(e) => e.code(),
            EngineError::PortInUse { .. } => crate::error::codes::PORT_IN_USE,
            EngineError::Bind { .. } => crate::error::codes::BIND_FAILED,
            EngineError::Database(e) => e.code(),
            EngineError::Spool(_) => crate::error::codes::SPOOL_UNWRITABLE,
            EngineError::Bus(e) => e.code(),
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
    locations: Locations,
    /// The settings and the tokens in force (a regenerated token applies at once).
    settings: Arc<SettingsService>,
    ingestion: ingestion::IngestionGate,
    ingest: Ingest,
    /// Filled once NATS answers (at start or later); empty on the direct path.
    bus: BusSlot,
    sidecar: Option<watch::Receiver<SidecarState>>,
    /// Direct path: what an earlier run left in the spool.
    spool_leftover: Option<Leftover>,
    jobs: Jobs,
    /// Jobs run as engine tasks, so the stop waits for their current step.
    tasks: Tasks,
    writer_counters: Arc<WriterCounters>,
    batch_size: usize,
    live: LiveHub,
    metrics: Arc<Metrics>,
    /// The last 15 minutes of stats, for the pipeline view's charts and alerts.
    history: crate::metrics::history::StatsHistory,
    setup: crate::setup::Setup,
    /// The main HTTP listener, which the setup wizard may move.
    listener: crate::listen::MainListener,
}

/// Where the engine keeps its files and its WebSocket-only port, as the edge needs them
/// (typed, unlike the [`EngineInfo`] shown to users). Where the main listener listens is not
/// among them: it can move ([`EngineHandle::listen_addr`]).
pub(crate) struct Locations {
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
        let at = &self.shared.locations;
        EngineInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            data_dir: at.data_dir.display().to_string(),
            listen: self.listen_addr().to_string(),
            ws_listen: at.ws_addr.map(|a| a.to_string()),
        }
    }

    pub(crate) fn locations(&self) -> &Locations {
        &self.shared.locations
    }

    pub(crate) fn api_token(&self) -> Secret {
        self.shared.settings.api_token()
    }

    pub(crate) fn webhook_token(&self, source: &str) -> Option<Secret> {
        self.shared.settings.webhook_token(source)
    }

    /// The sidecar's state now (embedded mode only).
    pub(crate) fn sidecar(&self) -> Option<SidecarStatus> {
        let state = self.shared.sidecar.as_ref()?.borrow().clone();
        Some(SidecarStatus::from_state(&state))
    }

    /// Wakes on every sidecar start, exit and restart (embedded mode only).
    pub fn subscribe_sidecar(&self) -> Option<watch::Receiver<SidecarState>> {
        self.shared.sidecar.clone()
    }

    /// Where accepted webhooks go (JetStream, or DuckDB on the direct path).
    pub(crate) fn ingest(&self) -> &Ingest {
        &self.shared.ingest
    }

    /// The DuckDB file every query and write goes through.
    pub(crate) fn database(&self) -> &Database {
        self.shared.ingest.database()
    }

    pub(crate) fn jobs(&self) -> &Jobs {
        &self.shared.jobs
    }

    /// The live view's state (the Tautulli poll compares Tautulli's activity with it).
    pub(crate) fn live(&self) -> &LiveHub {
        &self.shared.live
    }

    /// Where parts report their health.
    pub(crate) fn health_hub(&self) -> &HealthHub {
        &self.shared.health
    }

    /// The settings in force and the settings file (with the saved connections).
    pub(crate) fn settings_service(&self) -> &Arc<SettingsService> {
        &self.shared.settings
    }

    /// The JetStream context once NATS has answered.
    pub(crate) fn jetstream(&self) -> Option<async_nats::jetstream::Context> {
        self.shared.bus.get().map(Bus::jetstream)
    }
}

pub struct Engine {
    handle: EngineHandle,
    http: Vec<JoinHandle<()>>,
    stop_http: CancellationToken,
    tasks: Tasks,
    supervisor: Option<Supervisor>,
    db: Database,
    /// Released last, after the sidecar has stopped.
    lock: DataDirLock,
}

impl Engine {
    /// Starts every part, with settings kept in `<data>/settings.json` and no environment
    /// locks (for embedders and tests; the binaries use [`Engine::start_locked`]).
    pub async fn start(config: Config, tokens: Tokens) -> Result<Self, EngineError> {
        let lock = DataDirLock::acquire(&config.data_dir)?;
        let settings = SettingsService::detached(&config.data_dir, tokens);
        Self::start_locked(config, settings, lock).await
    }

    /// [`start`](Self::start) with the settings service of the host (the desktop's plugin
    /// store, or the file with the environment's locks).
    pub async fn start_with(
        config: Config,
        settings: Arc<SettingsService>,
    ) -> Result<Self, EngineError> {
        let lock = DataDirLock::acquire(&config.data_dir)?;
        Self::start_locked(config, settings, lock).await
    }

    /// Starts every part, with the lock on `config.data_dir` already taken (a host takes it
    /// before it reads settings or opens its log there). The listener is bound first so a
    /// taken port fails fast, before a sidecar is spawned. DuckDB or NATS trouble never
    /// stops the start: the engine runs, says why in health, and keeps trying.
    pub async fn start_locked(
        config: Config,
        settings: Arc<SettingsService>,
        lock: DataDirLock,
    ) -> Result<Self, EngineError> {
        let listeners = Listeners::bind(&config).await?;
        let health = HealthHub::new();
        let tasks = Tasks::new();

        let db = Database::lazy(&config.data_dir.join("cartographus.duckdb"), config.duckdb);
        crate::persist::db_health::check(&db, &health).await;
        crate::persist::db_health::spawn(&tasks, db.clone(), health.clone());

        let live = LiveHub::new();
        crate::persist::sweep::spawn(&tasks, db.clone(), live.clone(), config.session_timeout);
        let parts = Parts {
            db: db.clone(),
            live: live.clone(),
            metrics: Arc::new(Metrics::default()),
            writer_counters: Arc::new(WriterCounters::default()),
            health: health.clone(),
            tasks: tasks.clone(),
        };
        let mut link = match nats_link::start(&config, parts.clone()).await {
            Ok(link) => link,
            Err(e) => {
                tasks.stop(TASKS_GRACE).await;
                return Err(e);
            }
        };
        let supervisor = link.supervisor.take();
        let stop_http = CancellationToken::new();
        let handle = EngineHandle::new(&config, &listeners, settings, parts, link, &stop_http);
        handle.spawn_pushers(&tasks);
        handle.spawn_stats_sampler(&tasks);
        handle.spawn_preference_tasks(&tasks);
        crate::sync::poll::spawn(handle.clone(), &tasks);
        let http = listeners.serve(&handle, &stop_http);
        handle.report_listener();
        tracing::info!(listen = %handle.listen_addr(), data_dir = %config.data_dir.display(), "engine started");
        Ok(Self {
            handle,
            http,
            stop_http,
            tasks,
            supervisor,
            db,
            lock,
        })
    }

    pub fn handle(&self) -> EngineHandle {
        self.handle.clone()
    }

    /// Where the main listener listens now.
    pub fn listen_addr(&self) -> SocketAddr {
        self.handle.listen_addr()
    }

    /// The NATS connection, once NATS has answered (None on the direct path and before).
    pub fn bus(&self) -> Option<&Bus> {
        self.handle.shared.bus.get()
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// The spool in JetStream mode (None on the direct path).
    pub fn spool(&self) -> Option<crate::bus::spool::Spool> {
        self.handle.shared.ingest.spool()
    }

    /// (groups, messages) the webhooks were published in since NATS answered (None before,
    /// and on the direct path).
    pub fn publish_groups(&self) -> Option<(u64, u64)> {
        self.handle.shared.ingest.publish_groups()
    }

    /// Stops in order, never cutting work in half: no new requests (in-flight ones finish),
    /// then the background tasks finish what they hold — the writer stores and acks its
    /// batch, the forwarder its current record — then the sidecar stops, the database is
    /// checkpointed, and the data directory is released.
    pub async fn shutdown(self) {
        tracing::info!("engine stopping");
        self.stop_http.cancel();
        let mut servers = self.http;
        servers.extend(self.handle.shared.listener.take_servers());
        for server in servers {
            let abort = server.abort_handle();
            if tokio::time::timeout(HTTP_GRACE, server).await.is_err() {
                tracing::warn!("HTTP connections still open after {HTTP_GRACE:?}; closing them");
                abort.abort();
            }
        }
        self.handle.jobs().cancel_all();
        self.tasks.stop(TASKS_GRACE).await;
        if let Some(bus) = self.handle.shared.bus.get() {
            bus.flush().await;
        }
        if let Some(supervisor) = self.supervisor {
            supervisor.shutdown().await;
        }
        if self.db.is_open() {
            let checkpoint = self
                .db
                .with_conn(|conn| Ok(conn.execute_batch("CHECKPOINT")?))
                .await;
            if let Err(e) = checkpoint {
                tracing::warn!("database checkpoint at shutdown failed: {e}");
            }
        }
        drop(self.lock);
        tracing::info!("engine stopped");
    }
}

impl EngineHandle {
    fn new(
        config: &Config,
        listeners: &Listeners,
        settings: Arc<SettingsService>,
        parts: Parts,
        link: Link,
        stop_http: &CancellationToken,
    ) -> Self {
        let listen = crate::listen::CurrentListen::new(listeners.listen);
        let setup = crate::setup::Setup::new(config, settings.clone(), listen.clone());
        let listener =
            crate::listen::MainListener::new(listen, config.listen_locked_by, stop_http.clone());
        let ingestion = ingestion::IngestionGate::new(parts.health.clone());
        EngineHandle {
            shared: Arc::new(Shared {
                health: parts.health,
                locations: Locations {
                    ws_addr: listeners.ws_addr,
                    data_dir: config.data_dir.clone(),
                    ui_dir: config.ui_dir.clone(),
                },
                settings,
                ingestion,
                ingest: link.ingest,
                bus: link.bus,
                sidecar: link.sidecar,
                spool_leftover: link.leftover,
                jobs: Jobs::default(),
                tasks: parts.tasks,
                writer_counters: parts.writer_counters,
                batch_size: usize::try_from(config.writer.batch_size).unwrap_or(1000),
                live: parts.live,
                metrics: parts.metrics,
                history: Default::default(),
                setup,
                listener,
            }),
        }
    }
}

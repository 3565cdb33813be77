//! The JetStream bus: how the engine reaches NATS (its own sidecar, an external server, or
//! none at all) and the health of that connection. Stream provisioning and the publisher
//! build on the client this module connects.

pub mod atomic_batch;
pub mod bundle;
pub mod group_commit;
pub mod health;
pub mod nats_url;
pub mod publisher;
pub mod sidecar;
pub mod spool;
pub mod spool_health;
pub mod stream;
pub mod stream_health;
pub mod supervisor;

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::watch;

use crate::config::NatsConfig;
use crate::secret::{generate_token, redact_urls, Secret};
use nats_url::{NatsServers, NatsUrlError, UrlCredentials};
use sidecar::{SidecarError, SidecarSpec};
use supervisor::{SidecarState, Supervisor};

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error(transparent)]
    Sidecar(#[from] SidecarError),
    #[error("no free loopback port for nats-server: {0}")]
    NoPort(std::io::Error),
    #[error("NATS_URL: {0}")]
    Url(#[from] NatsUrlError),
    /// `url` is the shown form: passwords masked.
    #[error("cannot connect to NATS at {url}: {reason}")]
    Connect { url: String, reason: String },
}

impl BusError {
    pub fn code(&self) -> &'static str {
        match self {
            BusError::Sidecar(SidecarError::BinaryNotFound)
            | BusError::Sidecar(SidecarError::ExplicitBinaryMissing(_)) => "nats_binary_missing",
            BusError::Sidecar(_) => "nats_sidecar_failed",
            BusError::NoPort(_) => "nats_no_port",
            BusError::Url(e) => e.code(),
            BusError::Connect { .. } => "nats_unreachable",
        }
    }
}

/// How the client logs in.
#[derive(Clone)]
enum Auth {
    None,
    Token(Secret),
    UserPassword { user: String, password: Secret },
    CredsFile(PathBuf),
}

/// Where NATS is and how to log in: the sidecar, or an external server list.
#[derive(Clone)]
pub struct NatsTarget {
    /// Without credentials: the client never sees a password in a URL (it would log it).
    servers: Vec<String>,
    shown: String,
    auth: Auth,
}

impl NatsTarget {
    pub fn sidecar(spec: &SidecarSpec) -> Self {
        Self {
            servers: vec![spec.url()],
            shown: spec.url(),
            auth: Auth::Token(spec.token.clone()),
        }
    }

    /// An external server list. A credentials file wins over credentials in the URL, which
    /// win over `NATS_TOKEN`.
    pub fn external(
        url: &str,
        token: Option<&str>,
        creds: Option<&Path>,
    ) -> Result<Self, BusError> {
        let parsed = NatsServers::parse(url)?;
        let auth = match (creds, parsed.credentials.clone(), token) {
            (Some(file), _, _) => Auth::CredsFile(file.to_path_buf()),
            (None, Some(UrlCredentials::UserPassword { user, password }), _) => {
                Auth::UserPassword { user, password }
            }
            (None, Some(UrlCredentials::Token(token)), _) => Auth::Token(token),
            (None, None, Some(token)) => Auth::Token(Secret::new(token)),
            (None, None, None) => Auth::None,
        };
        Ok(Self {
            shown: parsed.shown().to_string(),
            servers: parsed.servers,
            auth,
        })
    }

    /// The server list as it may be shown: passwords and tokens masked.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

/// Starts the sidecar `bin` (embedded mode): stops one an earlier run left behind, and
/// supervises a fresh one. Only no free port is an error; a sidecar that will not start is
/// retried by the supervisor. The data-dir lock must be held: the stale one is ours.
pub async fn start_sidecar(
    bin: PathBuf,
    config: &NatsConfig,
    data_dir: &Path,
) -> Result<Supervisor, BusError> {
    let work_dir = data_dir.join("nats");
    sidecar::stop_stale(&work_dir);
    let spec = SidecarSpec {
        bin,
        work_dir,
        store_dir: config.store_dir.clone(),
        port: sidecar::free_loopback_port().map_err(BusError::NoPort)?,
        token: generate_token(),
    };
    Ok(Supervisor::start(spec).await)
}

/// A live connection to NATS and, in embedded mode, the sidecar's state.
#[derive(Clone)]
pub struct Bus {
    client: async_nats::Client,
    url: String,
    sidecar: Option<watch::Receiver<SidecarState>>,
}

impl Bus {
    pub fn new(
        client: async_nats::Client,
        target: &NatsTarget,
        sidecar: Option<watch::Receiver<SidecarState>>,
    ) -> Self {
        Self {
            client,
            url: target.shown().to_string(),
            sidecar,
        }
    }

    pub fn client(&self) -> &async_nats::Client {
        &self.client
    }

    pub fn jetstream(&self) -> async_nats::jetstream::Context {
        async_nats::jetstream::new(self.client.clone())
    }

    /// The server list as shown (passwords masked).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn sidecar_watch(&self) -> Option<watch::Receiver<SidecarState>> {
        self.sidecar.clone()
    }

    pub fn sidecar_state(&self) -> Option<SidecarState> {
        self.sidecar.as_ref().map(|s| s.borrow().clone())
    }

    /// Sends what the client still buffers; the sidecar is stopped by its supervisor.
    pub async fn flush(&self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.client.flush()).await;
    }
}

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

/// Connects to the target (several servers may be listed); the client reconnects on its
/// own from then on.
pub async fn connect(target: &NatsTarget) -> Result<async_nats::Client, BusError> {
    let failed = |reason: String| BusError::Connect {
        url: target.shown.clone(),
        reason: redact_urls(&reason),
    };
    let options = match &target.auth {
        Auth::CredsFile(creds) => async_nats::ConnectOptions::with_credentials_file(creds)
            .await
            .map_err(|e| failed(format!("cannot read credentials {}: {e}", creds.display())))?,
        Auth::Token(token) => async_nats::ConnectOptions::with_token(token.expose().to_string()),
        Auth::UserPassword { user, password } => {
            async_nats::ConnectOptions::with_user_and_password(
                user.clone(),
                password.expose().to_string(),
            )
        }
        Auth::None => async_nats::ConnectOptions::new(),
    }
    .name("cartographus")
    .connection_timeout(Duration::from_secs(5))
    // Reconnect fast: a restarted sidecar is back within a second or two.
    .reconnect_delay_callback(|attempt| Duration::from_millis((50u64 << attempt.min(5)).min(1000)))
    .max_reconnects(None);
    options
        .connect(target.servers.as_slice())
        .await
        .map_err(|e| failed(e.to_string()))
}

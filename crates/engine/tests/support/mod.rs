//! Shared helpers for the engine's black-box tests: a real nats-server binary, a real DuckDB
//! file in a temp dir, and waiting on conditions with deadlines instead of sleeps.
#![allow(dead_code)]

pub mod history_data;
pub mod load;
pub mod nats;
pub mod settings;
pub mod setup_api;
pub mod webhooks;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use cartographus_engine::testkit::wait_for;

use cartographus_engine::config::{Config, ConfigLayer};
use cartographus_engine::secret::Secret;
use cartographus_engine::{Engine, Tokens};

pub const API_TOKEN: &str = "test-api-token";
pub const WEBHOOK_TOKEN: &str = "test-webhook-token";

/// The pinned sidecar binary: NATS_SERVER_BIN, or where `make sidecar` puts it.
pub fn nats_server_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("NATS_SERVER_BIN") {
        return PathBuf::from(bin);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../src-tauri/binaries");
    std::fs::read_dir(&dir)
        .ok()
        .and_then(|entries| {
            entries.filter_map(Result::ok).map(|e| e.path()).find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("nats-server-"))
            })
        })
        .unwrap_or_else(|| panic!("no nats-server in {}; run `make sidecar`", dir.display()))
}

pub fn tokens() -> Tokens {
    Tokens {
        api: Secret::new(API_TOKEN),
        webhooks: ["tautulli", "plex", "jellyfin", "emby"]
            .into_iter()
            .map(|s| (s.to_string(), Secret::new(WEBHOOK_TOKEN)))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// Config for a test engine: its own data dir, a free port, the real sidecar.
pub fn config(data_dir: &std::path::Path, extra: ConfigLayer) -> Config {
    let base = ConfigLayer {
        listen: Some("127.0.0.1:0".parse().unwrap()),
        nats_server_bin: Some(nats_server_bin()),
        ..ConfigLayer::default()
    };
    Config::resolve(data_dir.to_path_buf(), &[base, extra]).expect("valid test config")
}

pub struct TestEngine {
    pub engine: Engine,
    pub base: String,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

impl TestEngine {
    pub async fn start(extra: ConfigLayer) -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), extra).await
    }

    /// Starts on a data directory the test has prepared (a spool left behind, …).
    pub async fn start_in(dir: tempfile::TempDir, extra: ConfigLayer) -> Self {
        let engine = Engine::start(config(dir.path(), extra), tokens())
            .await
            .expect("engine starts");
        let base = format!("http://{}", engine.listen_addr());
        Self {
            engine,
            base,
            dir,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// MEDIA_EVENTS as the engine's own JetStream connection sees it.
pub async fn stream_info(t: &TestEngine) -> async_nats::jetstream::stream::Info {
    let jetstream = t.engine.bus().expect("a bus").jetstream();
    let mut stream = jetstream
        .get_stream("MEDIA_EVENTS")
        .await
        .expect("the stream");
    stream.info().await.expect("stream info").clone()
}

/// Rows in `playback_events`.
pub async fn stored_events(t: &TestEngine) -> u64 {
    t.engine
        .database()
        .with_conn(|conn| cartographus_engine::persist::events::count_events(conn))
        .await
        .expect("count")
}

/// The running sidecar's pid (embedded mode).
pub fn sidecar_pid(t: &TestEngine) -> u32 {
    let state = t
        .engine
        .bus()
        .expect("a bus")
        .sidecar_state()
        .expect("a sidecar");
    state.pid.expect("the sidecar is running")
}

pub fn process_alive(pid: u32) -> bool {
    // A zombie still has a /proc entry; only count processes that can still run.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            let state = stat
                .rsplit(')')
                .next()
                .and_then(|s| s.split_whitespace().next());
            state != Some("Z")
        })
        .unwrap_or(false)
}

/// Event ids in `playback_events`, each as often as it is stored (none while the file is
/// not open).
pub async fn stored_event_ids(db: &cartographus_engine::persist::Database) -> Vec<String> {
    db.with_conn(|conn| {
        let mut statement = conn.prepare("SELECT event_id FROM playback_events")?;
        let ids = statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids)
    })
    .await
    .unwrap_or_default()
}

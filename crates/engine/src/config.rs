//! Engine configuration, resolved once at start from four layers:
//! defaults < settings file (`<data>/settings.json`) < environment < command-line flags.
//! Every layer is a [`ConfigLayer`] of optional values; [`Config::resolve`] merges and validates.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::bus::nats_url::{redact, NatsServers};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:3857";
pub const DEFAULT_PLEXTV_URL: &str = "https://plex.tv";
/// The writer's batch size (formerly `NATS_BATCH_SIZE`, still read).
pub const WRITER_BATCH_SIZE: &str = "CARTOGRAPHUS_WRITER_BATCH_SIZE";
/// The writer's flush interval (formerly `NATS_FLUSH_INTERVAL`, still read).
pub const WRITER_FLUSH_INTERVAL: &str = "CARTOGRAPHUS_WRITER_FLUSH_INTERVAL";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{name}={value:?} is not valid: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
    #[error("no data directory: set CARTOGRAPHUS_DATA_DIR or --data-dir")]
    NoDataDir,
}

impl ConfigError {
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::Invalid { .. } => "config_invalid",
            ConfigError::NoDataDir => "config_no_data_dir",
        }
    }
}

/// One layer of configuration: every field optional, later layers win.
/// The same shape is read from the settings file, the environment and the CLI.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigLayer {
    pub listen: Option<SocketAddr>,
    pub ws_port: Option<u16>,
    pub nats_enabled: Option<bool>,
    pub nats_embedded: Option<bool>,
    pub nats_url: Option<String>,
    pub nats_token: Option<String>,
    /// A NATS credentials file (JWT + nkey seed) for an external server.
    pub nats_creds: Option<PathBuf>,
    /// Replicas of the MEDIA_EVENTS stream: 1 on the sidecar, 3 on a cluster.
    pub nats_stream_replicas: Option<usize>,
    pub nats_store_dir: Option<PathBuf>,
    pub nats_retention_days: Option<u32>,
    /// Most events the DuckDB writer stores in one transaction (`nats_batch_size` in files
    /// written before it was named for the writer).
    #[serde(alias = "nats_batch_size")]
    pub writer_batch_size: Option<u32>,
    /// Longest the writer waits for a batch's first event.
    #[serde(
        serialize_with = "duration_field::serialize",
        deserialize_with = "duration_field::writer_flush_interval",
        alias = "nats_flush_interval"
    )]
    pub writer_flush_interval: Option<Duration>,
    pub nats_server_bin: Option<PathBuf>,
    pub ui_dir: Option<PathBuf>,
    /// Bound of the spool (events waiting for JetStream), in bytes.
    pub spool_max_bytes: Option<u64>,
    /// A session with no event for this long is closed and flagged `closed_by_timeout`.
    #[serde(
        serialize_with = "duration_field::serialize",
        deserialize_with = "duration_field::session_timeout"
    )]
    pub session_timeout: Option<Duration>,
    /// Base URL of plex.tv (webhook registration, PIN sign-in); tests point it at a fake.
    pub plextv_url: Option<String>,
    /// Threads DuckDB may use for a query.
    pub duckdb_threads: Option<u32>,
    /// DuckDB's memory limit in MiB (beyond it, large queries spill to disk).
    pub duckdb_memory_mb: Option<u32>,
}

impl ConfigLayer {
    /// Reads the documented environment names through `lookup` (a closure so tests need
    /// not touch the process environment).
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str| lookup(name).filter(|v| !v.trim().is_empty());
        // The writer's variables had NATS_ names at first; those still work, the new win.
        let either = |name: &'static str, former: &'static str| {
            get(name)
                .map(|v| (name, v))
                .or_else(|| get(former).map(|v| (former, v)))
        };
        Ok(Self {
            listen: get("CARTOGRAPHUS_LISTEN")
                .map(|v| parse_addr("CARTOGRAPHUS_LISTEN", &v))
                .transpose()?,
            ws_port: get("CARTOGRAPHUS_WS_PORT")
                .map(|v| parse_num("CARTOGRAPHUS_WS_PORT", &v))
                .transpose()?,
            nats_enabled: get("NATS_ENABLED")
                .map(|v| parse_bool("NATS_ENABLED", &v))
                .transpose()?,
            nats_embedded: get("NATS_EMBEDDED")
                .map(|v| parse_bool("NATS_EMBEDDED", &v))
                .transpose()?,
            nats_url: get("NATS_URL"),
            nats_token: get("NATS_TOKEN"),
            nats_creds: get("NATS_CREDS").map(PathBuf::from),
            nats_stream_replicas: get("NATS_STREAM_REPLICAS")
                .map(|v| parse_num("NATS_STREAM_REPLICAS", &v))
                .transpose()?,
            nats_store_dir: get("NATS_STORE_DIR").map(PathBuf::from),
            nats_retention_days: get("NATS_RETENTION_DAYS")
                .map(|v| parse_num("NATS_RETENTION_DAYS", &v))
                .transpose()?,
            writer_batch_size: either(WRITER_BATCH_SIZE, "NATS_BATCH_SIZE")
                .map(|(name, v)| parse_num(name, &v))
                .transpose()?,
            writer_flush_interval: either(WRITER_FLUSH_INTERVAL, "NATS_FLUSH_INTERVAL")
                .map(|(name, v)| parse_duration(name, &v))
                .transpose()?,
            nats_server_bin: get("NATS_SERVER_BIN").map(PathBuf::from),
            ui_dir: get("CARTOGRAPHUS_UI_DIR").map(PathBuf::from),
            spool_max_bytes: get("CARTOGRAPHUS_SPOOL_MAX_BYTES")
                .map(|v| parse_num("CARTOGRAPHUS_SPOOL_MAX_BYTES", &v))
                .transpose()?,
            session_timeout: get("CARTOGRAPHUS_SESSION_TIMEOUT")
                .map(|v| parse_duration("CARTOGRAPHUS_SESSION_TIMEOUT", &v))
                .transpose()?,
            plextv_url: get("CARTOGRAPHUS_PLEXTV_URL"),
            duckdb_threads: get("CARTOGRAPHUS_DUCKDB_THREADS")
                .map(|v| parse_num("CARTOGRAPHUS_DUCKDB_THREADS", &v))
                .transpose()?,
            duckdb_memory_mb: get("CARTOGRAPHUS_DUCKDB_MEMORY_MB")
                .map(|v| parse_num("CARTOGRAPHUS_DUCKDB_MEMORY_MB", &v))
                .transpose()?,
        })
    }

    /// `other` wins wherever it has a value.
    pub fn overlay(self, other: ConfigLayer) -> ConfigLayer {
        ConfigLayer {
            listen: other.listen.or(self.listen),
            ws_port: other.ws_port.or(self.ws_port),
            nats_enabled: other.nats_enabled.or(self.nats_enabled),
            nats_embedded: other.nats_embedded.or(self.nats_embedded),
            nats_url: other.nats_url.or(self.nats_url),
            nats_token: other.nats_token.or(self.nats_token),
            nats_creds: other.nats_creds.or(self.nats_creds),
            nats_stream_replicas: other.nats_stream_replicas.or(self.nats_stream_replicas),
            nats_store_dir: other.nats_store_dir.or(self.nats_store_dir),
            nats_retention_days: other.nats_retention_days.or(self.nats_retention_days),
            writer_batch_size: other.writer_batch_size.or(self.writer_batch_size),
            writer_flush_interval: other.writer_flush_interval.or(self.writer_flush_interval),
            nats_server_bin: other.nats_server_bin.or(self.nats_server_bin),
            ui_dir: other.ui_dir.or(self.ui_dir),
            spool_max_bytes: other.spool_max_bytes.or(self.spool_max_bytes),
            session_timeout: other.session_timeout.or(self.session_timeout),
            plextv_url: other.plextv_url.or(self.plextv_url),
            duckdb_threads: other.duckdb_threads.or(self.duckdb_threads),
            duckdb_memory_mb: other.duckdb_memory_mb.or(self.duckdb_memory_mb),
        }
    }
}

/// How the engine reaches NATS.
#[derive(Clone, PartialEq, Eq)]
pub enum NatsMode {
    /// NATS_ENABLED=false: the direct path (listener → DuckDB), no replay.
    Disabled,
    /// Run the nats-server sidecar ourselves (the default).
    Embedded { server_bin: Option<PathBuf> },
    /// An external server or cluster; `url` may list several servers, comma-separated.
    External {
        url: String,
        token: Option<String>,
        creds: Option<PathBuf>,
    },
}

/// Written by hand so that a `{:?}` of the configuration never shows the token or a password
/// in the URL.
impl std::fmt::Debug for NatsMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NatsMode::Disabled => f.write_str("Disabled"),
            NatsMode::Embedded { server_bin } => f
                .debug_struct("Embedded")
                .field("server_bin", server_bin)
                .finish(),
            NatsMode::External { url, token, creds } => f
                .debug_struct("External")
                .field("url", &redact(url))
                .field("token", &token.as_ref().map(|_| "***"))
                .field("creds", creds)
                .finish(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NatsConfig {
    pub mode: NatsMode,
    pub stream_replicas: usize,
    pub store_dir: PathBuf,
    pub retention_days: u32,
}

/// How the DuckDB writer batches what it reads from the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterBatching {
    /// Most events per transaction.
    pub batch_size: u32,
    /// Longest wait for a batch's first event.
    pub flush_interval: Duration,
}

/// What DuckDB may take of the machine. Its defaults (every core, 80 % of the RAM) suit a
/// database server, not an app beside a media server on a small desktop or NAS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuckdbLimits {
    pub threads: u32,
    pub memory_mb: u32,
}

impl DuckdbLimits {
    pub const DEFAULT: DuckdbLimits = DuckdbLimits {
        threads: 2,
        memory_mb: 256,
    };
}

impl Default for DuckdbLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The validated configuration the engine runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub ws_port: Option<u16>,
    pub nats: NatsConfig,
    pub writer: WriterBatching,
    /// Directory of the built web UI, served at `/` (headless mode).
    pub ui_dir: Option<PathBuf>,
    pub spool_max_bytes: u64,
    pub session_timeout: Duration,
    /// plex.tv, or a stand-in for it (`CARTOGRAPHUS_PLEXTV_URL`).
    pub plextv_url: url::Url,
    pub duckdb: DuckdbLimits,
    /// The environment variable or flag that set `listen`, which then cannot be moved while
    /// running (set by `startup::prepare`; None when it came from the settings or default).
    pub listen_locked_by: Option<&'static str>,
}

impl Config {
    /// Merges the layers (each later one wins) over the defaults and validates the result.
    pub fn resolve(data_dir: PathBuf, layers: &[ConfigLayer]) -> Result<Self, ConfigError> {
        let merged = layers
            .iter()
            .cloned()
            .fold(ConfigLayer::default(), ConfigLayer::overlay);
        let listen = match merged.listen {
            Some(addr) => addr,
            None => parse_addr("CARTOGRAPHUS_LISTEN", DEFAULT_LISTEN)?,
        };
        let retention_days = merged.nats_retention_days.unwrap_or(7);
        if retention_days == 0 {
            return Err(invalid("NATS_RETENTION_DAYS", "0", "must be at least 1"));
        }
        let batch_size = merged.writer_batch_size.unwrap_or(1000);
        if batch_size == 0 {
            return Err(invalid(WRITER_BATCH_SIZE, "0", "must be at least 1"));
        }
        let flush_interval = merged
            .writer_flush_interval
            .unwrap_or(Duration::from_secs(5));
        if flush_interval.is_zero() {
            return Err(invalid(WRITER_FLUSH_INTERVAL, "0s", "must be above zero"));
        }
        let mode = match (
            merged.nats_enabled.unwrap_or(true),
            merged.nats_embedded.unwrap_or(true),
        ) {
            (false, _) => NatsMode::Disabled,
            (true, true) => NatsMode::Embedded {
                server_bin: merged.nats_server_bin,
            },
            (true, false) => {
                let url = merged.nats_url.ok_or_else(|| {
                    invalid("NATS_URL", "", "is required when NATS_EMBEDDED=false")
                })?;
                if let Err(e) = NatsServers::parse(&url) {
                    return Err(invalid("NATS_URL", &redact(&url), &e.to_string()));
                }
                NatsMode::External {
                    url,
                    token: merged.nats_token,
                    creds: merged.nats_creds,
                }
            }
        };
        let stream_replicas = merged.nats_stream_replicas.unwrap_or(1);
        if !(1..=5).contains(&stream_replicas) {
            return Err(invalid(
                "NATS_STREAM_REPLICAS",
                &stream_replicas.to_string(),
                "must be between 1 and 5",
            ));
        }
        if stream_replicas > 1 && matches!(mode, NatsMode::Embedded { .. }) {
            return Err(invalid(
                "NATS_STREAM_REPLICAS",
                &stream_replicas.to_string(),
                "the embedded sidecar is a single server; replicas need NATS_EMBEDDED=false and a cluster",
            ));
        }
        let plextv_url = parse_http_url(
            "CARTOGRAPHUS_PLEXTV_URL",
            merged.plextv_url.as_deref().unwrap_or(DEFAULT_PLEXTV_URL),
        )?;
        let duckdb = DuckdbLimits {
            threads: merged
                .duckdb_threads
                .unwrap_or(DuckdbLimits::DEFAULT.threads),
            memory_mb: merged
                .duckdb_memory_mb
                .unwrap_or(DuckdbLimits::DEFAULT.memory_mb),
        };
        if duckdb.threads == 0 {
            return Err(invalid(
                "CARTOGRAPHUS_DUCKDB_THREADS",
                "0",
                "must be at least 1",
            ));
        }
        if duckdb.memory_mb < 64 {
            return Err(invalid(
                "CARTOGRAPHUS_DUCKDB_MEMORY_MB",
                &duckdb.memory_mb.to_string(),
                "must be at least 64",
            ));
        }
        let store_dir = merged
            .nats_store_dir
            .unwrap_or_else(|| data_dir.join("jetstream"));
        Ok(Config {
            listen,
            ws_port: merged.ws_port,
            nats: NatsConfig {
                mode,
                stream_replicas,
                store_dir,
                retention_days,
            },
            writer: WriterBatching {
                batch_size,
                flush_interval,
            },
            ui_dir: merged.ui_dir,
            spool_max_bytes: merged.spool_max_bytes.unwrap_or(1024 * 1024 * 1024),
            session_timeout: merged
                .session_timeout
                .unwrap_or(Duration::from_secs(6 * 3600)),
            plextv_url,
            duckdb,
            listen_locked_by: None,
            data_dir,
        })
    }

    pub fn settings_path(&self) -> PathBuf {
        settings_path(&self.data_dir)
    }
}

pub fn settings_path(data_dir: &Path) -> PathBuf {
    data_dir.join("settings.json")
}

/// The platform data directory (`~/.local/share/cartographus` on Linux), overridable by
/// `CARTOGRAPHUS_DATA_DIR`.
pub fn default_data_dir(lookup: impl Fn(&str) -> Option<String>) -> Result<PathBuf, ConfigError> {
    if let Some(dir) = lookup("CARTOGRAPHUS_DATA_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    if let Some(xdg) = lookup("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(xdg).join("cartographus"));
    }
    lookup("HOME")
        .filter(|v| !v.is_empty())
        .map(|home| PathBuf::from(home).join(".local/share/cartographus"))
        .ok_or(ConfigError::NoDataDir)
}

fn invalid(name: &'static str, value: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        name,
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

fn parse_addr(name: &'static str, value: &str) -> Result<SocketAddr, ConfigError> {
    value.trim().parse().map_err(|_| {
        invalid(
            name,
            value,
            "expected HOST:PORT, for example 127.0.0.1:3857",
        )
    })
}

fn parse_http_url(name: &'static str, value: &str) -> Result<url::Url, ConfigError> {
    match url::Url::parse(value.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
        _ => Err(invalid(
            name,
            value,
            "expected an http:// or https:// address",
        )),
    }
}

fn parse_num<T: std::str::FromStr>(name: &'static str, value: &str) -> Result<T, ConfigError> {
    value
        .trim()
        .parse()
        .map_err(|_| invalid(name, value, "expected a whole number"))
}

fn parse_bool(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(invalid(name, value, "expected true or false")),
    }
}

/// A duration read from the variable or settings key `name` (see [`crate::duration`]).
pub fn parse_duration(name: &'static str, value: &str) -> Result<Duration, ConfigError> {
    crate::duration::parse(value).map_err(|reason| invalid(name, value, &reason))
}

/// Settings files store durations as strings (`"5000ms"`), like the environment; a bad one
/// is reported under its own key.
mod duration_field {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_str(&format!("{}ms", d.as_millis())),
            None => s.serialize_none(),
        }
    }

    fn named<'de, D: Deserializer<'de>>(
        key: &'static str,
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        let raw: Option<String> = Option::deserialize(d)?;
        raw.map(|v| super::parse_duration(key, &v))
            .transpose()
            .map_err(serde::de::Error::custom)
    }

    pub fn writer_flush_interval<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        named("writer_flush_interval", d)
    }

    pub fn session_timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        named("session_timeout", d)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_are_loopback_embedded_nats() {
        let cfg = Config::resolve("/data".into(), &[]).unwrap();
        assert_eq!(cfg.listen.to_string(), "127.0.0.1:3857");
        assert_eq!(cfg.nats.mode, NatsMode::Embedded { server_bin: None });
        assert_eq!(cfg.nats.store_dir, PathBuf::from("/data/jetstream"));
        assert_eq!(cfg.writer.batch_size, 1000);
        assert_eq!(cfg.writer.flush_interval, Duration::from_secs(5));
        assert_eq!(cfg.nats.retention_days, 7);
    }

    #[test]
    fn duckdb_is_held_to_a_small_machines_share_unless_told_otherwise() {
        let cfg = Config::resolve("/d".into(), &[]).unwrap();
        assert_eq!(
            cfg.duckdb,
            DuckdbLimits {
                threads: 2,
                memory_mb: 256
            }
        );
        let layer = ConfigLayer::from_env(env(&[
            ("CARTOGRAPHUS_DUCKDB_THREADS", "4"),
            ("CARTOGRAPHUS_DUCKDB_MEMORY_MB", "1024"),
        ]))
        .unwrap();
        let cfg = Config::resolve("/d".into(), &[layer]).unwrap();
        assert_eq!(
            cfg.duckdb,
            DuckdbLimits {
                threads: 4,
                memory_mb: 1024
            }
        );
        for (name, value) in [
            ("CARTOGRAPHUS_DUCKDB_THREADS", "0"),
            ("CARTOGRAPHUS_DUCKDB_MEMORY_MB", "16"),
        ] {
            let layer = ConfigLayer::from_env(env(&[(name, value)])).unwrap();
            let error = Config::resolve("/d".into(), &[layer]).unwrap_err();
            assert!(error.to_string().contains(name), "{error}");
        }
    }

    #[test]
    fn later_layers_win() {
        let settings = ConfigLayer {
            listen: Some("127.0.0.1:4000".parse().unwrap()),
            writer_batch_size: Some(10),
            ..Default::default()
        };
        let environment = ConfigLayer::from_env(env(&[("NATS_BATCH_SIZE", "20")])).unwrap();
        let flags = ConfigLayer {
            listen: Some("127.0.0.1:5000".parse().unwrap()),
            ..Default::default()
        };
        let cfg = Config::resolve("/d".into(), &[settings, environment, flags]).unwrap();
        assert_eq!(cfg.listen.port(), 5000);
        assert_eq!(cfg.writer.batch_size, 20);
    }

    #[test]
    fn environment_names_from_the_design_are_read() {
        let layer = ConfigLayer::from_env(env(&[
            ("NATS_ENABLED", "false"),
            ("NATS_FLUSH_INTERVAL", "250ms"),
            ("NATS_RETENTION_DAYS", "3"),
            ("CARTOGRAPHUS_WS_PORT", "3858"),
        ]))
        .unwrap();
        let cfg = Config::resolve("/d".into(), &[layer]).unwrap();
        assert_eq!(cfg.nats.mode, NatsMode::Disabled);
        assert_eq!(cfg.writer.flush_interval, Duration::from_millis(250));
        assert_eq!(cfg.nats.retention_days, 3);
        assert_eq!(cfg.ws_port, Some(3858));
    }

    #[test]
    fn the_writers_variables_have_their_own_names_and_keep_the_old_ones() {
        let new = ConfigLayer::from_env(env(&[
            ("CARTOGRAPHUS_WRITER_BATCH_SIZE", "30"),
            ("NATS_BATCH_SIZE", "20"),
            ("NATS_FLUSH_INTERVAL", "250ms"),
        ]))
        .unwrap();
        let cfg = Config::resolve("/d".into(), &[new]).unwrap();
        assert_eq!(cfg.writer.batch_size, 30, "the new name wins");
        assert_eq!(cfg.writer.flush_interval, Duration::from_millis(250));
        let err =
            ConfigLayer::from_env(env(&[("CARTOGRAPHUS_WRITER_BATCH_SIZE", "many")])).unwrap_err();
        assert!(
            err.to_string().contains("CARTOGRAPHUS_WRITER_BATCH_SIZE"),
            "{err}"
        );
        let err = ConfigLayer::from_env(env(&[("NATS_BATCH_SIZE", "many")])).unwrap_err();
        assert!(
            err.to_string().contains("NATS_BATCH_SIZE"),
            "the name that was set: {err}"
        );

        let file: ConfigLayer =
            serde_json::from_str(r#"{"nats_batch_size":5,"nats_flush_interval":"2s"}"#).unwrap();
        assert_eq!(file.writer_batch_size, Some(5));
        assert_eq!(file.writer_flush_interval, Some(Duration::from_secs(2)));
        let saved = serde_json::to_value(&file).unwrap();
        assert_eq!(
            saved["writer_batch_size"], 5,
            "saved under the new key: {saved}"
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = ConfigLayer::from_env(env(&[("CARTOGRAPHUS_LISTEN", "localhost")])).unwrap_err();
        assert!(err.to_string().contains("CARTOGRAPHUS_LISTEN"), "{err}");
        let err = ConfigLayer::from_env(env(&[("NATS_ENABLED", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("true or false"), "{err}");
        let err = ConfigLayer::from_env(env(&[("NATS_FLUSH_INTERVAL", "5x")])).unwrap_err();
        assert!(err.to_string().contains("NATS_FLUSH_INTERVAL"), "{err}");
    }

    #[test]
    fn the_documented_six_hour_session_timeout_is_read() {
        let layer = ConfigLayer::from_env(env(&[("CARTOGRAPHUS_SESSION_TIMEOUT", "6h")])).unwrap();
        assert_eq!(layer.session_timeout, Some(Duration::from_secs(6 * 3600)));
        let layer = ConfigLayer::from_env(env(&[("CARTOGRAPHUS_SESSION_TIMEOUT", "1d")])).unwrap();
        assert_eq!(layer.session_timeout, Some(Duration::from_secs(86_400)));
    }

    #[test]
    fn a_bad_duration_in_the_settings_file_is_named_by_its_own_key() {
        let err = serde_json::from_str::<ConfigLayer>(r#"{"session_timeout":"6x"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("session_timeout"), "{err}");
        assert!(!err.contains("flush_interval"), "{err}");
        let err = serde_json::from_str::<ConfigLayer>(r#"{"nats_flush_interval":"soon"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("writer_flush_interval"), "{err}");
    }

    #[test]
    fn external_cluster_settings_are_read_and_checked() {
        let layer = ConfigLayer::from_env(env(&[
            ("NATS_EMBEDDED", "false"),
            ("NATS_URL", "nats://a:4222,nats://b:4222"),
            ("NATS_CREDS", "/etc/nats/app.creds"),
            ("NATS_STREAM_REPLICAS", "3"),
        ]))
        .unwrap();
        let cfg = Config::resolve("/d".into(), &[layer]).unwrap();
        assert_eq!(cfg.nats.stream_replicas, 3);
        assert!(matches!(
            cfg.nats.mode,
            NatsMode::External { ref url, ref creds, .. }
                if url == "nats://a:4222,nats://b:4222" && creds.is_some()
        ));
        let embedded = ConfigLayer::from_env(env(&[("NATS_STREAM_REPLICAS", "3")])).unwrap();
        let err = Config::resolve("/d".into(), &[embedded]).unwrap_err();
        assert!(err.to_string().contains("NATS_EMBEDDED=false"), "{err}");
    }

    #[test]
    fn a_password_in_nats_url_shows_in_no_error_or_debug_output() {
        let layer = ConfigLayer::from_env(env(&[
            ("NATS_EMBEDDED", "false"),
            ("NATS_URL", "nats://user:hunter2@nats.lan:4222"),
            ("NATS_TOKEN", "tok-hunter3"),
        ]))
        .unwrap();
        let cfg = Config::resolve("/d".into(), &[layer]).unwrap();
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("hunter3"), "{shown}");
        assert!(shown.contains("nats://user:***@nats.lan:4222"), "{shown}");

        let broken = ConfigLayer::from_env(env(&[
            ("NATS_EMBEDDED", "false"),
            ("NATS_URL", "nats://user:hunter2@nats.lan:port"),
        ]))
        .unwrap();
        let err = Config::resolve("/d".into(), &[broken]).unwrap_err();
        assert!(err.to_string().contains("NATS_URL"), "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn external_mode_requires_a_url() {
        let layer = ConfigLayer::from_env(env(&[("NATS_EMBEDDED", "false")])).unwrap();
        let err = Config::resolve("/d".into(), &[layer]).unwrap_err();
        assert!(err.to_string().contains("NATS_URL"), "{err}");
    }

    #[test]
    fn settings_file_round_trips() {
        let layer = ConfigLayer {
            writer_flush_interval: Some(Duration::from_millis(1500)),
            nats_enabled: Some(false),
            ..Default::default()
        };
        let json = serde_json::to_string(&layer).unwrap();
        let back: ConfigLayer = serde_json::from_str(&json).unwrap();
        assert_eq!(back, layer);
    }

    #[test]
    fn data_dir_prefers_the_explicit_variable() {
        let dir =
            default_data_dir(env(&[("CARTOGRAPHUS_DATA_DIR", "/x"), ("HOME", "/h")])).unwrap();
        assert_eq!(dir, PathBuf::from("/x"));
        let dir = default_data_dir(env(&[("HOME", "/h")])).unwrap();
        assert_eq!(dir, PathBuf::from("/h/.local/share/cartographus"));
        assert_eq!(default_data_dir(env(&[])), Err(ConfigError::NoDataDir));
    }
}

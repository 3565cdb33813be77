//! Cartographus engine: receives playback webhooks, carries them through NATS JetStream into
//! DuckDB and out to live subscribers. No Tauri here: the desktop shell and the headless
//! server are thin adapters over [`Engine`] and [`EngineHandle`].

pub mod alerts;
pub mod analytics;
pub mod api;
pub mod bus;
pub mod config;
pub mod diagnostics;
pub mod dlq;
pub mod duration;
pub mod error;
pub mod handle;
pub mod health;
pub mod import;
pub mod ingest;
pub mod jobs;
pub mod listen;
pub mod live;
pub mod logging;
pub mod logs;
pub mod memory;
pub mod metrics;
pub mod persist;
pub mod preferences;
pub mod private_fs;
pub mod secret;
pub mod session;
pub mod settings;
pub mod setup;
pub mod startup;
pub mod stats;
pub mod sync;
#[doc(hidden)]
pub mod testkit;

pub use cartographus_sources as sources;
pub use cartographus_sources::event;
pub use handle::{Engine, EngineError, EngineHandle, EngineInfo, Tokens};
pub use health::{Health, OverallStatus, PartHealth, PartStatus, PipelineMode};

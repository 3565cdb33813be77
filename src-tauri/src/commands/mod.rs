//! The typed IPC surface: commands and events, exported to ui/src/bindings.ts by
//! tauri-specta. Each command is one call into the engine, like its HTTP twin.

use cartographus_engine::error::CodedError;
use cartographus_engine::handle::StatsHistoryView;
use cartographus_engine::preferences::SettingsView;
use cartographus_engine::stats::{SidecarStatus, Stats};
use cartographus_engine::{EngineInfo, Health};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::state::DesktopState;

pub mod history;
pub mod maintenance;
pub mod pipeline;
pub mod settings;
pub mod setup;

/// An error the UI can match on `code` and show as `message`.
#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[error("{code}: {message}")]
pub struct CommandError {
    pub code: String,
    pub message: String,
}

/// Every engine error reaches the window as its own code and message, as over HTTP.
impl<E: CodedError> From<E> for CommandError {
    fn from(error: E) -> Self {
        Self {
            code: error.code().to_string(),
            message: error.to_string(),
        }
    }
}

impl CommandError {
    pub fn starting() -> Self {
        Self {
            code: "engine_starting".into(),
            message: "the engine is still starting".into(),
        }
    }

    pub fn failed(reason: &str) -> Self {
        Self {
            code: "engine_failed".into(),
            message: reason.to_string(),
        }
    }
}

/// The health of every part, sent whenever it changes.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct HealthChanged(pub Health);

/// The sidecar after a start, an exit or a restart.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SidecarChanged(pub SidecarStatus);

/// The settings after any saved change (from the window, the tray or the HTTP API).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct SettingsChanged(pub SettingsView);

#[tauri::command]
#[specta::specta]
pub async fn get_stats(state: State<'_, DesktopState>) -> Result<Stats, CommandError> {
    Ok(state.engine_handle()?.stats().await?)
}

/// The last 15 minutes of the pipeline, sampled every 5 s, and the alerts they raise.
#[tauri::command]
#[specta::specta]
pub fn get_stats_history(state: State<'_, DesktopState>) -> Result<StatsHistoryView, CommandError> {
    Ok(state.engine_handle()?.stats_history()?)
}

#[tauri::command]
#[specta::specta]
pub fn get_health(state: State<'_, DesktopState>) -> Health {
    state.health()
}

#[tauri::command]
#[specta::specta]
pub fn get_engine_info(state: State<'_, DesktopState>) -> Result<EngineInfo, CommandError> {
    state.info()
}

/// The commands and events on the app's runtime.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    crate::specta_builder_for!(tauri::Wry)
}

/// The commands and events on a Tauri runtime: the app's, or in tests the mock runtime
/// (`specta_builder_for!(tauri::test::MockRuntime)`), so commands can be invoked without a
/// display. Generic commands take the runtime here.
#[macro_export]
macro_rules! specta_builder_for {
    ($runtime:ty) => {
        tauri_specta::Builder::<$runtime>::new()
            // Failed commands reject their promise with the CommandError ({code, message}),
            // like a failed fetch in the browser backend.
            .error_handling(tauri_specta::ErrorHandlingMode::Throw)
            // One TypeScript type per Rust type: our IPC types only travel to the UI, so the
            // separate serialize/deserialize shapes would only add unions to narrow.
            .disable_serde_phases()
            // Counts are u64 in Rust; as TypeScript numbers they stay exact up to 2^53, far
            // beyond any count this app keeps.
            .dangerously_cast_bigints_to_number()
            .commands(tauri_specta::collect_commands![
                $crate::commands::get_health,
                $crate::commands::get_engine_info,
                $crate::commands::get_stats,
                $crate::commands::get_stats_history,
                $crate::commands::pipeline::subscribe_live,
                $crate::commands::pipeline::get_live_snapshot,
                $crate::commands::pipeline::list_events,
                $crate::commands::pipeline::get_event,
                $crate::commands::pipeline::list_sessions,
                $crate::commands::history::get_analytics_plays,
                $crate::commands::history::get_analytics_concurrent,
                $crate::commands::history::export_history::<$runtime>,
                $crate::commands::pipeline::list_dlq,
                $crate::commands::pipeline::get_dlq_entry,
                $crate::commands::pipeline::retry_dlq_entry,
                $crate::commands::pipeline::retry_dlq_entries,
                $crate::commands::pipeline::delete_dlq_entry,
                $crate::commands::pipeline::purge_dlq,
                $crate::commands::pipeline::list_dlq_groups,
                $crate::commands::pipeline::list_dedup,
                $crate::commands::pipeline::restore_dedup,
                $crate::commands::pipeline::start_replay,
                $crate::commands::pipeline::preview_replay,
                $crate::commands::pipeline::import_tautulli,
                $crate::commands::pipeline::get_job,
                $crate::commands::pipeline::cancel_job,
                $crate::commands::setup::get_setup,
                $crate::commands::setup::set_listen,
                $crate::commands::setup::check_listen,
                $crate::commands::setup::connect_tautulli,
                $crate::commands::setup::test_tautulli,
                $crate::commands::setup::disconnect_tautulli,
                $crate::commands::setup::connect_plex,
                $crate::commands::setup::disconnect_plex,
                $crate::commands::setup::start_plex_pin,
                $crate::commands::setup::check_plex_pin,
                $crate::commands::settings::get_settings,
                $crate::commands::settings::update_settings::<$runtime>,
                $crate::commands::settings::reveal_setting,
                $crate::commands::settings::regenerate_token,
                $crate::commands::maintenance::get_ingestion,
                $crate::commands::maintenance::pause_ingestion,
                $crate::commands::maintenance::resume_ingestion,
                $crate::commands::maintenance::get_logs,
                $crate::commands::maintenance::export_diagnostics,
                $crate::commands::maintenance::open_log_folder::<$runtime>,
                $crate::commands::maintenance::show_diagnostics::<$runtime>,
            ])
            .events(tauri_specta::collect_events![
                $crate::commands::HealthChanged,
                $crate::commands::SidecarChanged,
                $crate::commands::SettingsChanged
            ])
    };
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    use cartographus_engine::handle::operations;
    use serde_json::Value;

    use super::*;

    /// What the builder registers: command names and event names.
    #[derive(Default)]
    struct Registered {
        commands: BTreeSet<String>,
        events: BTreeSet<String>,
    }

    /// A stand-in "language" whose export only reads what the builder holds.
    struct ReadRegistrations(Arc<Mutex<Registered>>);

    impl tauri_specta::LanguageExt for ReadRegistrations {
        type Error = std::io::Error;

        fn export(
            self,
            cfg: &tauri_specta::BuilderConfiguration,
            _path: &Path,
        ) -> Result<(), Self::Error> {
            let mut registered = self.0.lock().unwrap();
            registered.commands = cfg.commands.iter().map(|c| c.name().to_string()).collect();
            registered.events = cfg.events.keys().map(|e| e.to_string()).collect();
            Ok(())
        }
    }

    fn registered() -> Registered {
        let read = Arc::new(Mutex::new(Registered::default()));
        specta_builder()
            .export(ReadRegistrations(read.clone()), Path::new("unused"))
            .unwrap();
        Arc::try_unwrap(read).ok().unwrap().into_inner().unwrap()
    }

    /// `HealthChanged` → `health-changed`, the name tauri-specta gives the event.
    fn event_name(type_name: &str) -> String {
        let mut name = String::new();
        for (i, c) in type_name.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                name.push('-');
            }
            name.push(c.to_ascii_lowercase());
        }
        name
    }

    #[test]
    fn the_commands_are_those_of_the_engines_operations_table() {
        let table: BTreeSet<String> = operations::commands().map(str::to_string).collect();
        assert_eq!(
            registered().commands,
            table,
            "registered commands vs engine::operations::OPERATIONS"
        );
    }

    /// The app manifest in build.rs (commands a capability must grant) and the window's
    /// capability name the same commands as the table.
    #[test]
    fn the_manifest_and_the_capability_grant_the_tables_commands() {
        let table: BTreeSet<String> = operations::commands().map(str::to_string).collect();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let build = std::fs::read_to_string(root.join("build.rs")).unwrap();
        let list = build
            .split_once(".commands(&[")
            .and_then(|(_, rest)| rest.split_once("])"))
            .map(|(list, _)| list)
            .expect("the manifest's command list in build.rs");
        let manifest: BTreeSet<String> = list
            .split(',')
            .map(|item| item.trim().trim_matches('"').to_string())
            .filter(|name| !name.is_empty())
            .collect();
        assert_eq!(manifest, table, "build.rs app manifest vs OPERATIONS");

        let capability: Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("capabilities/main.json")).unwrap(),
        )
        .unwrap();
        let granted: BTreeSet<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|p| p.strip_prefix("allow-"))
            .map(|name| name.replace('-', "_"))
            .collect();
        assert_eq!(granted, table, "capabilities/main.json vs OPERATIONS");
    }

    #[test]
    fn every_event_the_table_names_is_registered() {
        let events = registered().events;
        for event in operations::events() {
            assert!(
                events.contains(&event_name(event)),
                "{event} not among {events:?}"
            );
        }
    }

    /// The committed bindings must match the Rust types; a stale file is rewritten and the
    /// test fails, so the fix is to commit the regenerated file.
    #[test]
    fn typescript_bindings_are_current() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let fresh = tempfile::NamedTempFile::new().unwrap();
        specta_builder()
            .export(
                specta_typescript::Typescript::default().header("// @ts-nocheck\n"),
                fresh.path(),
            )
            .expect("bindings export");
        let fresh_text = std::fs::read_to_string(fresh.path()).unwrap();
        let committed_text = std::fs::read_to_string(&committed).unwrap_or_default();
        if fresh_text != committed_text {
            std::fs::write(&committed, &fresh_text).unwrap();
            panic!("ui/src/bindings.ts was stale and has been regenerated; review and commit it");
        }
    }
}

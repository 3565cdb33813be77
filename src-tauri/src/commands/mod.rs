//! The typed IPC surface: commands and events, exported to ui/src/bindings.ts by
//! tauri-specta. Each command is one call into the engine, like its HTTP twin.

use cartographus_engine::preferences::SettingsView;
use cartographus_engine::stats::{SidecarStatus, Stats};
use cartographus_engine::{EngineInfo, Health};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::state::DesktopState;

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
    let engine = state.engine_handle()?;
    engine.stats().await.map_err(|e| CommandError {
        code: "stats_unavailable".into(),
        message: e.to_string(),
    })
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

pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        // Failed commands reject their promise with the CommandError ({code, message}),
        // like a failed fetch in the browser backend.
        .error_handling(tauri_specta::ErrorHandlingMode::Throw)
        // One TypeScript type per Rust type: our IPC types only travel to the UI, so the
        // separate serialize/deserialize shapes would only add unions to narrow.
        .disable_serde_phases()
        .commands(tauri_specta::collect_commands![
            get_health,
            get_engine_info,
            get_stats,
            pipeline::subscribe_live,
            pipeline::get_live_snapshot,
            pipeline::list_events,
            pipeline::list_sessions,
            pipeline::list_dlq,
            pipeline::get_dlq_entry,
            pipeline::retry_dlq_entry,
            pipeline::retry_dlq_entries,
            pipeline::delete_dlq_entry,
            pipeline::purge_dlq,
            pipeline::list_dedup,
            pipeline::restore_dedup,
            pipeline::start_replay,
            pipeline::get_job,
            pipeline::cancel_job,
            setup::get_setup,
            setup::set_listen,
            setup::check_listen,
            setup::connect_tautulli,
            setup::test_tautulli,
            setup::disconnect_tautulli,
            setup::connect_plex,
            setup::disconnect_plex,
            setup::start_plex_pin,
            setup::check_plex_pin,
            settings::get_settings,
            settings::update_settings,
            settings::reveal_setting,
            settings::regenerate_token,
            maintenance::get_ingestion,
            maintenance::pause_ingestion,
            maintenance::resume_ingestion,
            maintenance::get_logs,
            maintenance::export_diagnostics,
            maintenance::open_log_folder,
            maintenance::show_diagnostics,
        ])
        .events(tauri_specta::collect_events![
            HealthChanged,
            SidecarChanged,
            SettingsChanged
        ])
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

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

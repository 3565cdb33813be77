//! Ingestion pause, the log tail, diagnostics and the folders behind them: the engine
//! functions of `/api/v1/ingestion`, `/logs` and `/diagnostics`, plus opening a folder in
//! the file manager (desktop only).

use cartographus_engine::diagnostics::DiagnosticsExport;
use cartographus_engine::handle::IngestionState;
use cartographus_engine::logs::{LogQuery, LogTail};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use super::CommandError;
use crate::state::DesktopState;

fn open_failed(error: impl std::fmt::Display) -> CommandError {
    CommandError {
        code: "open_failed".to_string(),
        message: format!("the file manager could not be opened: {error}"),
    }
}

#[tauri::command]
#[specta::specta]
pub fn get_ingestion(state: State<'_, DesktopState>) -> Result<IngestionState, CommandError> {
    Ok(state.engine_handle()?.ingestion())
}

#[tauri::command]
#[specta::specta]
pub fn pause_ingestion(state: State<'_, DesktopState>) -> Result<IngestionState, CommandError> {
    Ok(state.engine_handle()?.pause_ingestion())
}

#[tauri::command]
#[specta::specta]
pub fn resume_ingestion(state: State<'_, DesktopState>) -> Result<IngestionState, CommandError> {
    Ok(state.engine_handle()?.resume_ingestion())
}

#[tauri::command]
#[specta::specta]
pub async fn get_logs(
    state: State<'_, DesktopState>,
    query: LogQuery,
) -> Result<LogTail, CommandError> {
    Ok(state.engine_handle()?.log_tail(query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn export_diagnostics(
    state: State<'_, DesktopState>,
) -> Result<DiagnosticsExport, CommandError> {
    Ok(state.engine_handle()?.export_diagnostics().await?)
}

#[tauri::command]
#[specta::specta]
pub fn open_log_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
) -> Result<(), CommandError> {
    let dir = state.engine_handle()?.log_dir();
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(open_failed)
}

/// Shows an export (by the file name `export_diagnostics` gave) in the file manager.
#[tauri::command]
#[specta::specta]
pub fn show_diagnostics<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    file_name: String,
) -> Result<(), CommandError> {
    let path = state.engine_handle()?.diagnostics_file(&file_name)?;
    app.opener().reveal_item_in_dir(path).map_err(open_failed)
}

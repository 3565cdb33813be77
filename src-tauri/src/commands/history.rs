//! Commands of the history and analytics views: the charts' data and the export, which
//! asks where to save (a native dialog) and has the engine's DuckDB write the file there.

use cartographus_engine::analytics::{Concurrent, Plays, PlaysQuery, Range};
use cartographus_engine::handle::{ExportRows, Exported};
use cartographus_engine::persist::export::ExportFormat;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use super::CommandError;
use crate::state::DesktopState;

#[tauri::command]
#[specta::specta]
pub async fn get_analytics_plays(
    state: State<'_, DesktopState>,
    query: PlaysQuery,
) -> Result<Plays, CommandError> {
    Ok(state.engine_handle()?.analytics_plays(query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_analytics_concurrent(
    state: State<'_, DesktopState>,
    range: Range,
) -> Result<Concurrent, CommandError> {
    Ok(state.engine_handle()?.analytics_concurrent(range).await?)
}

/// Asks where to save, then writes the rows there; `null` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_history<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    rows: ExportRows,
    format: ExportFormat,
) -> Result<Option<Exported>, CommandError> {
    let engine = state.engine_handle()?;
    let (answer, chosen) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Export history")
        .set_file_name(format!(
            "cartographus-{}.{}",
            rows.name(),
            format.extension()
        ))
        .add_filter(format.extension().to_uppercase(), &[format.extension()])
        .save_file(move |path| {
            let _ = answer.send(path);
        });
    let Some(path) = chosen.await.ok().flatten() else {
        return Ok(None);
    };
    let path = path.into_path().map_err(|e| CommandError {
        code: "bad_path".into(),
        message: format!("the chosen file cannot be written: {e}"),
    })?;
    Ok(Some(engine.export_to(rows, format, path).await?))
}

//! The setup wizard's commands: where the engine listens (move, check), connect and test
//! Tautulli, register Plex's webhook (by token or PIN sign-in), and the overview. Each is
//! one call into the same engine function the HTTP API calls, with the same answer and
//! error code. The window talks IPC, so a moved listener does not affect it.

use cartographus_engine::listen::{
    CheckListenRequest, ListenChanged, ListenCheck, SetListenRequest,
};
use cartographus_engine::setup::{
    PlexConnectRequest, PlexPin, PlexPinStatus, PlexRegistered, SetupOverview,
    TautulliConnectRequest, TautulliConnected, TautulliTestResult,
};
use tauri::State;

use super::CommandError;
use crate::state::DesktopState;

#[tauri::command]
#[specta::specta]
pub async fn set_listen(
    state: State<'_, DesktopState>,
    request: SetListenRequest,
) -> Result<ListenChanged, CommandError> {
    Ok(state.engine_handle()?.set_listen(request).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn check_listen(
    state: State<'_, DesktopState>,
    request: CheckListenRequest,
) -> Result<ListenCheck, CommandError> {
    Ok(state.engine_handle()?.check_listen(request).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_setup(state: State<'_, DesktopState>) -> Result<SetupOverview, CommandError> {
    Ok(state.engine_handle()?.get_setup().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn connect_tautulli(
    state: State<'_, DesktopState>,
    request: TautulliConnectRequest,
) -> Result<TautulliConnected, CommandError> {
    Ok(state.engine_handle()?.connect_tautulli(request).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn test_tautulli(
    state: State<'_, DesktopState>,
) -> Result<TautulliTestResult, CommandError> {
    Ok(state.engine_handle()?.test_tautulli().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn disconnect_tautulli(state: State<'_, DesktopState>) -> Result<(), CommandError> {
    Ok(state.engine_handle()?.disconnect_tautulli().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn connect_plex(
    state: State<'_, DesktopState>,
    request: PlexConnectRequest,
) -> Result<PlexRegistered, CommandError> {
    Ok(state.engine_handle()?.connect_plex(request).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn disconnect_plex(state: State<'_, DesktopState>) -> Result<(), CommandError> {
    Ok(state.engine_handle()?.disconnect_plex().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn start_plex_pin(state: State<'_, DesktopState>) -> Result<PlexPin, CommandError> {
    Ok(state.engine_handle()?.start_plex_pin().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn check_plex_pin(
    state: State<'_, DesktopState>,
    id: String,
) -> Result<PlexPinStatus, CommandError> {
    Ok(state.engine_handle()?.check_plex_pin(&id).await?)
}

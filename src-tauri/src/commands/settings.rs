//! Settings commands: the same engine functions as `GET|PATCH /api/v1/settings`, reveal
//! and regenerate. A change to "start at login" is also made in the OS before the answer,
//! and undone in the settings if the OS refuses it.

use std::collections::BTreeMap;

use cartographus_engine::preferences::{
    Regenerated, RevealedSecret, SettingValue, SettingsUpdate, SettingsView,
};
use serde_json::{Map, Value};
use tauri::{AppHandle, Runtime, State};

use super::CommandError;
use crate::state::DesktopState;

#[tauri::command]
#[specta::specta]
pub fn get_settings(state: State<'_, DesktopState>) -> Result<SettingsView, CommandError> {
    let settings = state.settings().ok_or_else(CommandError::starting)?;
    Ok(settings.view()?)
}

/// `changes` maps setting keys to new values (null: back to the default); all or nothing.
#[tauri::command]
#[specta::specta]
pub async fn update_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    changes: BTreeMap<String, Option<SettingValue>>,
) -> Result<SettingsUpdate, CommandError> {
    let engine = state.engine_handle()?;
    let changes: Map<String, Value> = changes
        .into_iter()
        .map(|(key, value)| (key, serde_json::to_value(value).unwrap_or(Value::Null)))
        .collect();
    let update = engine.update_settings(changes.clone()).await?;
    if let Some(wanted) = changes.get("start_at_login").and_then(Value::as_bool) {
        if let Err(reason) = crate::autostart::reconcile(&app, wanted) {
            let mut undo = Map::new();
            undo.insert("start_at_login".to_string(), Value::Bool(!wanted));
            if let Err(e) = engine.update_settings(undo).await {
                tracing::warn!("cannot undo start_at_login: {e}");
            }
            return Err(CommandError {
                code: "autostart_failed".to_string(),
                message: format!("start_at_login: the login item could not be changed: {reason}"),
            });
        }
    }
    Ok(update)
}

#[tauri::command]
#[specta::specta]
pub fn reveal_setting(
    state: State<'_, DesktopState>,
    key: String,
) -> Result<RevealedSecret, CommandError> {
    Ok(state.engine_handle()?.reveal_secret(&key)?)
}

#[tauri::command]
#[specta::specta]
pub async fn regenerate_token(
    state: State<'_, DesktopState>,
    key: String,
) -> Result<Regenerated, CommandError> {
    Ok(state.engine_handle()?.regenerate_token(&key).await?)
}

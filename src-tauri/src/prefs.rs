//! The desktop's behaviour (keep running in the tray, start at login, notifications, theme)
//! is kept with every other setting in settings.json's "preferences" (docs/adr/0016). This
//! reads it for the shell and moves an older `<data>/desktop.json` into it, once.

use std::path::Path;

use cartographus_engine::preferences::{SettingsStore, PREFERENCES_KEY};
use cartographus_engine::settings::SettingsError;
use serde_json::{Map, Value};
use tauri::{AppHandle, Manager, Runtime};

use crate::state::DesktopState;

const LEGACY_FILE: &str = "desktop.json";
const KEEP_IN_TRAY: &str = "keep_in_tray";

/// Whether closing the window hides it and keeps the engine running in the tray.
pub fn keep_in_tray<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<DesktopState>()
        .and_then(|state| state.desktop_preferences())
        .is_some_and(|p| p.keep_in_tray)
}

/// Sets one desktop preference (saved through the settings, so every view sees it).
pub async fn set<R: Runtime>(app: &AppHandle<R>, key: &str, value: Value) {
    let Some(settings) = app.state::<DesktopState>().settings() else {
        tracing::warn!("{key} not saved: the settings are not loaded");
        return;
    };
    let mut change = Map::new();
    change.insert(key.to_string(), value);
    if let Err(e) = settings.update_saved_only(&change).await {
        tracing::warn!("{key} not saved: {e}");
    }
}

/// Moves `keep_in_tray` from `<data>/desktop.json` (earlier versions) into the settings
/// and removes that file. A value already in the settings wins.
pub fn migrate_legacy(data_dir: &Path, store: &dyn SettingsStore) -> Result<(), SettingsError> {
    let legacy = data_dir.join(LEGACY_FILE);
    let Ok(text) = std::fs::read_to_string(&legacy) else {
        return Ok(());
    };
    let keep = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v.get(KEEP_IN_TRAY).and_then(Value::as_bool));
    if let Some(keep) = keep {
        let mut settings = store.load()?;
        let preferences = settings
            .other
            .entry(PREFERENCES_KEY.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(object) = preferences.as_object_mut() {
            object
                .entry(KEEP_IN_TRAY.to_string())
                .or_insert(Value::Bool(keep));
        }
        store.save(&settings)?;
    }
    if let Err(e) = std::fs::remove_file(&legacy) {
        tracing::warn!("cannot remove {}: {e}", legacy.display());
    }
    Ok(())
}

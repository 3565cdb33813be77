//! The desktop shell's own preferences, kept with tauri-plugin-store in
//! `<data>/desktop.json` (the engine's settings file stays the engine's).

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::StoreExt;

const KEEP_IN_TRAY: &str = "keep_in_tray";

pub struct PrefsPath(pub PathBuf);

/// Whether closing the window hides it and keeps the engine running in the tray.
pub fn keep_in_tray<R: Runtime>(app: &AppHandle<R>) -> bool {
    let Some(path) = app.try_state::<PrefsPath>() else {
        return false;
    };
    match app.store(path.0.clone()) {
        Ok(store) => store
            .get(KEEP_IN_TRAY)
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(e) => {
            tracing::warn!("cannot read desktop preferences: {e}");
            false
        }
    }
}

pub fn set_keep_in_tray<R: Runtime>(app: &AppHandle<R>, keep: bool) {
    let Some(path) = app.try_state::<PrefsPath>() else {
        return;
    };
    let saved = app.store(path.0.clone()).and_then(|store| {
        store.set(KEEP_IN_TRAY, keep);
        store.save()
    });
    if let Err(e) = saved {
        tracing::warn!("cannot save desktop preferences: {e}");
    }
}

//! "Start at login": the saved setting is what the user wants; the OS entry (an XDG
//! autostart file on Linux, through tauri-plugin-autostart) is made to match it at start
//! and after every change.

use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt;

/// Makes the OS entry match `wanted`.
pub fn reconcile<R: Runtime>(app: &AppHandle<R>, wanted: bool) -> Result<(), String> {
    let launcher = app.autolaunch();
    let enabled = launcher.is_enabled().map_err(|e| e.to_string())?;
    if enabled == wanted {
        return Ok(());
    }
    let changed = match wanted {
        true => launcher.enable(),
        false => launcher.disable(),
    };
    changed.map_err(|e| e.to_string())?;
    tracing::info!(start_at_login = wanted, "login item updated");
    Ok(())
}

//! The main window: brought back by the tray, by a second launch of the app (single
//! instance) and by notifications.

use tauri::{AppHandle, Manager, Runtime};

pub const MAIN: &str = "main";

pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// A second `cartographus` started: it exits, and this instance shows its window instead.
pub fn second_launch<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!("another launch of the app: showing this window instead");
    show_main_window(app);
}

//! The tray icon: the overall status at a glance, and show / keep-in-tray / quit.

use cartographus_engine::{Health, OverallStatus};
use tauri::menu::{CheckMenuItem, Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{App, AppHandle, Manager, Wry};

use crate::prefs;

const TRAY_ID: &str = "status";

/// Menu items whose text follows the engine's state.
pub struct TrayItems {
    status: MenuItem<Wry>,
}

pub fn create(app: &App) -> tauri::Result<()> {
    let status = MenuItem::with_id(app, "status", "Status: starting", false, None::<&str>)?;
    let show = MenuItem::with_id(app, "show", "Show Cartographus", true, None::<&str>)?;
    let keep = CheckMenuItem::with_id(
        app,
        "keep_in_tray",
        "Keep running when the window is closed",
        true,
        prefs::keep_in_tray(app.handle()),
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, "quit", "Quit Cartographus", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&status, &show, &keep, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Cartographus: starting")
        .menu(&menu)
        .on_menu_event(move |app, event| match event.id().as_ref() {
            "show" => show_main_window(app),
            "keep_in_tray" => prefs::set_keep_in_tray(app, !prefs::keep_in_tray(app)),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(TrayItems { status });
    Ok(())
}

pub fn show_status(app: &AppHandle, health: &Health) {
    let word = match health.status {
        OverallStatus::Ok => "all parts healthy",
        OverallStatus::Degraded => "degraded",
        OverallStatus::Down => "down",
    };
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let _ = tray.set_tooltip(Some(format!("Cartographus: {word}")));
    }
    if let Some(items) = app.try_state::<TrayItems>() {
        let _ = items.status.set_text(format!("Status: {word}"));
    }
}

pub fn show_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.set_focus();
    }
}

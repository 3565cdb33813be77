//! Cartographus Desktop: the engine in a window. This crate only adapts: it starts the
//! engine, exposes its functions as typed commands and events (tauri-specta), and keeps a
//! tray icon, the login item, notifications and the window's place. Everything the app
//! *does* lives in the engine.

mod autostart;
pub mod commands;
mod lifecycle;
mod notifications;
mod prefs;
pub mod settings_store;
mod state;
pub mod tray;
pub mod window;

pub use commands::{specta_builder, CommandError, HealthChanged, SettingsChanged};
pub use state::DesktopState;

use tauri_plugin_window_state::StateFlags;

/// Window size and place, kept beside the settings in the data directory.
const WINDOW_STATE_FILE: &str = "window-state.json";

pub fn run() {
    let started = std::time::Instant::now();
    let builder = specta_builder();
    let mut window_state = tauri_plugin_window_state::Builder::new()
        // Not visibility: a window hidden in the tray at exit must still open next time.
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED);
    if let Ok(dir) = cartographus_engine::config::default_data_dir(|k| std::env::var(k).ok()) {
        window_state =
            window_state.with_filename(dir.join(WINDOW_STATE_FILE).display().to_string());
    }
    let app = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            window::second_launch(app)
        }))
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_autostart::Builder::new().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(window_state.build())
        .manage(DesktopState::default())
        .on_page_load(move |webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                // The cold-start figure in docs/performance.md is measured up to this line.
                tracing::info!(
                    window = webview.label(),
                    since_start_ms = started.elapsed().as_millis() as u64,
                    "page loaded"
                );
            }
        })
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            lifecycle::setup(app);
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(lifecycle::on_run_event),
        Err(e) => {
            eprintln!("cartographus: cannot start the window: {e}");
            std::process::exit(1);
        }
    }
}

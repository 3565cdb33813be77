//! Cartographus Desktop: the engine in a window. This crate only adapts: it starts the
//! engine, exposes its functions as typed commands and events (tauri-specta), and keeps a
//! tray icon with the overall status. Everything the app *does* lives in the engine.

mod commands;
mod lifecycle;
mod prefs;
mod state;
mod tray;

pub use commands::{specta_builder, CommandError, HealthChanged};
pub use state::DesktopState;

pub fn run() {
    let builder = specta_builder();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::new().build())
        .manage(DesktopState::default())
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

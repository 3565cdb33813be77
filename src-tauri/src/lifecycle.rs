//! Start-up and exit of the desktop app: read the settings through tauri-plugin-store,
//! resolve config, start the engine without blocking the window, keep the tray, the login
//! item and the window in step with health and settings, and stop the engine (and so the
//! sidecar) when the app exits.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use cartographus_engine::config::{default_data_dir, settings_path, ConfigLayer};
use cartographus_engine::handle::data_dir_lock::DataDirLock;
use cartographus_engine::preferences::SettingsService;
use cartographus_engine::settings::Settings;
use cartographus_engine::startup::{prepare_with_store, Prepared};
use cartographus_engine::{logging, Engine, EngineHandle};
use tauri::{App, AppHandle, Manager, RunEvent, WindowEvent};
use tauri_specta::Event;

use cartographus_engine::stats::SidecarStatus;

use crate::commands::{HealthChanged, SettingsChanged, SidecarChanged};
use crate::settings_store::PluginSettingsStore;
use crate::state::DesktopState;
use crate::{autostart, notifications, prefs, tray};

/// How often the tray's "N playing now" is brought up to date.
const PLAYING_EVERY: Duration = Duration::from_secs(2);

pub fn setup(app: &mut App) {
    let env = |name: &str| std::env::var(name).ok();
    let data_dir = match default_data_dir(env) {
        Ok(dir) => dir,
        Err(e) => return fail(app.handle(), e.to_string()),
    };
    // Before the log or the settings are touched: an engine already running on this data
    // directory (a `cartographus-server serve`) is left alone, and the window says why.
    let lock = match DataDirLock::acquire(&data_dir) {
        Ok(lock) => lock,
        Err(e) => return fail(app.handle(), e.to_string()),
    };
    app.state::<DesktopState>()
        .keep_log_guard(logging::init(&data_dir));
    if let Err(e) = tray::create(app) {
        // A desktop without a tray host still gets the window.
        tracing::warn!("no tray icon: {e}");
    }
    let prepared = match prepare(app, data_dir) {
        Ok(prepared) => prepared,
        Err(reason) => return fail(app.handle(), reason),
    };
    let handle = app.handle().clone();
    app.state::<DesktopState>()
        .set_settings(prepared.settings.clone());
    follow_settings(&handle, prepared.settings.clone());
    tauri::async_runtime::spawn(async move {
        match Engine::start_locked(prepared.config, prepared.settings, lock).await {
            Ok(engine) => {
                let engine = handle.state::<DesktopState>().running(engine);
                if let Some(sidecar) = engine.subscribe_sidecar() {
                    tauri::async_runtime::spawn(forward_sidecar(handle.clone(), sidecar));
                }
                tauri::async_runtime::spawn(forward_playing(handle.clone(), engine.clone()));
                tauri::async_runtime::spawn(notifications::run(handle.clone(), engine.clone()));
                forward_health(handle, engine.subscribe_health()).await;
            }
            Err(e) => fail(&handle, e.to_string()),
        }
    });
}

/// Settings through the plugin's store on `<data>/settings.json`, then the usual layers.
fn prepare(app: &App, data_dir: PathBuf) -> Result<Prepared, String> {
    let path = settings_path(&data_dir);
    // The plugin would read a broken file as empty and later save that over the tokens:
    // a file the engine cannot read stops the start, naming the file.
    Settings::load(&path).map_err(|e| e.to_string())?;
    let store = PluginSettingsStore::open(app, &path).map_err(|e| e.to_string())?;
    if let Err(e) = prefs::migrate_legacy(&data_dir, &store) {
        tracing::warn!("the old desktop preferences were not carried over: {e}");
    }
    let env = |name: &str| std::env::var(name).ok();
    prepare_with_store(data_dir, Arc::new(store), sidecar_flags(), env).map_err(|e| e.to_string())
}

/// Our own sidecar, named explicitly unless NATS_SERVER_BIN points elsewhere: next to the
/// executable in a build (Tauri's externalBin), in `<prefix>/lib/cartographus` when installed
/// from the package (so it never clashes with a system nats-server in /usr/bin).
fn sidecar_flags() -> ConfigLayer {
    let ours = std::env::current_exe().ok().and_then(|exe| {
        let dir = exe.parent()?;
        [
            dir.join("nats-server"),
            dir.join("../lib/cartographus/nats-server"),
        ]
        .into_iter()
        .find(|path| path.is_file())
    });
    ConfigLayer {
        nats_server_bin: match std::env::var_os("NATS_SERVER_BIN").filter(|v| !v.is_empty()) {
            Some(_) => None,
            None => ours,
        },
        ..ConfigLayer::default()
    }
}

fn fail(app: &AppHandle, reason: String) {
    tracing::error!("engine failed to start: {reason}");
    let state = app.state::<DesktopState>();
    state.failed(reason);
    let health = state.health();
    tray::show_status(app, &health);
    let _ = HealthChanged(health).emit(app);
}

/// Keeps the login item, the tray's check mark and the window in step with the saved
/// settings, now and after every change (from the window, the tray or the HTTP API).
fn follow_settings(app: &AppHandle, settings: Arc<SettingsService>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut changes = settings.subscribe();
        let mut first = true;
        loop {
            if let Ok(preferences) = settings.desktop() {
                tray::show_keep_in_tray(&app, preferences.keep_in_tray);
                if let Err(e) = autostart::reconcile(&app, preferences.start_at_login) {
                    tracing::warn!("the login item does not match the setting: {e}");
                }
            }
            if !first {
                match settings.view() {
                    Ok(view) => {
                        let _ = SettingsChanged(view).emit(&app);
                    }
                    Err(e) => tracing::warn!("settings changed but cannot be read: {e}"),
                }
            }
            first = false;
            if changes.changed().await.is_err() {
                return;
            }
        }
    });
}

async fn forward_health(
    app: AppHandle,
    mut health: tokio::sync::watch::Receiver<cartographus_engine::Health>,
) {
    loop {
        let current = health.borrow_and_update().clone();
        tray::show_status(&app, &current);
        if let Err(e) = HealthChanged(current).emit(&app) {
            tracing::warn!("cannot send health to the window: {e}");
        }
        if health.changed().await.is_err() {
            return;
        }
    }
}

async fn forward_sidecar(
    app: AppHandle,
    mut sidecar: tokio::sync::watch::Receiver<cartographus_engine::bus::supervisor::SidecarState>,
) {
    loop {
        let status = SidecarStatus::from_state(&sidecar.borrow_and_update());
        if let Err(e) = SidecarChanged(status).emit(&app) {
            tracing::warn!("cannot send the sidecar state to the window: {e}");
        }
        if sidecar.changed().await.is_err() {
            return;
        }
    }
}

/// The tray's "N playing now", from the live view's memory (no database query).
async fn forward_playing(app: AppHandle, engine: EngineHandle) {
    let mut tick = tokio::time::interval(PLAYING_EVERY);
    loop {
        tick.tick().await;
        tray::show_playing(&app, &engine.live_snapshot().sessions);
    }
}

pub fn on_run_event(app: &AppHandle, event: RunEvent) {
    match event {
        RunEvent::WindowEvent {
            label,
            event: WindowEvent::CloseRequested { api, .. },
            ..
        } if prefs::keep_in_tray(app) => {
            api.prevent_close();
            if let Some(window) = app.get_webview_window(&label) {
                let _ = window.hide();
            }
        }
        RunEvent::ExitRequested { .. } | RunEvent::Exit => {
            if let Some(engine) = app.state::<DesktopState>().take_engine() {
                tauri::async_runtime::block_on(engine.shutdown());
            }
        }
        _ => {}
    }
}

//! Start-up and exit of the desktop app: resolve config, start the engine without blocking
//! the window, forward health to the UI and tray, and stop the engine (and so the sidecar)
//! when the app exits.

use cartographus_engine::config::{default_data_dir, ConfigLayer};
use cartographus_engine::startup::prepare;
use cartographus_engine::{logging, Engine};
use tauri::{App, AppHandle, Manager, RunEvent, WindowEvent};
use tauri_specta::Event;

use cartographus_engine::stats::SidecarStatus;

use crate::commands::{HealthChanged, SidecarChanged};
use crate::prefs::{self, PrefsPath};
use crate::state::DesktopState;
use crate::tray;

pub fn setup(app: &mut App) {
    let env = |name: &str| std::env::var(name).ok();
    let data_dir = match default_data_dir(env) {
        Ok(dir) => dir,
        Err(e) => return fail(app.handle(), e.to_string()),
    };
    app.state::<DesktopState>()
        .keep_log_guard(logging::init(&data_dir));
    app.manage(PrefsPath(data_dir.join("desktop.json")));
    if let Err(e) = tray::create(app) {
        // A desktop without a tray host still gets the window.
        tracing::warn!("no tray icon: {e}");
    }

    let prepared = match prepare(Some(data_dir), sidecar_flags(), env) {
        Ok(prepared) => prepared,
        Err(e) => return fail(app.handle(), e.to_string()),
    };
    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        match Engine::start(prepared.config, prepared.tokens).await {
            Ok(engine) => {
                let engine = handle.state::<DesktopState>().running(engine);
                if let Some(sidecar) = engine.subscribe_sidecar() {
                    tauri::async_runtime::spawn(forward_sidecar(handle.clone(), sidecar));
                }
                forward_health(handle, engine.subscribe_health()).await;
            }
            Err(e) => fail(&handle, e.to_string()),
        }
    });
}

/// The sidecar travels next to our executable (Tauri's externalBin); say so explicitly
/// unless NATS_SERVER_BIN already points elsewhere.
fn sidecar_flags() -> ConfigLayer {
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("nats-server")))
        .filter(|path| path.is_file());
    ConfigLayer {
        nats_server_bin: match std::env::var_os("NATS_SERVER_BIN") {
            Some(_) => None,
            None => beside_exe,
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

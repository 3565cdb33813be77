//! The tray menu's actions through Tauri's test harness (mock runtime, no display), with a
//! real engine behind them: pausing ingestion refuses webhooks with 503 until resumed, the
//! menu says so, and "keep running in the tray" is saved in the settings file.

mod support;

use std::time::Duration;

use cartographus_desktop::tray::{self, on_menu_action, TrayAction, TrayMenu};
use cartographus_desktop::DesktopState;
use cartographus_engine::Engine;
use tauri::test::MockRuntime;
use tauri::Manager;

#[test]
fn tray_actions_pause_and_resume_ingestion_and_save_keep_in_tray() {
    let data = tempfile::tempdir().unwrap();
    let app = support::mock_app();
    let menu = tray::build_menu(&app).unwrap();
    app.manage(menu);
    let prepared = support::prepare(
        &app,
        data.path(),
        &[("CARTOGRAPHUS_WEBHOOK_TOKEN", "tray-test-token")],
    );
    let state = app.state::<DesktopState>();
    state.set_settings(prepared.settings.clone());
    let engine =
        tauri::async_runtime::block_on(Engine::start_with(prepared.config, prepared.settings))
            .expect("the engine starts");
    let addr = engine.listen_addr();
    let engine = state.running(engine);
    let handle = app.handle();
    // The Tautulli fixture as a playback that starts now, so the live view holds it.
    let mut play: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/fixtures/tautulli/play.json")).unwrap();
    let now = chrono::Utc::now();
    play["unixtime"] = now.timestamp().to_string().into();
    play["utctime"] = now.format("%Y-%m-%dT%H:%M:%S").to_string().into();
    play["session"]["session_key"] = "tray-test".into();
    let body = play.to_string();
    let webhook = || {
        support::http(
            addr,
            "POST",
            "/webhooks/tautulli?token=tray-test-token",
            &body,
        )
    };
    let menu = app.state::<TrayMenu<MockRuntime>>();

    on_menu_action(handle, TrayAction::TogglePause.id());
    assert!(engine.ingestion().paused);
    let (status, body) = webhook();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("ingestion_paused"), "{body}");
    tray::show_status(handle, &engine.health());
    assert_eq!(menu.pause.text().unwrap(), "Resume ingestion");
    assert!(menu.status.text().unwrap().contains("ingestion paused"));

    on_menu_action(handle, TrayAction::TogglePause.id());
    assert!(!engine.ingestion().paused);
    let (status, body) = webhook();
    assert_eq!(status, 202, "{body}");
    tray::show_status(handle, &engine.health());
    assert_eq!(menu.pause.text().unwrap(), "Pause ingestion");

    // Saved through the plugin's store, into the file headless mode reads.
    on_menu_action(handle, TrayAction::ToggleKeepInTray.id());
    let settings_file = data.path().join("settings.json");
    support::wait_for("keep_in_tray saved", Duration::from_secs(10), || {
        std::fs::read_to_string(&settings_file)
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .is_some_and(|json| json["preferences"]["keep_in_tray"] == true)
    });
    let headless = cartographus_engine::preferences::FileStore::new(settings_file.clone());
    let saved = cartographus_engine::preferences::SettingsStore::load(&headless).unwrap();
    assert_eq!(saved.other["preferences"]["keep_in_tray"], true);

    // "N playing now" counts the playback the webhook above started.
    support::wait_for(
        "the playback in the live view",
        Duration::from_secs(15),
        || {
            tray::show_playing(handle, &engine.live_snapshot().sessions);
            menu.playing.text().unwrap() == "1 playing now"
        },
    );

    if let Some(engine) = state.take_engine() {
        tauri::async_runtime::block_on(engine.shutdown());
    }
}

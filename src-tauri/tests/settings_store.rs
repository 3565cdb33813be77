//! One settings file for both modes: what the desktop saves through tauri-plugin-store the
//! headless engine reads, and the other way round; the file stays private (0600), keys a
//! version does not know survive, and a change made through the engine on the desktop is
//! on disk when the call returns.

mod support;

use cartographus_desktop::settings_store::PluginSettingsStore;
use cartographus_engine::preferences::{FileStore, SettingsStore};
use cartographus_engine::Engine;
use serde_json::{json, Value};

fn file_json(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn settings_round_trip_between_the_plugin_store_and_the_engine() {
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("settings.json");
    // Written headless first, with a key from some later version.
    std::fs::write(
        &path,
        r#"{"config":{"nats_batch_size":250},"future_feature":{"x":1}}"#,
    )
    .unwrap();
    let app = support::mock_app();
    let prepared = support::prepare(&app, data.path(), &[]);
    assert_eq!(prepared.config.writer.batch_size, 250);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "tokens were written: the file must be private"
        );
    }
    let first = file_json(&path);
    assert_eq!(first["future_feature"], json!({"x": 1}));
    assert_eq!(first["webhook_tokens"].as_object().unwrap().len(), 4);
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "the plugin's writes are sorted like the engine's"
    );

    let engine =
        tauri::async_runtime::block_on(Engine::start_with(prepared.config, prepared.settings))
            .unwrap();
    let handle = engine.handle();
    let changes = json!({"nats_batch_size": 500, "theme": "dark", "keep_in_tray": true});
    let update = tauri::async_runtime::block_on(
        handle.update_settings(changes.as_object().unwrap().clone()),
    )
    .unwrap();
    assert_eq!(update.changed.len(), 3);

    // On disk at once, and read back by the headless engine's own reader.
    let headless = FileStore::new(path.clone()).load().unwrap();
    assert_eq!(headless.config.writer_batch_size, Some(500));
    assert_eq!(headless.other["preferences"]["theme"], "dark");
    assert_eq!(headless.other["future_feature"], json!({"x": 1}));
    assert_eq!(
        headless.api_token.as_ref().map(|t| t.expose().to_string()),
        first["api_token"].as_str().map(str::to_string),
        "the tokens are untouched"
    );
    tauri::async_runtime::block_on(engine.shutdown());

    // A change made headless is what a later desktop start reads.
    let mut edited = headless;
    edited.config.writer_batch_size = Some(42);
    FileStore::new(path.clone()).save(&edited).unwrap();
    let app = support::mock_app();
    let store = PluginSettingsStore::open(&app, &path).unwrap();
    assert_eq!(store.load().unwrap().config.writer_batch_size, Some(42));
}

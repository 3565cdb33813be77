//! The desktop's commands answer as the HTTP API does: through Tauri's IPC (mock runtime, no
//! display) and over HTTP to the same real engine, a purge, a dedup list filtered by rule
//! and a restore give the same JSON, and a refusal the same code.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use cartographus_desktop::DesktopState;
use cartographus_engine::Engine;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

const WEBHOOK_TOKEN: &str = "commands-test-webhook";
const API_TOKEN: &str = "commands-test-api";

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: tauri::test::INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

fn api(addr: SocketAddr, method: &str, path: &str) -> (u16, Value) {
    let (status, body) = support::http_with_token(addr, method, path, "", API_TOKEN);
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

fn webhook(addr: SocketAddr, source: &str, body: &str) -> u16 {
    let path = format!("/webhooks/{source}?token={WEBHOOK_TOKEN}");
    support::http(addr, "POST", &path, body).0
}

/// Tautulli's play fixture as a playback that starts now (Plex's copy of it carries no time
/// of its own, so the two are one playback only when Tautulli's is recent).
fn tautulli_play_now() -> String {
    let mut play: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/tautulli/play.json")).unwrap();
    let now = chrono::Utc::now();
    play["unixtime"] = now.timestamp().to_string().into();
    play["utctime"] = now.format("%Y-%m-%dT%H:%M:%S").to_string().into();
    play.to_string()
}

#[test]
fn commands_and_routes_give_the_same_answers() {
    let data = tempfile::tempdir().unwrap();
    let app = mock_builder()
        .plugin(tauri_plugin_store::Builder::new().build())
        .manage(DesktopState::default())
        .invoke_handler(cartographus_desktop::specta_builder_for!(MockRuntime).invoke_handler())
        .build(mock_context(noop_assets()))
        .expect("the mock app builds");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let prepared = support::prepare(
        &app,
        data.path(),
        &[
            ("CARTOGRAPHUS_WEBHOOK_TOKEN", WEBHOOK_TOKEN),
            ("CARTOGRAPHUS_API_TOKEN", API_TOKEN),
            ("CARTOGRAPHUS_WRITER_FLUSH_INTERVAL", "100ms"),
        ],
    );
    let state = app.state::<DesktopState>();
    state.set_settings(prepared.settings.clone());
    let engine =
        tauri::async_runtime::block_on(Engine::start_with(prepared.config, prepared.settings))
            .expect("the engine starts");
    let addr = engine.listen_addr();
    state.running(engine);

    // Purge: {"deleted": n} both ways.
    for _ in 0..2 {
        assert_eq!(webhook(addr, "emby", r#"{"Event": 3}"#), 400);
    }
    let purged = invoke(&window, "purge_dlq", json!({"filter": {"source": "emby"}}));
    assert_eq!(purged, Ok(json!({"deleted": 2})));
    for _ in 0..3 {
        assert_eq!(webhook(addr, "emby", r#"{"Event": 3}"#), 400);
    }
    assert_eq!(
        api(addr, "DELETE", "/api/v1/dlq?source=emby"),
        (200, json!({"deleted": 3}))
    );

    // One playback from Tautulli and Plex: the later copy is dropped by the cross-source rule.
    assert_eq!(webhook(addr, "tautulli", &tautulli_play_now()), 202);
    let plex = include_str!("../../tests/fixtures/plex/media.play.episode.json");
    assert_eq!(webhook(addr, "plex", plex), 202);
    let first_page = json!({"cursor": null, "limit": null});
    let by_rule = |rule: &str| {
        invoke(
            &window,
            "list_dedup",
            json!({"filter": {"rule": rule}, "page": first_page}),
        )
        .unwrap()
    };
    support::wait_for("the dedup record", Duration::from_secs(30), || {
        by_rule("cross_source")["items"]
            .as_array()
            .is_some_and(|items| items.len() == 1)
    });
    assert_eq!(by_rule("session")["items"], json!([]), "the rule filters");
    let over_http = |rule: &str| api(addr, "GET", &format!("/api/v1/dedup?rule={rule}")).1;
    assert_eq!(by_rule("cross_source"), over_http("cross_source"));
    assert_eq!(by_rule("session"), over_http("session"));

    // The kept twin, by id: the same event both ways, and the same refusal for an unknown id.
    let record = by_rule("cross_source")["items"][0].clone();
    let kept_id = record["kept_event_id"].as_str().unwrap();
    let kept = invoke(&window, "get_event", json!({"id": kept_id})).unwrap();
    assert_eq!(kept["event_id"], kept_id);
    assert_eq!(
        kept,
        api(addr, "GET", &format!("/api/v1/events/{kept_id}")).1
    );
    let missing = invoke(&window, "get_event", json!({"id": "no-such-event"})).unwrap_err();
    assert_eq!(missing["code"], "not_found");

    // Restore: the same answer, and the same refusal the second time.
    let id = record["id"].as_str().unwrap();
    let restored = invoke(&window, "restore_dedup", json!({"id": id})).unwrap();
    assert_eq!(
        restored,
        json!({"restored": true, "event_id": record["dropped_event_id"]})
    );
    let again = invoke(&window, "restore_dedup", json!({"id": id})).unwrap_err();
    let (status, over_http) = api(addr, "POST", &format!("/api/v1/dedup/{id}/restore"));
    assert_eq!(status, 409);
    assert_eq!(again["code"], over_http["error"]["code"]);
    assert_eq!(again["code"], "conflict");

    // History and analytics: the same answers both ways.
    let sessions = invoke(
        &window,
        "list_sessions",
        json!({"filter": {"sort": "user", "order": "asc"}, "page": first_page}),
    )
    .unwrap();
    assert!(sessions["items"].as_array().is_some_and(|s| !s.is_empty()));
    assert_eq!(
        sessions,
        api(addr, "GET", "/api/v1/sessions?sort=user&order=asc").1
    );
    let plays = invoke(
        &window,
        "get_analytics_plays",
        json!({"query": {"by": "user", "tz": "60"}}),
    )
    .unwrap();
    assert!(plays["rows"].as_array().is_some_and(|r| !r.is_empty()));
    assert_eq!(
        plays,
        api(addr, "GET", "/api/v1/analytics/plays?by=user&tz=60").1
    );
    let concurrent = invoke(
        &window,
        "get_analytics_concurrent",
        json!({"range": {"tz": "0"}}),
    )
    .unwrap();
    assert_eq!(
        concurrent,
        api(addr, "GET", "/api/v1/analytics/concurrent?tz=0").1
    );
    let bad_zone = invoke(
        &window,
        "get_analytics_plays",
        json!({"query": {"by": "day", "tz": "Mars/Olympus"}}),
    )
    .unwrap_err();
    assert_eq!(bad_zone["code"], "bad_time_zone");

    if let Some(engine) = state.take_engine() {
        tauri::async_runtime::block_on(engine.shutdown());
    }
}

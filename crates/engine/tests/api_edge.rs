//! The HTTP edge over real HTTP: token checks, the Host check against DNS rebinding, error
//! shapes, the WebSocket's health messages.

mod support;

use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use futures_util::StreamExt;
use serde_json::Value;
use support::*;
use tokio_tungstenite::tungstenite::Message;

async fn engine() -> TestEngine {
    // The edge does not depend on NATS; the direct path keeps these tests quick.
    TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_needs_the_token() {
    let t = engine().await;
    let missing = t.http.get(t.url("/api/v1/info")).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");

    let wrong = t
        .http
        .get(t.url("/api/v1/info"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let right = t
        .http
        .get(t.url("/api/v1/info"))
        .bearer_auth(API_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    let info: Value = right.json().await.unwrap();
    assert_eq!(info["listen"], t.engine.listen_addr().to_string());
    assert_eq!(info["data_dir"], t.dir.path().display().to_string());

    // Health is public: monitors need no secret to ask whether we are up.
    let health = t.http.get(t.url("/api/v1/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_name_is_refused_on_loopback() {
    let t = engine().await;
    let rebound = t
        .http
        .get(t.url("/api/v1/health"))
        .header("Host", "attacker.example:3857")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    let body: Value = rebound.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden_host");
    let local = t
        .http
        .get(t.url("/api/v1/health"))
        .header("Host", "localhost:3857")
        .send()
        .await
        .unwrap();
    assert_eq!(local.status(), 200);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_api_routes_answer_in_the_error_shape() {
    let t = engine().await;
    let response = t.http.get(t.url("/api/v1/nope")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].is_string());
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_websocket_needs_the_token_and_sends_health() {
    let t = engine().await;
    let ws_base = t.base.replace("http://", "ws://");
    let refused = tokio_tungstenite::connect_async(format!("{ws_base}/api/v1/ws")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!("expected 401, got {other:?}"),
    }

    let (mut socket, _) =
        tokio_tungstenite::connect_async(format!("{ws_base}/api/v1/ws?token={API_TOKEN}"))
            .await
            .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("a health message")
        .unwrap()
        .unwrap();
    let Message::Text(text) = first else {
        panic!("expected text, got {first:?}")
    };
    let message: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(message["type"], "health");
    assert_eq!(message["data"]["status"], "ok");
    assert_eq!(message["data"]["parts"]["nats"]["status"], "disabled");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_ui_is_served_with_a_strict_csp() {
    let ui = tempfile::tempdir().unwrap();
    std::fs::write(ui.path().join("index.html"), "<!doctype html><p>ui</p>").unwrap();
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ui_dir: Some(ui.path().to_path_buf()),
        ..Default::default()
    })
    .await;
    // Deep links fall back to index.html.
    let response = t.http.get(t.url("/history/anything")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(response.text().await.unwrap().contains("<p>ui</p>"));
    t.engine.shutdown().await;
}

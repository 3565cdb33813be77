//! Moving the HTTP listener while the engine runs (the setup wizard's first step), over real
//! HTTP: the new address answers and the old one stops; a taken port is refused and the old
//! listener keeps serving; an address fixed by the environment is refused with 409 naming
//! it; the Host check follows the address (on while loopback, off on all interfaces); the
//! choice is kept for the next start; "check from here" calls the chosen address.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::startup::prepare;
use cartographus_engine::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::setup_api::call;
use support::{wait_for, TestEngine, API_TOKEN};

/// The direct path: moving the listener needs no JetStream.
fn direct() -> ConfigLayer {
    ConfigLayer {
        nats_enabled: Some(false),
        ..ConfigLayer::default()
    }
}

/// A client without a connection pool: each request opens a new connection, so an address
/// that stopped listening shows at once.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// GET `path` at `addr` with `host` as the Host header; the status, or None when nothing
/// accepted the connection.
async fn get_at(addr: SocketAddr, path: &str, host: Option<&str>) -> Option<u16> {
    let mut request = fresh_client()
        .get(format!("http://{addr}{path}"))
        .bearer_auth(API_TOKEN);
    if let Some(host) = host {
        request = request.header("host", host);
    }
    match request.send().await {
        Ok(response) => Some(response.status().as_u16()),
        Err(e) if e.is_connect() => None,
        Err(e) => panic!("GET {addr}{path}: {e}"),
    }
}

async fn move_to(t: &TestEngine, address: &str) -> (StatusCode, Value) {
    call(
        t,
        Method::PUT,
        "/api/v1/setup/listen",
        Some(json!({"address": address})),
    )
    .await
}

fn saved_listen(dir: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(dir.join("settings.json")).unwrap();
    let settings: Value = serde_json::from_str(&text).unwrap();
    settings["config"]["listen"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_to_another_loopback_address_serves_there_and_stops_the_old_one() {
    let t = TestEngine::start(direct()).await;
    let old = t.engine.listen_addr();
    let new: SocketAddr = format!("127.0.0.2:{}", old.port()).parse().unwrap();

    // Asked through the old address, answered through it too, then it stops.
    let (status, moved) = move_to(&t, &new.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(
        moved,
        json!({"previous": old.to_string(), "listen": new.to_string(),
               "url": format!("http://{new}/"), "changed": true})
    );
    assert_eq!(get_at(new, "/api/v1/info", None).await, Some(200));
    wait_for(
        "the old address to stop",
        Duration::from_secs(10),
        || async {
            get_at(old, "/api/v1/health", None)
                .await
                .is_none()
                .then_some(())
        },
    )
    .await;

    assert_eq!(t.engine.listen_addr(), new);
    let info: Value = fresh_client()
        .get(format!("http://{new}/api/v1/info"))
        .bearer_auth(API_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["listen"], new.to_string());
    let health = t.engine.handle().health();
    assert_eq!(health.parts["listener"].detail, format!("http://{new}"));
    // Still loopback: the Host check against DNS rebinding still applies.
    assert_eq!(
        get_at(new, "/api/v1/info", Some("evil.example")).await,
        Some(403)
    );

    // Kept for the next start.
    assert_eq!(saved_listen(t.dir.path()), json!(new.to_string()));
    let next = prepare(Some(t.dir.path().to_path_buf()), direct(), |_| None).unwrap();
    assert_eq!(next.config.listen, new);

    // The stop waits for the moved listener and leaves nothing listening.
    tokio::time::timeout(Duration::from_secs(30), t.engine.shutdown())
        .await
        .expect("the engine stops");
    assert_eq!(get_at(new, "/api/v1/health", None).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_port_is_refused_and_the_old_listener_keeps_serving() {
    let t = TestEngine::start(direct()).await;
    let old = t.engine.listen_addr();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_addr = taken.local_addr().unwrap();

    let (status, refused) = move_to(&t, &taken_addr.to_string()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "port_in_use");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&taken_addr.port().to_string()),
        "{message}"
    );
    assert!(message.contains("keeps listening"), "{message}");

    assert_eq!(t.engine.listen_addr(), old);
    assert_eq!(get_at(old, "/api/v1/info", None).await, Some(200));
    assert!(!t.dir.path().join("settings.json").exists() || saved_listen(t.dir.path()).is_null());

    for (address, code) in [
        ("8.8.8.8:3857", "invalid_address"),
        ("nas.local:3857", "invalid_address"),
        ("127.0.0.1:0", "invalid_address"),
    ] {
        let (status, refused) = move_to(&t, address).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{address}: {refused}");
        assert_eq!(refused["error"]["code"], code, "{address}");
    }
    let (status, refused) = call(
        &t,
        Method::PUT,
        "/api/v1/setup/listen",
        Some(json!({"addr": "127.0.0.1:1"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"]["code"], "bad_request");
    assert_eq!(get_at(old, "/api/v1/info", None).await, Some(200));
    drop(taken);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_fixed_by_the_environment_is_409_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let env = |name: &str| match name {
        "CARTOGRAPHUS_LISTEN" => Some("127.0.0.1:0".to_string()),
        "NATS_ENABLED" => Some("false".to_string()),
        _ => None,
    };
    let prepared = prepare(Some(dir.path().to_path_buf()), ConfigLayer::default(), env).unwrap();
    let engine = Engine::start(prepared.config, support::tokens())
        .await
        .unwrap();
    let t = TestEngine {
        base: format!("http://{}", engine.listen_addr()),
        engine,
        dir,
        http: reqwest::Client::new(),
    };
    let old = t.engine.listen_addr();

    let (status, refused) = move_to(&t, &format!("127.0.0.2:{}", old.port())).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "locked");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("CARTOGRAPHUS_LISTEN"), "{message}");
    assert_eq!(t.engine.listen_addr(), old);

    let (_, overview) = call(&t, Method::GET, "/api/v1/setup", None).await;
    assert_eq!(overview["listen_locked_by"], "CARTOGRAPHUS_LISTEN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_check_follows_the_address_to_all_interfaces_and_back() {
    let t = TestEngine::start(direct()).await;
    let old = t.engine.listen_addr();
    let (_, overview) = call(&t, Method::GET, "/api/v1/setup", None).await;
    assert_eq!(overview["listen_locked_by"], Value::Null);
    assert_eq!(
        get_at(old, "/api/v1/info", Some("nas.example:3857")).await,
        Some(403),
        "on loopback, another host name is refused"
    );

    // Same port on every interface: it overlaps the old address, so the old socket is
    // closed first and the new one bound; the request asking for it still gets its answer.
    let everywhere: SocketAddr = format!("0.0.0.0:{}", old.port()).parse().unwrap();
    let (status, moved) = move_to(&t, &everywhere.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["url"], format!("http://127.0.0.1:{}/", old.port()));
    assert_eq!(t.engine.listen_addr(), everywhere);
    assert_eq!(
        get_at(old, "/api/v1/info", Some("nas.example:3857")).await,
        Some(200),
        "listening on the network, the machine's own names are served"
    );

    // And back: the Host check is on again.
    let (status, back) = call(
        &t,
        Method::PUT,
        "/api/v1/setup/listen",
        Some(json!({"address": old.to_string()})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(
        get_at(old, "/api/v1/info", Some("nas.example:3857")).await,
        Some(403)
    );
    assert_eq!(get_at(old, "/api/v1/info", None).await, Some(200));

    // Moving to where it already listens changes nothing.
    let (status, same) = move_to(&t, &old.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!(same["changed"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_from_here_calls_the_chosen_address() {
    let t = TestEngine::start(direct()).await;
    let here = t.engine.listen_addr();

    let (status, checked) = call(&t, Method::POST, "/api/v1/setup/listen/check", None).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(checked["url"], format!("http://{here}/api/v1/health"));
    assert!(checked["status"].is_string(), "{checked}");
    assert!(checked["round_trip_ms"].is_u64(), "{checked}");

    // A loopback address where nothing listens.
    let nowhere = format!("127.0.0.3:{}", here.port());
    let (status, failed) = call(
        &t,
        Method::POST,
        "/api/v1/setup/listen/check",
        Some(json!({"address": nowhere})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{failed}");
    assert_eq!(failed["error"]["code"], "listen_unreachable");
    assert!(
        failed["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&nowhere),
        "{failed}"
    );

    let (status, refused) = call(
        &t,
        Method::POST,
        "/api/v1/setup/listen/check",
        Some(json!({"host": "127.0.0.1"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"]["code"], "bad_request");

    // Only this machine's addresses are checked.
    let (status, refused) = call(
        &t,
        Method::POST,
        "/api/v1/setup/listen/check",
        Some(json!({"address": "203.0.113.9:80"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"]["code"], "invalid_address");
}

//! The engine's start-up and shutdown with a real nats-server and a real DuckDB file,
//! checked over real HTTP.

mod support;

use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::{Engine, EngineError, OverallStatus, PartStatus, PipelineMode};
use serde_json::Value;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_ok_with_every_part_up_and_shutdown_stops_the_sidecar() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    let health = wait_for("all parts up", Duration::from_secs(10), || async {
        let h = t.engine.handle().health();
        h.is_ok().then_some(h)
    })
    .await;
    assert_eq!(health.mode, PipelineMode::Jetstream);

    let response = t.http.get(t.url("/api/v1/health")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    for part in ["listener", "nats", "duckdb"] {
        assert_eq!(body["parts"][part]["status"], "up", "{part}: {body}");
    }
    assert!(t.dir.path().join("cartographus.duckdb").exists());
    assert!(t.dir.path().join("jetstream").is_dir());

    let pid = sidecar_pid(&t);
    assert!(process_alive(pid));
    t.engine.shutdown().await;
    assert!(!process_alive(pid), "nats-server {pid} outlived the engine");
    assert!(!t.dir.path().join("nats/nats-server.pid").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_port_names_the_port_and_the_setting() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let layer = ConfigLayer {
        listen: Some(format!("127.0.0.1:{port}").parse().unwrap()),
        ..Default::default()
    };
    let mut config = config(dir.path(), ConfigLayer::default());
    config.listen = layer.listen.unwrap();
    let err = match Engine::start(config, tokens()).await {
        Err(e) => e,
        Ok(_) => panic!("engine started on a taken port"),
    };
    assert!(matches!(err, EngineError::PortInUse { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains(&port.to_string()), "{message}");
    assert!(message.contains("CARTOGRAPHUS_LISTEN"), "{message}");
    // Failing on the port must not leave a sidecar behind.
    assert!(!dir.path().join("nats/nats-server.pid").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_sidecar_binary_degrades_to_the_direct_path() {
    let t = TestEngine::start(ConfigLayer {
        nats_server_bin: Some("/nonexistent/nats-server".into()),
        ..Default::default()
    })
    .await;
    // The reason is a detail: it needs the token.
    let response = t
        .http
        .get(t.url("/api/v1/health"))
        .bearer_auth(API_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["mode"], "direct");
    assert_eq!(body["parts"]["nats"]["status"], "down");
    let reason = body["parts"]["nats"]["detail"].as_str().unwrap();
    assert!(reason.contains("/nonexistent/nats-server"), "{reason}");
    assert_eq!(body["parts"]["duckdb"]["status"], "up");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_disabled_by_choice_is_ok_in_direct_mode() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    let health = t.engine.handle().health();
    assert_eq!(health.status, OverallStatus::Ok);
    assert_eq!(health.mode, PipelineMode::Direct);
    assert_eq!(health.parts["nats"].status, PartStatus::Disabled);
    assert!(t.engine.bus().is_none());
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_sidecar_is_restarted_and_health_follows() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    let bus = t.engine.bus().unwrap();
    let first = bus.sidecar_state().unwrap().pid.unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(first as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let restarted = wait_for("sidecar restarted", Duration::from_secs(10), || async {
        let s = bus.sidecar_state().unwrap();
        (s.restarts == 1 && s.pid.is_some()).then_some(s)
    })
    .await;
    assert_ne!(restarted.pid, Some(first));
    wait_for("health ok again", Duration::from_secs(10), || async {
        t.engine.handle().health().is_ok().then_some(())
    })
    .await;
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_sidecar_from_a_dead_run_is_stopped_at_start() {
    use cartographus_engine::bus::sidecar::{free_loopback_port, RunningSidecar, SidecarSpec};
    use cartographus_engine::secret::generate_token;

    let dir = tempfile::tempdir().unwrap();
    // What a crashed run leaves behind: a nats-server on our config, and its pid file.
    let spec = SidecarSpec {
        bin: nats_server_bin(),
        work_dir: dir.path().join("nats"),
        store_dir: dir.path().join("jetstream"),
        port: free_loopback_port().unwrap(),
        token: generate_token(),
    };
    let orphan = RunningSidecar::start(&spec, Duration::from_secs(10))
        .await
        .unwrap();
    let stale = orphan.pid;
    std::mem::forget(orphan);
    assert!(process_alive(stale));

    let engine = Engine::start(config(dir.path(), ConfigLayer::default()), tokens())
        .await
        .unwrap();
    wait_for("stale sidecar gone", Duration::from_secs(10), || async {
        (!process_alive(stale)).then_some(())
    })
    .await;
    let fresh = engine.bus().unwrap().sidecar_state().unwrap().pid.unwrap();
    assert_ne!(fresh, stale);
    assert!(engine.handle().health().parts["nats"].status == PartStatus::Up);
    engine.shutdown().await;
}

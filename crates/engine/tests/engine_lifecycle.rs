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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_engine_on_the_same_data_dir_is_refused_and_touches_nothing() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    wait_for("all parts up", Duration::from_secs(10), || async {
        t.engine.handle().health().is_ok().then_some(())
    })
    .await;
    let sidecar = sidecar_pid(&t);

    let err = match Engine::start(config(t.dir.path(), ConfigLayer::default()), tokens()).await {
        Err(e) => e,
        Ok(_) => panic!("a second engine started on a data dir in use"),
    };
    assert_eq!(err.code(), "data_dir_in_use", "{err}");
    let message = err.to_string();
    assert!(
        message.contains(&t.dir.path().display().to_string()),
        "{message}"
    );
    assert!(
        message.contains(&format!("pid {}", std::process::id())),
        "{message}"
    );

    // The first engine's sidecar was not stopped, restarted or replaced, and still serves.
    assert!(process_alive(sidecar));
    let state = t.engine.bus().unwrap().sidecar_state().unwrap();
    assert_eq!((state.pid, state.restarts), (Some(sidecar), 0));
    let id = support::load::post(&t, 1)
        .await
        .expect("the first engine still takes webhooks");
    wait_for("the event stored", Duration::from_secs(30), || async {
        t.engine.handle().event(&id).await.ok()
    })
    .await;
    t.engine.shutdown().await;
}

/// The persist consumer's state on an external server, as the test's own client sees it.
async fn persist_consumer(url: &str) -> async_nats::jetstream::consumer::Info {
    let client = async_nats::connect(url).await.unwrap();
    let jetstream = async_nats::jetstream::new(client);
    let stream = jetstream.get_stream("MEDIA_EVENTS").await.unwrap();
    stream.consumer_info("persist").await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_under_load_leaves_no_batch_half_done_and_loses_no_acknowledged_event() {
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use support::nats::{free_port, NatsServer};

    // An external server outlives the engine, so the consumer can be inspected after the stop.
    let store = tempfile::tempdir().unwrap();
    let nats = NatsServer::with_jetstream(free_port(), store.path(), &[]);
    let layer = ConfigLayer {
        nats_embedded: Some(false),
        nats_url: Some(nats.url()),
        ..ConfigLayer::default()
    };
    let t = TestEngine::start(layer.clone()).await;

    let acked = Arc::new(Mutex::new(HashSet::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let load: Vec<_> = (0..6)
        .map(|_| {
            let (acked, next, stop) = (acked.clone(), next.clone(), stop.clone());
            let (http, base) = (reqwest::Client::new(), t.base.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let answer = http
                        .post(format!("{base}/webhooks/tautulli?token={WEBHOOK_TOKEN}"))
                        .header("content-type", "application/json")
                        .body(support::load::tautulli_play(n))
                        .send()
                        .await;
                    let Ok(answer) = answer else { continue };
                    if answer.status() == 202 {
                        let body: serde_json::Value = answer.json().await.unwrap();
                        let id = body["event_id"].as_str().unwrap().to_string();
                        acked.lock().unwrap().insert(id);
                    }
                }
            })
        })
        .collect();
    wait_for("load under way", Duration::from_secs(60), || async {
        (acked.lock().unwrap().len() >= 400).then_some(())
    })
    .await;
    t.engine.shutdown().await;
    stop.store(true, Ordering::Relaxed);
    for worker in load {
        worker.await.unwrap();
    }

    // Every message the writer was handed was stored and acknowledged before it stopped.
    let consumer = persist_consumer(&nats.url()).await;
    assert_eq!(consumer.num_ack_pending, 0, "{consumer:?}");
    assert_eq!(
        consumer.delivered.stream_sequence, consumer.ack_floor.stream_sequence,
        "a delivered batch was left unacknowledged: {consumer:?}"
    );

    let acked = acked.lock().unwrap().clone();
    let engine = Engine::start(config(t.dir.path(), layer), tokens())
        .await
        .unwrap();
    let stored: Vec<String> = wait_for(
        "every acknowledged event stored",
        Duration::from_secs(60),
        || async {
            let ids = stored_event_ids(engine.database()).await;
            let held: HashSet<&String> = ids.iter().collect();
            acked.iter().all(|id| held.contains(id)).then_some(ids)
        },
    )
    .await;
    let distinct: HashSet<&String> = stored.iter().collect();
    assert_eq!(distinct.len(), stored.len(), "an event stored twice");
    engine.shutdown().await;
}

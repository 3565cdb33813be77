//! NATS that is not there at start, comes back, needs a password, lacks JetStream or loses
//! its stream — with real nats-servers, a real DuckDB file and webhooks over real HTTP.
//! Every acknowledged webhook must end up stored exactly once, and no password may show.

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::{PartStatus, PipelineMode};
use serde_json::Value;
use support::load::tautulli_play;
use support::nats::{free_port, sidecar_client, NatsServer};
use support::*;

fn external(url: String) -> ConfigLayer {
    ConfigLayer {
        nats_embedded: Some(false),
        nats_url: Some(url),
        writer_flush_interval: Some(Duration::from_millis(100)),
        ..ConfigLayer::default()
    }
}

/// Posts webhook `n`; the answer's status and body.
async fn post(t: &TestEngine, n: usize) -> (u16, Value) {
    let response = t
        .http
        .post(t.url(&format!("/webhooks/tautulli?token={WEBHOOK_TOKEN}")))
        .header("content-type", "application/json")
        .body(tautulli_play(n))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post_accepted(t: &TestEngine, n: usize) -> (String, bool) {
    let (status, body) = post(t, n).await;
    assert_eq!(status, 202, "webhook {n}: {body}");
    (
        body["event_id"].as_str().unwrap().to_string(),
        body["spooled"] == true,
    )
}

async fn assert_each_stored_once(t: &TestEngine, acked: &[String]) {
    let ids = wait_for("every event stored", Duration::from_secs(60), || async {
        let ids = stored_event_ids(t.engine.database()).await;
        (ids.len() >= acked.len()).then_some(ids)
    })
    .await;
    let distinct: HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "an event stored twice: {ids:?}");
    for id in acked {
        assert!(
            distinct.contains(id),
            "{id} was acknowledged but is not stored"
        );
    }
    assert_eq!(ids.len(), acked.len());
}

fn nats_part(t: &TestEngine) -> (PartStatus, String) {
    let part = t.engine.handle().health().parts["nats"].clone();
    (part.status, part.detail)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_unreachable_at_start_spools_then_switches_to_jetstream_storing_each_event_once() {
    let port = free_port();
    let store = tempfile::tempdir().unwrap();
    let t = TestEngine::start(external(format!("nats://127.0.0.1:{port}"))).await;

    let (status, detail) = nats_part(&t);
    assert_eq!(status, PartStatus::Down, "{detail}");
    assert!(
        detail.contains("spool"),
        "health must say where events go: {detail}"
    );
    assert!(t.engine.bus().is_none());

    let mut acked = Vec::new();
    for n in 0..20 {
        let (id, spooled) = post_accepted(&t, n).await;
        assert!(
            spooled,
            "with NATS away, webhook {n} must be spooled (durable)"
        );
        acked.push(id);
    }
    assert_eq!(t.engine.spool().unwrap().pending(), 20);

    let _nats = NatsServer::with_jetstream(port, store.path(), &[]);
    wait_for("JetStream mode", Duration::from_secs(30), || async {
        let health = t.engine.handle().health();
        (health.mode == PipelineMode::Jetstream).then_some(())
    })
    .await;
    assert_each_stored_once(&t, &acked).await;

    // From now on webhooks go straight into JetStream.
    wait_for("the spool drained", Duration::from_secs(30), || async {
        (t.engine.spool().unwrap().pending() == 0).then_some(())
    })
    .await;
    let (id, spooled) = post_accepted(&t, 20).await;
    assert!(!spooled);
    acked.push(id);
    assert_each_stored_once(&t, &acked).await;
    t.engine.shutdown().await;
}

/// Everything logged in this test binary, at every level and from every crate.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Capture(sink.clone()))
            .try_init();
        logs
    })
    .clone()
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_url_with_user_and_password_connects_and_the_password_shows_nowhere() {
    const PASSWORD: &str = "pw-9f3c1e77d2";
    const WRONG: &str = "pw-wrong-51aa0c";
    let logs = captured_logs();
    let port = free_port();
    let store = tempfile::tempdir().unwrap();
    let _nats =
        NatsServer::with_jetstream(port, store.path(), &["--user", "carto", "--pass", PASSWORD]);

    let t = TestEngine::start(external(format!(
        "nats://carto:{PASSWORD}@127.0.0.1:{port}"
    )))
    .await;
    let (status, detail) = nats_part(&t);
    assert_eq!(status, PartStatus::Up, "{detail}");
    assert!(detail.contains("carto:***@127.0.0.1"), "{detail}");
    let mut acked = Vec::new();
    for n in 0..3 {
        let (id, spooled) = post_accepted(&t, n).await;
        assert!(!spooled, "published to JetStream directly");
        acked.push(id);
    }
    assert_each_stored_once(&t, &acked).await;

    // A wrong password: refused by the server, and the refusal says so without showing it.
    let wrong = TestEngine::start(external(format!("nats://carto:{WRONG}@127.0.0.1:{port}"))).await;
    let (status, detail) = nats_part(&wrong);
    assert_eq!(status, PartStatus::Down, "{detail}");
    assert!(detail.contains("authorization violation"), "{detail}");

    for engine in [&t, &wrong] {
        let health = engine
            .http
            .get(engine.url("/api/v1/health"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let stats = engine
            .http
            .get(engine.url("/api/v1/stats"))
            .bearer_auth(API_TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for text in [&health, &stats] {
            assert!(!text.contains(PASSWORD) && !text.contains(WRONG), "{text}");
        }
    }
    wrong.engine.shutdown().await;
    t.engine.shutdown().await;

    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).to_string();
    assert!(
        logs.contains("127.0.0.1:") && logs.contains("authorization violation"),
        "the capture must have seen the connection attempts: {logs}"
    );
    for line in logs.lines() {
        assert!(
            !line.contains(PASSWORD) && !line.contains(WRONG),
            "a log line shows the password: {line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jetstream_missing_on_the_server_is_reported_not_up_and_webhooks_stay_durable() {
    let port = free_port();
    let store = tempfile::tempdir().unwrap();
    let with_jetstream = NatsServer::with_jetstream(port, store.path(), &[]);
    let t = TestEngine::start(external(format!("nats://127.0.0.1:{port}"))).await;
    assert_eq!(nats_part(&t).0, PartStatus::Up);
    let (first, _) = post_accepted(&t, 0).await;
    assert_each_stored_once(&t, std::slice::from_ref(&first)).await;

    // The same server comes back without JetStream (what a full disk does to it).
    with_jetstream.stop();
    let _plain = NatsServer::start(port, &[]);
    let detail = wait_for(
        "JetStream reported missing",
        Duration::from_secs(30),
        || async {
            let (status, detail) = nats_part(&t);
            (status == PartStatus::Down && detail.contains("JetStream")).then_some(detail)
        },
    )
    .await;
    assert!(detail.contains("connected"), "{detail}");
    let (_, spooled) = post_accepted(&t, 1).await;
    assert!(spooled, "without JetStream the event must go to the spool");
    t.engine.shutdown().await;

    // A server that never had JetStream: the engine starts, says so, and spools.
    let t = TestEngine::start(external(format!("nats://127.0.0.1:{port}"))).await;
    let (status, detail) = nats_part(&t);
    assert_eq!(status, PartStatus::Down, "{detail}");
    assert!(detail.contains("JetStream"), "{detail}");
    let (_, spooled) = post_accepted(&t, 2).await;
    assert!(spooled);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_stream_is_provisioned_again_and_later_webhooks_are_stored() {
    let t = TestEngine::start(ConfigLayer {
        writer_flush_interval: Some(Duration::from_millis(100)),
        ..ConfigLayer::default()
    })
    .await;
    let (first, _) = post_accepted(&t, 0).await;
    assert_each_stored_once(&t, std::slice::from_ref(&first)).await;

    let jetstream = async_nats::jetstream::new(sidecar_client(t.dir.path()).await);
    assert!(
        jetstream
            .delete_stream("MEDIA_EVENTS")
            .await
            .unwrap()
            .success
    );

    let mut acked = vec![first];
    for n in 1..6 {
        acked.push(post_accepted(&t, n).await.0);
    }
    assert_each_stored_once(&t, &acked).await;
    let mut stream = jetstream
        .get_stream("MEDIA_EVENTS")
        .await
        .expect("provisioned again");
    assert!(stream.info().await.unwrap().state.messages >= 5);
    stream
        .consumer_info("persist")
        .await
        .expect("the writer's consumer provisioned again");
    t.engine.shutdown().await;
}

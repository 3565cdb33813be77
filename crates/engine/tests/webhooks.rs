//! Webhook ingest over real HTTP: every fixture accepted and durable in JetStream (or DuckDB
//! on the direct path), duplicates recognised, bad input refused with a reason and kept.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::dlq;
use cartographus_engine::persist::events::count_events;
use serde_json::Value;
use support::*;

fn fixture(path: &str) -> Vec<u8> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

const PLAYBACK_FIXTURES: &[(&str, &str, &str)] = &[
    ("tautulli", "tautulli/play.json", "application/json"),
    ("tautulli", "tautulli/pause.json", "application/json"),
    ("tautulli", "tautulli/resume.json", "application/json"),
    ("tautulli", "tautulli/stop.json", "application/json"),
    ("tautulli", "tautulli/watched.json", "application/json"),
    ("tautulli", "tautulli/buffer.json", "application/json"),
    ("plex", "plex/media.play.episode.json", "application/json"),
    ("plex", "plex/media.pause.episode.json", "application/json"),
    ("plex", "plex/media.resume.episode.json", "application/json"),
    ("plex", "plex/media.stop.episode.json", "application/json"),
    (
        "plex",
        "plex/media.scrobble.episode.json",
        "application/json",
    ),
    (
        "plex",
        "plex/media.play.movie.remote.json",
        "application/json",
    ),
    (
        "plex",
        "plex/media.stop.movie.remote.json",
        "application/json",
    ),
    ("plex", "plex/media.play.track.json", "application/json"),
    ("jellyfin", "jellyfin/PlaybackStart.json", "text/plain"),
    ("jellyfin", "jellyfin/PlaybackProgress.json", "text/plain"),
    ("jellyfin", "jellyfin/PlaybackStop.json", "application/json"),
    ("emby", "emby/playback.start.json", "application/json"),
    ("emby", "emby/playback.pause.json", "application/json"),
    ("emby", "emby/playback.stop.json", "application/json"),
];

async fn post(t: &TestEngine, source: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let response = t
        .http
        .post(t.url(&format!("/webhooks/{source}?token={WEBHOOK_TOKEN}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

async fn dlq_count(t: &TestEngine) -> u64 {
    t.engine
        .database()
        .with_conn(|conn| dlq::rejected::count(conn))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fixture_lands_in_the_stream_once_under_its_subject() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    let jetstream = t.engine.bus().unwrap().jetstream();
    let mut ids = std::collections::HashSet::new();
    for (source, path, content_type) in PLAYBACK_FIXTURES {
        let (status, body) = post(&t, source, content_type, fixture(path)).await;
        assert_eq!(status, 202, "{path}: {body}");
        assert_eq!(body["status"], "accepted", "{path}: {body}");
        assert_eq!(body["duplicate"], false, "{path}: {body}");
        assert!(
            ids.insert(body["event_id"].as_str().unwrap().to_string()),
            "{path}: id reused"
        );
    }
    let mut stream = jetstream.get_stream("MEDIA_EVENTS").await.unwrap();
    let info = stream.info().await.unwrap();
    assert_eq!(info.state.messages, PLAYBACK_FIXTURES.len() as u64);

    let stats: Value = t
        .http
        .get(t.url("/api/v1/stats"))
        .bearer_auth(API_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stats["stream"]["messages"],
        PLAYBACK_FIXTURES.len() as f64,
        "{stats}"
    );
    assert_eq!(
        stats["stream"]["last_seq"],
        PLAYBACK_FIXTURES.len() as f64,
        "{stats}"
    );
    assert_eq!(stats["spool"]["pending"], 0.0, "{stats}");
    assert!(stats["sidecar"]["pid"].as_u64().is_some(), "{stats}");
    assert!(
        stats["sidecar"]["rss_bytes"].as_f64().unwrap() > 1e6,
        "{stats}"
    );

    let first = stream.get_raw_message(1).await.unwrap();
    assert_eq!(first.subject.as_str(), "playback.tautulli.episode");
    let event: Value = serde_json::from_slice(&first.payload).unwrap();
    assert_eq!(event["event_type"], "start");
    assert_eq!(event["source"], "tautulli");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_webhook_twice_is_answered_duplicate_and_stored_once() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    let body = fixture("tautulli/play.json");
    let (_, first) = post(&t, "tautulli", "application/json", body.clone()).await;
    let (status, second) = post(&t, "tautulli", "application/json", body).await;
    assert_eq!(status, 202);
    assert_eq!(second["duplicate"], true, "{second}");
    assert_eq!(first["event_id"], second["event_id"]);
    let mut stream = t
        .engine
        .bus()
        .unwrap()
        .jetstream()
        .get_stream("MEDIA_EVENTS")
        .await
        .unwrap();
    assert_eq!(stream.info().await.unwrap().state.messages, 1);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_direct_path_stores_each_event_once_in_duckdb() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    let body = fixture("jellyfin/PlaybackStart.json");
    let (status, first) = post(&t, "jellyfin", "text/plain", body.clone()).await;
    assert_eq!(status, 202, "{first}");
    assert_eq!(first["duplicate"], false);
    let (_, second) = post(&t, "jellyfin", "text/plain", body).await;
    assert_eq!(second["duplicate"], true);
    let rows = t
        .engine
        .database()
        .with_conn(|c| count_events(c))
        .await
        .unwrap();
    assert_eq!(rows, 1);
    t.engine.shutdown().await;
}

fn multipart(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----cartographus-test-boundary";
    let mut body = Vec::new();
    for (name, content_type, data) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plex_multipart_reads_only_the_payload_part_in_any_order() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    // The real captured body.
    let content_type =
        String::from_utf8(fixture("plex/media.play.multipart.content-type")).unwrap();
    let (status, body) = post(
        &t,
        "plex",
        content_type.trim(),
        fixture("plex/media.play.multipart.body"),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "accepted");

    // Thumbnail first, and larger than the 1 MiB payload limit: still accepted.
    let thumbnail = vec![0xFFu8; 3 * 1024 * 1024];
    let payload = fixture("plex/media.pause.episode.json");
    let (content_type, raw) = multipart(&[
        ("thumb", "image/jpeg", &thumbnail),
        ("payload", "application/json", &payload),
    ]);
    let (status, body) = post(&t, "plex", &content_type, raw).await;
    assert_eq!(status, 202, "{body}");

    let (content_type, raw) = multipart(&[("thumb", "image/jpeg", b"jpeg")]);
    let (status, body) = post(&t, "plex", &content_type, raw).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "multipart_no_payload");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_playback_notifications_are_accepted_as_ignored() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    let (status, body) = post(
        &t,
        "plex",
        "application/json",
        fixture("plex/library.new.json"),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "ignored");
    let kind = body["kind"].as_str().unwrap().to_string();
    let counts = t.engine.handle().ingest().ignored_counts();
    assert!(
        counts
            .iter()
            .any(|(source, k, n)| source.as_str() == "plex" && *k == kind && *n == 1),
        "{counts:?}"
    );
    let rows = t
        .engine
        .database()
        .with_conn(|c| count_events(c))
        .await
        .unwrap();
    assert_eq!(rows, 0);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_need_their_own_source_token() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    let body = fixture("tautulli/play.json");
    let url = t.url("/webhooks/tautulli");
    let none = t.http.post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let wrong = t
        .http
        .post(format!("{url}?token=wrong"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let api_token = t
        .http
        .post(format!("{url}?token={API_TOKEN}"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        api_token.status(),
        401,
        "the API token is not a webhook token"
    );
    let header = t
        .http
        .post(&url)
        .header("X-Cartographus-Token", WEBHOOK_TOKEN)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(header.status(), 202);
    let unknown = t
        .http
        .post(t.url(&format!("/webhooks/kodi?token={WEBHOOK_TOKEN}")))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_are_refused_with_a_reason_and_kept() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    let cases = [
        ("bad/truncated.json", "invalid_json"),
        ("bad/array.json", "not_an_object"),
        ("bad/empty.json", "empty_body"),
        ("bad/wrong-types.json", "wrong_type"),
        ("bad/deep.json", "too_deep"),
        ("bad/invalid-utf8.json", "invalid_utf8"),
    ];
    let mut kept = 0;
    for source in ["tautulli", "plex", "jellyfin", "emby"] {
        for (path, code) in cases {
            let body = fixture(path);
            let (status, answer) = post(&t, source, "application/json", body).await;
            assert_eq!(status, 400, "{source} {path}: {answer}");
            let got = answer["error"]["code"].as_str().unwrap();
            if path == "bad/wrong-types.json" && source != "plex" {
                // A Plex-shaped body with wrong types: for the other sources it lacks their
                // required fields, which is the more useful thing to say.
                assert!(
                    ["wrong_type", "missing_field"].contains(&got),
                    "{source}: {answer}"
                );
            } else {
                assert_eq!(got, code, "{source} {path}: {answer}");
            }
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(
                message.len() > 10,
                "{source} {path}: message too thin: {message}"
            );
            kept += 1;
        }
    }
    assert_eq!(dlq_count(&t).await, kept);

    // The kept body is byte for byte what was sent, and no secret header is stored.
    let (payload, headers): (Vec<u8>, String) = t
        .engine
        .database()
        .with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT payload, headers::VARCHAR FROM dlq_entries
                 WHERE source = 'emby' AND error LIKE 'invalid_utf8%'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .await
        .unwrap();
    assert_eq!(payload, fixture("bad/invalid-utf8.json"));
    assert!(headers.contains("content-type"), "{headers}");
    assert!(!headers.contains(WEBHOOK_TOKEN), "{headers}");
    t.engine.shutdown().await;
}

/// Sends a request's head (and then `body_chunks`, ignoring write errors once the server
/// has answered) over a raw socket and returns the status line's code.
async fn raw_status(t: &TestEngine, head: &str, body_chunks: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(t.engine.listen_addr())
        .await
        .unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
    for _ in 0..body_chunks {
        if socket.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let mut response = vec![0u8; 512];
    let n = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut response))
        .await
        .expect("an answer")
        .unwrap();
    let text = String::from_utf8_lossy(&response[..n]).to_string();
    text.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_one_mebibyte_get_413_before_or_while_streaming() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = format!(
        "POST /webhooks/tautulli?token={WEBHOOK_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        fixture("bad/huge-string.json").len()
    );
    assert_eq!(raw_status(&t, &declared, 0).await, 413);

    // Chunked, no Content-Length: the limit holds while the body streams in.
    let chunked = format!(
        "POST /webhooks/emby?token={WEBHOOK_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    assert_eq!(raw_status(&t, &chunked, 40).await, 413);
    assert_eq!(dlq_count(&t).await, 0, "bodies over the limit are not kept");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_content_type_the_source_never_sends_is_415() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    let (status, answer) = post(
        &t,
        "tautulli",
        "application/xml",
        fixture("tautulli/play.json"),
    )
    .await;
    assert_eq!(status, 415, "{answer}");
    assert_eq!(answer["error"]["code"], "unsupported_content_type");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_nats_never_hangs_a_webhook_forever() {
    // Guard for the ack timeout: with the sidecar stopped (SIGSTOP), a webhook gets an
    // answer within the timeout instead of hanging.
    let t = TestEngine::start(ConfigLayer::default()).await;
    let pid = t
        .engine
        .bus()
        .unwrap()
        .sidecar_state()
        .unwrap()
        .pid
        .unwrap();
    let nats = nix::unistd::Pid::from_raw(pid as i32);
    nix::sys::signal::kill(nats, nix::sys::signal::Signal::SIGSTOP).unwrap();
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        post(
            &t,
            "tautulli",
            "application/json",
            fixture("tautulli/stop.json"),
        ),
    )
    .await;
    nix::sys::signal::kill(nats, nix::sys::signal::Signal::SIGCONT).unwrap();
    let (status, _) = answer.expect("an answer within 10 s");
    assert!(status == 202 || status == 503, "{status}");
    t.engine.shutdown().await;
}

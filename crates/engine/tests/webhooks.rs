//! Webhook ingest over real HTTP: every fixture accepted and durable in JetStream (or DuckDB
//! on the direct path), duplicates recognised, Plex multipart in any part order.

mod support;

use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::testkit::freeze;
use serde_json::Value;
use support::webhooks::{fixture, post};
use support::*;

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
    assert_eq!(stream_info(&t).await.state.messages, 1);
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
    assert_eq!(stored_events(&t).await, 1);
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
    let metrics = t
        .http
        .get(t.url("/metrics"))
        .bearer_auth(API_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let counted =
        format!("cartographus_webhooks_ignored_total{{source=\"plex\",kind=\"{kind}\"}} 1");
    assert!(
        metrics.lines().any(|line| line == counted),
        "{counted} in {metrics}"
    );
    assert_eq!(stored_events(&t).await, 0);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_nats_never_hangs_a_webhook_forever() {
    // Guard for the ack timeout: with the sidecar stopped (SIGSTOP), a webhook gets an
    // answer within the timeout instead of hanging.
    let t = TestEngine::start(ConfigLayer::default()).await;
    let pid = sidecar_pid(&t);
    let nats = nix::unistd::Pid::from_raw(pid as i32);
    freeze(pid).await;
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

//! The Tautulli templates the setup installs, checked the way Tautulli uses them: each
//! trigger's JSON template is filled like Tautulli fills it (every known `{param}` replaced
//! by a string, unknown ones left literally) and posted with its headers template to the
//! real webhook route of a real engine (JetStream, writer, DuckDB): every playback trigger
//! is stored. The unfilled template — Tautulli's test notification — is answered 2xx and
//! neither stored nor dead-lettered.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::setup::notifier_template::TRIGGERS;
use cartographus_fakes::tautulli::FakeTautulli;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::setup_api::call;
use support::webhooks::dlq_count;
use support::{stored_events, stream_info, wait_for, TestEngine};

const KEY: &str = "tautulli-api-key-77aa";

/// Values as Tautulli gives them for an episode: every one a string.
fn parameters(action: &str, view_offset_ms: u32) -> BTreeMap<&'static str, String> {
    let fixed = [
        ("unixtime", "1764251010"),
        ("utctime", "2025-11-27T13:43:30.123456"),
        ("server_name", "Basement"),
        (
            "server_machine_id",
            "8f2c1d9e4b7a6c5d3e2f1a0b9c8d7e6f5a4b3c2d",
        ),
        ("server_version", "1.42.2.10156"),
        ("session_key", "311"),
        ("session_id", "zq7f2m9c4k1x8v3b6n0d5s2h"),
        ("user_id", "9123456"),
        ("username", "dana"),
        ("user", "Dana"),
        ("machine_id", "k2n8x4p6q1w9e3r7t5y0u2i4"),
        ("player", "Living Room TV"),
        ("device", "Android TV"),
        ("platform", "Android"),
        ("product", "Plex for Android (TV)"),
        ("ip_address", "192.168.1.40"),
        ("stream_location", "lan"),
        ("stream_local", "1"),
        ("media_type", "episode"),
        ("rating_key", "48213"),
        ("parent_rating_key", "48190"),
        ("grandparent_rating_key", "48102"),
        ("title", "Harbor Lights - S03E07 - The Long Night Shift"),
        ("show_name", "Harbor Lights"),
        ("episode_name", "The Long Night Shift"),
        ("season_num", "3"),
        ("episode_num", "7"),
        // Music fields are empty for an episode.
        ("artist_name", ""),
        ("album_name", ""),
        ("track_name", ""),
        ("year", "2021"),
        ("library_name", "TV Shows"),
        ("section_id", "2"),
        ("guid", "plex://episode/5d9c0d2f46115600200a1b2c"),
        ("imdb_id", "tt14200001"),
        ("themoviedb_id", "3300021"),
        ("thetvdb_id", "8800031"),
        ("duration_ms", "2712000"),
        ("progress_percent", "22"),
        ("progress_duration_sec", "622"),
        ("stream_duration_sec", "622"),
        ("remaining_duration_sec", "2090"),
        ("transcode_decision", "direct play"),
        ("video_decision", "direct play"),
        ("audio_decision", "direct play"),
        ("video_resolution", "1080"),
        ("stream_video_resolution", "1080"),
        ("quality_profile", "Original"),
        ("stream_bandwidth", "12000"),
    ];
    let mut values: BTreeMap<&'static str, String> =
        fixed.iter().map(|(k, v)| (*k, v.to_string())).collect();
    values.insert("action", action.to_string());
    values.insert("view_offset", view_offset_ms.to_string());
    values
}

/// Tautulli's way: parse the template as JSON, then fill each string's `{name}`s; a name
/// it does not know stays as it is. (`season_name` and `track_artist` are left out of the
/// values above on purpose, to exercise that.)
fn render(template: &str, values: &BTreeMap<&'static str, String>) -> Value {
    fn fill(value: &mut Value, values: &BTreeMap<&'static str, String>) {
        match value {
            Value::String(text) => {
                for (name, replacement) in values {
                    *text = text.replace(&format!("{{{name}}}"), replacement);
                }
            }
            Value::Object(map) => map.values_mut().for_each(|v| fill(v, values)),
            Value::Array(items) => items.iter_mut().for_each(|v| fill(v, values)),
            _ => {}
        }
    }
    let mut parsed: Value = serde_json::from_str(template).expect("the template is JSON");
    fill(&mut parsed, values);
    parsed
}

/// Posts like Tautulli's webhook agent: the data as JSON, the headers template's headers.
async fn send(t: &TestEngine, hook: &str, headers: &Value, body: String) -> (StatusCode, Value) {
    let mut request = t.http.post(hook).body(body);
    for (name, value) in headers.as_object().expect("headers are an object") {
        request = request.header(name, value.as_str().expect("header values are strings"));
    }
    let response = request.send().await.unwrap();
    (
        response.status(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_installed_trigger_template_is_accepted_and_stored_and_a_test_is_not() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let t = TestEngine::start(ConfigLayer {
        writer_flush_interval: Some(Duration::from_millis(100)),
        ..ConfigLayer::default()
    })
    .await;
    let (status, connected) = call(
        &t,
        Method::POST,
        "/api/v1/setup/tautulli",
        Some(json!({"url": fake.url, "api_key": KEY})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{connected}");
    let id = connected["notifier_id"].as_u64().unwrap() as u32;
    let notifier = fake.notifiers()[&id].clone();

    let mut ids = BTreeSet::new();
    for (n, trigger) in TRIGGERS.iter().enumerate() {
        let (subject, body) = &notifier.texts[*trigger];
        let action = trigger.trim_start_matches("on_");
        let values = parameters(action, 600_000 + n as u32 * 1000);
        let headers = render(subject, &values);
        let data = render(body, &values);
        let (status, answer) = send(&t, notifier.hook(), &headers, data.to_string()).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{trigger}: {answer}");
        assert_eq!(answer["status"], "accepted", "{trigger}: {answer}");
        assert!(ids.insert(answer["event_id"].as_str().unwrap().to_string()));
    }

    // Without `{unixtime}` Tautulli's `{utctime}` (microseconds, no zone) gives the time.
    let mut values = parameters("play", 0);
    values.remove("unixtime");
    values.insert("session_key", "312".to_string());
    let (subject, body) = &notifier.texts["on_play"];
    let (status, answer) = send(
        &t,
        notifier.hook(),
        &render(subject, &values),
        render(body, &values).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "utctime: {answer}");

    let expected = TRIGGERS.len() as u64 + 1;
    wait_for(
        "every trigger's event stored",
        Duration::from_secs(20),
        || async { (stored_events(&t).await == expected).then_some(()) },
    )
    .await;
    let rows: Vec<(String, String, Option<String>, i64)> = t
        .engine
        .database()
        .with_conn(|conn| {
            let mut statement = conn.prepare(
                "SELECT event_type, coalesce(session_key, ''), grandparent_title,
                        epoch_ms(occurred_at)
                 FROM playback_events ORDER BY event_type, session_key",
            )?;
            let rows = statement
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
        .unwrap();
    let types: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        types,
        BTreeSet::from(["buffer", "error", "pause", "resume", "start", "stop", "watched"])
    );
    for (event_type, session, show, occurred_ms) in &rows {
        assert_eq!(show.as_deref(), Some("Harbor Lights"), "{event_type}");
        let expected_ms = if session == "312" {
            1_764_251_010_123
        } else {
            1_764_251_010_000
        };
        assert_eq!(*occurred_ms, expected_ms, "{event_type} {session}");
    }

    // Tautulli's test notification: the template exactly as installed, nothing filled.
    let headers: Value = serde_json::from_str(&notifier.texts["on_play"].0).unwrap();
    let (status, answer) = send(
        &t,
        notifier.hook(),
        &headers,
        notifier.texts["on_play"].1.clone(),
    )
    .await;
    assert!(status.is_success(), "{status}: {answer}");
    assert_eq!(answer["status"], "test", "{answer}");
    assert_eq!(dlq_count(&t).await, 0, "a test is not a dead letter");
    // Anything stored is published before its webhook is answered; the test was not.
    assert_eq!(
        stream_info(&t).await.state.messages,
        expected,
        "a test is not stored"
    );
    assert_eq!(stored_events(&t).await, expected);
}

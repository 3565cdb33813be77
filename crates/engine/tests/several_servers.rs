//! Two Plex servers and a Jellyfin server sending webhooks to one app (real nats-server,
//! DuckDB and HTTP): events, sessions and the live view keep the servers apart by their
//! identity, so one player playing the same item on two servers is two sessions; Tautulli
//! and Plex reporting one playback on one server still fold into one; the API filters by
//! source and by server.

mod support;

use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use support::setup_api::call;
use support::webhooks::{fixture, post};
use support::{stored_events, wait_for, TestEngine};

const BASEMENT: &str = "8f2c1d9e4b7a6c5d3e2f1a0b9c8d7e6f5a4b3c2d";
const ATTIC: &str = "a77c0ffee0a77c0ffee0a77c0ffee0a77c0ffee0";
const DEN: &str = "3e9a1f0c7b2d4e6f8a0b1c2d3e4f5a6b";
const WAIT: Duration = Duration::from_secs(15);

fn json(path: &str) -> Value {
    serde_json::from_slice(&fixture(path)).unwrap()
}

fn bytes(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

/// Plex's play of the fixture episode on the living-room TV, from the server `uuid`.
fn plex_play(uuid: &str, name: &str) -> Vec<u8> {
    let mut body = json("plex/media.play.episode.json");
    body["Server"]["uuid"] = uuid.into();
    body["Server"]["title"] = name.into();
    bytes(&body)
}

async fn get(t: &TestEngine, path: &str) -> Vec<Value> {
    let (status, body) = call(t, Method::GET, path, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    match body {
        Value::Array(items) => items,
        other => other["items"].as_array().cloned().unwrap_or_default(),
    }
}

async fn audited(t: &TestEngine) -> i64 {
    t.engine
        .database()
        .with_conn(|conn| Ok(conn.query_row("SELECT count(*) FROM dedup_audit", [], |r| r.get(0))?))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_stay_apart_and_one_servers_two_reports_fold() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    let now = chrono::Utc::now();

    // The same player and item on two Plex servers, and a Jellyfin server beside them.
    let (status, _) = post(
        &t,
        "plex",
        "application/json",
        plex_play(BASEMENT, "Basement"),
    )
    .await;
    assert_eq!(status, 202);
    let (status, _) = post(&t, "plex", "application/json", plex_play(ATTIC, "Attic")).await;
    assert_eq!(status, 202);
    let mut jellyfin = json("jellyfin/PlaybackStart.json");
    jellyfin["UtcTimestamp"] = now.to_rfc3339().into();
    jellyfin["Timestamp"] = now.to_rfc3339().into();
    let (status, answer) = post(&t, "jellyfin", "application/json", bytes(&jellyfin)).await;
    assert_eq!(status, 202, "{answer}");
    // Tautulli reports the Basement playback too: the same playback as Plex's.
    let mut tautulli = json("tautulli/play.json");
    tautulli["unixtime"] = now.timestamp().to_string().into();
    tautulli.as_object_mut().unwrap().remove("utctime");
    let (status, _) = post(&t, "tautulli", "application/json", bytes(&tautulli)).await;
    assert_eq!(status, 202);

    wait_for(
        "three playbacks stored, Tautulli's folded",
        WAIT,
        || async { (stored_events(&t).await == 3 && audited(&t).await == 1).then_some(()) },
    )
    .await;
    let live = wait_for("three live sessions", WAIT, || async {
        let live = get(&t, "/api/v1/sessions/live").await;
        (live.len() == 3).then_some(live)
    })
    .await;
    let mut servers: Vec<(String, String)> = live
        .iter()
        .map(|l| {
            (
                l["session"]["server_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                l["server_name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    servers.sort();
    assert_eq!(
        servers,
        [
            (DEN.to_string(), "den".to_string()),
            (BASEMENT.to_string(), "Basement".to_string()),
            (ATTIC.to_string(), "Attic".to_string()),
        ]
    );
    let basement = live
        .iter()
        .find(|l| l["session"]["server_id"] == BASEMENT)
        .unwrap();
    assert_eq!(
        basement["session"]["event_count"], 1,
        "Tautulli's copy was dropped"
    );

    let stored = wait_for("three stored sessions", WAIT, || async {
        let sessions = get(&t, "/api/v1/sessions").await;
        (sessions.len() == 3).then_some(sessions)
    })
    .await;
    let keys: std::collections::BTreeSet<&str> = stored
        .iter()
        .filter_map(|s| s["playback_key"].as_str())
        .collect();
    assert_eq!(keys.len(), 3, "{keys:?}");

    // Filters by server and by source, on events and on sessions.
    let attic = get(&t, &format!("/api/v1/sessions?server={ATTIC}")).await;
    assert_eq!(attic.len(), 1);
    assert_eq!(attic[0]["server_id"], ATTIC);
    assert_eq!(get(&t, "/api/v1/sessions?source=jellyfin").await.len(), 1);
    assert_eq!(get(&t, "/api/v1/sessions?source=plex").await.len(), 2);
    assert_eq!(
        get(
            &t,
            &format!("/api/v1/sessions?source=plex&server={BASEMENT}")
        )
        .await
        .len(),
        1
    );
    assert!(get(&t, "/api/v1/sessions?server=nowhere").await.is_empty());
    let by_name = get(&t, "/api/v1/events?server=Attic").await;
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0]["server_id"], ATTIC);
    assert_eq!(
        get(&t, &format!("/api/v1/events?server={DEN}")).await.len(),
        1
    );
    assert_eq!(get(&t, "/api/v1/events?source=tautulli").await.len(), 0);
    t.engine.shutdown().await;
}

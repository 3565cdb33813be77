//! The Tautulli activity poll against a fake Tautulli whose activity a test changes while the
//! engine runs (real nats-server, real DuckDB, real HTTP): it opens a playback the webhooks
//! missed within an interval, closes one Tautulli stopped listing and stores its stop, folds
//! with the webhooks into one session, survives Tautulli going away (the `tautulli` part
//! says why, webhooks go on) and makes no request when switched off.

mod support;

use std::time::{Duration, Instant};

use cartographus_engine::alerts::{self, Alert, AlertRules};
use cartographus_engine::config::ConfigLayer;
use cartographus_engine::health::PartStatus;
use cartographus_engine::persist::events::count_events;
use cartographus_fakes::tautulli::{FakeTautulli, Playing};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::setup_api::call;
use support::webhooks::{fixture, post};
use support::{wait_for, TestEngine};

const KEY: &str = "tautulli-api-key-5f1e2d";
/// The playback of the webhook fixtures: session 311 of Harbor Lights on the living-room TV.
const SESSION: &str = "311";
const ITEM: &str = "48213";
const PLAYER: &str = "k2n8x4p6q1w9e3r7t5y0u2i4";
const WAIT: Duration = Duration::from_secs(10);

/// An engine whose settings file polls every `interval` (a setting, so a test can change
/// it), connected to `fake` through the setup API.
async fn connected(fake: &FakeTautulli, interval: &str) -> TestEngine {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.json"),
        json!({"preferences": {"tautulli_poll_interval": interval}}).to_string(),
    )
    .unwrap();
    let t = TestEngine::start_in(dir, ConfigLayer::default()).await;
    let body = json!({"url": fake.url, "api_key": KEY});
    let (status, answer) = call(&t, Method::POST, "/api/v1/setup/tautulli", Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    t
}

async fn live(t: &TestEngine) -> Vec<Value> {
    let (status, body) = call(t, Method::GET, "/api/v1/sessions/live", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().cloned().unwrap_or_default()
}

async fn sessions(t: &TestEngine, query: &str) -> Vec<Value> {
    let (status, body) = call(t, Method::GET, &format!("/api/v1/sessions{query}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().cloned().unwrap_or_default()
}

async fn events_of_type(t: &TestEngine, event_type: &str) -> u64 {
    let sql = format!("SELECT count(*) FROM playback_events WHERE event_type = '{event_type}'");
    t.engine
        .database()
        .with_conn(move |conn| Ok(conn.query_row(&sql, [], |row| row.get::<_, i64>(0))?))
        .await
        .map(|n| u64::try_from(n).unwrap_or(0))
        .unwrap()
}

fn tautulli_part(t: &TestEngine) -> Option<(PartStatus, String)> {
    let health = t.engine.handle().health();
    let part = health.parts.get("tautulli")?;
    Some((part.status, part.detail.clone()))
}

/// The Tautulli webhook of the fixture playback, as if sent now.
fn play_webhook() -> Vec<u8> {
    let mut body: Value = serde_json::from_slice(&fixture("tautulli/play.json")).unwrap();
    body["unixtime"] = chrono::Utc::now().timestamp().to_string().into();
    body.as_object_mut().unwrap().remove("utctime");
    body.to_string().into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poll_opens_a_playback_the_webhooks_missed_within_an_interval() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let t = connected(&fake, "200ms").await;
    wait_for("the first poll", WAIT, || async {
        (tautulli_part(&t).map(|p| p.0) == Some(PartStatus::Up)).then_some(())
    })
    .await;
    assert!(live(&t).await.is_empty());

    fake.set_activity(Some(vec![Playing::new(SESSION, ITEM, PLAYER)]));
    let listed = Instant::now();
    let shown = wait_for("the polled playback in the live view", WAIT, || async {
        live(&t).await.into_iter().next()
    })
    .await;
    let took = listed.elapsed();
    println!("listed in Tautulli → shown in the live view: {took:?}");
    // One interval (200 ms) plus the trip through JetStream and the live feed.
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(shown["session"]["source"], "tautulli");
    assert_eq!(shown["session"]["machine_id"], PLAYER);
    assert_eq!(shown["session"]["state"], "playing");
    assert_eq!(shown["server_name"], "Basement");
    assert_eq!(
        shown["session"]["server_id"],
        "8f2c1d9e4b7a6c5d3e2f1a0b9c8d7e6f5a4b3c2d"
    );
    wait_for("the start stored", WAIT, || async {
        (events_of_type(&t, "start").await == 1).then_some(())
    })
    .await;
    // Polls go on; the playback is neither started again nor stored twice.
    let polls = fake.count("get_activity");
    wait_for("three more polls", WAIT, || async {
        (fake.count("get_activity") >= polls + 3).then_some(())
    })
    .await;
    assert_eq!(events_of_type(&t, "start").await, 1);
    assert_eq!(sessions(&t, "").await.len(), 1);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poll_closes_a_session_tautulli_stopped_listing_and_stores_its_stop() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    fake.set_activity(Some(vec![Playing::new(SESSION, ITEM, PLAYER)]));
    let t = connected(&fake, "200ms").await;
    wait_for("the playback in the live view", WAIT, || async {
        (live(&t).await.len() == 1).then_some(())
    })
    .await;

    fake.set_activity(Some(Vec::new()));
    wait_for("the live view empty", WAIT, || async {
        live(&t).await.is_empty().then_some(())
    })
    .await;
    let closed = wait_for("the stored session closed", WAIT, || async {
        sessions(&t, "")
            .await
            .into_iter()
            .find(|s| s["state"] == "stopped")
    })
    .await;
    assert_eq!(closed["closed_by"], "poll", "{closed}");
    assert_eq!(closed["closed_by_timeout"], false);
    assert!(closed["stopped_at"].is_string(), "{closed}");
    wait_for("the stop stored", WAIT, || async {
        (events_of_type(&t, "stop").await == 1).then_some(())
    })
    .await;
    let stop = call(&t, Method::GET, "/api/v1/events?type=stop", None)
        .await
        .1;
    let stop = &stop["items"][0];
    assert_eq!(stop["source"], "tautulli");
    assert_eq!(stop["raw"]["origin"], "poll", "{stop}");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_and_the_poll_for_one_playback_are_one_session_and_one_row() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let t = connected(&fake, "200ms").await;

    // The webhook first: the poll then finds the playback known and sends nothing.
    let (status, answer) = post(&t, "tautulli", "application/json", play_webhook()).await;
    assert_eq!(status, 202, "{answer}");
    wait_for("the webhook's session live", WAIT, || async {
        (live(&t).await.len() == 1).then_some(())
    })
    .await;
    fake.set_activity(Some(vec![Playing::new(SESSION, ITEM, PLAYER)]));
    let polls = fake.count("get_activity");
    wait_for("three polls listing it", WAIT, || async {
        (fake.count("get_activity") >= polls + 3).then_some(())
    })
    .await;
    assert_eq!(live(&t).await.len(), 1);

    // The poll first, the webhook after: the webhook's start is the duplicate.
    let other = Playing::new("312", "48214", PLAYER);
    fake.set_activity(Some(vec![Playing::new(SESSION, ITEM, PLAYER), other]));
    wait_for("the polled playback live", WAIT, || async {
        (live(&t).await.len() == 2).then_some(())
    })
    .await;
    let mut late: Value = serde_json::from_slice(&play_webhook()).unwrap();
    late["session"]["session_key"] = "312".into();
    late["media"]["rating_key"] = "48214".into();
    let (status, _) = post(
        &t,
        "tautulli",
        "application/json",
        late.to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, 202);

    wait_for(
        "both starts stored and the late one audited",
        WAIT,
        || async {
            let dropped: i64 = t
                .engine
                .database()
                .with_conn(|conn| {
                    Ok(conn.query_row("SELECT count(*) FROM dedup_audit", [], |r| r.get(0))?)
                })
                .await
                .unwrap();
            (events_of_type(&t, "start").await == 2 && dropped == 1).then_some(())
        },
    )
    .await;
    assert_eq!(live(&t).await.len(), 2);
    assert_eq!(sessions(&t, "").await.len(), 2, "one session per playback");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tautulli_unreachable_degrades_its_part_only_and_recovers() {
    let mut fake = FakeTautulli::start(KEY).await.unwrap();
    let t = connected(&fake, "200ms").await;
    wait_for("the tautulli part up", WAIT, || async {
        (tautulli_part(&t).map(|p| p.0) == Some(PartStatus::Up)).then_some(())
    })
    .await;

    let mut alerts = alerts::watch(t.engine.handle(), AlertRules::default());
    fake.go_down().await;
    let (_, detail) = wait_for("the tautulli part down", WAIT, || async {
        tautulli_part(&t).filter(|p| p.0 == PartStatus::Down)
    })
    .await;
    assert!(detail.contains("unreachable"), "{detail}");
    assert!(!detail.contains(KEY), "{detail}");
    // The desktop's notification hook hears of it.
    let alert = tokio::time::timeout(WAIT, async {
        loop {
            match alerts.recv().await {
                Some(alert @ Alert::TautulliUnreachable { .. }) => return alert,
                Some(_) => continue,
                None => panic!("the alert watch ended"),
            }
        }
    })
    .await
    .expect("a Tautulli alert");
    assert!(alert.text().0.contains("Tautulli is unreachable"));
    let health = t.engine.handle().health();
    assert_eq!(
        health.status,
        cartographus_engine::health::OverallStatus::Degraded
    );
    // Everything else goes on: a webhook is taken and stored.
    let (status, answer) = post(&t, "tautulli", "application/json", play_webhook()).await;
    assert_eq!(status, 202, "{answer}");
    wait_for("the webhook stored", WAIT, || async {
        let stored = t
            .engine
            .database()
            .with_conn(|c| count_events(c))
            .await
            .unwrap();
        (stored == 1).then_some(())
    })
    .await;
    // While Tautulli is down, the poll keeps the session the webhook opened.
    assert_eq!(live(&t).await.len(), 1);

    fake.come_back().await.unwrap();
    fake.set_activity(Some(vec![Playing::new(SESSION, ITEM, PLAYER)]));
    wait_for("the tautulli part up again", WAIT, || async {
        (tautulli_part(&t).map(|p| p.0) == Some(PartStatus::Up)).then_some(())
    })
    .await;
    assert_eq!(
        t.engine.handle().health().status,
        cartographus_engine::health::OverallStatus::Ok
    );
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interval_zero_makes_no_request_and_a_change_applies_without_restart() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let t = connected(&fake, "0s").await;
    let (_, detail) = wait_for("the tautulli part off", WAIT, || async {
        tautulli_part(&t).filter(|p| p.0 == PartStatus::Disabled)
    })
    .await;
    assert!(detail.contains("off"), "{detail}");
    assert_eq!(fake.count("get_activity"), 0);
    assert_eq!(fake.count("get_server_info"), 0);

    let (status, body) = call(
        &t,
        Method::PATCH,
        "/api/v1/settings",
        Some(json!({"tautulli_poll_interval": "5s"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["changed"][0]["applies"], "now", "{body}");
    wait_for("a poll after the change", WAIT, || async {
        (fake.count("get_activity") >= 1).then_some(())
    })
    .await;
    wait_for("the tautulli part up", WAIT, || async {
        (tautulli_part(&t).map(|p| p.0) == Some(PartStatus::Up)).then_some(())
    })
    .await;

    let (status, _) = call(
        &t,
        Method::PATCH,
        "/api/v1/settings",
        Some(json!({"tautulli_poll_interval": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    wait_for("the tautulli part off again", WAIT, || async {
        (tautulli_part(&t).map(|p| p.0) == Some(PartStatus::Disabled)).then_some(())
    })
    .await;
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tautulli_without_a_plex_server_answers_no_sessions_and_nothing_is_closed() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let t = connected(&fake, "200ms").await;
    let (status, _) = post(&t, "tautulli", "application/json", play_webhook()).await;
    assert_eq!(status, 202);
    wait_for("the webhook's session live", WAIT, || async {
        (live(&t).await.len() == 1).then_some(())
    })
    .await;
    fake.set_activity(None);
    let polls = fake.count("get_activity");
    wait_for("three polls without a sessions list", WAIT, || async {
        (fake.count("get_activity") >= polls + 3).then_some(())
    })
    .await;
    assert_eq!(live(&t).await.len(), 1, "nothing known, nothing closed");
    let (status, detail) = tautulli_part(&t).unwrap();
    assert_eq!(status, PartStatus::Up);
    assert!(detail.contains("no activity"), "{detail}");
    t.engine.shutdown().await;
}

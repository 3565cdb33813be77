//! `GET /api/v1/sessions` as the history view uses it, over real HTTP and a real DuckDB file
//! of hand-made playbacks (support/history_data.rs): every sort in both orders pages through
//! all rows exactly once, the filters and free text narrow, and `events?session=` gives the
//! events of one playback.

mod support;

use cartographus_engine::persist::sessions::SessionSortKey;
use reqwest::StatusCode;
use serde_json::Value;
use support::history_data::seeded_engine;
use support::setup_api::get;
use support::TestEngine;

/// Every session of a query, two per page, following the cursors.
async fn all_pages(t: &TestEngine, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/sessions?limit=2&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, body) = get(t, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return items,
        }
    }
}

fn titles(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn every_sort_pages_through_every_session_once_in_order() {
    let t = seeded_engine().await;
    for key in SessionSortKey::ALL {
        for order in ["asc", "desc"] {
            let query = format!("sort={}&order={order}", key.as_str());
            let items = all_pages(&t, &query).await;
            let mut ids: Vec<&str> = items
                .iter()
                .map(|s| s["session_id"].as_str().unwrap())
                .collect();
            assert_eq!(ids.len(), 5, "{query}: {ids:?}");
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 5, "{query}: a session twice");
        }
    }
    let by_duration = all_pages(&t, "sort=duration&order=desc").await;
    assert_eq!(
        titles(&by_duration),
        ["Arrival", "Pilot", "Fog", "Song", "Dune"]
    );
    let by_user = all_pages(&t, "sort=user&order=asc").await;
    let users: Vec<&str> = by_user
        .iter()
        .map(|s| s["username"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["dana", "dana", "lee", "lee", "lee"]);
    let newest = all_pages(&t, "").await;
    assert_eq!(titles(&newest), ["Dune", "Song", "Fog", "Pilot", "Arrival"]);
    t.engine.shutdown().await;
}

#[tokio::test]
async fn filters_and_free_text_narrow_the_history() {
    let t = seeded_engine().await;
    for (query, expected) in [
        ("q=harbor", vec!["Fog", "Pilot"]),
        ("q=ROKU", vec!["Song"]),
        ("q=100%25", vec![]),
        ("media_type=movie", vec!["Dune", "Arrival"]),
        ("decision=direct_stream", vec!["Fog"]),
        ("decision=unknown", vec!["Song"]),
        ("user=dana&decision=transcode", vec!["Pilot"]),
        (
            "server=Basement&since=2026-11-29T00:00:00Z",
            vec!["Dune", "Song"],
        ),
        ("server=elsewhere", vec![]),
    ] {
        assert_eq!(titles(&all_pages(&t, query).await), expected, "{query}");
    }
    let first = &all_pages(&t, "q=arrival").await[0];
    assert_eq!(first["platform"], "Chrome");
    assert_eq!(first["product"], "Plex Web");
    assert_eq!(first["server_name"], "Basement");
    t.engine.shutdown().await;
}

#[tokio::test]
async fn a_sessions_events_and_refused_cursors() {
    let t = seeded_engine().await;
    let pilot = &all_pages(&t, "q=pilot").await[0];
    let id = pilot["session_id"].as_str().unwrap();
    let (status, body) = get(&t, &format!("/api/v1/events?session={id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let types: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["stop", "start"]);

    let (_, page) = get(&t, "/api/v1/sessions?limit=1&sort=user").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (status, body) = get(
        &t,
        &format!("/api/v1/sessions?limit=1&sort=title&cursor={cursor}"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a cursor of another sort: {body}"
    );
    let (status, _) = get(&t, "/api/v1/sessions?sort=colour").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    t.engine.shutdown().await;
}

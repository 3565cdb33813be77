//! Dead letters grouped into issues over real HTTP: bad webhooks from two senders and failed
//! writes become one group per (source, kind, code) with the right count, first and last
//! failure and the newest entry as sample; a filter narrows the groups; purging a group's
//! filter removes exactly its count and leaves the other groups alone.

mod support;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::dlq::store::{self, Attempt, DlqKind, NewEntry};
use reqwest::Method;
use serde_json::Value;
use support::setup_api::call;
use support::webhooks::post;
use support::TestEngine;

fn failed_write(hours_ago: i64) -> NewEntry {
    NewEntry {
        kind: DlqKind::Exhausted,
        code: "store_failed".to_string(),
        source: Some("plex".to_string()),
        subject: None,
        attempts: vec![Attempt {
            at: chrono::Utc::now() - chrono::Duration::hours(hours_ago),
            error: format!("the database refused the write ({hours_ago} h ago)"),
        }],
        payload: b"{}".to_vec(),
        content_type: None,
        headers: Value::Null,
        event_id: None,
        stream_seq: None,
    }
}

fn group<'a>(groups: &'a Value, source: &str, kind: &str) -> &'a Value {
    groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["source"] == source && g["kind"] == kind)
        .unwrap_or_else(|| panic!("no {source}/{kind} group in {groups}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letters_group_by_source_kind_and_code_and_a_group_purges_alone() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..ConfigLayer::default()
    })
    .await;
    t.engine
        .database()
        .with_conn(|conn| {
            for hours_ago in [30, 20, 10] {
                store::insert(conn, &failed_write(hours_ago))?;
            }
            Ok(())
        })
        .await
        .unwrap();
    for n in 0..5 {
        let (status, _) = post(
            &t,
            "tautulli",
            "application/json",
            format!("{{broken {n}").into_bytes(),
        )
        .await;
        assert_eq!(status, 400);
    }
    let (status, _) = post(
        &t,
        "jellyfin",
        "application/json",
        b"[not an object".to_vec(),
    )
    .await;
    assert_eq!(status, 400);

    let (status, groups) = call(&t, Method::GET, "/api/v1/dlq/groups", None).await;
    assert_eq!(status, 200, "{groups}");
    assert_eq!(groups.as_array().unwrap().len(), 3, "{groups}");
    let tautulli = group(&groups, "tautulli", "rejected");
    assert_eq!(tautulli["count"], 5);
    assert_eq!(tautulli["code"], "invalid_json");
    let sample_id = tautulli["sample_id"].as_str().unwrap();
    let (_, sample) = call(&t, Method::GET, &format!("/api/v1/dlq/{sample_id}"), None).await;
    assert_eq!(
        sample["payload"], "{broken 4",
        "the newest entry is the sample"
    );
    let plex = group(&groups, "plex", "exhausted");
    assert_eq!(plex["count"], 3);
    assert_eq!(plex["code"], "store_failed");
    assert!(
        plex["sample_error"].as_str().unwrap().contains("10 h ago"),
        "{plex}"
    );
    let first =
        chrono::DateTime::parse_from_rfc3339(plex["first_failed_at"].as_str().unwrap()).unwrap();
    let last =
        chrono::DateTime::parse_from_rfc3339(plex["last_failed_at"].as_str().unwrap()).unwrap();
    assert_eq!((last - first).num_hours(), 20);
    assert_eq!(
        groups[2]["source"], "plex",
        "the group that failed longest ago comes last: {groups}"
    );

    // The stats count them per source too.
    let (_, stats) = call(&t, Method::GET, "/api/v1/stats", None).await;
    assert_eq!(
        stats["dlq_by_source"],
        serde_json::json!({"jellyfin": 1, "plex": 3, "tautulli": 5}),
        "{stats}"
    );

    // A time range leaves out what failed before it.
    let since = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let path = format!("/api/v1/dlq/groups?since={}", urlencode(&since));
    let (status, recent) = call(&t, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{recent}");
    assert_eq!(recent.as_array().unwrap().len(), 2, "{recent}");

    // Delete-all of one group: its filter removes its count, nothing else.
    let (status, purged) = call(
        &t,
        Method::DELETE,
        "/api/v1/dlq?source=tautulli&kind=rejected&code=invalid_json",
        None,
    )
    .await;
    assert_eq!(status, 200, "{purged}");
    assert_eq!(purged["deleted"], 5);
    let (_, left) = call(&t, Method::GET, "/api/v1/dlq/groups", None).await;
    let left: Vec<(String, u64)> = left
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["source"].as_str().unwrap().to_string(),
                g["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        left,
        vec![("jellyfin".to_string(), 1), ("plex".to_string(), 3)]
    );

    let (status, refused) = call(&t, Method::GET, "/api/v1/dlq/groups?kind=weird", None).await;
    assert_eq!(status, 400, "{refused}");
    t.engine.shutdown().await;
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

//! `GET /api/v1/analytics/plays` and `/analytics/concurrent` over real HTTP and a real DuckDB
//! file holding hand-made playbacks with known answers (support/history_data.rs), in UTC
//! and in a zone an hour east of it, with and without a daylight-saving change.

mod support;

use reqwest::StatusCode;
use serde_json::Value;
use support::history_data::seeded_engine;
use support::setup_api::get;
use support::TestEngine;

/// The rows as (key, plays, duration_s), or with the series: (key/series, plays, duration_s).
fn rows(body: &Value) -> Vec<(String, u64, u64)> {
    body["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no rows: {body}"))
        .iter()
        .map(|row| {
            let key = match row["series"].as_str() {
                Some(series) => format!("{}/{series}", row["key"].as_str().unwrap()),
                None => row["key"].as_str().unwrap().to_string(),
            };
            (
                key,
                row["plays"].as_u64().unwrap(),
                row["duration_s"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn expect(items: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    items
        .iter()
        .map(|(k, p, d)| (k.to_string(), *p, *d))
        .collect()
}

async fn plays(t: &TestEngine, query: &str) -> Vec<(String, u64, u64)> {
    let (status, body) = get(t, &format!("/api/v1/analytics/plays?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    rows(&body)
}

#[tokio::test]
async fn plays_by_day_hour_and_weekday_follow_the_time_zone() {
    let t = seeded_engine().await;
    assert_eq!(
        plays(&t, "by=day").await,
        expect(&[("2026-11-27", 3, 6000), ("2026-11-29", 2, 360)])
    );
    // An hour east of UTC, playback 3 (23:30 UTC) is past midnight: Saturday the 28th.
    assert_eq!(
        plays(&t, "by=day&tz=60").await,
        expect(&[
            ("2026-11-27", 2, 5400),
            ("2026-11-28", 1, 600),
            ("2026-11-29", 2, 360)
        ])
    );
    assert_eq!(
        plays(&t, "by=hour").await,
        expect(&[("8", 2, 360), ("10", 2, 5400), ("23", 1, 600)])
    );
    assert_eq!(
        plays(&t, "by=hour&tz=60").await,
        expect(&[("0", 1, 600), ("9", 2, 360), ("11", 2, 5400)])
    );
    // A change to +2 h on the 28th moves only the plays after it.
    assert_eq!(
        plays(&t, "by=hour&tz=60,120@2026-11-28T00:00:00Z").await,
        expect(&[("0", 1, 600), ("10", 2, 360), ("11", 2, 5400)])
    );
    assert_eq!(
        plays(&t, "by=weekday").await,
        expect(&[("Friday", 3, 6000), ("Sunday", 2, 360)])
    );
    assert_eq!(
        plays(&t, "by=weekday&tz=60").await,
        expect(&[
            ("Friday", 2, 5400),
            ("Saturday", 1, 600),
            ("Sunday", 2, 360)
        ])
    );
    t.engine.shutdown().await;
}

#[tokio::test]
async fn top_lists_rank_by_plays_or_by_time_played() {
    let t = seeded_engine().await;
    assert_eq!(
        plays(&t, "by=user").await,
        expect(&[("lee", 3, 960), ("dana", 2, 5400)])
    );
    assert_eq!(
        plays(&t, "by=user&order=duration").await,
        expect(&[("dana", 2, 5400), ("lee", 3, 960)])
    );
    assert_eq!(
        plays(&t, "by=platform&limit=2").await,
        expect(&[("Chrome", 3, 4260), ("Android", 1, 1800)])
    );
    // Episodes count for their show, tracks for their artist.
    assert_eq!(
        plays(&t, "by=title").await,
        expect(&[
            ("Harbor Lights", 2, 2400),
            ("Arrival", 1, 3600),
            ("Band", 1, 300),
            ("Dune", 1, 60)
        ])
    );
    assert_eq!(
        plays(&t, "by=media_type").await,
        expect(&[("movie", 2, 3660), ("episode", 2, 2400), ("track", 1, 300)])
    );
    assert_eq!(
        plays(&t, "by=transcode").await,
        expect(&[
            ("direct play", 2, 3660),
            ("transcode", 1, 1800),
            ("direct stream", 1, 600),
            ("unknown", 1, 300)
        ])
    );
    t.engine.shutdown().await;
}

#[tokio::test]
async fn a_series_splits_each_day_and_the_range_narrows_the_plays() {
    let t = seeded_engine().await;
    assert_eq!(
        plays(&t, "by=day&series=transcode").await,
        expect(&[
            ("2026-11-27/direct play", 1, 3600),
            ("2026-11-27/direct stream", 1, 600),
            ("2026-11-27/transcode", 1, 1800),
            ("2026-11-29/direct play", 1, 60),
            ("2026-11-29/unknown", 1, 300)
        ])
    );
    assert_eq!(
        plays(&t, "by=day&series=media_type&since=2026-11-28T00:00:00Z").await,
        expect(&[("2026-11-29/movie", 1, 60), ("2026-11-29/track", 1, 300)])
    );
    assert_eq!(
        plays(&t, "by=user&until=2026-11-27T12:00:00Z&source=tautulli").await,
        expect(&[("dana", 2, 5400)])
    );
    assert_eq!(plays(&t, "by=user&source=plex").await, expect(&[]));
    t.engine.shutdown().await;
}

#[tokio::test]
async fn concurrent_streams_peak_per_local_day() {
    let t = seeded_engine().await;
    let peaks = |body: Value| -> Vec<(String, u64)> {
        body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["key"].as_str().unwrap().into(),
                    r["peak"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (status, body) = get(&t, "/api/v1/analytics/concurrent").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // 1 and 2 overlap; 5 starts the instant 4 stops, which is not two at once.
    assert_eq!(
        peaks(body),
        [("2026-11-27".to_string(), 2), ("2026-11-29".to_string(), 1)]
    );
    let (_, body) = get(&t, "/api/v1/analytics/concurrent?tz=60").await;
    assert_eq!(
        peaks(body),
        [
            ("2026-11-27".to_string(), 2),
            ("2026-11-28".to_string(), 1),
            ("2026-11-29".to_string(), 1)
        ]
    );
    let (_, body) = get(
        &t,
        "/api/v1/analytics/concurrent?since=2026-11-28T00:00:00Z",
    )
    .await;
    assert_eq!(peaks(body), [("2026-11-29".to_string(), 1)]);
    t.engine.shutdown().await;
}

#[tokio::test]
async fn bad_parameters_are_refused_with_their_reason() {
    let t = seeded_engine().await;
    for (query, code) in [
        ("by=day&tz=Europe/Berlin", "bad_time_zone"),
        ("by=day&tz=60,120@2026-13-01", "bad_time_zone"),
        ("by=user&series=transcode", "bad_request"),
        ("by=user&limit=0", "bad_request"),
        ("by=moon", "bad_request"),
        ("", "bad_request"),
        ("by=day&color=red", "bad_request"),
    ] {
        let (status, body) = get(&t, &format!("/api/v1/analytics/plays?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"]["code"], code, "{query}: {body}");
    }
    let (status, body) = get(&t, "/api/v1/analytics/concurrent?tz=east").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    t.engine.shutdown().await;
}

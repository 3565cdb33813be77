//! The history import phase: a fake Tautulli serving a generated history (Tautulli's
//! quirks included), `cartographus-server serve` with its sidecar connected to it, and the
//! time from `POST /api/v1/import/tautulli` until every playback is stored. Its raw
//! baseline is the source side alone — paging the same history out of the same fake and
//! mapping each row, storing nothing — so the figure says what the store path costs.

use std::path::Path;
use std::time::{Duration, Instant};

use cartographus_engine::import::PAGE_SIZE;
use cartographus_engine::sources::tautulli_history::{map_row, HistoryRow};
use cartographus_fakes::tautulli::{history, FakeTautulli};
use serde::Serialize;
use serde_json::{json, Value};

use crate::server::{Binaries, Server};

const KEY: &str = "bench-tautulli-key";

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub rows: u64,
    /// Events the import stored (a start and a stop per row).
    pub events_stored: u64,
    /// From the request until every event was stored.
    pub seconds: f64,
    pub rows_per_s: f64,
    /// The baseline: pages read from the fake and mapped, nothing stored.
    pub raw_rows_per_s: f64,
}

pub async fn run(bins: &Binaries, work: &Path, rows: usize) -> Result<Outcome, String> {
    let fake = FakeTautulli::start(KEY)
        .await
        .map_err(|e| format!("cannot start the fake Tautulli: {e}"))?;
    fake.set_history(history::generate(1, rows));
    let raw_rows_per_s = raw_rate(&fake.url, rows).await?;

    let mut server = Server::spawn(bins, &work.join("import"))?;
    server.wait_ready(Duration::from_secs(60)).await?;
    let api = server.api();
    let (status, answer) = api
        .post(
            "/api/v1/setup/tautulli",
            &json!({"url": fake.url, "api_key": KEY}),
        )
        .await?;
    if status != 200 {
        return Err(format!("connecting the fake Tautulli: {status} {answer}"));
    }
    let before = api.events_stored().await?;
    let started = Instant::now();
    let (status, answer) = api.post("/api/v1/import/tautulli", &json!({})).await?;
    if status != 202 {
        return Err(format!("starting the import: {status} {answer}"));
    }
    let job_id = answer["job_id"].as_str().unwrap_or_default().to_string();
    let deadline = started + Duration::from_secs(600);
    // Every row mapped is a start and a stop; dead-lettered rows are the job's `failed`.
    let mut expected = None;
    let stored = loop {
        let stored = api.events_stored().await?;
        if expected.is_some_and(|e| stored >= e) {
            break stored;
        }
        if expected.is_none() {
            let (_, body, _) = api.get(&format!("/api/v1/jobs/{job_id}")).await?;
            let job: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            match job["state"].as_str() {
                Some("done") => {
                    let mapped =
                        job["done"].as_u64().unwrap_or(0) - job["failed"].as_u64().unwrap_or(0);
                    expected = Some(before + 2 * mapped);
                }
                Some("running") => {}
                _ => {
                    return Err(format!(
                        "the import ended {}: {}",
                        job["state"], job["error"]
                    ))
                }
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "only {stored} events stored after 600 s ({expected:?} expected)"
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let seconds = started.elapsed().as_secs_f64();
    server.stop();
    Ok(Outcome {
        rows: rows as u64,
        events_stored: stored - before,
        seconds,
        rows_per_s: rows as f64 / seconds,
        raw_rows_per_s,
    })
}

/// Pages through the fake's history as the import does and maps every row; stores nothing.
async fn raw_rate(base: &str, rows: usize) -> Result<f64, String> {
    let http = reqwest::Client::new();
    let started = Instant::now();
    let mut mapped = 0usize;
    let mut start = 0usize;
    while start < rows {
        let answer: Value = http
            .post(format!("{base}/api/v2?apikey={KEY}&cmd=get_history"))
            .form(&[
                ("grouping", "0"),
                ("order_column", "started"),
                ("order_dir", "asc"),
                ("start", &start.to_string()),
                ("length", &PAGE_SIZE.to_string()),
            ])
            .send()
            .await
            .map_err(|e| format!("get_history: {e}"))?
            .json()
            .await
            .map_err(|e| format!("get_history: {e}"))?;
        let page = answer["response"]["data"]["data"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if page.is_empty() {
            break;
        }
        let now = chrono::Utc::now();
        mapped += page
            .iter()
            .filter(|row| matches!(map_row(row, now), Ok(HistoryRow::Playback { .. })))
            .count();
        start += page.len();
    }
    if mapped == 0 {
        return Err("the raw import baseline mapped no row".to_string());
    }
    Ok(start as f64 / started.elapsed().as_secs_f64())
}

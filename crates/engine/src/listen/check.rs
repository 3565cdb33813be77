//! "Check from here": the engine calls its own public health through the chosen address,
//! as another program would, and says what answered. Done by the engine rather than the
//! page, which could not call another origin.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::addresses::reachable_from_here;
use super::{ListenCheck, ListenError};
use crate::setup::http::{describe, read_bounded};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Calls `http://<target>/api/v1/health` (all interfaces through loopback), directly —
/// never through a proxy the environment names — and reads the verdict.
pub async fn check(target: SocketAddr) -> Result<ListenCheck, ListenError> {
    let url = format!("http://{}/api/v1/health", reachable_from_here(target));
    let unreachable = |reason: String| ListenError::Unreachable {
        url: url.clone(),
        reason,
    };
    let client = reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| unreachable(describe(e)))?;
    let started = Instant::now();
    let response = client
        .get(&url)
        .send()
        .await
        .map_err(|e| unreachable(describe(e)))?;
    let http_status = response.status();
    let body = read_bounded(response).await.map_err(unreachable)?;
    let elapsed = started.elapsed().as_millis();
    // Health answers 200 when ok and 503 otherwise, with the verdict either way.
    let verdict = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|health| {
            health
                .get("status")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .filter(|_| matches!(http_status.as_u16(), 200 | 503));
    match verdict {
        Some(status) => Ok(ListenCheck {
            url: url.clone(),
            status,
            round_trip_ms: u32::try_from(elapsed).unwrap_or(u32::MAX),
        }),
        None => Err(unreachable(format!(
            "something else answers there (HTTP {})",
            http_status.as_u16()
        ))),
    }
}

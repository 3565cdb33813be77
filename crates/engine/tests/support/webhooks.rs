//! Posting fixtures to a test engine and reading what it kept.

use std::path::PathBuf;

use cartographus_engine::dlq;
use serde_json::Value;

use super::{TestEngine, WEBHOOK_TOKEN};

pub fn fixture(path: &str) -> Vec<u8> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Posts `body` to `/webhooks/{source}`; the status and the JSON answer.
pub async fn post(t: &TestEngine, source: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
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

/// Entries in the dead-letter table.
pub async fn dlq_count(t: &TestEngine) -> u64 {
    t.engine
        .database()
        .with_conn(|conn| dlq::store::count(conn))
        .await
        .unwrap()
}

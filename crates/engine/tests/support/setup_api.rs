//! Calling the setup API of a test engine, and checking answers for leaked secrets.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::{TestEngine, API_TOKEN};

/// One API call with the API token; the status and the JSON answer (Null when empty).
pub async fn call(
    t: &TestEngine,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = t.http.request(method, t.url(path)).bearer_auth(API_TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, json)
}

/// A GET with the API token; the status and the JSON answer.
pub async fn get(t: &TestEngine, path: &str) -> (StatusCode, Value) {
    call(t, Method::GET, path, None).await
}

/// Regenerates the token setting `key`; the answer must be 200.
pub async fn regenerate(t: &TestEngine, key: &str) -> Value {
    let path = format!("/api/v1/settings/{key}/regenerate");
    let (status, answer) = call(t, Method::POST, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

/// Fails when any of `secrets` appears anywhere in `answer`.
pub fn assert_no_secret(answer: &Value, secrets: &[&str]) {
    let text = answer.to_string();
    for secret in secrets {
        assert!(!text.contains(secret), "a secret leaked into {text}");
    }
}

/// The `setup` section of the engine's settings file (Null when there is none).
pub fn saved_setup(t: &TestEngine) -> Value {
    let path = t.dir.path().join("settings.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Value::Null,
        Err(e) => panic!("{}: {e}", path.display()),
    };
    let settings: Value = serde_json::from_str(&text).unwrap();
    settings.get("setup").cloned().unwrap_or(Value::Null)
}

/// An address where nothing listens (bound, then released).
pub async fn dead_address() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

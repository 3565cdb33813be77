//! Engines started the way `cartographus-server serve` starts them (settings file, environment
//! and flags through `startup::prepare`), and calls on their settings and maintenance API.

use std::collections::HashMap;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::startup::{prepare, Prepared};
use cartographus_engine::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::webhooks::fixture;
use super::{nats_server_bin, TestEngine};

static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub struct Running {
    pub t: TestEngine,
    pub api: String,
}

/// `serve --listen 127.0.0.1:0`, unless the address comes from the settings file instead.
pub fn flags(listen_flag: bool) -> ConfigLayer {
    ConfigLayer {
        listen: listen_flag.then(|| "127.0.0.1:0".parse().unwrap()),
        nats_server_bin: Some(nats_server_bin()),
        ..ConfigLayer::default()
    }
}

pub fn prepared(dir: &std::path::Path, env: &[(&str, &str)], listen_flag: bool) -> Prepared {
    let vars: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    prepare(Some(dir.to_path_buf()), flags(listen_flag), |k| {
        vars.get(k).cloned()
    })
    .expect("prepared")
}

/// An engine started the way `cartographus-server serve --listen 127.0.0.1:0` starts it,
/// with `env` standing in for the environment.
pub async fn start(env: &[(&str, &str)]) -> Running {
    start_in(tempfile::tempdir().unwrap(), env, true).await
}

/// The same, with the listener's address saved in settings.json rather than fixed by a flag.
pub async fn start_with_listen_in_settings() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join("settings.json"),
        json!({"config": {"listen": format!("127.0.0.1:{port}")}}).to_string(),
    )
    .unwrap();
    start_in(dir, &[], false).await
}

pub async fn start_in(dir: tempfile::TempDir, env: &[(&str, &str)], listen_flag: bool) -> Running {
    let prepared = prepared(dir.path(), env, listen_flag);
    let api = prepared.tokens.api.expose().to_string();
    let engine = Engine::start_with(prepared.config, prepared.settings)
        .await
        .expect("engine starts");
    let base = format!("http://{}", engine.listen_addr());
    Running {
        t: TestEngine {
            engine,
            base,
            dir,
            http: reqwest::Client::new(),
        },
        api,
    }
}

impl Running {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .t
            .http
            .request(method, self.t.url(path))
            .bearer_auth(&self.api);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn settings(&self) -> Value {
        let (status, body) = self.call(Method::GET, "/api/v1/settings", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn patch(&self, changes: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, "/api/v1/settings", Some(changes))
            .await
    }

    pub fn file(&self) -> Value {
        let text = std::fs::read_to_string(self.t.dir.path().join("settings.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    pub async fn webhook(&self, token: &str) -> StatusCode {
        let mut body: Value = serde_json::from_slice(&fixture("tautulli/play.json")).unwrap();
        // Each its own playback, so none is a duplicate of another.
        let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        body["session"]["session_key"] = format!("settings-{n}").into();
        self.t
            .http
            .post(self.t.url(&format!("/webhooks/tautulli?token={token}")))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
    }
}

pub fn setting<'a>(view: &'a Value, key: &str) -> &'a Value {
    view["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no setting {key} in {view}"))
}

pub fn assert_error(body: &Value, code: &str, field: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with(&format!("{field}:")), "{body}");
}

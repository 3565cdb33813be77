//! A fake Tautulli speaking its API v2 as 2.17 does (checked against its source and a
//! running copy): `cmd` and `apikey` read from the query string or the POST form alike, the
//! envelope `{"response":{"result","message","data"}}`, every error answered HTTP 400 (a
//! wrong key too — older versions said 401, or 200 with the error envelope: `KeyRefusal`
//! picks), other apps' notifiers beside ours, `set_notifier_config` and `notify` as in
//! `commands.rs` and `notify.rs`; the activity poll's `get_activity` and `get_server_info`
//! in `activity.rs`. A test can take the fake down and bring it back on the same address.

mod activity;
mod commands;
pub mod history;
mod notifier;
mod notify;
mod python_json;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use serde_json::{json, Value};

pub use activity::{Activity, Playing};
pub use notifier::{Notifier, ALL_TRIGGERS, DISCORD_AGENT, EMAIL_AGENT, MASKED, WEBHOOK_AGENT};

use crate::locked;
use commands::Answer;

/// How a wrong API key is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefusal {
    /// Tautulli 2.17: HTTP 400 with "Invalid apikey".
    Http400,
    /// Older versions: HTTP 401.
    Http401,
    /// The envelope's `result: error` under HTTP 200.
    Http200,
}

/// One `notify` call as received, for tests to check what the engine asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyCall {
    pub notifier_id: String,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub headers: Option<String>,
}

pub struct FakeState {
    pub api_key: String,
    pub refusal: KeyRefusal,
    pub version: String,
    pub notifiers: BTreeMap<u32, Notifier>,
    next_id: u32,
    /// Every command received, in order (with a valid key or not).
    pub commands: Vec<String>,
    /// Every `notify` call, in order.
    pub notifies: Vec<NotifyCall>,
    /// Whether any request carried the key in its form body rather than its query string.
    pub key_in_body: bool,
    /// What its Plex server plays now (`get_activity`).
    pub activity: Activity,
    /// The play history `get_history` pages through (see `history.rs`).
    pub history: Vec<Value>,
    /// `get_history`'s last order, for the next page.
    pub history_order: history::OrderCache,
    /// The `start` of every `get_history` call, in order.
    pub history_starts: Vec<u64>,
    /// `get_history` from this row on answers an error (Tautulli going away mid-import).
    pub history_fails_from: Option<u64>,
    /// How long each `get_history` answer takes (a large, slow Tautulli).
    pub history_delay: std::time::Duration,
    http: reqwest::Client,
}

pub struct FakeTautulli {
    /// Base URL, e.g. `http://127.0.0.1:PORT`.
    pub url: String,
    pub state: Arc<Mutex<FakeState>>,
    server: Option<Serving>,
}

/// The running HTTP server and the way to stop it.
struct Serving {
    task: tokio::task::JoinHandle<()>,
    stop: tokio::sync::oneshot::Sender<()>,
}

impl Drop for FakeTautulli {
    fn drop(&mut self) {
        if let Some(serving) = self.server.take() {
            serving.task.abort();
        }
    }
}

impl FakeTautulli {
    /// Serves on a free loopback port, accepting `api_key`.
    pub async fn start(api_key: &str) -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0", api_key).await
    }

    /// Serves on `address` (`host:port`), accepting `api_key`.
    pub async fn start_on(address: &str, api_key: &str) -> std::io::Result<Self> {
        let state = Arc::new(Mutex::new(FakeState {
            api_key: api_key.to_string(),
            refusal: KeyRefusal::Http400,
            version: "v2.17.2".to_string(),
            notifiers: BTreeMap::new(),
            next_id: 1,
            commands: Vec::new(),
            notifies: Vec::new(),
            key_in_body: false,
            activity: Activity::default(),
            history: Vec::new(),
            history_order: history::OrderCache::default(),
            history_starts: Vec::new(),
            history_fails_from: None,
            history_delay: std::time::Duration::ZERO,
            http: reqwest::Client::new(),
        }));
        let listener = tokio::net::TcpListener::bind(address).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let server = Some(serve(listener, state.clone()));
        Ok(Self { url, state, server })
    }

    /// Stops answering: the port is closed (connection refused) and open connections end.
    pub async fn go_down(&mut self) {
        if let Some(serving) = self.server.take() {
            let _ = serving.stop.send(());
            let _ = serving.task.await;
        }
    }

    /// Answers again on the same address, with the same state.
    pub async fn come_back(&mut self) -> std::io::Result<()> {
        if self.server.is_none() {
            let address = self.url.trim_start_matches("http://").to_string();
            let listener = tokio::net::TcpListener::bind(address).await?;
            self.server = Some(serve(listener, self.state.clone()));
        }
        Ok(())
    }

    /// Sets what its Plex server plays (None: Tautulli has no Plex server).
    pub fn set_activity(&self, sessions: Option<Vec<Playing>>) {
        locked(&self.state).activity.sessions = sessions;
    }

    /// How many times `cmd` was asked for.
    pub fn count(&self, cmd: &str) -> usize {
        locked(&self.state)
            .commands
            .iter()
            .filter(|c| *c == cmd)
            .count()
    }

    /// Adds a notifier as if a user had made it in Tautulli's settings; returns its id.
    pub fn add(&self, notifier: Notifier) -> u32 {
        let mut state = locked(&self.state);
        let id = state.next_id;
        state.next_id += 1;
        state.notifiers.insert(id, notifier);
        id
    }

    /// Replaces notifier `id` as a user editing it in Tautulli would.
    pub fn put(&self, id: u32, notifier: Notifier) {
        let mut state = locked(&self.state);
        state.next_id = state.next_id.max(id + 1);
        state.notifiers.insert(id, notifier);
    }

    pub fn notifiers(&self) -> BTreeMap<u32, Notifier> {
        locked(&self.state).notifiers.clone()
    }

    /// Replaces the play history (rows as `get_history` shows them ungrouped, any order).
    pub fn set_history(&self, rows: Vec<Value>) {
        let mut state = locked(&self.state);
        state.history = rows;
        state.history_order.clear();
    }

    /// Makes `get_history` fail from row `start` on (None: answer again).
    pub fn fail_history_from(&self, start: Option<u64>) {
        locked(&self.state).history_fails_from = start;
    }

    pub fn set_history_delay(&self, delay: std::time::Duration) {
        locked(&self.state).history_delay = delay;
    }

    /// The `start` of every `get_history` call so far.
    pub fn history_starts(&self) -> Vec<u64> {
        locked(&self.state).history_starts.clone()
    }

    pub fn set_refusal(&self, refusal: KeyRefusal) {
        locked(&self.state).refusal = refusal;
    }

    pub fn commands(&self) -> Vec<String> {
        locked(&self.state).commands.clone()
    }

    pub fn notifies(&self) -> Vec<NotifyCall> {
        locked(&self.state).notifies.clone()
    }

    pub fn key_in_body(&self) -> bool {
        locked(&self.state).key_in_body
    }
}

fn serve(listener: tokio::net::TcpListener, state: Arc<Mutex<FakeState>>) -> Serving {
    let app = Router::new().route("/api/v2", any(api)).with_state(state);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = serving.await {
            eprintln!("fake Tautulli stopped: {e}");
        }
    });
    Serving { task, stop }
}

fn envelope(status: StatusCode, result: &str, message: Option<&str>, data: Value) -> Response {
    let body = json!({"response": {"result": result, "message": message, "data": data}});
    (status, Json(body)).into_response()
}

/// Every error of 2.17's API: HTTP 400 and empty data.
fn error(message: Option<&str>) -> Response {
    envelope(StatusCode::BAD_REQUEST, "error", message, json!({}))
}

async fn api(
    State(state): State<Arc<Mutex<FakeState>>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut params: BTreeMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    // CherryPy hands the handler query and form parameters alike.
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let key_in_body = form.contains_key("apikey");
    for (key, value) in form {
        params.entry(key).or_insert(value);
    }
    let cmd = params.get("cmd").cloned().unwrap_or_default();
    if cmd == "get_history" {
        let delay = locked(&state).history_delay;
        tokio::time::sleep(delay).await;
    }
    let (prepared, http) = {
        let mut state = locked(&state);
        state.commands.push(cmd.clone());
        state.key_in_body |= key_in_body;
        let Some(key) = params.get("apikey") else {
            return error(Some("Parameter apikey is required"));
        };
        if cmd.is_empty() {
            return error(Some("Parameter cmd is required."));
        }
        if !commands::KNOWN.contains(&cmd.as_str()) && !activity::COMMANDS.contains(&cmd.as_str()) {
            return error(Some(&format!("Unknown command: {cmd}.")));
        }
        if *key != state.api_key {
            return match state.refusal {
                KeyRefusal::Http400 => error(Some("Invalid apikey")),
                KeyRefusal::Http401 => envelope(
                    StatusCode::UNAUTHORIZED,
                    "error",
                    Some("Invalid apikey"),
                    json!({}),
                ),
                KeyRefusal::Http200 => {
                    envelope(StatusCode::OK, "error", Some("Invalid apikey"), Value::Null)
                }
            };
        }
        if activity::COMMANDS.contains(&cmd.as_str()) {
            let data = activity::answer(&state.activity, &cmd);
            return envelope(StatusCode::OK, "success", None, data);
        }
        if cmd == "get_history" {
            let start = params.get("start").and_then(|s| s.trim().parse().ok());
            state.history_starts.push(start.unwrap_or(0));
            if state
                .history_fails_from
                .is_some_and(|from| start.unwrap_or(0) >= from)
            {
                return error(Some("Unable to execute database query."));
            }
        }
        if cmd != "notify" {
            return match commands::run(&mut state, &cmd, &params) {
                Answer::Success(message, data) => {
                    envelope(StatusCode::OK, "success", message.as_deref(), data)
                }
                Answer::Error(message) => error(message.as_deref()),
            };
        }
        (notify::prepare(&mut state, &params), state.http.clone())
    };
    let request = match prepared {
        notify::Prepared::Send(request) => request,
        notify::Prepared::Failed(message) => return error(Some(&message)),
    };
    let notifier_id = request.notifier_id;
    let delivered = notify::send(&http, request).await;
    let mut state = locked(&state);
    let notification_id = state.notifies.len();
    if let Some(notifier) = state.notifiers.get_mut(&notifier_id) {
        notifier.last_triggered = Some(unix_now());
        notifier.last_success = Some(delivered);
    }
    if delivered {
        envelope(
            StatusCode::OK,
            "success",
            Some("Notification sent."),
            json!({"notification_id": notification_id}),
        )
    } else {
        error(Some("Notification failed."))
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

//! A fake Tautulli speaking its API v2 as documented, quirks included: the envelope with
//! `result: error` under HTTP 200, a wrong key answered 400 (2.17), 401 or 200, the key read
//! from the query string only, `set_notifier_config` rewriting the whole notifier, other
//! apps' notifiers beside ours, and `notify` POSTing the given body verbatim (placeholders
//! unfilled) with the given headers to the notifier's hook.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use serde_json::{json, Value};

/// Every trigger Tautulli knows; `set_notifier_config` resets those it is not given.
const ALL_TRIGGERS: [&str; 21] = [
    "on_play",
    "on_stop",
    "on_pause",
    "on_resume",
    "on_change",
    "on_buffer",
    "on_error",
    "on_intro",
    "on_credits",
    "on_commercial",
    "on_watched",
    "on_created",
    "on_extdown",
    "on_intdown",
    "on_extup",
    "on_intup",
    "on_pmsupdate",
    "on_concurrent",
    "on_newdevice",
    "on_plexpyupdate",
    "on_plexpydbcorrupt",
];

/// How a wrong API key is answered.
#[derive(Debug, Clone, Copy)]
pub enum KeyRefusal {
    /// Tautulli 2.17: HTTP 400 with "Invalid apikey".
    Http400,
    Http401,
    /// The envelope's `result: error` under HTTP 200.
    Http200,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notifier {
    pub agent_id: u32,
    pub friendly_name: String,
    pub hook: String,
    pub method: String,
    pub actions: BTreeMap<String, u32>,
    /// Per trigger: (subject = headers JSON, body = data JSON).
    pub texts: BTreeMap<String, (String, String)>,
}

impl Notifier {
    pub fn webhook(friendly_name: &str, hook: &str) -> Self {
        let mut notifier = Self::blank(25);
        notifier.friendly_name = friendly_name.to_string();
        notifier.hook = hook.to_string();
        notifier.method = "POST".to_string();
        notifier.actions.insert("on_play".into(), 1);
        notifier.texts.insert(
            "on_play".into(),
            ("{}".into(), r#"{"text":"{title} started"}"#.into()),
        );
        notifier
    }

    pub fn blank(agent_id: u32) -> Self {
        Self {
            agent_id,
            friendly_name: String::new(),
            hook: String::new(),
            method: String::new(),
            actions: ALL_TRIGGERS.iter().map(|t| (t.to_string(), 0)).collect(),
            texts: ALL_TRIGGERS
                .iter()
                .map(|t| (t.to_string(), (String::new(), String::new())))
                .collect(),
        }
    }
}

pub struct FakeState {
    pub api_key: String,
    pub refusal: KeyRefusal,
    pub version: String,
    pub notifiers: BTreeMap<u32, Notifier>,
    next_id: u32,
    /// Every command received, in order.
    pub commands: Vec<String>,
    /// Whether any request carried the key outside the query string.
    pub key_in_body: bool,
}

pub struct FakeTautulli {
    /// Base URL, e.g. `http://127.0.0.1:PORT`.
    pub url: String,
    pub state: Arc<Mutex<FakeState>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeTautulli {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeTautulli {
    pub async fn start(api_key: &str) -> Self {
        let state = Arc::new(Mutex::new(FakeState {
            api_key: api_key.to_string(),
            refusal: KeyRefusal::Http400,
            version: "v2.17.0".to_string(),
            notifiers: BTreeMap::new(),
            next_id: 1,
            commands: Vec::new(),
            key_in_body: false,
        }));
        let app = Router::new()
            .route("/api/v2", any(api))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, state, server }
    }

    /// Adds a notifier as if a user had made it in Tautulli's settings.
    pub fn add(&self, notifier: Notifier) -> u32 {
        let mut state = self.state.lock().unwrap();
        let id = state.next_id;
        state.next_id += 1;
        state.notifiers.insert(id, notifier);
        id
    }

    pub fn notifiers(&self) -> BTreeMap<u32, Notifier> {
        self.state.lock().unwrap().notifiers.clone()
    }

    pub fn set_refusal(&self, refusal: KeyRefusal) {
        self.state.lock().unwrap().refusal = refusal;
    }

    pub fn commands(&self) -> Vec<String> {
        self.state.lock().unwrap().commands.clone()
    }
}

fn envelope(result: &str, message: Option<&str>, data: Value) -> Json<Value> {
    Json(json!({"response": {"result": result, "message": message, "data": data}}))
}

fn success(message: Option<&str>, data: Value) -> Response {
    envelope("success", message, data).into_response()
}

fn error(message: &str) -> Response {
    envelope("error", Some(message), Value::Null).into_response()
}

async fn api(
    State(state): State<Arc<Mutex<FakeState>>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let query: BTreeMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let cmd = query
        .get("cmd")
        .or_else(|| form.get("cmd"))
        .cloned()
        .unwrap_or_default();
    let notify_target = {
        let mut state = state.lock().unwrap();
        state.commands.push(cmd.clone());
        if form.contains_key("apikey") {
            state.key_in_body = true;
        }
        if query.get("apikey") != Some(&state.api_key) {
            let body = envelope("error", Some("Invalid apikey"), Value::Null);
            return match state.refusal {
                KeyRefusal::Http400 => (StatusCode::BAD_REQUEST, body).into_response(),
                KeyRefusal::Http401 => (StatusCode::UNAUTHORIZED, body).into_response(),
                KeyRefusal::Http200 => body.into_response(),
            };
        }
        match command(&mut state, &cmd, &form) {
            Handled::Answer(response) => return response,
            Handled::Notify {
                hook,
                headers,
                body,
            } => (hook, headers, body),
        }
    };
    let (hook, headers, body) = notify_target;
    let mut request = reqwest::Client::new()
        .post(&hook)
        .timeout(std::time::Duration::from_secs(5))
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    match request.send().await {
        Ok(response) if response.status().is_success() => {
            success(Some("Notification sent."), Value::Null)
        }
        _ => error("Notification failed."),
    }
}

enum Handled {
    Answer(Response),
    Notify {
        hook: String,
        headers: Vec<(String, String)>,
        body: String,
    },
}

fn command(state: &mut FakeState, cmd: &str, form: &BTreeMap<String, String>) -> Handled {
    let id = || form.get("notifier_id").and_then(|v| v.parse::<u32>().ok());
    let answer = match cmd {
        "get_tautulli_info" => success(
            None,
            json!({"tautulli_install_type": "docker", "tautulli_version": state.version,
                   "tautulli_branch": "master", "tautulli_platform": "Linux"}),
        ),
        "get_notifiers" => {
            let rows: Vec<Value> = state
                .notifiers
                .iter()
                .map(|(id, n)| {
                    json!({"id": id, "agent_id": n.agent_id,
                           "agent_name": if n.agent_id == 25 { "webhook" } else { "email" },
                           "agent_label": if n.agent_id == 25 { "Webhook" } else { "Email" },
                           "friendly_name": n.friendly_name,
                           "active": i32::from(n.actions.values().any(|a| *a == 1))})
                })
                .collect();
            success(None, Value::Array(rows))
        }
        "get_notifier_config" => {
            match id().and_then(|id| state.notifiers.get(&id).map(|n| (id, n))) {
                Some((id, n)) => {
                    let texts: serde_json::Map<String, Value> = n
                        .texts
                        .iter()
                        .map(|(t, (s, b))| (t.clone(), json!({"subject": s, "body": b})))
                        .collect();
                    success(
                        None,
                        json!({"id": id, "agent_id": n.agent_id, "agent_name": "webhook",
                           "agent_label": "Webhook", "friendly_name": n.friendly_name,
                           "config": {"hook": n.hook, "method": n.method},
                           "actions": n.actions, "notify_text": texts}),
                    )
                }
                None => error("Invalid notifier_id provided."),
            }
        }
        "add_notifier_config" => match form.get("agent_id").and_then(|v| v.parse().ok()) {
            Some(agent_id) => {
                let id = state.next_id;
                state.next_id += 1;
                state.notifiers.insert(id, Notifier::blank(agent_id));
                success(
                    Some("Added notification agent: Webhook."),
                    json!({"notifier_id": id}),
                )
            }
            None => error("Failed to add notification agent."),
        },
        "set_notifier_config" => match id().filter(|id| state.notifiers.contains_key(id)) {
            Some(id) => {
                let agent_id = form
                    .get("agent_id")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_default();
                let mut rewritten = Notifier::blank(agent_id);
                rewritten.friendly_name = form.get("friendly_name").cloned().unwrap_or_default();
                rewritten.hook = form.get("webhook_hook").cloned().unwrap_or_default();
                rewritten.method = form.get("webhook_method").cloned().unwrap_or_default();
                for trigger in ALL_TRIGGERS {
                    let on = form.get(trigger).and_then(|v| v.parse().ok()).unwrap_or(0);
                    rewritten.actions.insert(trigger.to_string(), on);
                    let text = |suffix: &str| {
                        form.get(&format!("{trigger}_{suffix}"))
                            .cloned()
                            .unwrap_or_default()
                    };
                    rewritten
                        .texts
                        .insert(trigger.to_string(), (text("subject"), text("body")));
                }
                state.notifiers.insert(id, rewritten);
                success(Some("Saved notification agent."), Value::Null)
            }
            None => error("Failed to update notification agent."),
        },
        "delete_notifier" => match id().and_then(|id| state.notifiers.remove(&id)) {
            Some(_) => success(Some("Deleted notifier."), Value::Null),
            None => error("Failed to delete notifier."),
        },
        "notify" => {
            let Some(notifier) = id().and_then(|id| state.notifiers.get(&id)) else {
                return Handled::Answer(error(
                    "Notification failed: invalid notifier_id provided.",
                ));
            };
            let stored = notifier.texts.get("on_play").cloned().unwrap_or_default();
            let given = |key: &str| form.get(key).filter(|v| !v.is_empty()).cloned();
            let subject = given("subject").unwrap_or(stored.0);
            let body = given("body").unwrap_or(stored.1);
            // Tautulli parses the headers template as JSON; an invalid one fails the send.
            let headers: Vec<(String, String)> = match serde_json::from_str::<Value>(&subject) {
                Ok(Value::Object(map)) => map
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            k,
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string()),
                        )
                    })
                    .collect(),
                _ if subject.is_empty() => Vec::new(),
                _ => return Handled::Answer(error("Notification failed.")),
            };
            return Handled::Notify {
                hook: notifier.hook.clone(),
                headers,
                body,
            };
        }
        _ => error(&format!("Unknown command: {cmd}")),
    };
    Handled::Answer(answer)
}

//! Tautulli's `notify` command for the webhook agent, as 2.17 does it: the `subject` given
//! (or the `headers` parameter, which wins) is the JSON headers and the `body` given is the
//! JSON data — exactly what the call passed, never the notifier's stored templates; an empty
//! subject means no extra headers, an empty body no body. The data is parsed and sent again
//! as JSON (see `python_json`) with `Content-Type: application/json` unless the headers say
//! otherwise, to the notifier's hook with its method. Any failure is "Notification failed.".
//! Not modelled: a headers template that switches the content type away from JSON (Tautulli
//! would then form-encode the data); the data is still sent as JSON.

use std::collections::BTreeMap;

use serde_json::Value;

use super::notifier::WEBHOOK_AGENT;
use super::python_json;
use super::{FakeState, NotifyCall};

/// Tautulli's own HTTP client, as the hook sees it.
const USER_AGENT: &str = "python-requests/2.33.1";

/// A request the webhook agent will send once the state's lock is released.
pub struct Send {
    pub notifier_id: u32,
    pub method: reqwest::Method,
    pub hook: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

pub enum Prepared {
    Send(Send),
    Failed(String),
}

/// Checks the call and builds the request; records the call for tests to read.
pub fn prepare(state: &mut FakeState, form: &BTreeMap<String, String>) -> Prepared {
    let given = |key: &str| form.get(key).cloned();
    let Some(raw_id) = given("notifier_id").filter(|id| !id.is_empty()) else {
        return Prepared::Failed("Notification failed: no notifier id provided.".into());
    };
    state.notifies.push(NotifyCall {
        notifier_id: raw_id.clone(),
        subject: given("subject"),
        body: given("body"),
        headers: given("headers"),
    });
    let found = raw_id
        .parse::<u32>()
        .ok()
        .and_then(|id| state.notifiers.get(&id).map(|n| (id, n)));
    let Some((notifier_id, notifier)) = found else {
        return Prepared::Failed(format!(
            "Notification failed: invalid notifier_id provided {raw_id}."
        ));
    };
    if notifier.agent_id != WEBHOOK_AGENT {
        // Other agents would talk to their own services; the fake does not reach them.
        return Prepared::Failed("Notification failed.".into());
    }
    let headers_text = given("headers").unwrap_or_else(|| given("subject").unwrap_or_default());
    let body_text = given("body").unwrap_or_default();
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    if !headers_text.is_empty() {
        match serde_json::from_str::<Value>(&headers_text) {
            Ok(Value::Object(map)) => {
                for (name, value) in map {
                    let value = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string);
                    headers.retain(|(known, _)| !known.eq_ignore_ascii_case(&name));
                    headers.push((name, value));
                }
            }
            _ => return Prepared::Failed("Notification failed.".into()),
        }
    }
    let body = if body_text.is_empty() {
        None
    } else if serde_json::from_str::<Value>(&body_text).is_ok() {
        Some(python_json::dumps(&body_text))
    } else {
        return Prepared::Failed("Notification failed.".into());
    };
    let method =
        reqwest::Method::from_bytes(notifier.method().as_bytes()).unwrap_or(reqwest::Method::POST);
    Prepared::Send(Send {
        notifier_id,
        method,
        hook: notifier.hook().to_string(),
        headers,
        body,
    })
}

/// Sends the request; true when the hook answered 2xx.
pub async fn send(http: &reqwest::Client, request: Send) -> bool {
    let mut outgoing = http
        .request(request.method, &request.hook)
        .timeout(std::time::Duration::from_secs(5))
        .header("User-Agent", USER_AGENT);
    for (name, value) in request.headers {
        outgoing = outgoing.header(name, value);
    }
    if let Some(body) = request.body {
        outgoing = outgoing.body(body);
    }
    matches!(outgoing.send().await, Ok(response) if response.status().is_success())
}

//! Where webhooks go (a running server, or the bench's do-nothing baseline) and how one is
//! posted: over a bounded number of connections if asked, with each failure told apart —
//! no connection, no answer, or an answer other than 2xx.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::webhooks::Webhook;

/// Where webhooks go: a running server (or the do-nothing baseline) and its token.
pub struct Target {
    client: reqwest::Client,
    base: String,
    token: String,
    /// When set, at most this many requests at once (a few senders, as in real life): the
    /// others wait for a slot, and the wait counts in their latency.
    slots: Option<Semaphore>,
    /// Answers so far, for progress lines during a long run.
    answered_2xx: AtomicU64,
    failed: AtomicU64,
}

/// Why a webhook was not accepted.
#[derive(Debug)]
pub enum Failure {
    /// No connection could be made: nothing reached the server (it was down).
    NoConnection(String),
    /// Sent, but no HTTP answer: reset, timed out, or the answer was cut off.
    NoAnswer(String),
    /// An answer other than 2xx.
    Status(u16, String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::NoConnection(e) => write!(f, "no connection: {e}"),
            Failure::NoAnswer(e) => write!(f, "no answer: {e}"),
            Failure::Status(status, body) => write!(f, "{status} {body}"),
        }
    }
}

/// A 2xx answer: the event id it carries (None for an ignored webhook) and whether the
/// event went to the spool because JetStream could not take it.
pub struct Accepted {
    pub event_id: Option<String>,
    pub spooled: bool,
}

impl Target {
    pub fn new(base: String, token: String, connections: usize) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(connections)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self {
            client,
            base,
            token,
            slots: None,
            answered_2xx: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        })
    }

    /// At most `connections` requests in flight, so at most that many connections.
    pub fn with_max_in_flight(mut self, connections: usize) -> Self {
        self.slots = Some(Semaphore::new(connections.max(1)));
        self
    }

    /// (answered 2xx, failed) so far.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.answered_2xx.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
        )
    }

    /// Posts one webhook; what its 2xx answer says, or why there was none.
    pub(crate) async fn post(&self, webhook: &Webhook) -> Result<Accepted, Failure> {
        let answer = self.try_post(webhook).await;
        let counter = if answer.is_ok() {
            &self.answered_2xx
        } else {
            &self.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
        answer
    }

    async fn try_post(&self, webhook: &Webhook) -> Result<Accepted, Failure> {
        // Never closed, so acquiring cannot fail; without a slot the request goes anyway.
        let _slot = match &self.slots {
            Some(slots) => slots.acquire().await.ok(),
            None => None,
        };
        let url = format!("{}{}?token={}", self.base, webhook.path(), self.token);
        // `without_url`: the URL carries the webhook token.
        let no_answer = |what: &str, e: reqwest::Error| {
            let connect = e.is_connect();
            let text = format!(
                "POST {}: {what}{}",
                webhook.path(),
                causes(&e.without_url())
            );
            if connect {
                Failure::NoConnection(text)
            } else {
                Failure::NoAnswer(text)
            }
        };
        let response = self
            .client
            .post(url)
            .header("content-type", webhook.content_type)
            .body(webhook.body.clone())
            .send()
            .await
            .map_err(|e| no_answer("", e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| no_answer("reading the answer: ", e))?;
        if !status.is_success() {
            return Err(Failure::Status(
                status.as_u16(),
                format!(
                    "POST {}: {}",
                    webhook.path(),
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ),
            ));
        }
        let answer = serde_json::from_slice::<serde_json::Value>(&body).ok();
        Ok(Accepted {
            event_id: answer
                .as_ref()
                .and_then(|v| v["event_id"].as_str().map(str::to_string)),
            spooled: answer.is_some_and(|v| v["spooled"] == true),
        })
    }
}

/// An error with its causes, outermost first: "error sending request: …: Connection refused".
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

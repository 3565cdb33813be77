//! The HTTP load generator: webhooks posted open-loop at a fixed rate (each request starts
//! at its scheduled time whatever the earlier ones are doing, so a slow answer cannot hold
//! the next ones back) or flat out over C keep-alive connections.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::webhooks::{Generator, Webhook};

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

/// What a phase did.
#[derive(Default)]
pub struct Outcome {
    pub sent: u64,
    pub ok: u64,
    pub errors: u64,
    /// Of the errors, those that got no HTTP answer at all.
    pub unanswered: u64,
    /// Of those, the ones that could not even connect (so never reached the server).
    pub no_connection: u64,
    /// Of the errors, those answered with another status than 2xx, by status.
    pub by_status: BTreeMap<u16, u64>,
    /// Of the 2xx, those the server answered from its spool (`"spooled": true`).
    pub spooled: u64,
    pub first_error: Option<String>,
    /// Request start to the answer read, in milliseconds, for each 2xx.
    pub latencies_ms: Vec<f64>,
    /// When each of those requests started (same order), for timelines.
    pub started_at: Vec<Instant>,
    /// The event id of each accepted webhook and when its answer was read.
    pub acked: Vec<(String, Instant)>,
    /// First request start to last answer.
    pub elapsed: Duration,
    /// How late the open-loop scheduler started requests (timer and runtime), at most.
    pub max_schedule_lag_ms: f64,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn merge(&mut self, other: Outcome) {
        self.sent += other.sent;
        self.ok += other.ok;
        self.errors += other.errors;
        self.unanswered += other.unanswered;
        self.no_connection += other.no_connection;
        for (status, count) in other.by_status {
            *self.by_status.entry(status).or_default() += count;
        }
        self.spooled += other.spooled;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.latencies_ms.extend(other.latencies_ms);
        self.started_at.extend(other.started_at);
        self.acked.extend(other.acked);
        self.max_schedule_lag_ms = self.max_schedule_lag_ms.max(other.max_schedule_lag_ms);
    }

    fn record(&mut self, started: Instant, answer: Result<Accepted, Failure>) {
        self.sent += 1;
        match answer {
            Ok(accepted) => {
                let now = Instant::now();
                self.ok += 1;
                self.spooled += u64::from(accepted.spooled);
                self.latencies_ms
                    .push(now.duration_since(started).as_secs_f64() * 1000.0);
                self.started_at.push(started);
                if let Some(id) = accepted.event_id {
                    self.acked.push((id, now));
                }
            }
            Err(failure) => {
                self.errors += 1;
                match &failure {
                    Failure::NoConnection(_) => {
                        self.unanswered += 1;
                        self.no_connection += 1;
                    }
                    Failure::NoAnswer(_) => self.unanswered += 1,
                    Failure::Status(status, _) => *self.by_status.entry(*status).or_default() += 1,
                }
                self.first_error.get_or_insert(failure.to_string());
            }
        }
    }

    /// Writes `start_s,latency_ms` per answered request, in start order, relative to `zero`.
    pub fn write_timeline(&self, path: &std::path::Path, zero: Instant) -> Result<(), String> {
        let mut rows: Vec<(f64, f64)> = self
            .started_at
            .iter()
            .zip(&self.latencies_ms)
            .map(|(at, ms)| (at.saturating_duration_since(zero).as_secs_f64(), *ms))
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut text = String::from("start_s,latency_ms\n");
        for (at, ms) in rows {
            text.push_str(&format!("{at:.6},{ms:.3}\n"));
        }
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// A one-line account of failures, if there were any.
    pub fn error_note(&self, phase: &str) -> Option<String> {
        (self.errors > 0).then(|| {
            format!(
                "{phase}: {} of {} requests failed (first: {})",
                self.errors,
                self.sent,
                self.first_error.as_deref().unwrap_or("?")
            )
        })
    }
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
    async fn post(&self, webhook: &Webhook) -> Result<Accepted, Failure> {
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

/// Posts webhooks `first..` at `rate` per second for `duration`.
pub async fn open_loop(
    target: &Arc<Target>,
    generator: &Generator,
    first: u64,
    rate: f64,
    duration: Duration,
) -> Outcome {
    let count = (rate * duration.as_secs_f64()).round() as u64;
    let mut tasks = JoinSet::new();
    let mut outcome = Outcome::default();
    let began = Instant::now();
    for i in 0..count {
        // Built before its time comes, so building it is not part of its latency.
        let webhook = generator.webhook(first + i);
        let scheduled = began + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(scheduled.into()).await;
        let target = Arc::clone(target);
        tasks.spawn(async move {
            let started = Instant::now();
            let lag = started.duration_since(scheduled).as_secs_f64() * 1000.0;
            let answer = target.post(&webhook).await;
            let mut one = Outcome {
                max_schedule_lag_ms: lag,
                ..Outcome::default()
            };
            one.record(started, answer);
            one
        });
        while let Some(done) = tasks.try_join_next() {
            if let Ok(one) = done {
                outcome.merge(one);
            }
        }
    }
    while let Some(done) = tasks.join_next().await {
        if let Ok(one) = done {
            outcome.merge(one);
        }
    }
    outcome.elapsed = began.elapsed();
    outcome
}

/// Posts webhooks `first..first + count` as fast as `connections` connections allow.
pub async fn flat_out(
    target: &Arc<Target>,
    generator: &Arc<Generator>,
    first: u64,
    count: u64,
    connections: usize,
) -> Outcome {
    let next = Arc::new(AtomicU64::new(first));
    let end = first + count;
    let began = Instant::now();
    let mut workers = JoinSet::new();
    for _ in 0..connections {
        let (target, generator, next) =
            (Arc::clone(target), Arc::clone(generator), Arc::clone(&next));
        workers.spawn(async move {
            let mut outcome = Outcome::default();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= end {
                    return outcome;
                }
                let webhook = generator.webhook(n);
                let started = Instant::now();
                let answer = target.post(&webhook).await;
                outcome.record(started, answer);
            }
        });
    }
    let mut outcome = Outcome::default();
    while let Some(done) = workers.join_next().await {
        match done {
            Ok(one) => outcome.merge(one),
            Err(e) => {
                outcome.errors += 1;
                outcome
                    .first_error
                    .get_or_insert(format!("a worker failed: {e}"));
            }
        }
    }
    outcome.elapsed = began.elapsed();
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::Generator;

    #[tokio::test]
    async fn no_listener_counts_as_no_connection_and_the_token_stays_out_of_the_error() {
        let fixtures =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let generator = Generator::load(&fixtures, chrono::Utc::now(), 1).unwrap();
        let port = crate::process::free_port().unwrap();
        let target = Arc::new(
            Target::new(
                format!("http://127.0.0.1:{port}"),
                "secret-webhook-token".into(),
                2,
            )
            .unwrap()
            .with_max_in_flight(2),
        );
        let outcome = open_loop(&target, &generator, 0, 100.0, Duration::from_millis(50)).await;
        assert_eq!(outcome.sent, 5);
        assert_eq!(
            (outcome.errors, outcome.unanswered, outcome.no_connection),
            (5, 5, 5)
        );
        assert!(outcome.by_status.is_empty() && outcome.acked.is_empty());
        assert_eq!(target.counts(), (0, 5));
        let error = outcome.first_error.unwrap();
        assert!(
            error.starts_with("no connection: POST /webhooks/"),
            "{error}"
        );
        assert!(error.contains("Connection refused"), "{error}");
        assert!(!error.contains("secret-webhook-token"), "{error}");
    }
}

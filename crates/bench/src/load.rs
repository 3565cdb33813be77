//! The HTTP load generator: webhooks posted open-loop at a fixed rate (each request starts
//! at its scheduled time whatever the earlier ones are doing, so a slow answer cannot hold
//! the next ones back) or flat out over C keep-alive connections.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::target::{Accepted, Failure, Target};
use crate::webhooks::Generator;

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

//! Long-running work the user starts and watches (replay, bulk DLQ retry): each job has an
//! id, progress and a cancel switch. The last [`KEPT`] jobs are remembered for their status.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::secret::generate_token;

const KEPT: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Done,
    Cancelled,
    Failed,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct JobStatus {
    pub id: String,
    pub kind: String,
    pub state: JobState,
    /// Items to do (a replay's: the messages its range covered when it started).
    pub total: u64,
    pub done: u64,
    pub failed: u64,
    pub error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Items per second since this job started (a resumed job counts only its own work).
    pub rate: Option<f64>,
    /// Seconds left at that rate, while running.
    pub eta_seconds: Option<f64>,
    /// What the store made of the items, for jobs that store events (a replay); null for
    /// the others (a bulk DLQ retry counts in `done` and `failed` only).
    pub outcome: Option<JobOutcome>,
}

/// What the store did with each item a job handled: together they account for `done`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct JobOutcome {
    /// Stored now: it was missing from DuckDB.
    pub stored: u64,
    /// Already stored: the same message (same event id) was there, nothing changed.
    pub already_stored: u64,
    /// Dropped as a duplicate of another stored event by a dedup rule (see the dedup audit).
    pub duplicates: u64,
    /// Not a valid event (it went to the dead-letter queue when the writer first saw it).
    pub undecodable: u64,
}

impl JobOutcome {
    pub fn add(&mut self, other: JobOutcome) {
        self.stored += other.stored;
        self.already_stored += other.already_stored;
        self.duplicates += other.duplicates;
        self.undecodable += other.undecodable;
    }
}

struct JobCell {
    status: Mutex<JobStatus>,
    cancel: AtomicBool,
    /// `done` when this run began: what an earlier, interrupted run had done.
    resumed_at: AtomicU64,
}

impl JobCell {
    /// The status with its rate and ETA worked out now.
    fn snapshot(&self) -> JobStatus {
        let mut status = match self.status.lock() {
            Ok(status) => status.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        let until = status.finished_at.unwrap_or_else(Utc::now);
        let seconds = (until - status.started_at).num_milliseconds() as f64 / 1000.0;
        let own = status
            .done
            .saturating_sub(self.resumed_at.load(Ordering::Relaxed));
        if seconds >= 0.2 && own > 0 {
            let rate = own as f64 / seconds;
            status.rate = Some(rate);
            if status.state == JobState::Running && status.total >= status.done {
                status.eta_seconds = Some((status.total - status.done) as f64 / rate);
            }
        }
        status
    }
}

/// The job list, shared by the engine and its workers.
#[derive(Clone, Default)]
pub struct Jobs {
    jobs: Arc<Mutex<VecDeque<Arc<JobCell>>>>,
}

/// A worker's side of one job.
#[derive(Clone)]
pub struct JobHandle {
    cell: Arc<JobCell>,
}

impl Jobs {
    pub fn start(&self, kind: &str, total: u64) -> JobHandle {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        Self::push(&mut jobs, kind, total)
    }

    /// Starts a job of `kind` unless one is running: then that one's id is the error.
    pub fn start_alone(&self, kind: &str, total: u64) -> Result<JobHandle, String> {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(running) = jobs
            .iter()
            .map(|cell| cell.snapshot())
            .find(|s| s.kind == kind && s.state == JobState::Running)
        {
            return Err(running.id);
        }
        Ok(Self::push(&mut jobs, kind, total))
    }

    fn push(jobs: &mut VecDeque<Arc<JobCell>>, kind: &str, total: u64) -> JobHandle {
        let cell = Arc::new(JobCell {
            status: Mutex::new(JobStatus {
                id: format!("job-{}", &generate_token().expose()[..16]),
                kind: kind.to_string(),
                state: JobState::Running,
                total,
                done: 0,
                failed: 0,
                error: None,
                started_at: Utc::now(),
                finished_at: None,
                rate: None,
                eta_seconds: None,
                outcome: None,
            }),
            cancel: AtomicBool::new(false),
            resumed_at: AtomicU64::new(0),
        });
        jobs.push_back(Arc::clone(&cell));
        while jobs.len() > KEPT {
            jobs.pop_front();
        }
        JobHandle { cell }
    }

    fn find(&self, id: &str) -> Option<Arc<JobCell>> {
        let jobs = self.jobs.lock().ok()?;
        jobs.iter()
            .find(|cell| cell.status.lock().is_ok_and(|s| s.id == id))
            .cloned()
    }

    pub fn get(&self, id: &str) -> Option<JobStatus> {
        Some(self.find(id)?.snapshot())
    }

    /// Asks a running job to stop; it finishes as `cancelled` at its next step.
    pub fn cancel(&self, id: &str) -> Option<JobStatus> {
        let cell = self.find(id)?;
        cell.cancel.store(true, Ordering::Relaxed);
        Some(cell.snapshot())
    }

    /// Asks every job to stop at its next step (the engine is stopping).
    pub fn cancel_all(&self) {
        if let Ok(jobs) = self.jobs.lock() {
            for cell in jobs.iter() {
                cell.cancel.store(true, Ordering::Relaxed);
            }
        }
    }
}

impl JobHandle {
    pub fn id(&self) -> String {
        self.status().id
    }

    pub fn status(&self) -> JobStatus {
        self.cell.snapshot()
    }

    fn update(&self, f: impl FnOnce(&mut JobStatus)) {
        if let Ok(mut status) = self.cell.status.lock() {
            f(&mut status);
        }
    }

    pub fn set_total(&self, total: u64) {
        self.update(|s| s.total = total);
    }

    /// Goes on from what an earlier run of the same work did; the rate counts from here.
    pub fn resume_from(&self, done: u64, failed: u64) {
        self.cell.resumed_at.store(done, Ordering::Relaxed);
        self.update(|s| {
            s.done = done;
            s.failed = failed;
        });
    }

    pub fn advance(&self, done: u64, failed: u64) {
        self.update(|s| {
            s.done += done;
            s.failed += failed;
        });
    }

    /// Counts what the store did with items just handled (the job then has an outcome,
    /// even of zeros).
    pub fn record_outcome(&self, outcome: JobOutcome) {
        self.update(|s| {
            s.outcome
                .get_or_insert_with(JobOutcome::default)
                .add(outcome)
        });
    }

    pub fn is_cancelled(&self) -> bool {
        self.cell.cancel.load(Ordering::Relaxed)
    }

    pub fn finish(&self, result: Result<(), String>) {
        let cancelled = self.is_cancelled();
        self.update(|s| {
            s.finished_at = Some(Utc::now());
            match result {
                Ok(()) if cancelled => s.state = JobState::Cancelled,
                Ok(()) => s.state = JobState::Done,
                Err(e) => {
                    s.state = JobState::Failed;
                    s.error = Some(e);
                }
            }
        });
    }
}

//! Long-running work the user starts and watches (replay, bulk DLQ retry): each job has an
//! id, progress and a cancel switch. The last [`KEPT`] jobs are remembered for their status.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// Items to do (may grow while a replay learns the stream's end).
    pub total: u64,
    pub done: u64,
    pub failed: u64,
    pub error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

struct JobCell {
    status: Mutex<JobStatus>,
    cancel: AtomicBool,
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
            }),
            cancel: AtomicBool::new(false),
        });
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.push_back(Arc::clone(&cell));
            while jobs.len() > KEPT {
                jobs.pop_front();
            }
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
        self.find(id)?.status.lock().ok().map(|s| s.clone())
    }

    /// Asks a running job to stop; it finishes as `cancelled` at its next step.
    pub fn cancel(&self, id: &str) -> Option<JobStatus> {
        let cell = self.find(id)?;
        cell.cancel.store(true, Ordering::Relaxed);
        cell.status.lock().ok().map(|s| s.clone())
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
        match self.cell.status.lock() {
            Ok(status) => status.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn update(&self, f: impl FnOnce(&mut JobStatus)) {
        if let Ok(mut status) = self.cell.status.lock() {
            f(&mut status);
        }
    }

    pub fn set_total(&self, total: u64) {
        self.update(|s| s.total = total);
    }

    pub fn advance(&self, done: u64, failed: u64) {
        self.update(|s| {
            s.done += done;
            s.failed += failed;
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

//! Every background task of the engine runs under one cancellation token and one tracker:
//! stopping is "cancel, then wait while each task finishes what it is doing" — a batch
//! committed and acked, a spool record forwarded. Aborting is only the last resort for a
//! task still running when the grace period ends.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::AbortHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Clone, Default)]
pub struct Tasks {
    token: CancellationToken,
    tracker: TaskTracker,
    running: Arc<Mutex<Vec<(&'static str, AbortHandle)>>>,
}

impl Tasks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancelled when the engine stops; every task watches it.
    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }

    pub fn is_stopping(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Runs `task` until it returns (it must return soon after the token is cancelled).
    pub fn spawn<F>(&self, name: &'static str, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let handle = self.tracker.spawn(task);
        if let Ok(mut running) = self.running.lock() {
            running.retain(|(_, h)| !h.is_finished());
            running.push((name, handle.abort_handle()));
        }
    }

    /// Cancels the token and waits up to `grace` for every task to finish; whatever still
    /// runs then is aborted, and named in the log.
    pub async fn stop(&self, grace: Duration) {
        self.token.cancel();
        self.tracker.close();
        if tokio::time::timeout(grace, self.tracker.wait())
            .await
            .is_ok()
        {
            return;
        }
        let running = self
            .running
            .lock()
            .map(|running| running.clone())
            .unwrap_or_default();
        for (name, handle) in running.iter().filter(|(_, h)| !h.is_finished()) {
            tracing::warn!(
                task = name,
                "still running {grace:?} after the stop; aborting it"
            );
            handle.abort();
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), self.tracker.wait()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stop_lets_a_task_finish_its_work_and_aborts_only_a_stuck_one() {
        let tasks = Tasks::new();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let token = tasks.token();
        tasks.spawn("polite", async move {
            token.cancelled().await;
            // Work after the signal: must not be cut short.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let _ = done_tx.send(());
        });
        let stuck_done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stuck_done.clone();
        tasks.spawn("stuck", async move {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        let started = std::time::Instant::now();
        tasks.stop(Duration::from_millis(300)).await;
        assert!(done_rx.await.is_ok(), "the polite task finished its work");
        assert!(!stuck_done.load(std::sync::atomic::Ordering::SeqCst));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(tasks.is_stopping());
    }
}

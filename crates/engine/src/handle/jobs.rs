//! Long-running work both adapters start and watch: a replay of the stream, and the status
//! and cancel of any job (replays and bulk DLQ retries).

use super::{EngineHandle, OpError};
use crate::jobs::JobStatus;
use crate::persist::replay::{Replay, ReplayRange};
use crate::persist::replay_range::{ReplayPreview, StreamIndex};

impl EngineHandle {
    /// Re-runs a range of the stream through the writer's store path (JetStream mode only).
    pub fn replay(&self, range: ReplayRange) -> Result<JobStatus, OpError> {
        range.check(chrono::Utc::now())?;
        let jetstream = self.replay_stream()?;
        let job = self.jobs().start("replay", 0);
        let status = job.status();
        let replay = Replay {
            jetstream,
            db: self.database().clone(),
            batch_size: self.shared.batch_size,
            counters: self.shared.writer_counters.clone(),
        };
        self.shared
            .tasks
            .spawn("replay job", replay.run(range, job));
        Ok(status)
    }

    /// What a replay of `range` would cover: the stream's ends and the range's, and how many
    /// messages lie between — the same resolution the replay job runs.
    pub async fn replay_preview(&self, range: ReplayRange) -> Result<ReplayPreview, OpError> {
        range.check(chrono::Utc::now())?;
        let index = StreamIndex::open(self.replay_stream()?).await?;
        Ok(index.preview(&range).await?)
    }

    fn replay_stream(&self) -> Result<async_nats::jetstream::Context, OpError> {
        self.jetstream().ok_or_else(|| {
            OpError::Unavailable(
                "replay needs JetStream; the engine runs the direct path".to_string(),
            )
        })
    }

    pub fn job(&self, id: &str) -> Result<JobStatus, OpError> {
        self.jobs()
            .get(id)
            .ok_or_else(|| OpError::NotFound(format!("no job {id}")))
    }

    pub fn cancel_job(&self, id: &str) -> Result<JobStatus, OpError> {
        self.jobs()
            .cancel(id)
            .ok_or_else(|| OpError::NotFound(format!("no job {id}")))
    }
}

//! History import, both adapters' one door: start (or resume) the Tautulli import job; its
//! progress and cancel are the job functions of `jobs.rs`.

use super::EngineHandle;
use crate::import::{
    Checkpoint, ImportError, ImportRequest, ImportStarted, TautulliImport, JOB_KIND, PAGE_SIZE,
};

impl EngineHandle {
    /// Starts importing the saved Tautulli's history as a job. An unfinished earlier run
    /// for the same `since` is resumed from its checkpoint; a finished one starts over, and
    /// stores nothing twice.
    pub async fn import_tautulli(
        &self,
        request: ImportRequest,
    ) -> Result<ImportStarted, ImportError> {
        let since = request.since_day()?;
        let client = self.shared.setup.saved_tautulli_client().await?;
        let saved = self
            .database()
            .with_conn(|conn| Checkpoint::load(conn, crate::import::SOURCE))
            .await?;
        let since_text = since.map(|d| d.format("%Y-%m-%d").to_string());
        let resume = saved.filter(|c| !c.finished && c.since == since_text);
        let job = self
            .jobs()
            .start_alone(JOB_KIND, resume.as_ref().map_or(0, |c| c.total))
            .map_err(ImportError::Running)?;
        let job_id = job.id();
        let checkpoint = match resume {
            Some(earlier) => {
                job.resume_from(earlier.next_start, earlier.rejected);
                Checkpoint {
                    job_id: job_id.clone(),
                    ..earlier
                }
            }
            None => Checkpoint {
                job_id: job_id.clone(),
                since: since_text,
                next_start: 0,
                total: 0,
                events: 0,
                rejected: 0,
                finished: false,
            },
        };
        let resumed_from = checkpoint.next_start;
        tracing::info!(job = %job_id, resumed_from, "Tautulli import starting");
        let import = TautulliImport {
            client,
            ingest: self.ingest().clone(),
            db: self.database().clone(),
            since,
            checkpoint,
            page_size: PAGE_SIZE,
        };
        self.shared
            .tasks
            .spawn("tautulli import job", import.run(job));
        Ok(ImportStarted {
            job_id,
            resumed_from,
        })
    }
}

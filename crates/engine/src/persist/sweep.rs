//! The periodic sweep: closes sessions whose stop never came (in DuckDB and in the live
//! view) and removes refused bodies past the dead-letter retention.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Database, DbError};
use crate::handle::tasks::Tasks;
use crate::live::LiveHub;

/// How often silent sessions and old dead letters are looked for.
pub const SWEEP_EVERY: Duration = Duration::from_secs(30);

pub fn spawn(tasks: &Tasks, db: Database, live: LiveHub, session_timeout: Duration) {
    tasks.spawn("sweep", run(db, live, session_timeout, tasks.token()));
}

async fn run(db: Database, live: LiveHub, session_timeout: Duration, shutdown: CancellationToken) {
    let timeout = chrono::Duration::from_std(session_timeout).unwrap_or(chrono::Duration::hours(6));
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        live.expire(chrono::Utc::now() - timeout);
        let swept = db
            .with_conn(move |conn| {
                let now = chrono::Utc::now();
                let closed = super::sessions::close_stale(conn, now - timeout)?;
                let expired = crate::dlq::store::expire(conn, now)?;
                Ok((closed, expired))
            })
            .await;
        match swept {
            Ok((closed, expired)) => {
                if closed > 0 {
                    tracing::info!(closed, "closed silent sessions");
                }
                db.dlq_counters().expired(expired);
            }
            // DuckDB not open yet: its health part already says why.
            Err(e @ DbError::Unavailable { .. }) => tracing::debug!("sweep skipped: {e}"),
            Err(e) => tracing::warn!("sweep failed: {e}"),
        }
    }
}

//! The "duckdb" health part: up while the file answers a query, down with the reason while
//! it cannot be opened (held by another program, damaged) — each check also tries to open it.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Database;
use crate::handle::tasks::Tasks;
use crate::health::{HealthHub, PartHealth, PartStatus};

const CHECK_EVERY: Duration = Duration::from_secs(2);

pub fn spawn(tasks: &Tasks, db: Database, health: HealthHub) {
    tasks.spawn("duckdb health", run(db, health, tasks.token()));
}

/// Checks once and reports; true when DuckDB answered.
pub async fn check(db: &Database, health: &HealthHub) -> bool {
    let (up, part) = match db.ping().await {
        Ok(()) => (
            true,
            PartHealth::new(PartStatus::Up, db.path().display().to_string()),
        ),
        Err(e) => (
            false,
            PartHealth::new(
                PartStatus::Down,
                format!("{e}; webhooks are still taken, and stored once it opens"),
            ),
        ),
    };
    health.report("duckdb", part);
    up
}

async fn run(db: Database, health: HealthHub, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(CHECK_EVERY);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        check(&db, &health).await;
    }
}

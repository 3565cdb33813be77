//! The "spool" health part: what waits in the spool for JetStream. On the direct path there
//! is no spool to write to, but one left by an earlier run is still counted and shown: those
//! events were acknowledged and are not stored until JetStream forwards them.

use std::path::Path;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::spool::{segment, Spool};
use crate::health::{HealthHub, PartHealth, PartStatus};

const TICK: Duration = Duration::from_millis(250);

/// Reports the live spool until `shutdown`.
pub async fn run(spool: Spool, health: HealthHub, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(TICK);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        // Down once the oldest record has waited a minute (docs/adr/0012).
        health.report("spool", spool.health(chrono::Utc::now()));
    }
}

/// Events an earlier run left in the spool, and their bytes on disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Leftover {
    pub pending: u64,
    pub bytes: u64,
}

/// Counts what waits in `dir` without opening the spool (nothing is written or moved).
pub fn leftover(dir: &Path) -> std::io::Result<Leftover> {
    let mut found = Leftover::default();
    if !dir.is_dir() {
        return Ok(found);
    }
    for id in segment::list_segments(dir)? {
        let path = segment::segment_path(dir, id);
        let records = segment::read_records(&path)?;
        found.pending += records.len().saturating_sub(segment::read_cursor(&path)) as u64;
        found.bytes += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    }
    Ok(found)
}

/// The part on the direct path: down while acknowledged events wait for a JetStream this run
/// does not have (`why`), so nobody mistakes them for stored.
pub fn report_leftover(dir: &Path, why: &str, health: &HealthHub) -> Leftover {
    let found = match leftover(dir) {
        Ok(found) => found,
        Err(e) => {
            health.report(
                "spool",
                PartHealth::new(
                    PartStatus::Down,
                    format!("cannot read the spool in {}: {e}", dir.display()),
                ),
            );
            return Leftover::default();
        }
    };
    if found.pending == 0 {
        return found;
    }
    let detail = format!(
        "{} events from an earlier run wait in the spool for JetStream, which this run does not \
         use ({why}); they are stored once the engine runs with JetStream again",
        found.pending
    );
    tracing::warn!("{detail}");
    health.report("spool", PartHealth::new(PartStatus::Down, detail));
    found
}

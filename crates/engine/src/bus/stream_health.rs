//! The "stream" health part: how far the DuckDB writer's `persist` consumer is behind, and
//! whether the stream's max age is about to delete events it has not stored. Also applies a
//! retention cut that provisioning held back, once nothing unstored would be lost by it.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::stream::{self, Backlog, BacklogError, RetentionHold, StreamSpec};
use crate::health::{HealthHub, PartHealth, PartStatus};

const CHECK_EVERY: Duration = Duration::from_secs(5);
/// The writer counts as behind when its oldest unstored event is older than this.
pub const LAG_WARNING: Duration = Duration::from_secs(120);
/// Share of the stream's max age at which unstored events are at risk of deletion.
pub const RETENTION_WARNING: f64 = 0.5;

/// Reports the "stream" part until `shutdown`.
pub async fn run(
    jetstream: async_nats::jetstream::Context,
    spec: StreamSpec,
    mut hold: Option<RetentionHold>,
    health: HealthHub,
    shutdown: CancellationToken,
) {
    let mut tick = tokio::time::interval(CHECK_EVERY);
    let mut at_risk = false;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        if hold.is_some() {
            hold = retry_held_cut(&jetstream, spec).await.unwrap_or(hold);
        }
        let max_age = hold.as_ref().map_or(spec.max_age(), |h| h.kept);
        let part = match stream::persist_backlog(&jetstream).await {
            Ok(backlog) => {
                let part = judge(backlog, max_age, hold.as_ref());
                let risky = at_risk_of_deletion(backlog, max_age);
                if risky && !at_risk {
                    tracing::warn!("{}", part.detail);
                }
                at_risk = risky;
                part
            }
            Err(e @ (BacklogError::StreamMissing | BacklogError::ConsumerMissing)) => {
                PartHealth::new(
                    PartStatus::Down,
                    format!("{e}; the DuckDB writer provisions it again"),
                )
            }
            Err(e) => PartHealth::new(
                PartStatus::Down,
                format!("cannot read the writer's progress: {e}"),
            ),
        };
        health.report("stream", part);
    }
}

/// Provisions again; Some(new hold state) when that worked.
async fn retry_held_cut(
    jetstream: &async_nats::jetstream::Context,
    spec: StreamSpec,
) -> Option<Option<RetentionHold>> {
    match stream::provision_once(jetstream, spec).await {
        Ok(done) => {
            if done.retention_hold.is_none() {
                tracing::info!(
                    days = spec.retention_days,
                    "the writer caught up; the shorter stream retention is now applied"
                );
            }
            Some(done.retention_hold)
        }
        Err(e) => {
            tracing::debug!("retention not applied yet: {e}");
            None
        }
    }
}

/// The part for a backlog against the stream's max age. Details carry no counters that
/// change every tick, so watchers wake only on real changes.
pub fn judge(backlog: Backlog, max_age: Duration, hold: Option<&RetentionHold>) -> PartHealth {
    let retention = human(max_age);
    if let Some(age) = backlog.oldest_age {
        if at_risk_of_deletion(backlog, max_age) {
            return PartHealth::new(
                PartStatus::Down,
                format!(
                    "events wait for DuckDB since {} — the stream deletes events after \
                     {retention}, stored or not; get the writer going again (is DuckDB down?)",
                    human(age)
                ),
            );
        }
        if age >= LAG_WARNING {
            return PartHealth::new(
                PartStatus::Down,
                format!(
                    "the DuckDB writer is behind: the oldest event not stored is {} old",
                    human(age)
                ),
            );
        }
    }
    if let Some(hold) = hold {
        return PartHealth::new(PartStatus::Down, hold.to_string());
    }
    PartHealth::new(
        PartStatus::Up,
        format!("the DuckDB writer keeps up (events kept {retention})"),
    )
}

/// Unstored events have lived through [`RETENTION_WARNING`] of the stream's max age.
pub fn at_risk_of_deletion(backlog: Backlog, max_age: Duration) -> bool {
    backlog
        .oldest_age
        .is_some_and(|age| age.as_secs_f64() >= max_age.as_secs_f64() * RETENTION_WARNING)
}

/// Whole minutes, hours or days: enough to act on, and stable between checks.
fn human(d: Duration) -> String {
    let minutes = d.as_secs() / 60;
    match minutes {
        0 => "under a minute".to_string(),
        1..=119 => format!("{minutes} min"),
        120..=2879 => format!("{} h", minutes / 60),
        _ => format!("{} days", minutes / 1440),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(24 * 3600);

    fn backlog(age: Option<Duration>) -> Backlog {
        Backlog {
            messages: u64::from(age.is_some()),
            oldest_age: age,
        }
    }

    #[test]
    fn a_writer_that_keeps_up_is_up() {
        let part = judge(backlog(None), 7 * DAY, None);
        assert_eq!(part.status, PartStatus::Up);
        let part = judge(backlog(Some(Duration::from_secs(5))), 7 * DAY, None);
        assert_eq!(part.status, PartStatus::Up);
    }

    #[test]
    fn a_lagging_writer_degrades_the_pipeline() {
        let part = judge(backlog(Some(Duration::from_secs(600))), 7 * DAY, None);
        assert_eq!(part.status, PartStatus::Down);
        assert!(part.detail.contains("10 min"), "{}", part.detail);
    }

    #[test]
    fn half_the_max_age_warns_of_deletion() {
        let part = judge(backlog(Some(4 * DAY)), 7 * DAY, None);
        assert_eq!(part.status, PartStatus::Down);
        assert!(part.detail.contains("deletes"), "{}", part.detail);
        assert!(part.detail.contains("7 days"), "{}", part.detail);
    }

    #[test]
    fn a_held_retention_cut_is_reported() {
        let hold = RetentionHold {
            kept: 7 * DAY,
            wanted: DAY,
            oldest_unstored: 2 * DAY,
        };
        let part = judge(backlog(None), 7 * DAY, Some(&hold));
        assert_eq!(part.status, PartStatus::Down);
        assert!(part.detail.contains("kept at 7 days"), "{}", part.detail);
    }
}

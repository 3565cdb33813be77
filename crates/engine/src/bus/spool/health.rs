//! The spool's part of the health view: how much waits and since when. A spool whose oldest
//! record has waited longer than [`STALL_AFTER`] is reported down, which makes the overall
//! health degraded: events are acknowledged but not reaching the store.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use super::{Spool, SpoolStatus};
use crate::health::{PartHealth, PartStatus};

/// How long the oldest spooled record may wait before the spool counts as stalled.
pub const STALL_AFTER: Duration = Duration::from_secs(60);

/// The "spool" part for `status` at `now`. The detail names the oldest record's time, not
/// its age, so it changes only when the spool does (watchers are woken by changes).
pub fn part(status: &SpoolStatus, now: DateTime<Utc>) -> PartHealth {
    let Some(oldest) = status.oldest_pending_at.filter(|_| status.pending > 0) else {
        return PartHealth::new(PartStatus::Up, "empty");
    };
    let waiting = format!(
        "{} events waiting for JetStream ({} bytes), oldest spooled at {}",
        status.pending,
        status.bytes,
        oldest.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    let age = (now - oldest).to_std().unwrap_or_default();
    if age < STALL_AFTER {
        return PartHealth::new(PartStatus::Up, waiting);
    }
    let why = status
        .last_error
        .as_deref()
        .map_or_else(String::new, |e| format!("; last error: {e}"));
    PartHealth::new(
        PartStatus::Down,
        format!(
            "stalled: {waiting}, more than {} s ago{why}",
            STALL_AFTER.as_secs()
        ),
    )
}

impl Spool {
    /// The "spool" health part now.
    pub fn health(&self, now: DateTime<Utc>) -> PartHealth {
        part(&self.status(), now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(pending: u64, oldest: Option<DateTime<Utc>>) -> SpoolStatus {
        SpoolStatus {
            pending,
            bytes: 2048,
            oldest_pending_at: oldest,
            last_error: Some("JetStream did not acknowledge within 2s".into()),
        }
    }

    #[test]
    fn an_empty_spool_is_up_and_says_so() {
        let part = part(&status(0, None), Utc::now());
        assert_eq!(part, PartHealth::new(PartStatus::Up, "empty"));
    }

    #[test]
    fn a_young_spool_is_up_with_count_bytes_and_oldest_time() {
        let now = Utc::now();
        let part = part(&status(3, Some(now - chrono::Duration::seconds(5))), now);
        assert_eq!(part.status, PartStatus::Up);
        assert!(
            part.detail.starts_with("3 events waiting"),
            "{}",
            part.detail
        );
        assert!(part.detail.contains("2048 bytes"), "{}", part.detail);
        assert!(part.detail.contains("oldest spooled at"), "{}", part.detail);
    }

    #[test]
    fn a_spool_older_than_a_minute_is_down_with_the_reason() {
        let now = Utc::now();
        let part = part(&status(3, Some(now - chrono::Duration::seconds(61))), now);
        assert_eq!(part.status, PartStatus::Down);
        assert!(
            part.detail.starts_with("stalled: 3 events"),
            "{}",
            part.detail
        );
        assert!(
            part.detail.contains("last error: JetStream did not"),
            "{}",
            part.detail
        );
    }
}

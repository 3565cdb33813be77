//! Events per source over the last second and the last minute, from per-second buckets in
//! a 60-slot ring: recording is a lock and an add, reading sums at most 60 numbers.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::event::Source;

const SLOTS: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Rate {
    /// Events in the last whole second.
    pub last_second: f64,
    /// Events per second averaged over the last minute (the current second included).
    pub last_minute: f64,
}

struct Ring {
    /// (unix second, count) per slot.
    slots: [(i64, u64); SLOTS],
}

impl Default for Ring {
    fn default() -> Self {
        Self {
            slots: [(i64::MIN, 0); SLOTS],
        }
    }
}

impl Ring {
    fn add(&mut self, second: i64) {
        let slot = &mut self.slots[second.rem_euclid(SLOTS as i64) as usize];
        if slot.0 != second {
            *slot = (second, 0);
        }
        slot.1 += 1;
    }

    fn count_between(&self, from: i64, to: i64) -> u64 {
        self.slots
            .iter()
            .filter(|(second, _)| *second >= from && *second <= to)
            .map(|(_, n)| n)
            .sum()
    }

    fn rate(&self, now: i64) -> Rate {
        let in_window = |from: i64, to: i64| -> u64 {
            self.slots
                .iter()
                .filter(|(second, _)| *second >= from && *second <= to)
                .map(|(_, n)| n)
                .sum()
        };
        Rate {
            // The last whole second: a steady figure, not the current second filling up.
            last_second: in_window(now - 1, now - 1) as f64,
            // The minute up to now, the current second included, so a burst shows at once.
            last_minute: in_window(now - SLOTS as i64 + 1, now) as f64 / SLOTS as f64,
        }
    }
}

#[derive(Default)]
pub struct IngestRates {
    rings: Mutex<BTreeMap<Source, Ring>>,
}

impl IngestRates {
    pub fn record(&self, source: Source, unix_second: i64) {
        if let Ok(mut rings) = self.rings.lock() {
            rings.entry(source).or_default().add(unix_second);
        }
    }

    /// Events per second of every source that has ever sent, averaged over the whole
    /// seconds `from..=to` (at most the last minute is remembered).
    pub fn average(&self, from: i64, to: i64) -> BTreeMap<String, f64> {
        let seconds = (to - from + 1).max(1) as f64;
        self.rings
            .lock()
            .map(|rings| {
                rings
                    .iter()
                    .map(|(source, ring)| {
                        let count = ring.count_between(from, to) as f64;
                        (source.as_str().to_string(), count / seconds)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The rate of every source that has ever sent, as of `now` (a unix second).
    pub fn rates(&self, now: i64) -> BTreeMap<String, Rate> {
        self.rings
            .lock()
            .map(|rings| {
                rings
                    .iter()
                    .map(|(source, ring)| (source.as_str().to_string(), ring.rate(now)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_whole_seconds_and_forgets_old_ones() {
        let rates = IngestRates::default();
        for _ in 0..3 {
            rates.record(Source::Plex, 1000);
        }
        rates.record(Source::Plex, 1001);
        rates.record(Source::Emby, 950);
        let now = rates.rates(1002);
        assert_eq!(now["plex"].last_second, 1.0);
        assert_eq!(now["plex"].last_minute, 4.0 / 60.0);
        assert_eq!(now["emby"].last_minute, 1.0 / 60.0);
        // A minute later the old buckets no longer count, and reused slots start over.
        rates.record(Source::Plex, 1060);
        let later = rates.rates(1061);
        assert_eq!(later["plex"].last_second, 1.0);
        assert_eq!(
            later["plex"].last_minute,
            1.0 / 60.0,
            "1001 is a minute ago"
        );
        rates.record(Source::Plex, 1061);
        assert_eq!(
            rates.rates(1061)["plex"].last_minute,
            2.0 / 60.0,
            "now counts at once"
        );
        assert_eq!(later["emby"].last_minute, 0.0);
        assert_eq!(rates.average(1057, 1061)["plex"], 2.0 / 5.0);
        assert_eq!(rates.average(1057, 1061)["emby"], 0.0);
    }
}

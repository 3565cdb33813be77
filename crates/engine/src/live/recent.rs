//! The live view's memory of recent events for deduplication, indexed by the keys every
//! dedup rule matches on (event id, session key, correlation key): an event is compared
//! with the few remembered events that share one, not with all of them.

use std::collections::{HashMap, VecDeque};

use crate::event::MediaEvent;
use crate::persist::dedup::{self, Candidate, Decision};

/// At most `capacity` events, oldest forgotten first.
pub struct RecentEvents {
    capacity: usize,
    /// Remembered events with their running number, oldest first.
    events: VecDeque<(u64, Candidate)>,
    next: u64,
    /// Running numbers of the events holding each key; numbers of forgotten events are
    /// skipped on lookup and pruned now and then.
    by_key: HashMap<Key, Vec<u64>>,
}

#[derive(Hash, PartialEq, Eq)]
enum Key {
    Id(String),
    Session(String),
    Correlation(String),
}

impl RecentEvents {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            events: VecDeque::with_capacity(capacity),
            next: 0,
            by_key: HashMap::new(),
        }
    }

    /// The dedup decision for `event` against what is remembered (the same as comparing it
    /// with every remembered event); a kept event is remembered.
    pub fn decide(&mut self, event: &MediaEvent) -> Decision {
        let decision = dedup::decide_one(&self.related(event), event, None);
        if decision == Decision::Keep {
            self.remember(Candidate::of(event, None));
        }
        decision
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.events.len()
    }

    /// Remembered events sharing a key with `event`, oldest first (the order the rules
    /// search in).
    fn related(&self, event: &MediaEvent) -> Vec<&Candidate> {
        let oldest = self.events.front().map_or(self.next, |(n, _)| *n);
        let mut numbers: Vec<u64> = keys_of(
            &event.event_id,
            event.session_key.as_deref(),
            &event.correlation_key,
        )
        .filter_map(|key| self.by_key.get(&key))
        .flatten()
        .copied()
        .filter(|n| *n >= oldest)
        .collect();
        numbers.sort_unstable();
        numbers.dedup();
        numbers
            .into_iter()
            .filter_map(|n| {
                let index = usize::try_from(n - oldest).ok()?;
                self.events.get(index).map(|(_, c)| c)
            })
            .collect()
    }

    fn remember(&mut self, candidate: Candidate) {
        let number = self.next;
        self.next += 1;
        for key in keys_of(
            &candidate.event_id,
            candidate.session_key.as_deref(),
            &candidate.correlation_key,
        ) {
            self.by_key.entry(key).or_default().push(number);
        }
        self.events.push_back((number, candidate));
        while self.events.len() > self.capacity {
            self.events.pop_front();
        }
        // Keys of forgotten events linger until the index is four times the memory.
        if self.by_key.len() > 4 * self.capacity.max(1) {
            let oldest = self.events.front().map_or(self.next, |(n, _)| *n);
            self.by_key.retain(|_, numbers| {
                numbers.retain(|n| *n >= oldest);
                !numbers.is_empty()
            });
        }
    }
}

fn keys_of(
    event_id: &str,
    session_key: Option<&str>,
    correlation_key: &str,
) -> impl Iterator<Item = Key> {
    [
        Some(Key::Id(event_id.to_string())),
        session_key.map(|s| Key::Session(s.to_string())),
        Some(Key::Correlation(correlation_key.to_string())),
    ]
    .into_iter()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventType::{Pause, Start};
    use crate::event::Source::{Plex, Tautulli};
    use crate::testkit::event;

    #[test]
    fn decides_as_a_comparison_with_every_remembered_event_would() {
        let mut recent = RecentEvents::new(200);
        let mut everything = Vec::new();
        let mut incoming = Vec::new();
        for n in 0..40 {
            incoming.push(event(Tautulli, Start, n * 100));
            incoming.push(event(Plex, Start, n * 100 + 3)); // the same play, other source
            incoming.push(event(Tautulli, Pause, n * 100 + 50));
        }
        incoming.push(event(Tautulli, Start, 0)); // a resend of the first
        for e in &incoming {
            let expected = dedup::decide(&mut everything, &[(e.clone(), None)]).remove(0);
            assert_eq!(recent.decide(e), expected, "{}", e.event_id);
        }
        assert!(recent.len() <= 200);
    }

    #[test]
    fn forgets_the_oldest_beyond_its_capacity() {
        let mut recent = RecentEvents::new(2);
        let first = event(Tautulli, Start, 0);
        assert_eq!(recent.decide(&first), Decision::Keep);
        let later = event(Tautulli, Start, 5000);
        for n in 0..2 {
            let mut e = later.clone();
            e.event_id = format!("later-{n}");
            e.correlation_key = format!("another-{n}");
            e.session_key = Some(format!("s{n}"));
            assert_eq!(recent.decide(&e), Decision::Keep);
        }
        // The first one is forgotten: its resend is no longer recognised.
        assert_eq!(recent.decide(&first), Decision::Keep);
        assert_eq!(recent.len(), 2);
    }
}

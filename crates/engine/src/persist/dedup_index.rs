//! Known events for deduplication, indexed by the keys every dedup rule matches on (event
//! id, session key, correlation key): an event is compared with the few known events that
//! share one, not with all of them. The store path decides a batch against the stored
//! candidates with it; the live view keeps its recent past in one of bounded size.

use std::collections::{HashMap, VecDeque};

use super::dedup::{self, Candidate, Decision};
use crate::event::MediaEvent;

/// At most `capacity` events, oldest forgotten first.
pub struct DedupIndex {
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

impl DedupIndex {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            events: VecDeque::with_capacity(capacity.min(4096)),
            next: 0,
            by_key: HashMap::new(),
        }
    }

    /// Every one of `known`, in its order, with room for as many more.
    pub fn with_known(known: Vec<Candidate>) -> Self {
        let mut index = Self::new(usize::MAX);
        for candidate in known {
            index.remember(candidate);
        }
        index
    }

    /// The dedup decision for `event` (from stream message `seq`) against what is known —
    /// the same as comparing it with every known event; a kept event becomes known.
    pub fn decide(&mut self, event: &MediaEvent, seq: Option<u64>) -> Decision {
        let decision = dedup::decide_one(&self.related(event), event, seq);
        if decision == Decision::Keep {
            self.remember(Candidate::of(event, seq));
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
        if self.by_key.len() > self.capacity.max(1).saturating_mul(4) {
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
        let mut recent = DedupIndex::new(200);
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
            assert_eq!(recent.decide(e, None), expected, "{}", e.event_id);
        }
        assert!(recent.len() <= 200);
    }

    #[test]
    fn a_batch_against_stored_candidates_is_decided_as_the_full_comparison_would() {
        let stored: Vec<Candidate> = (0..30)
            .map(|n| Candidate::of(&event(Tautulli, Start, n * 100), Some(n as u64 + 1)))
            .collect();
        let mut batch = Vec::new();
        for n in 0..30i64 {
            // The very message again (a redelivery), another copy of it, the same play
            // from another source, and a new pause.
            batch.push((event(Tautulli, Start, n * 100), Some(n as u64 + 1)));
            batch.push((event(Tautulli, Start, n * 100), Some(n as u64 + 100)));
            batch.push((event(Plex, Start, n * 100 + 2), Some(n as u64 + 200)));
            batch.push((event(Tautulli, Pause, n * 100 + 40), Some(n as u64 + 300)));
        }
        let mut index = DedupIndex::with_known(stored.clone());
        let indexed: Vec<Decision> = batch.iter().map(|(e, s)| index.decide(e, *s)).collect();
        let expected = dedup::decide(&mut stored.clone(), &batch);
        assert_eq!(indexed, expected);
        assert!(indexed.contains(&Decision::Redelivered));
        assert!(indexed.contains(&Decision::Keep));
    }

    #[test]
    fn forgets_the_oldest_beyond_its_capacity() {
        let mut recent = DedupIndex::new(2);
        let first = event(Tautulli, Start, 0);
        assert_eq!(recent.decide(&first, None), Decision::Keep);
        let later = event(Tautulli, Start, 5000);
        for n in 0..2 {
            let mut e = later.clone();
            e.event_id = format!("later-{n}");
            e.correlation_key = format!("another-{n}");
            e.session_key = Some(format!("s{n}"));
            assert_eq!(recent.decide(&e, None), Decision::Keep);
        }
        // The first one is forgotten: its resend is no longer recognised.
        assert_eq!(recent.decide(&first, None), Decision::Keep);
        assert_eq!(recent.len(), 2);
    }
}

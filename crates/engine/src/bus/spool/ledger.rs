//! What the spool holds, per segment, as it is on disk: records written (fsynced), records
//! acknowledged (the cursor), bytes, and when the first unsent record was spooled. Pending
//! counts and the spool's age are derived from these absolute figures, never kept as a
//! running counter that a repeated acknowledgement could wrap.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SegmentEntry {
    /// Intact records in the segment file.
    pub records: u64,
    /// Records from the start already in JetStream or the DLQ (the cursor).
    pub acked: u64,
    /// Size of the segment file.
    pub bytes: u64,
    /// When the first record not yet acknowledged was spooled.
    pub next_unsent_at: Option<DateTime<Utc>>,
}

impl SegmentEntry {
    pub fn pending(&self) -> u64 {
        self.records.saturating_sub(self.acked)
    }
}

#[derive(Debug, Default)]
pub struct Ledger {
    segments: BTreeMap<u64, SegmentEntry>,
    /// The forwarder's last failure while the spool is not draining; cleared by progress.
    pub last_error: Option<String>,
}

impl Ledger {
    pub fn insert(&mut self, id: u64, entry: SegmentEntry) {
        self.segments.insert(id, entry);
    }

    /// The writer fsynced `records` more records (`bytes` bytes) into segment `id`, the
    /// first of them spooled at `first_at`.
    pub fn appended(&mut self, id: u64, records: u64, bytes: u64, first_at: DateTime<Utc>) {
        let entry = self.segments.entry(id).or_default();
        if entry.pending() == 0 {
            entry.next_unsent_at = Some(first_at);
        }
        entry.records += records;
        entry.bytes += bytes;
    }

    /// The writer cut segment `id` back to `bytes` after a failed write.
    pub fn truncated(&mut self, id: u64, bytes: u64) {
        if let Some(entry) = self.segments.get_mut(&id) {
            entry.bytes = bytes;
        }
    }

    /// The first `acked` records of segment `id` are in JetStream (or the DLQ); the next
    /// one, if any, was spooled at `next_unsent_at`.
    pub fn acknowledged(&mut self, id: u64, acked: u64, next_unsent_at: Option<DateTime<Utc>>) {
        if let Some(entry) = self.segments.get_mut(&id) {
            entry.acked = acked.min(entry.records);
            entry.next_unsent_at = if entry.pending() == 0 {
                None
            } else {
                next_unsent_at
            };
        }
        self.last_error = None;
    }

    pub fn removed(&mut self, id: u64) {
        self.segments.remove(&id);
    }

    pub fn pending(&self) -> u64 {
        self.segments.values().map(SegmentEntry::pending).sum()
    }

    pub fn bytes(&self) -> u64 {
        self.segments.values().map(|s| s.bytes).sum()
    }

    /// When the oldest record not yet in JetStream was spooled.
    pub fn oldest_pending_at(&self) -> Option<DateTime<Utc>> {
        self.segments
            .values()
            .filter(|s| s.pending() > 0)
            .filter_map(|s| s.next_unsent_at)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn acknowledging_twice_cannot_wrap_the_pending_count() {
        let mut ledger = Ledger::default();
        ledger.appended(1, 5, 500, at(0));
        ledger.acknowledged(1, 3, Some(at(3)));
        ledger.acknowledged(1, 3, Some(at(3)));
        assert_eq!(ledger.pending(), 2);
        ledger.acknowledged(1, 9, None);
        assert_eq!(ledger.pending(), 0);
        assert_eq!(ledger.oldest_pending_at(), None);
        assert_eq!(ledger.bytes(), 500);
    }

    #[test]
    fn the_oldest_pending_record_gives_the_age() {
        let mut ledger = Ledger::default();
        ledger.appended(1, 2, 200, at(10));
        ledger.appended(2, 1, 100, at(20));
        assert_eq!(ledger.oldest_pending_at(), Some(at(10)));
        ledger.acknowledged(1, 2, None);
        assert_eq!(ledger.oldest_pending_at(), Some(at(20)));
        ledger.removed(1);
        assert_eq!((ledger.pending(), ledger.bytes()), (1, 100));
    }
}

//! Event bundles: many events of a bulk source (a history import) in one JetStream message,
//! a JSON array of events on a `….bundle` subject (ADR 0029). A webhook stays one event per
//! message; a bundle saves the bus a message, a header block and an index entry per event.
//! Every reader of the stream decodes a payload through [`decode`], which takes both forms.

use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::publisher::{Outgoing, TooLarge};
use crate::event::MediaEvent;

/// The payload a bundle is packed up to: large enough that the per-message cost vanishes,
/// small enough that a writer batch of a few bundles stays a few megabytes.
pub const TARGET_BYTES: usize = 1 << 20;

/// The last part of a bundle's subject (`playback.<source>.bundle`).
const SUFFIX: &str = ".bundle";

/// Whether a message on `subject` is a bundle (the live view passes these over: they
/// carry history, never what plays now).
pub fn is_bundle(subject: &str) -> bool {
    subject.ends_with(SUFFIX)
}

/// The events a stream message carries: one, or a bundle's many, in their order.
pub fn decode(payload: &[u8]) -> Result<Vec<MediaEvent>, serde_json::Error> {
    let first = payload.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        serde_json::from_slice(payload)
    } else {
        serde_json::from_slice(payload).map(|event| vec![event])
    }
}

/// Packs events into bundles of at most `limit` bytes of payload each (an event larger
/// than that travels in a bundle of its own), in their order. Every bundle's id is derived
/// from its events' ids, so packing the same events again makes the same messages and
/// JetStream's duplicate window catches a resend.
pub fn pack(events: &[MediaEvent], limit: usize) -> Result<Vec<Outgoing>, serde_json::Error> {
    let mut packer = Packer::new(limit, usize::MAX);
    for event in events {
        // Without a server limit nothing is refused.
        let _ = packer.push(event)?;
    }
    Ok(packer.finish())
}

/// Fills bundles one event at a time, refusing an event even a bundle of its own could not
/// carry past the server's `max_payload`.
pub struct Packer {
    limit: usize,
    max_payload: usize,
    open: Open,
    bundles: Vec<Outgoing>,
}

impl Packer {
    /// Bundles of about `limit` bytes for a server taking messages of `max_payload`.
    pub fn new(limit: usize, max_payload: usize) -> Self {
        Self {
            limit,
            max_payload,
            open: Open::default(),
            bundles: Vec::new(),
        }
    }

    /// Adds an event, or says how large its lone bundle would be (nothing is added).
    pub fn push(&mut self, event: &MediaEvent) -> Result<Result<(), TooLarge>, serde_json::Error> {
        let encoded = serde_json::to_vec(event)?;
        let size = lone_wire_size(encoded.len());
        if size > self.max_payload {
            return Ok(Err(TooLarge {
                size,
                limit: self.max_payload,
            }));
        }
        if !self.open.is_empty() && self.open.size() + 1 + encoded.len() > self.limit {
            self.bundles.push(std::mem::take(&mut self.open).close());
        }
        self.open.push(event, encoded);
        Ok(Ok(()))
    }

    pub fn finish(mut self) -> Vec<Outgoing> {
        if !self.open.is_empty() {
            self.bundles.push(self.open.close());
        }
        self.bundles
    }
}

/// The wire size of a bundle holding only an event of `encoded_len` bytes: its id header,
/// the batch headers and the brackets.
fn lone_wire_size(encoded_len: usize) -> usize {
    let framing = "NATS/1.0\r\nNats-Msg-Id: bundle-\r\n\r\n".len() + 32;
    framing + super::atomic_batch::HEADER_OVERHEAD + encoded_len + 2
}

/// A bundle being filled.
#[derive(Default)]
struct Open {
    payload: Vec<u8>,
    ids: Sha256,
    subject: Option<String>,
}

impl Open {
    fn is_empty(&self) -> bool {
        self.payload.is_empty()
    }

    /// The payload's size once closed.
    fn size(&self) -> usize {
        self.payload.len() + 1
    }

    fn push(&mut self, event: &MediaEvent, encoded: Vec<u8>) {
        self.payload.reserve(encoded.len() + 1);
        self.payload.push(if self.is_empty() { b'[' } else { b',' });
        self.payload.extend_from_slice(&encoded);
        self.ids.update(event.event_id.as_bytes());
        self.ids.update([0]);
        self.subject
            .get_or_insert_with(|| format!("playback.{}{SUFFIX}", event.source.as_str()));
    }

    fn close(mut self) -> Outgoing {
        self.payload.push(b']');
        let digest = hex::encode(self.ids.finalize());
        Outgoing {
            subject: self
                .subject
                .unwrap_or_else(|| format!("playback.mixed{SUFFIX}")),
            msg_id: format!("bundle-{}", &digest[..32]),
            payload: Bytes::from(self.payload),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventType, Source};
    use crate::testkit::event;

    fn events(n: i64) -> Vec<MediaEvent> {
        (0..n)
            .map(|i| event(Source::Tautulli, EventType::Start, i * 60))
            .collect()
    }

    #[test]
    fn a_bundle_decodes_to_its_events_in_order_and_a_single_event_to_itself() {
        let events = events(5);
        let bundles = pack(&events, TARGET_BYTES).unwrap();
        assert_eq!(bundles.len(), 1);
        assert_eq!(bundles[0].subject, "playback.tautulli.bundle");
        assert!(is_bundle(&bundles[0].subject));
        assert_eq!(decode(&bundles[0].payload).unwrap(), events);

        let single = serde_json::to_vec(&events[0]).unwrap();
        assert_eq!(decode(&single).unwrap(), vec![events[0].clone()]);
        assert!(!is_bundle(&events[0].subject()));
        assert!(decode(b"[{\"not\": \"an event\"}]").is_err());
        assert!(decode(b"not json").is_err());
    }

    #[test]
    fn bundles_stay_under_the_limit_keep_the_order_and_name_themselves_by_their_events() {
        let events = events(40);
        let one = serde_json::to_vec(&events[0]).unwrap().len();
        let limit = one * 10;
        let bundles = pack(&events, limit).unwrap();
        assert!(bundles.len() >= 4, "{} bundles", bundles.len());
        assert!(bundles.iter().all(|b| b.payload.len() <= limit));
        let decoded: Vec<MediaEvent> = bundles
            .iter()
            .flat_map(|b| decode(&b.payload).unwrap())
            .collect();
        assert_eq!(decoded, events);

        let again = pack(&events, limit).unwrap();
        assert_eq!(again, bundles, "the same events make the same messages");
        let ids: std::collections::HashSet<&str> =
            bundles.iter().map(|b| b.msg_id.as_str()).collect();
        assert_eq!(ids.len(), bundles.len(), "each bundle has its own id");
    }

    #[test]
    fn an_event_larger_than_the_limit_travels_alone() {
        let events = events(3);
        let bundles = pack(&events, 10).unwrap();
        assert_eq!(bundles.len(), 3);
        assert!(pack(&[], 10).unwrap().is_empty());
    }

    #[test]
    fn an_event_no_bundle_could_carry_is_refused_with_its_size() {
        let events = events(2);
        let one = serde_json::to_vec(&events[0]).unwrap().len();
        let mut packer = Packer::new(TARGET_BYTES, one);
        let refused = packer.push(&events[0]).unwrap().unwrap_err();
        assert_eq!(refused.limit, one);
        assert!(refused.size > one);
        assert!(packer.finish().is_empty(), "nothing of it is packed");
    }
}

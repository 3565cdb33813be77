//! Deterministic event ids and source-independent correlation keys (ADR 0006). An id is a
//! SHA-256 over a canonical, length-prefixed tuple of what the source sent, never over the
//! arrival time, so a retried webhook gets the same id.

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use crate::event::{EventType, Source};

/// Bumped only if the tuple encoding changes (it would re-key every stored event).
const ID_SCHEME: &str = "cartographus-event-id/v1";

/// Hex characters kept from the digest: 128 bits, ample against accidental collisions.
const ID_HEX_CHARS: usize = 32;

/// Builds an event id from named parts. Each part is written as its name and its value,
/// both length-prefixed, and an absent value is written differently from an empty one, so
/// no two different tuples can encode to the same bytes.
pub struct EventIdBuilder {
    hasher: Sha256,
}

impl EventIdBuilder {
    pub fn new(source: Source) -> Self {
        let mut builder = EventIdBuilder {
            hasher: Sha256::new(),
        };
        builder.write(ID_SCHEME.as_bytes());
        builder.write(source.as_str().as_bytes());
        builder
    }

    pub fn part(mut self, name: &str, value: Option<&str>) -> Self {
        self.write(name.as_bytes());
        match value {
            None => self.hasher.update([0u8]),
            Some(value) => {
                self.hasher.update([1u8]);
                self.write(value.as_bytes());
            }
        }
        self
    }

    pub fn number(self, name: &str, value: Option<u32>) -> Self {
        let text = value.map(|value| value.to_string());
        self.part(name, text.as_deref())
    }

    /// A source time, normalised so `unixtime` and `utctime` of the same second agree.
    pub fn time(self, name: &str, value: Option<DateTime<Utc>>) -> Self {
        let text = value.map(|time| time.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        self.part(name, text.as_deref())
    }

    pub fn finish(self) -> String {
        let digest = hex::encode(self.hasher.finalize());
        digest.get(..ID_HEX_CHARS).unwrap_or(&digest).to_owned()
    }

    fn write(&mut self, bytes: &[u8]) {
        let length = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        self.hasher.update(length.to_be_bytes());
        self.hasher.update(bytes);
    }
}

/// The key that matches one playback reported by two sources: the player's machine id, the
/// item's id on the server and the event type — nothing that differs between Tautulli and
/// Plex (user ids, session keys). Time-window matching is the dedup stage's job.
///
/// When the player or item is unknown, the key falls back to one that is unique to this
/// source's session (`source:<session>|event`) and so never matches another source.
pub fn correlation_key(
    source: Source,
    machine_id: Option<&str>,
    item_key: Option<&str>,
    event_type: EventType,
    session: &str,
) -> String {
    match (machine_id, item_key) {
        (Some(machine), Some(item)) => format!(
            "{}|{}|{}",
            escape(machine),
            escape(item),
            event_type.as_str()
        ),
        _ => format!(
            "{}:{}|{}",
            source.as_str(),
            escape(session),
            event_type.as_str()
        ),
    }
}

/// Keeps `|` as an unambiguous separator inside the key.
fn escape(part: &str) -> String {
    part.replace('%', "%25").replace('|', "%7C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ids_are_deterministic_and_32_hex() {
        let make = || {
            EventIdBuilder::new(Source::Plex)
                .part("a", Some("1"))
                .number("b", Some(2))
                .finish()
        };
        let id = make();
        assert_eq!(id, make());
        assert_eq!(id.len(), 32);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn absent_empty_and_shifted_parts_differ() {
        let id = |parts: &[(&str, Option<&str>)]| {
            parts
                .iter()
                .fold(
                    EventIdBuilder::new(Source::Emby),
                    |builder, (name, value)| builder.part(name, *value),
                )
                .finish()
        };
        let absent = id(&[("a", None), ("b", Some("x"))]);
        let empty = id(&[("a", Some("")), ("b", Some("x"))]);
        let shifted = id(&[("a", Some("x")), ("b", None)]);
        let joined = id(&[("a", Some("ab")), ("b", Some("c"))]);
        let split = id(&[("a", Some("a")), ("b", Some("bc"))]);
        assert_ne!(absent, empty);
        assert_ne!(absent, shifted);
        assert_ne!(joined, split);
    }

    #[test]
    fn source_is_part_of_the_id() {
        let plex = EventIdBuilder::new(Source::Plex)
            .part("a", Some("1"))
            .finish();
        let emby = EventIdBuilder::new(Source::Emby)
            .part("a", Some("1"))
            .finish();
        assert_ne!(plex, emby);
    }

    #[test]
    fn times_normalise() {
        let time = Utc.with_ymd_and_hms(2025, 11, 27, 13, 43, 30).single();
        let a = EventIdBuilder::new(Source::Tautulli)
            .time("t", time)
            .finish();
        let b = EventIdBuilder::new(Source::Tautulli)
            .time("t", time)
            .finish();
        assert_eq!(a, b);
    }

    #[test]
    fn correlation_key_shape_and_fallback() {
        assert_eq!(
            correlation_key(
                Source::Plex,
                Some("k2n8"),
                Some("48213"),
                EventType::Start,
                "s"
            ),
            "k2n8|48213|start"
        );
        assert_eq!(
            correlation_key(
                Source::Tautulli,
                None,
                Some("48213"),
                EventType::Stop,
                "srv/311"
            ),
            "tautulli:srv/311|stop"
        );
        assert_eq!(
            correlation_key(Source::Emby, Some("a|b"), Some("1%"), EventType::Pause, "s"),
            "a%7Cb|1%25|pause"
        );
    }
}

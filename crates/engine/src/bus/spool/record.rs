//! What one spool record holds: the message exactly as it will be published (subject,
//! message id, payload bytes) and when it was spooled. Nothing in it depends on the shape of
//! `MediaEvent`, so an upgrade cannot make a spooled record unreadable.
//!
//! Layout (little endian): `[u8 format = 2][i64 spooled_at, unix ms][u16 subject length]
//! [subject][u16 msg id length][msg id][payload…]`. Format 1 was a bare `MediaEvent` JSON.

use bytes::Bytes;
use chrono::{DateTime, Utc};

use crate::bus::publisher::Outgoing;

const FORMAT: u8 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub spooled_at: DateTime<Utc>,
    pub message: Outgoing,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecordError {
    #[error("record format {found} is not 2 (an older version's record, or not a record)")]
    UnknownFormat { found: u8 },
    #[error("the record ends inside its {0}")]
    Truncated(&'static str),
    #[error("the record's {0} is not UTF-8")]
    NotUtf8(&'static str),
    #[error("the record's subject {0:?} is not a NATS subject")]
    BadSubject(String),
    #[error("the record's {0} is longer than 65535 bytes")]
    TooLong(&'static str),
}

impl RecordError {
    pub fn code(&self) -> &'static str {
        "spool_record_unreadable"
    }
}

/// Serialises `message` as spooled at `spooled_at`.
pub fn encode(message: &Outgoing, spooled_at: DateTime<Utc>) -> Result<Vec<u8>, RecordError> {
    let subject =
        u16::try_from(message.subject.len()).map_err(|_| RecordError::TooLong("subject"))?;
    let msg_id =
        u16::try_from(message.msg_id.len()).map_err(|_| RecordError::TooLong("message id"))?;
    let mut out = Vec::with_capacity(
        13 + message.subject.len() + message.msg_id.len() + message.payload.len(),
    );
    out.push(FORMAT);
    out.extend_from_slice(&spooled_at.timestamp_millis().to_le_bytes());
    out.extend_from_slice(&subject.to_le_bytes());
    out.extend_from_slice(message.subject.as_bytes());
    out.extend_from_slice(&msg_id.to_le_bytes());
    out.extend_from_slice(message.msg_id.as_bytes());
    out.extend_from_slice(&message.payload);
    Ok(out)
}

pub fn decode(bytes: &[u8]) -> Result<Record, RecordError> {
    let mut reader = Reader(bytes);
    let format = reader.take(1, "format")?[0];
    if format != FORMAT {
        return Err(RecordError::UnknownFormat { found: format });
    }
    let millis = i64::from_le_bytes(reader.array("time")?);
    let spooled_at =
        DateTime::from_timestamp_millis(millis).ok_or(RecordError::Truncated("time"))?;
    let subject = reader.text("subject")?;
    if subject.is_empty() || subject.contains(char::is_whitespace) {
        return Err(RecordError::BadSubject(subject));
    }
    let msg_id = reader.text("message id")?;
    Ok(Record {
        spooled_at,
        message: Outgoing {
            subject,
            msg_id,
            payload: Bytes::copy_from_slice(reader.0),
        },
    })
}

/// When a record was spooled, if it can be read at all.
pub fn spooled_at(bytes: &[u8]) -> Option<DateTime<Utc>> {
    decode(bytes).ok().map(|record| record.spooled_at)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], RecordError> {
        if self.0.len() < n {
            return Err(RecordError::Truncated(what));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], RecordError> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N, what)?);
        Ok(array)
    }

    fn text(&mut self, what: &'static str) -> Result<String, RecordError> {
        let len = u16::from_le_bytes(self.array(what)?) as usize;
        let bytes = self.take(len, what)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| RecordError::NotUtf8(what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Outgoing {
        Outgoing {
            subject: "playback.tautulli.movie".into(),
            msg_id: "id-1".into(),
            payload: Bytes::from_static(b"{\"event_id\":\"id-1\"}"),
        }
    }

    #[test]
    fn a_record_round_trips_byte_for_byte() {
        let at = DateTime::from_timestamp_millis(1_764_251_010_123).unwrap();
        let bytes = encode(&message(), at).unwrap();
        assert_eq!(
            decode(&bytes).unwrap(),
            Record {
                spooled_at: at,
                message: message()
            }
        );
    }

    #[test]
    fn a_legacy_json_record_is_an_unknown_format() {
        let err = decode(b"{\"event_id\":\"x\"}").unwrap_err();
        assert_eq!(err, RecordError::UnknownFormat { found: b'{' });
        assert_eq!(err.code(), "spool_record_unreadable");
    }

    #[test]
    fn a_cut_or_bent_record_is_refused_not_misread() {
        let bytes = encode(&message(), Utc::now()).unwrap();
        assert!(matches!(
            decode(&bytes[..12]),
            Err(RecordError::Truncated(_))
        ));
        let mut spaced = message();
        spaced.subject = "two words".into();
        let bytes = encode(&spaced, Utc::now()).unwrap();
        assert!(matches!(decode(&bytes), Err(RecordError::BadSubject(_))));
        assert!(decode(&[]).is_err());
    }
}

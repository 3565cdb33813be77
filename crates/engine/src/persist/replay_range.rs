//! A replay's range — each end a stream sequence or a time — checked, then resolved against
//! the stream into the sequences it covers. The preview shows exactly what the replay job
//! then runs, because both resolve the range here.

use async_nats::jetstream;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::bus::stream::STREAM;
use crate::error::{CodedError, ErrorKind};

/// One end of a replay range: a stream sequence or a time.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, specta::Type)]
#[serde(untagged)]
pub enum Bound {
    Seq(#[specta(type = f64)] u64),
    Time(DateTime<Utc>),
}

/// Both ends are inclusive; a missing end is that end of the stream.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(default)]
pub struct ReplayRange {
    pub from: Option<Bound>,
    pub to: Option<Bound>,
}

/// How far ahead of this clock a time may be (the browser asking may run on another machine).
const CLOCK_SLACK: chrono::Duration = chrono::Duration::minutes(1);

/// JetStream's error code for "no message found" (JSNoMessageFoundErr).
const NO_MESSAGE_FOUND: u64 = 10037;

#[derive(Debug, thiserror::Error)]
pub enum RangeError {
    #[error("{end}: {text:?} is neither a stream sequence nor an RFC 3339 time")]
    Unparsable { end: &'static str, text: String },
    #[error("from ({from}) comes after to ({to})")]
    Reversed { from: String, to: String },
    #[error("{end} ({at}) is in the future")]
    InFuture {
        end: &'static str,
        at: DateTime<Utc>,
    },
    #[error("the stream cannot be read now: {0}")]
    Stream(String),
}

impl CodedError for RangeError {
    fn code(&self) -> &str {
        match self {
            RangeError::Unparsable { .. }
            | RangeError::Reversed { .. }
            | RangeError::InFuture { .. } => "invalid_range",
            RangeError::Stream(_) => "stream_unavailable",
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            RangeError::Stream(_) => ErrorKind::Unavailable,
            _ => ErrorKind::BadRequest,
        }
    }
}

impl Bound {
    /// A query parameter: digits are a sequence, anything else must be an RFC 3339 time.
    pub fn parse(end: &'static str, text: &str) -> Result<Bound, RangeError> {
        let text = text.trim();
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(seq) = text.parse() {
                return Ok(Bound::Seq(seq));
            }
        }
        DateTime::parse_from_rfc3339(text)
            .map(|at| Bound::Time(at.with_timezone(&Utc)))
            .map_err(|_| RangeError::Unparsable {
                end,
                text: text.chars().take(64).collect(),
            })
    }

    fn describe(&self) -> String {
        match self {
            Bound::Seq(seq) => format!("sequence {seq}"),
            Bound::Time(at) => at.to_rfc3339(),
        }
    }
}

impl ReplayRange {
    /// Refuses a range that cannot mean anything: its ends the wrong way round, or a time
    /// that has not happened yet. Ends of different kinds are compared once resolved.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), RangeError> {
        for (end, bound) in [("from", self.from), ("to", self.to)] {
            if let Some(Bound::Time(at)) = bound {
                if at > now + CLOCK_SLACK {
                    return Err(RangeError::InFuture { end, at });
                }
            }
        }
        let reversed = match (self.from, self.to) {
            (Some(Bound::Seq(from)), Some(Bound::Seq(to))) => from > to,
            (Some(Bound::Time(from)), Some(Bound::Time(to))) => from > to,
            _ => false,
        };
        if let (true, Some(from), Some(to)) = (reversed, self.from, self.to) {
            return Err(RangeError::Reversed {
                from: from.describe(),
                to: to.describe(),
            });
        }
        Ok(())
    }
}

/// One message of the stream: where it is and when the stream stored it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct MessageAt {
    pub seq: u64,
    pub time: DateTime<Utc>,
}

/// What a range covers, for the user to see before running it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ReplayPreview {
    /// Messages in the whole stream now.
    pub stream_messages: u64,
    /// The stream's oldest and newest message (null when it is empty).
    pub stream_first: Option<MessageAt>,
    pub stream_last: Option<MessageAt>,
    /// How many messages the range covers.
    pub messages: u64,
    /// The first and last message the range covers (null when it covers none).
    pub first: Option<MessageAt>,
    pub last: Option<MessageAt>,
}

/// The sequences a range covers, inclusive; empty when `from > to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqSpan {
    pub from: u64,
    pub to: u64,
}

impl SeqSpan {
    pub fn len(&self) -> u64 {
        (self.to + 1).saturating_sub(self.from)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads the stream's ends and finds the sequences of a range's times.
pub struct StreamIndex {
    jetstream: jetstream::Context,
    pub messages: u64,
    pub first_seq: u64,
    pub last_seq: u64,
}

#[derive(Deserialize)]
struct MsgGetResponse {
    message: Option<StoredMessage>,
    error: Option<JsApiError>,
}

#[derive(Deserialize)]
struct StoredMessage {
    seq: u64,
    time: DateTime<Utc>,
}

#[derive(Deserialize)]
struct JsApiError {
    #[serde(default)]
    err_code: u64,
    #[serde(default)]
    description: String,
}

impl StreamIndex {
    pub async fn open(jetstream: jetstream::Context) -> Result<Self, RangeError> {
        let mut stream = jetstream
            .get_stream(STREAM)
            .await
            .map_err(|e| RangeError::Stream(e.to_string()))?;
        let state = stream
            .info()
            .await
            .map_err(|e| RangeError::Stream(e.to_string()))?
            .state
            .clone();
        Ok(Self {
            jetstream,
            messages: state.messages,
            first_seq: state.first_sequence,
            last_seq: state.last_sequence,
        })
    }

    /// The sequences `range` covers in the stream as it is now, clipped to it. Counting them
    /// is arithmetic: the engine never deletes from the middle of the stream (age and size
    /// limits remove its oldest messages only).
    pub async fn resolve(&self, range: &ReplayRange) -> Result<SeqSpan, RangeError> {
        if self.messages == 0 {
            return Ok(SeqSpan { from: 1, to: 0 });
        }
        let from = match range.from {
            None => self.first_seq,
            Some(Bound::Seq(seq)) => seq.max(self.first_seq),
            Some(Bound::Time(at)) => match self.first_at_or_after(at).await? {
                Some(found) => found.seq,
                None => self.last_seq + 1,
            },
        };
        let to = match range.to {
            None => self.last_seq,
            Some(Bound::Seq(seq)) => seq.min(self.last_seq),
            // The last message at or before `at`: the one before the first after it.
            Some(Bound::Time(at)) => {
                match self
                    .first_at_or_after(at + chrono::Duration::nanoseconds(1))
                    .await?
                {
                    Some(found) => found.seq.saturating_sub(1),
                    None => self.last_seq,
                }
            }
        };
        Ok(SeqSpan { from, to })
    }

    /// The preview of `range`: the stream's ends, and the range's ends and count.
    pub async fn preview(&self, range: &ReplayRange) -> Result<ReplayPreview, RangeError> {
        let span = self.resolve(range).await?;
        let (stream_first, stream_last) = if self.messages == 0 {
            (None, None)
        } else {
            (
                self.message(self.first_seq).await?,
                self.message(self.last_seq).await?,
            )
        };
        let (first, last) = if span.is_empty() {
            (None, None)
        } else {
            (self.message(span.from).await?, self.message(span.to).await?)
        };
        Ok(ReplayPreview {
            stream_messages: self.messages,
            stream_first,
            stream_last,
            messages: span.len(),
            first,
            last,
        })
    }

    /// The first message stored at or after `at`. The stream finds it itself (a message get
    /// by `start_time`, nats-server 2.11+): one request, where a binary search over
    /// sequences would take ~log2(n) of them and trip over gaps.
    async fn first_at_or_after(&self, at: DateTime<Utc>) -> Result<Option<MessageAt>, RangeError> {
        self.get(json!({ "start_time": at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true) }))
            .await
    }

    async fn message(&self, seq: u64) -> Result<Option<MessageAt>, RangeError> {
        self.get(json!({ "seq": seq })).await
    }

    async fn get(&self, request: serde_json::Value) -> Result<Option<MessageAt>, RangeError> {
        let response: MsgGetResponse = self
            .jetstream
            .request(format!("STREAM.MSG.GET.{STREAM}"), &request)
            .await
            .map_err(|e| RangeError::Stream(e.to_string()))?;
        match (response.message, response.error) {
            (Some(message), _) => Ok(Some(MessageAt {
                seq: message.seq,
                time: message.time,
            })),
            (None, Some(error)) if error.err_code == NO_MESSAGE_FOUND => Ok(None),
            (None, Some(error)) => Err(RangeError::Stream(error.description)),
            (None, None) => Err(RangeError::Stream(
                "the stream answered a message get with neither message nor error".to_string(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_bound_is_a_sequence_or_a_time() {
        assert_eq!(Bound::parse("from", "42").unwrap(), Bound::Seq(42));
        assert_eq!(
            Bound::parse("from", "2026-11-30T10:00:00+01:00").unwrap(),
            Bound::Time(at("2026-11-30T09:00:00Z"))
        );
        for bad in ["", "-3", "yesterday", "2026-11-30", "12a"] {
            let err = Bound::parse("to", bad).unwrap_err();
            assert_eq!(err.code(), "invalid_range", "{bad}");
            assert!(err.to_string().starts_with("to: "), "{err}");
        }
    }

    #[test]
    fn reversed_ends_and_future_times_are_refused() {
        let now = at("2026-12-01T00:00:00Z");
        let range = |from, to| ReplayRange {
            from: Some(from),
            to: Some(to),
        };
        assert!(range(Bound::Seq(5), Bound::Seq(5)).check(now).is_ok());
        assert!(matches!(
            range(Bound::Seq(6), Bound::Seq(5)).check(now),
            Err(RangeError::Reversed { .. })
        ));
        assert!(matches!(
            range(
                Bound::Time(at("2026-11-30T12:00:00Z")),
                Bound::Time(at("2026-11-30T11:00:00Z"))
            )
            .check(now),
            Err(RangeError::Reversed { .. })
        ));
        let tomorrow = ReplayRange {
            from: Some(Bound::Time(at("2026-12-02T00:00:00Z"))),
            to: None,
        };
        let err = tomorrow.check(now).unwrap_err();
        assert_eq!(
            (err.code(), err.kind()),
            ("invalid_range", ErrorKind::BadRequest)
        );
        // Ends of different kinds are left to the stream to order.
        assert!(range(Bound::Seq(9), Bound::Time(now)).check(now).is_ok());
    }
}

//! Durable publish: an event is acknowledged to its sender only after JetStream's
//! PublishAck. `Nats-Msg-Id` is the event id, so a resent webhook inside the duplicate
//! window is answered `duplicate: true` and stored once. Errors say whether retrying the
//! same message can ever succeed, so no caller waits forever on one that cannot.

use std::time::Duration;

use async_nats::jetstream::context::{GetStreamByNameErrorKind, PublishErrorKind};
use async_nats::jetstream::message::PublishMessage;
use bytes::Bytes;

use super::atomic_batch::{self, AtomicError};
use crate::event::MediaEvent;

/// The header block a message id adds on the wire: `NATS/1.0\r\n`, `Nats-Msg-Id: <id>\r\n`
/// and the closing `\r\n`. The server counts it against `max_payload`.
const HEADER_FRAMING: usize = "NATS/1.0\r\n".len() + "Nats-Msg-Id: ".len() + "\r\n".len() * 2;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot encode the event: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("the event is {size} bytes as a JetStream message; the server takes at most {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("no JetStream stream takes subject {subject}")]
    NoStream { subject: String },
    #[error("JetStream refused the event: {0}")]
    Refused(String),
    #[error("JetStream did not accept the event: {0}")]
    Send(String),
    #[error("JetStream did not acknowledge within {0:?}")]
    AckTimeout(Duration),
}

impl PublishError {
    pub fn code(&self) -> &'static str {
        match self {
            PublishError::Encode(_) => crate::error::codes::ENCODE_FAILED,
            PublishError::TooLarge { .. } => crate::error::codes::EVENT_TOO_LARGE,
            PublishError::NoStream { .. } => "no_stream",
            PublishError::Refused(_) => "publish_refused",
            PublishError::Send(_) => "publish_failed",
            PublishError::AckTimeout(_) => "ack_timeout",
        }
    }

    /// True when publishing the same message again cannot succeed: the caller must take
    /// another way (refuse it, dead-letter it) instead of retrying.
    pub fn is_permanent(&self) -> bool {
        match self {
            PublishError::Encode(_)
            | PublishError::TooLarge { .. }
            | PublishError::NoStream { .. }
            | PublishError::Refused(_) => true,
            PublishError::Send(_) | PublishError::AckTimeout(_) => false,
        }
    }
}

/// A message larger than the server's `max_payload`, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    pub size: usize,
    pub limit: usize,
}

impl From<TooLarge> for PublishError {
    fn from(TooLarge { size, limit }: TooLarge) -> Self {
        PublishError::TooLarge { size, limit }
    }
}

/// Exactly what goes on the bus for one event: encoded once, then published directly or
/// spooled byte for byte, so a spooled message never depends on today's `MediaEvent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub subject: String,
    /// Sent as `Nats-Msg-Id`: the event id.
    pub msg_id: String,
    pub payload: Bytes,
}

impl Outgoing {
    pub fn from_event(event: &MediaEvent) -> Result<Self, serde_json::Error> {
        Ok(Self {
            subject: event.subject(),
            msg_id: event.event_id.clone(),
            payload: Bytes::from(serde_json::to_vec(event)?),
        })
    }

    /// The size the server checks against its `max_payload`: headers plus payload.
    pub fn wire_size(&self) -> usize {
        HEADER_FRAMING + self.msg_id.len() + self.payload.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub sequence: u64,
    pub duplicate: bool,
}

#[derive(Clone)]
pub struct Publisher {
    jetstream: async_nats::jetstream::Context,
    client: async_nats::Client,
    ack_timeout: Duration,
    /// The stream takes atomic batches (`allow_atomic`; nats-server 2.12 and later).
    atomic_batches: bool,
}

impl Publisher {
    pub fn new(jetstream: async_nats::jetstream::Context, ack_timeout: Duration) -> Self {
        Self {
            client: jetstream.client(),
            jetstream,
            ack_timeout,
            atomic_batches: false,
        }
    }

    /// Publishes groups as atomic batches (one fsync, one ack each) when `allowed`: the
    /// stream was provisioned with `allow_atomic` and the server kept it.
    pub fn with_atomic_batches(mut self, allowed: bool) -> Self {
        self.atomic_batches = allowed;
        self
    }

    /// The largest message the connected server takes (its `max_payload`, headers
    /// included); it may change when the client reconnects to another server.
    pub fn max_payload(&self) -> usize {
        self.client.max_payload()
    }

    /// Refuses at once a message the server would refuse.
    pub fn check_size(&self, message: &Outgoing) -> Result<(), TooLarge> {
        let (size, limit) = (message.wire_size(), self.max_payload());
        if size > limit {
            return Err(TooLarge { size, limit });
        }
        Ok(())
    }

    pub async fn publish(&self, message: &Outgoing) -> Result<Published, PublishError> {
        self.publish_each(std::slice::from_ref(message))
            .await
            .pop()
            .unwrap_or_else(|| Err(PublishError::Send("no answer for the message".into())))
    }

    /// Publishes a group of messages, answering each one: as one atomic batch when the
    /// stream allows it (stored together with one fsync), else pipelined one by one. A
    /// batch the server refuses — a `Nats-Msg-Id` it has seen, a limit — is sent again one
    /// by one, so each message gets its own answer (a duplicate is then just that).
    /// A batch that may or may not have been stored answers every message with its error.
    pub async fn publish_group(
        &self,
        messages: &[Outgoing],
    ) -> Vec<Result<Published, PublishError>> {
        match messages {
            [] => return Vec::new(),
            [message] => return vec![self.publish(message).await],
            _ => {}
        }
        if !self.atomic_batches || !self.fits_in_batches(messages) {
            return self.publish_each(messages).await;
        }
        let mut answers = Vec::with_capacity(messages.len());
        for chunk in messages.chunks(atomic_batch::MAX_MESSAGES) {
            if let [message] = chunk {
                answers.push(self.publish(message).await);
                continue;
            }
            // Larger batches take the server longer: the same allowance per thousand.
            let limit = self.ack_timeout.saturating_mul(2);
            match atomic_batch::publish(&self.client, chunk, limit).await {
                Ok(published) => answers.extend(published.into_iter().map(Ok)),
                Err(refused @ AtomicError::Refused { .. }) => {
                    tracing::debug!(
                        "{refused}; publishing its {} messages one by one",
                        chunk.len()
                    );
                    answers.extend(self.publish_each(chunk).await);
                }
                Err(AtomicError::Timeout(limit)) => {
                    answers.extend(chunk.iter().map(|_| Err(PublishError::AckTimeout(limit))));
                }
                Err(AtomicError::Unacknowledged(reason)) => {
                    answers.extend(
                        chunk
                            .iter()
                            .map(|_| Err(PublishError::Send(reason.clone()))),
                    );
                }
            }
        }
        answers
    }

    /// Whether every message still fits the server's `max_payload` with batch headers.
    fn fits_in_batches(&self, messages: &[Outgoing]) -> bool {
        let limit = self.max_payload();
        messages
            .iter()
            .all(|m| m.wire_size() + atomic_batch::HEADER_OVERHEAD <= limit)
    }

    /// Publishes messages one by one without waiting between them: every one is sent
    /// before any ack is awaited, so the order sent is the stream's order. One answer per
    /// message; one ack timeout for the lot, stretched by its size.
    pub async fn publish_each(
        &self,
        messages: &[Outgoing],
    ) -> Vec<Result<Published, PublishError>> {
        let scale = u32::try_from(messages.len() / 1000 + 1).unwrap_or(u32::MAX);
        let limit = self.ack_timeout.saturating_mul(scale);
        let deadline = tokio::time::Instant::now() + limit;
        let mut pending = Vec::with_capacity(messages.len());
        for message in messages {
            let sent = match self.check_size(message) {
                Err(too_large) => Err(PublishError::from(too_large)),
                Ok(()) => {
                    let publish = PublishMessage::build()
                        .payload(message.payload.clone())
                        .message_id(&message.msg_id);
                    match tokio::time::timeout_at(
                        deadline,
                        self.jetstream
                            .send_publish(message.subject.clone(), publish),
                    )
                    .await
                    {
                        Ok(sent) => sent.map_err(|e| self.classify(message, e)),
                        Err(_) => Err(PublishError::AckTimeout(limit)),
                    }
                }
            };
            pending.push((message, sent));
        }
        let mut answers = Vec::with_capacity(pending.len());
        for (message, sent) in pending {
            let answer = match sent {
                Err(e) => Err(e),
                Ok(ack) => match tokio::time::timeout_at(deadline, ack).await {
                    Ok(Ok(ack)) => Ok(Published {
                        sequence: ack.sequence,
                        duplicate: ack.duplicate,
                    }),
                    Ok(Err(e)) => Err(self.classify(message, e)),
                    Err(_) => Err(PublishError::AckTimeout(limit)),
                },
            };
            answers.push(answer);
        }
        answers
    }

    /// Publishes many messages for a caller that can send them all again (a history
    /// import): as [`publish_group`](Self::publish_group), but failing as a whole — nothing
    /// here says which were stored; their `Nats-Msg-Id`s make a retry safe. Each must pass
    /// [`check_size`](Self::check_size) first.
    pub async fn publish_batch(
        &self,
        messages: &[Outgoing],
    ) -> Result<Vec<Published>, PublishError> {
        self.publish_group(messages).await.into_iter().collect()
    }

    /// Whether the server confirms that no stream takes `subject`. A "no responders" answer
    /// to a publish also comes from a server still starting or a cluster between leaders;
    /// only this confirmation makes it permanent. Any doubt (the request failing) is false.
    pub async fn confirms_no_stream(&self, subject: &str) -> bool {
        match self.jetstream.stream_by_subject(subject).await {
            Ok(_) => false,
            Err(e) => matches!(
                e.kind(),
                GetStreamByNameErrorKind::NotFound | GetStreamByNameErrorKind::InvalidSubject
            ),
        }
    }

    fn classify(
        &self,
        message: &Outgoing,
        error: async_nats::jetstream::context::PublishError,
    ) -> PublishError {
        use async_nats::jetstream::ErrorCode;
        match error.kind() {
            PublishErrorKind::MaxPayloadExceeded => PublishError::TooLarge {
                size: message.wire_size(),
                limit: self.max_payload(),
            },
            PublishErrorKind::StreamNotFound => PublishError::NoStream {
                subject: message.subject.clone(),
            },
            PublishErrorKind::Other => {
                let code = std::error::Error::source(&error)
                    .and_then(|source| source.downcast_ref::<async_nats::jetstream::Error>())
                    .map(async_nats::jetstream::Error::error_code);
                match code {
                    // The stream's own message size limit (an external stream's max_msg_size).
                    Some(ErrorCode::STREAM_MESSAGE_EXCEEDS_MAXIMUM) => PublishError::TooLarge {
                        size: message.wire_size(),
                        limit: self.max_payload(),
                    },
                    Some(
                        ErrorCode::STREAM_HEADER_EXCEEDS_MAXIMUM
                        | ErrorCode::JETSTREAM_NOT_ENABLED_FOR_ACCOUNT
                        | ErrorCode::JETSTREAM_NOT_ENABLED,
                    ) => PublishError::Refused(error.to_string()),
                    _ => PublishError::Send(error.to_string()),
                }
            }
            _ => PublishError::Send(error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_size_counts_the_message_id_header() {
        let message = Outgoing {
            subject: "playback.plex.movie".into(),
            msg_id: "abc".into(),
            payload: Bytes::from_static(b"{}"),
        };
        let header = "NATS/1.0\r\nNats-Msg-Id: abc\r\n\r\n";
        assert_eq!(message.wire_size(), header.len() + 2);
    }

    #[test]
    fn only_errors_a_retry_can_fix_are_transient() {
        let permanent = [
            PublishError::TooLarge { size: 2, limit: 1 },
            PublishError::NoStream {
                subject: "x".into(),
            },
            PublishError::Refused("no".into()),
        ];
        assert!(permanent.iter().all(PublishError::is_permanent));
        assert!(!PublishError::Send("broken pipe".into()).is_permanent());
        assert!(!PublishError::AckTimeout(Duration::from_secs(2)).is_permanent());
        assert_eq!(
            PublishError::TooLarge { size: 2, limit: 1 }.code(),
            "event_too_large"
        );
    }
}

//! JetStream's atomic batch publish (nats-server 2.12, `allow_atomic` streams): many
//! messages stored all together or not at all, with one fsync and one acknowledgement. The
//! wire protocol is three headers; it is written here rather than through a crate because
//! the one that implements it refuses `Nats-Msg-Id`, which the durability chain needs.

use std::time::Duration;

use async_nats::header::{NATS_BATCH_COMMIT, NATS_BATCH_ID, NATS_BATCH_SEQUENCE, NATS_MESSAGE_ID};
use async_nats::HeaderMap;
use serde::Deserialize;

use super::publisher::{Outgoing, Published};

/// The most messages the server takes in one batch.
pub const MAX_MESSAGES: usize = 1000;

/// What the batch headers add to a message on the wire, at most: a 32-character batch id,
/// a four-digit batch sequence and the commit marker, each with its framing.
pub const HEADER_OVERHEAD: usize = "Nats-Batch-Id: \r\n".len()
    + 32
    + "Nats-Batch-Sequence: \r\n".len()
    + 4
    + "Nats-Batch-Commit: 1\r\n".len();

/// JetStream's error code for a batch that repeats a `Nats-Msg-Id`, within itself or one
/// the stream's duplicate window has seen.
pub const DUPLICATE_MESSAGE_ID: u64 = 10201;

#[derive(Debug, thiserror::Error)]
pub enum AtomicError {
    /// The server answered and stored nothing; each message may still be publishable on
    /// its own (a duplicate id, a stream limit, a batch the server abandoned).
    #[error("JetStream refused the batch (error {code}): {description}")]
    Refused { code: u64, description: String },
    /// The batch may or may not have been stored: the caller must treat every message as
    /// unacknowledged (their `Nats-Msg-Id`s make sending them again safe).
    #[error("the batch was not acknowledged: {0}")]
    Unacknowledged(String),
    #[error("the batch was not acknowledged within {0:?}")]
    Timeout(Duration),
}

#[derive(Deserialize)]
struct CommitAnswer {
    #[serde(default)]
    error: Option<ApiError>,
    #[serde(default)]
    seq: u64,
    #[serde(default)]
    batch: String,
    #[serde(default)]
    count: u64,
}

#[derive(Deserialize)]
struct ApiError {
    #[serde(default)]
    err_code: u64,
    #[serde(default)]
    description: String,
}

/// Sends `messages` (2..=[`MAX_MESSAGES`], in order) as one atomic batch and waits for its
/// commit. Every message but the last is a plain publish; the last carries the commit
/// marker and is a request, whose answer names the batch, its size and the last sequence.
pub async fn publish(
    client: &async_nats::Client,
    messages: &[Outgoing],
    timeout: Duration,
) -> Result<Vec<Published>, AtomicError> {
    debug_assert!((2..=MAX_MESSAGES).contains(&messages.len()));
    let batch_id = new_batch_id();
    let unsent = |e: &dyn std::fmt::Display| AtomicError::Unacknowledged(e.to_string());
    let last = messages.len() - 1;
    for (index, message) in messages[..last].iter().enumerate() {
        let headers = batch_headers(message, &batch_id, index + 1);
        client
            .publish_with_headers(message.subject.clone(), headers, message.payload.clone())
            .await
            .map_err(|e| unsent(&e))?;
    }
    let commit = &messages[last];
    let mut headers = batch_headers(commit, &batch_id, last + 1);
    headers.insert(NATS_BATCH_COMMIT, "1");
    let request = async_nats::Request::new()
        .headers(headers)
        .payload(commit.payload.clone())
        .timeout(Some(timeout));
    let answer = client
        .send_request(commit.subject.clone(), request)
        .await
        .map_err(|e| match e.kind() {
            async_nats::RequestErrorKind::TimedOut => AtomicError::Timeout(timeout),
            _ => unsent(&e),
        })?;
    let answer: CommitAnswer = serde_json::from_slice(&answer.payload)
        .map_err(|e| unsent(&format!("unreadable commit answer: {e}")))?;
    if let Some(error) = answer.error {
        return Err(AtomicError::Refused {
            code: error.err_code,
            description: error.description,
        });
    }
    let count = messages.len() as u64;
    if answer.batch != batch_id || answer.count != count || answer.seq < count {
        return Err(unsent(&format!(
            "commit answer for batch {} of {} ending at {}, expected {batch_id} of {count}",
            answer.batch, answer.count, answer.seq
        )));
    }
    let first = answer.seq + 1 - count;
    Ok((0..count)
        .map(|offset| Published {
            sequence: first + offset,
            // A batch holding an id the stream has seen is refused whole, so none is one.
            duplicate: false,
        })
        .collect())
}

/// 32 hex characters: unique among the batches in flight (the server allows 64).
fn new_batch_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn batch_headers(message: &Outgoing, batch_id: &str, sequence: usize) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(NATS_MESSAGE_ID, message.msg_id.as_str());
    headers.insert(NATS_BATCH_ID, batch_id);
    headers.insert(NATS_BATCH_SEQUENCE, sequence.to_string().as_str());
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_overhead_covers_the_longest_batch_headers() {
        let id = new_batch_id();
        let longest = format!(
            "Nats-Batch-Id: {id}\r\nNats-Batch-Sequence: {MAX_MESSAGES}\r\nNats-Batch-Commit: 1\r\n"
        );
        assert_eq!(id.len(), 32);
        assert!(longest.len() <= HEADER_OVERHEAD);
    }
}

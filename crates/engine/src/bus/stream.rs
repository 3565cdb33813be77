//! The `MEDIA_EVENTS` stream (docs/architecture.md#the-stream): created on first start, updated
//! in place when the retention setting changes, so a restart never loses what it holds.

use std::time::Duration;

use async_nats::jetstream::consumer::{pull, AckPolicy, DeliverPolicy};
use async_nats::jetstream::stream::{Config, DiscardPolicy, StorageType};

pub const STREAM: &str = "MEDIA_EVENTS";
/// The durable pull consumer the DuckDB writer reads from. The live path uses an ordered
/// (ephemeral) consumer of its own, created when it starts, so it is not provisioned here.
pub const PERSIST_CONSUMER: &str = "persist";
pub const SUBJECTS: [&str; 4] = ["playback.>", "plex.>", "jellyfin.>", "tautulli.>"];

/// Whether `subject` is one of MEDIA_EVENTS' own. A publish there that finds no stream means
/// our stream is gone for a while (deleted, a lost store): it is provisioned again, so the
/// publish is retried, never dead-lettered.
pub fn covers(subject: &str) -> bool {
    SUBJECTS.iter().any(|pattern| {
        pattern
            .strip_suffix('>')
            .is_some_and(|prefix| subject.starts_with(prefix) && subject.len() > prefix.len())
    })
}
pub const MAX_BYTES: i64 = 10 * 1024 * 1024 * 1024;
/// JetStream drops a second message with the same `Nats-Msg-Id` within this window.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// How long the server waits for the writer's ack before delivering a message again.
pub const ACK_WAIT: Duration = Duration::from_secs(10);

/// What the stream should look like (from `NATS_RETENTION_DAYS`, `NATS_STREAM_REPLICAS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamSpec {
    pub retention_days: u32,
    pub replicas: usize,
}

impl StreamSpec {
    pub fn max_age(&self) -> Duration {
        Duration::from_secs(u64::from(self.retention_days) * 24 * 3600)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// The server runs without JetStream, or disabled it (a full disk does that).
    #[error("cannot provision stream {STREAM}: JetStream is not available on the server ({0})")]
    JetStreamUnavailable(String),
    #[error("cannot provision stream {STREAM}: {0}")]
    Failed(String),
}

impl ProvisionError {
    pub fn code(&self) -> &'static str {
        match self {
            ProvisionError::JetStreamUnavailable(_) => "jetstream_unavailable",
            ProvisionError::Failed(_) => "provision_failed",
        }
    }
}

/// A retention cut that was not applied because it would delete messages the writer has
/// not stored yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionHold {
    pub kept: Duration,
    pub wanted: Duration,
    /// Age of the oldest message the `persist` consumer has not acknowledged.
    pub oldest_unstored: Duration,
}

impl std::fmt::Display for RetentionHold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "stream retention kept at {} instead of {}: the oldest event not yet stored in \
             DuckDB is {} old, and the shorter retention would delete it",
            days(self.kept),
            days(self.wanted),
            days(self.oldest_unstored),
        )
    }
}

/// What provisioning did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provisioned {
    pub retention_hold: Option<RetentionHold>,
    /// The stream's last sequence once provisioned: everything published from then on
    /// comes after it (the live view starts there, so it misses nothing acknowledged later).
    pub last_sequence: u64,
    /// The stream takes atomic batches (a server before 2.12 ignores the setting).
    pub atomic_batches: bool,
}

pub fn stream_config(retention_days: u32, replicas: usize) -> Config {
    let spec = StreamSpec {
        retention_days,
        replicas,
    };
    stream_config_with_max_age(spec.max_age(), replicas)
}

fn stream_config_with_max_age(retention: Duration, replicas: usize) -> Config {
    Config {
        name: STREAM.to_string(),
        subjects: SUBJECTS.iter().map(|s| s.to_string()).collect(),
        storage: StorageType::File,
        max_age: retention,
        max_bytes: MAX_BYTES,
        // When full, refuse new events (the publisher then spools) rather than silently
        // dropping the oldest ones that may not be persisted yet.
        discard: DiscardPolicy::New,
        duplicate_window: DUPLICATE_WINDOW,
        num_replicas: replicas,
        // Group commit: concurrent events stored as one batch with one fsync.
        allow_atomic_publish: true,
        ..Config::default()
    }
}

pub fn persist_consumer_config() -> pull::Config {
    pull::Config {
        durable_name: Some(PERSIST_CONSUMER.to_string()),
        description: Some("DuckDB writer: acks only after the commit".to_string()),
        deliver_policy: DeliverPolicy::All,
        ack_policy: AckPolicy::Explicit,
        // A batch is written in one transaction, well under a second normally. After a crash
        // the messages a dead writer held come back only when this expires, so it is short;
        // a slower batch only means a redelivery, which the store recognises and skips.
        ack_wait: ACK_WAIT,
        max_ack_pending: 20_000,
        ..pull::Config::default()
    }
}

/// Creates or updates the stream and the writer's consumer, retrying for a while: a cluster
/// that has just started needs a moment to elect its JetStream leader. A server without
/// JetStream fails at once.
pub async fn provision(
    jetstream: &async_nats::jetstream::Context,
    spec: StreamSpec,
) -> Result<Provisioned, ProvisionError> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut delay = Duration::from_millis(100);
    loop {
        match provision_once(jetstream, spec).await {
            Ok(done) => return Ok(done),
            Err(e @ ProvisionError::JetStreamUnavailable(_)) => return Err(e),
            Err(e) if std::time::Instant::now() >= deadline => return Err(e),
            Err(e) => {
                tracing::debug!("stream not provisioned yet ({e}); retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// One attempt. A retention shorter than the stream's current one is applied only if it
/// deletes nothing the writer has not stored; otherwise the current one is kept and the
/// hold is returned (and logged) so health can say so.
pub async fn provision_once(
    jetstream: &async_nats::jetstream::Context,
    spec: StreamSpec,
) -> Result<Provisioned, ProvisionError> {
    let failed = |e: &dyn std::fmt::Display| classify(&e.to_string());
    let mut retention = spec.max_age();
    let mut hold = None;
    match jetstream.get_stream(STREAM).await {
        Ok(mut existing) => {
            let current = existing
                .info()
                .await
                .map_err(|e| failed(&e))?
                .config
                .max_age;
            if retention < current {
                let oldest = oldest_unstored_age(jetstream)
                    .await
                    .map_err(|e| failed(&e))?;
                if let Some(held) = hold_retention(current, retention, oldest) {
                    tracing::warn!("{held}; it is applied once the writer has caught up");
                    retention = held.kept;
                    hold = Some(held);
                }
            }
        }
        Err(e) if is_stream_missing(&e) => {}
        Err(e) => return Err(failed(&e)),
    }
    let info = jetstream
        .create_or_update_stream(stream_config_with_max_age(retention, spec.replicas))
        .await
        .map_err(|e| failed(&e))?;
    jetstream
        .get_stream(STREAM)
        .await
        .map_err(|e| failed(&e))?
        .create_consumer(persist_consumer_config())
        .await
        .map_err(|e| failed(&e))?;
    Ok(Provisioned {
        retention_hold: hold,
        last_sequence: info.state.last_sequence,
        atomic_batches: info.config.allow_atomic_publish,
    })
}

/// Whether cutting the retention from `current` to `wanted` would delete a message the
/// writer has not stored (`oldest_unstored` is that message's age, None when it is caught up).
pub fn hold_retention(
    current: Duration,
    wanted: Duration,
    oldest_unstored: Option<Duration>,
) -> Option<RetentionHold> {
    let oldest = oldest_unstored?;
    (wanted < current && oldest >= wanted).then_some(RetentionHold {
        kept: current,
        wanted,
        oldest_unstored: oldest,
    })
}

/// How far behind the `persist` consumer is: messages it has not acknowledged, and the
/// age of the oldest of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    pub messages: u64,
    pub oldest_age: Option<Duration>,
}

/// Why the backlog could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BacklogError {
    #[error("stream {STREAM} not found")]
    StreamMissing,
    #[error("consumer {PERSIST_CONSUMER} not found")]
    ConsumerMissing,
    #[error("{0}")]
    Unreachable(String),
}

pub async fn persist_backlog(
    jetstream: &async_nats::jetstream::Context,
) -> Result<Backlog, BacklogError> {
    use async_nats::jetstream::context::ConsumerInfoErrorKind;
    let stream = jetstream.get_stream(STREAM).await.map_err(|e| {
        if is_stream_missing(&e) {
            BacklogError::StreamMissing
        } else {
            BacklogError::Unreachable(e.to_string())
        }
    })?;
    let info = stream
        .consumer_info(PERSIST_CONSUMER)
        .await
        .map_err(|e| match e.kind() {
            ConsumerInfoErrorKind::NotFound => BacklogError::ConsumerMissing,
            ConsumerInfoErrorKind::StreamNotFound => BacklogError::StreamMissing,
            _ => BacklogError::Unreachable(e.to_string()),
        })?;
    let messages = info.num_pending + info.num_ack_pending as u64;
    if messages == 0 {
        return Ok(Backlog {
            messages,
            oldest_age: None,
        });
    }
    // The first message after the ack floor that still exists is the oldest not stored.
    let oldest = stream
        .raw_message_builder()
        .sequence(info.ack_floor.stream_sequence + 1)
        .next_by_subject(">")
        .send()
        .await;
    let oldest_age = match oldest {
        Ok(message) => {
            let published = message.time.unix_timestamp();
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            Some(Duration::from_secs(
                now.saturating_sub(published).max(0) as u64
            ))
        }
        Err(_) => None,
    };
    Ok(Backlog {
        messages,
        oldest_age,
    })
}

async fn oldest_unstored_age(
    jetstream: &async_nats::jetstream::Context,
) -> Result<Option<Duration>, String> {
    match persist_backlog(jetstream).await {
        Ok(backlog) => Ok(backlog.oldest_age),
        Err(BacklogError::StreamMissing) => Ok(None),
        // A stream without the consumer yet: nothing has been stored, everything counts.
        Err(BacklogError::ConsumerMissing) => {
            let mut stream = jetstream
                .get_stream(STREAM)
                .await
                .map_err(|e| e.to_string())?;
            let first = stream
                .info()
                .await
                .map_err(|e| e.to_string())?
                .state
                .first_timestamp;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            Ok(Some(Duration::from_secs(
                now.saturating_sub(first.unix_timestamp()).max(0) as u64,
            )))
        }
        Err(BacklogError::Unreachable(e)) => Err(e),
    }
}

pub fn is_stream_missing(error: &async_nats::jetstream::context::GetStreamError) -> bool {
    use async_nats::jetstream::context::GetStreamErrorKind;
    matches!(error.kind(), GetStreamErrorKind::JetStream(e)
        if e.error_code() == async_nats::jetstream::ErrorCode::STREAM_NOT_FOUND)
}

/// Sorts a failure: a server without JetStream is told apart from everything else.
fn classify(reason: &str) -> ProvisionError {
    let lower = reason.to_ascii_lowercase();
    if lower.contains("not enabled")
        || lower.contains("jetstream unavailable")
        || lower.contains("no responders")
    {
        ProvisionError::JetStreamUnavailable(reason.to_string())
    } else {
        ProvisionError::Failed(reason.to_string())
    }
}

fn days(d: Duration) -> String {
    let hours = d.as_secs() / 3600;
    if hours >= 48 {
        format!("{} days", hours / 24)
    } else if hours >= 1 {
        format!("{hours} h")
    } else {
        format!("{} min", d.as_secs() / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_subjects_are_covered_and_others_not() {
        assert!(covers("playback.tautulli.movie"));
        assert!(covers("plex.x"));
        assert!(!covers("playback."));
        assert!(!covers("nowhere.tautulli.movie"));
        assert!(!covers("playbackx.y"));
    }

    const DAY: Duration = Duration::from_secs(24 * 3600);

    #[test]
    fn a_shorter_retention_is_held_only_while_it_would_cut_unstored_messages() {
        // Caught up: the cut is applied.
        assert_eq!(hold_retention(7 * DAY, DAY, None), None);
        // The oldest unstored event is younger than the new retention: applied.
        assert_eq!(hold_retention(7 * DAY, 2 * DAY, Some(DAY)), None);
        // It is older: held, and the message says what and why.
        let held = hold_retention(7 * DAY, DAY, Some(3 * DAY)).unwrap();
        assert_eq!(held.kept, 7 * DAY);
        let text = held.to_string();
        assert!(text.contains("7 days") && text.contains("24 h"), "{text}");
        // A longer retention never deletes anything.
        assert_eq!(hold_retention(DAY, 7 * DAY, Some(3 * DAY)), None);
    }
}

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
pub const MAX_BYTES: i64 = 10 * 1024 * 1024 * 1024;
/// JetStream drops a second message with the same `Nats-Msg-Id` within this window.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// How long the server waits for the writer's ack before delivering a message again.
pub const ACK_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
#[error("cannot provision stream {STREAM}: {0}")]
pub struct ProvisionError(String);

pub fn stream_config(retention_days: u32, replicas: usize) -> Config {
    Config {
        name: STREAM.to_string(),
        subjects: SUBJECTS.iter().map(|s| s.to_string()).collect(),
        storage: StorageType::File,
        max_age: Duration::from_secs(u64::from(retention_days) * 24 * 3600),
        max_bytes: MAX_BYTES,
        // When full, refuse new events (the publisher then spools) rather than silently
        // dropping the oldest ones that may not be persisted yet.
        discard: DiscardPolicy::New,
        duplicate_window: DUPLICATE_WINDOW,
        num_replicas: replicas,
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

/// Creates or updates the stream, retrying for a while: a cluster that has just started
/// needs a moment to elect its JetStream leader.
pub async fn provision(
    jetstream: &async_nats::jetstream::Context,
    retention_days: u32,
    replicas: usize,
) -> Result<(), ProvisionError> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut delay = Duration::from_millis(100);
    loop {
        let provisioned = async {
            jetstream
                .create_or_update_stream(stream_config(retention_days, replicas))
                .await
                .map_err(|e| e.to_string())?;
            jetstream
                .get_stream(STREAM)
                .await
                .map_err(|e| e.to_string())?
                .create_consumer(persist_consumer_config())
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(())
        };
        match provisioned.await {
            Ok(()) => return Ok(()),
            Err(e) if std::time::Instant::now() >= deadline => return Err(ProvisionError(e)),
            Err(e) => {
                tracing::debug!("stream not provisioned yet ({e}); retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
            }
        }
    }
}

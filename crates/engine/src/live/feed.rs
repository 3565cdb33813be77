//! The live view's source in JetStream mode: an ordered consumer on `MEDIA_EVENTS` that
//! starts at new messages, recreated with backoff whenever the connection or the sidecar
//! goes away. Events it misses meanwhile are still stored; only the live view skips them.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, DeliverPolicy};
use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::LiveHub;
use crate::bus::stream::STREAM;
use crate::event::MediaEvent;
use crate::handle::tasks::Tasks;
use crate::metrics::{ms_since, Metrics};

pub fn spawn(
    tasks: &Tasks,
    jetstream: async_nats::jetstream::Context,
    hub: LiveHub,
    metrics: Arc<Metrics>,
) {
    tasks.spawn("live feed", run(jetstream, hub, metrics, tasks.token()));
}

/// Follows the stream until `shutdown`; the live view only shows, so stopping mid-message
/// loses nothing.
pub async fn run(
    jetstream: async_nats::jetstream::Context,
    hub: LiveHub,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
) {
    let mut delays = crate::bus::retry_delays();
    loop {
        let followed = tokio::select! {
            _ = shutdown.cancelled() => return,
            followed = follow(&jetstream, &hub, &metrics) => followed,
        };
        let delay = match followed {
            Ok(()) => {
                delays = crate::bus::retry_delays();
                continue;
            }
            Err(e) => {
                let delay = delays.next().unwrap_or(Duration::from_secs(5));
                tracing::debug!("live feed interrupted ({e}); again in {delay:?}");
                delay
            }
        };
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

async fn follow(
    jetstream: &async_nats::jetstream::Context,
    hub: &LiveHub,
    metrics: &Metrics,
) -> Result<(), String> {
    let stream = jetstream
        .get_stream(STREAM)
        .await
        .map_err(|e| e.to_string())?;
    let consumer = stream
        .create_consumer(pull::OrderedConfig {
            name: Some("live".to_string()),
            description: Some("live view: new messages, in order".to_string()),
            deliver_policy: DeliverPolicy::New,
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let mut messages = consumer.messages().await.map_err(|e| e.to_string())?;
    while let Some(message) = messages.next().await {
        let message = message.map_err(|e| e.to_string())?;
        // Undecodable messages are the writer's to dead-letter; the live view skips them.
        if let Ok(event) = serde_json::from_slice::<MediaEvent>(&message.payload) {
            // History read back from a source is not playing now.
            if event.origin == crate::event::Origin::Import {
                continue;
            }
            let received_at = event.received_at;
            if hub.observe(event) {
                metrics.to_live.record_ms(ms_since(received_at));
            }
        }
    }
    Ok(())
}

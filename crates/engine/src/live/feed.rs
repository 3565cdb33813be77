//! The live view's second source in external mode, where other engines may publish to the
//! same stream: an ordered consumer on `MEDIA_EVENTS` that
//! starts after the stream's end as it was when the engine connected and, when the
//! connection, the sidecar or the consumer itself is interrupted, is recreated with backoff
//! from the message after the last one it showed: an interruption delays the live view but
//! does not make it skip events the stream kept.

use std::time::Duration;

use async_nats::jetstream::consumer::{pull, DeliverPolicy};
use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::tap::LiveTap;
use crate::bus::stream::STREAM;
use crate::event::MediaEvent;
use crate::handle::tasks::Tasks;

pub fn spawn(
    tasks: &Tasks,
    jetstream: async_nats::jetstream::Context,
    tap: LiveTap,
    start_after: u64,
) {
    tasks.spawn("live feed", run(jetstream, tap, start_after, tasks.token()));
}

/// Follows the stream from the message after `start_after` (the stream's end when the
/// engine connected: an event acknowledged before the consumer exists is still shown) until
/// `shutdown`; the live view only shows, so stopping mid-message loses nothing.
pub async fn run(
    jetstream: async_nats::jetstream::Context,
    tap: LiveTap,
    start_after: u64,
    shutdown: CancellationToken,
) {
    let mut delays = crate::bus::retry_delays();
    // The stream sequence of the last message shown (or passed over as not news).
    let mut last_shown: Option<u64> = Some(start_after);
    loop {
        let followed = tokio::select! {
            _ = shutdown.cancelled() => return,
            followed = follow(&jetstream, &tap, &mut last_shown) => followed,
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
    tap: &LiveTap,
    last_shown: &mut Option<u64>,
) -> Result<(), String> {
    let mut stream = jetstream
        .get_stream(STREAM)
        .await
        .map_err(|e| e.to_string())?;
    // A stream made anew (deleted and provisioned again) numbers from 1: the old position
    // means nothing there, so the feed starts at new messages again.
    let last_in_stream = stream
        .info()
        .await
        .map_err(|e| e.to_string())?
        .state
        .last_sequence;
    if last_shown.is_some_and(|seq| seq > last_in_stream) {
        *last_shown = None;
    }
    let consumer = stream
        .create_consumer(pull::OrderedConfig {
            name: Some("live".to_string()),
            description: Some("live view: new messages, in order".to_string()),
            deliver_policy: match *last_shown {
                Some(seq) => DeliverPolicy::ByStartSequence {
                    start_sequence: seq + 1,
                },
                None => DeliverPolicy::New,
            },
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let mut messages = consumer.messages().await.map_err(|e| e.to_string())?;
    while let Some(message) = messages.next().await {
        let message = message.map_err(|e| e.to_string())?;
        if let Ok(info) = message.info() {
            *last_shown = Some(info.stream_sequence);
        }
        // A bundle is history read back from a source (bus::bundle), never what plays now.
        if crate::bus::bundle::is_bundle(&message.subject) {
            continue;
        }
        // Undecodable messages are the writer's to dead-letter; the live view skips them.
        if let Ok(event) = serde_json::from_slice::<MediaEvent>(&message.payload) {
            tap.show(event);
        }
    }
    Ok(())
}

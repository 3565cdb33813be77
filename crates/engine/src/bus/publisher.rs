//! Durable publish: an event is acknowledged to its sender only after JetStream's
//! PublishAck. `Nats-Msg-Id` is the event id, so a resent webhook inside the duplicate
//! window is answered `duplicate: true` and stored once.

use std::time::Duration;

use async_nats::jetstream::message::PublishMessage;
use bytes::Bytes;

use crate::event::MediaEvent;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot encode the event: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("JetStream did not accept the event: {0}")]
    Send(String),
    #[error("JetStream did not acknowledge within {0:?}")]
    AckTimeout(Duration),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub sequence: u64,
    pub duplicate: bool,
}

#[derive(Clone)]
pub struct Publisher {
    jetstream: async_nats::jetstream::Context,
    ack_timeout: Duration,
}

impl Publisher {
    pub fn new(jetstream: async_nats::jetstream::Context, ack_timeout: Duration) -> Self {
        Self {
            jetstream,
            ack_timeout,
        }
    }

    pub async fn publish(&self, event: &MediaEvent) -> Result<Published, PublishError> {
        let payload = Bytes::from(serde_json::to_vec(event)?);
        let message = PublishMessage::build()
            .payload(payload)
            .message_id(&event.event_id);
        let ack = async {
            let pending = self
                .jetstream
                .send_publish(event.subject(), message)
                .await
                .map_err(|e| PublishError::Send(e.to_string()))?;
            pending.await.map_err(|e| PublishError::Send(e.to_string()))
        };
        let ack = tokio::time::timeout(self.ack_timeout, ack)
            .await
            .map_err(|_| PublishError::AckTimeout(self.ack_timeout))??;
        Ok(Published {
            sequence: ack.sequence,
            duplicate: ack.duplicate,
        })
    }
}

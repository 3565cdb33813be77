//! A subscriber's side of the live view, in batches: messages gathered for a short window
//! (16–50 ms) and handed over together, so a UI repaints once per batch instead of once per
//! event. A subscriber that fell behind gets a fresh snapshot instead of the backlog.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast::{self, error::RecvError};

use super::{LiveHub, LiveMessage, LiveSnapshot};

/// Longest a batch stays open after its first message.
pub const FLUSH_EVERY: Duration = Duration::from_millis(25);
/// A batch is handed over early once it holds this many messages.
pub const MAX_BATCH: usize = 256;

/// What a batched subscriber receives.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum LiveBatch {
    /// The whole state: first, and again after falling behind.
    Snapshot {
        snapshot: LiveSnapshot,
    },
    Messages {
        messages: Vec<LiveMessage>,
    },
}

pub struct Subscription {
    hub: LiveHub,
    receiver: broadcast::Receiver<Arc<LiveMessage>>,
    started: bool,
}

impl Subscription {
    pub fn new(hub: LiveHub) -> Self {
        let receiver = hub.subscribe();
        Self {
            hub,
            receiver,
            started: false,
        }
    }

    /// The next batch; None once the hub is gone.
    pub async fn next(&mut self) -> Option<LiveBatch> {
        if !self.started {
            self.started = true;
            return Some(self.snapshot());
        }
        let first = match self.receiver.recv().await {
            Ok(message) => message,
            Err(RecvError::Lagged(_)) => return Some(self.snapshot()),
            Err(RecvError::Closed) => return None,
        };
        let mut messages = vec![(*first).clone()];
        let window = tokio::time::sleep(FLUSH_EVERY);
        tokio::pin!(window);
        while messages.len() < MAX_BATCH {
            tokio::select! {
                _ = &mut window => break,
                next = self.receiver.recv() => match next {
                    Ok(message) => messages.push((*message).clone()),
                    Err(RecvError::Lagged(_)) => return Some(self.snapshot()),
                    Err(RecvError::Closed) => break,
                },
            }
        }
        Some(LiveBatch::Messages { messages })
    }

    fn snapshot(&mut self) -> LiveBatch {
        // Anything still queued is older than the snapshot taken now.
        self.receiver = self.receiver.resubscribe();
        LiveBatch::Snapshot {
            snapshot: self.hub.snapshot(),
        }
    }
}

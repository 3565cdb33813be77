//! Group commit: webhooks that arrive while earlier ones are being published are gathered
//! into the next atomic batch, so many events share one fsync and one round trip. A quiet
//! server adds no wait — a lone event is published at once — and every caller is answered
//! with its own message's outcome, exactly as a single publish would answer it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, Semaphore};

use super::atomic_batch;
use super::publisher::{Outgoing, PublishError, Published, Publisher};

/// Batches on their way at once. One keeps the batches as large as the load makes them;
/// a few more let a batch be sent while the previous one waits for its fsync.
const IN_FLIGHT: usize = 4;

/// Events waiting for a batch, at most (senders then wait for room).
const QUEUE: usize = 4 * atomic_batch::MAX_MESSAGES;

type Answer = oneshot::Sender<Result<Published, PublishError>>;

/// The sending side, cloned into every request handler; the batching task ends when the
/// last clone is dropped.
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<(Outgoing, Answer)>,
    counts: Arc<BatchCounts>,
}

/// How many groups were published and how many messages they held: their ratio is the
/// batching the load produced.
#[derive(Debug, Default)]
pub struct BatchCounts {
    groups: AtomicU64,
    messages: AtomicU64,
}

impl BatchCounts {
    /// (groups, messages) so far.
    pub fn get(&self) -> (u64, u64) {
        (
            self.groups.load(Ordering::Relaxed),
            self.messages.load(Ordering::Relaxed),
        )
    }
}

impl GroupCommit {
    /// Starts the batching task for `publisher` (on the current Tokio runtime).
    pub fn start(publisher: Publisher) -> Self {
        let (queue, waiting) = mpsc::channel(QUEUE);
        let counts = Arc::new(BatchCounts::default());
        tokio::spawn(gather(publisher, waiting, counts.clone()));
        Self { queue, counts }
    }

    pub fn counts(&self) -> &BatchCounts {
        &self.counts
    }

    /// Publishes `message` in the next batch; resolves with its own acknowledgement.
    pub async fn publish(&self, message: Outgoing) -> Result<Published, PublishError> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send((message, answer))
            .await
            .map_err(|_| PublishError::Send("the publisher has stopped".to_string()))?;
        answered
            .await
            .map_err(|_| PublishError::Send("the publisher stopped before answering".to_string()))?
    }
}

/// Takes whatever waits once a batch slot is free — at least one message, at most a batch's
/// worth — and publishes it while gathering the next.
async fn gather(
    publisher: Publisher,
    mut waiting: mpsc::Receiver<(Outgoing, Answer)>,
    counts: Arc<BatchCounts>,
) {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let mut batch = Vec::new();
        if waiting
            .recv_many(&mut batch, atomic_batch::MAX_MESSAGES)
            .await
            == 0
        {
            return; // every sender is gone
        }
        counts.groups.fetch_add(1, Ordering::Relaxed);
        counts
            .messages
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        let publisher = publisher.clone();
        tokio::spawn(async move {
            let (messages, answers): (Vec<Outgoing>, Vec<Answer>) = batch.into_iter().unzip();
            let outcomes = publisher.publish_group(&messages).await;
            for (answer, outcome) in answers.into_iter().zip(outcomes) {
                // A caller that gave up (its request was dropped) needs no answer.
                let _ = answer.send(outcome);
            }
            drop(slot);
        });
    }
}

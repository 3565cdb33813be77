//! The DuckDB writer's loop: find the `persist` consumer (provisioning the stream again when
//! it was lost), wait until DuckDB opens, and run the writer until the engine stops. The
//! writer itself (batches, acks, dead letters) is in `writer.rs`.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, PullConsumer};
use async_nats::jetstream::context::ConsumerInfoErrorKind;
use tokio_util::sync::CancellationToken;

use super::writer::{Writer, WriterConfig, WriterCounters};
use super::Database;
use crate::bus::stream::{self, StreamSpec, PERSIST_CONSUMER, STREAM};
use crate::handle::tasks::Tasks;
use crate::metrics::Metrics;

/// Everything the writer's loop needs.
pub struct WriterTask {
    pub jetstream: async_nats::jetstream::Context,
    pub db: Database,
    pub config: WriterConfig,
    pub counters: Arc<WriterCounters>,
    pub metrics: Arc<Metrics>,
    pub stream: StreamSpec,
}

pub fn spawn(tasks: &Tasks, task: WriterTask) {
    let shutdown = tasks.token();
    tasks.spawn("duckdb writer", run(task, shutdown));
}

/// What looking for the consumer found.
enum Lookup {
    Found(Box<PullConsumer>),
    /// The stream or the consumer is gone (deleted by hand, a lost store): provision again.
    Missing(String),
    /// NATS does not answer right now: try again.
    Unreachable(String),
}

async fn run(task: WriterTask, shutdown: CancellationToken) {
    let mut writer = Writer::new(task.db.clone(), task.config.clone(), task.counters.clone())
        .with_metrics(task.metrics.clone());
    let mut delays = crate::bus::retry_delays();
    while !shutdown.is_cancelled() {
        let trouble = match find_consumer(&task.jetstream).await {
            Lookup::Found(mut consumer) => {
                if !wait_for_database(&task.db, &shutdown).await {
                    return;
                }
                if !wait_for_held_messages(&mut consumer, &shutdown).await {
                    return;
                }
                delays = crate::bus::retry_delays();
                match writer.run(&consumer, &shutdown).await {
                    Ok(()) => return,
                    Err(e) => format!("cannot fetch from JetStream ({e})"),
                }
            }
            Lookup::Missing(what) => {
                tracing::warn!("{what}; provisioning the stream again");
                match stream::provision_once(&task.jetstream, task.stream).await {
                    Ok(_) => {
                        tracing::info!(
                            "stream {STREAM} and consumer {PERSIST_CONSUMER} provisioned again"
                        );
                        continue;
                    }
                    Err(e) => e.to_string(),
                }
            }
            Lookup::Unreachable(e) => format!("cannot reach its consumer ({e})"),
        };
        let delay = delays.next().unwrap_or(Duration::from_secs(5));
        tracing::warn!("the writer {trouble}; retrying in {delay:?}");
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

async fn find_consumer(jetstream: &async_nats::jetstream::Context) -> Lookup {
    let stream = match jetstream.get_stream(STREAM).await {
        Ok(stream) => stream,
        Err(e) if stream::is_stream_missing(&e) => {
            return Lookup::Missing(format!("stream {STREAM} not found"))
        }
        Err(e) => return Lookup::Unreachable(e.to_string()),
    };
    match stream.consumer_info(PERSIST_CONSUMER).await {
        Ok(_) => {}
        Err(e) => {
            return match e.kind() {
                ConsumerInfoErrorKind::NotFound | ConsumerInfoErrorKind::StreamNotFound => {
                    Lookup::Missing(format!("consumer {PERSIST_CONSUMER} not found"))
                }
                _ => Lookup::Unreachable(e.to_string()),
            }
        }
    }
    match stream.get_consumer::<pull::Config>(PERSIST_CONSUMER).await {
        Ok(consumer) => Lookup::Found(Box::new(consumer)),
        Err(e) => Lookup::Unreachable(e.to_string()),
    }
}

/// Messages a writer held when it died (delivered, never acked) come back only when their
/// ack wait runs out, while newer messages are delivered at once: storing those first would
/// see a playback's stop before its start and make two sessions of it. So a writer that
/// finds messages pending waits out the ack wait first; JetStream then hands the held ones
/// back before anything newer. False if the engine stops first.
async fn wait_for_held_messages(consumer: &mut PullConsumer, shutdown: &CancellationToken) -> bool {
    let held = match consumer.info().await {
        Ok(info) => info.num_ack_pending,
        Err(_) => return true,
    };
    if held == 0 {
        return true;
    }
    tracing::info!("{held} messages were held by a writer that stopped; taking them back first");
    tokio::select! {
        _ = shutdown.cancelled() => false,
        _ = tokio::time::sleep(stream::ACK_WAIT + Duration::from_millis(500)) => true,
    }
}

/// Waits until DuckDB opens (it may be held by another program, or damaged and being
/// mended): messages stay in the stream meanwhile rather than burning their deliveries.
/// False if the engine stops first.
async fn wait_for_database(db: &Database, shutdown: &CancellationToken) -> bool {
    let mut delays = crate::bus::retry_delays();
    loop {
        match db.ping().await {
            Ok(()) => return true,
            Err(e) => {
                let delay = delays.next().unwrap_or(Duration::from_secs(5));
                tracing::debug!("the writer waits for DuckDB ({e})");
                tokio::select! {
                    _ = shutdown.cancelled() => return false,
                    _ = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

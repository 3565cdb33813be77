//! What the live view and monitoring read: the stats, `/metrics`, the live snapshot and
//! subscriptions, and the background tasks that push stats and health to subscribers.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

use super::tasks::Tasks;
use super::{EngineHandle, OpError};
use crate::bus::stream;
use crate::live::subscription::Subscription;
use crate::live::{LiveMessage, LiveSession, LiveSnapshot};
use crate::metrics::{prometheus, Metrics};
use crate::stats::{ConsumerStats, SpoolStats, Stats, StreamStats};

/// How often subscribers get fresh stats.
const STATS_EVERY: Duration = Duration::from_secs(1);

impl EngineHandle {
    pub async fn stats(&self) -> Result<Stats, OpError> {
        // On the side connection: the stats are read every second while anyone watches,
        // and must neither wait for the writer's batch nor hold it up.
        let (events_stored, dlq_by_kind, dlq_by_source, duplicates_by_rule) = self
            .database()
            .with_side_conn(|conn| {
                Ok((
                    crate::persist::events::count_events(conn)?,
                    crate::dlq::store::count_by_kind(conn)?,
                    crate::dlq::store::count_by_source(conn)?,
                    crate::persist::audit::count_dropped_by_rule(conn)?,
                ))
            })
            .await
            .map_err(OpError::StatsUnavailable)?;
        let dlq_size: u64 = dlq_by_kind.iter().map(|(_, n)| n).sum();
        let duplicates_dropped: u64 = duplicates_by_rule.iter().map(|(_, n)| n).sum();
        let (stream, consumers) = self.stream_stats().await;
        let db_path = self.database().path().to_path_buf();
        let file_bytes = |path: std::path::PathBuf| std::fs::metadata(path).map_or(0, |m| m.len());
        let duckdb_file_bytes =
            file_bytes(db_path.clone()) + file_bytes(db_path.with_extension("duckdb.wal"));
        let metrics = self.metrics();
        Ok(Stats {
            events_stored,
            dlq_size,
            dlq_by_kind: dlq_by_kind.into_iter().collect(),
            dlq_by_source: dlq_by_source.into_iter().collect(),
            duplicates_dropped,
            duplicates_by_rule: duplicates_by_rule.into_iter().collect(),
            writer: self.shared.writer_counters.snapshot(),
            ingest_rate: metrics.ingest.rates(chrono::Utc::now().timestamp()),
            latency: metrics.latencies(),
            consumers,
            duckdb_file_bytes,
            stream,
            spool: self.spool_stats(),
            dlq_evicted: self.database().dlq_counters().evicted_total(),
            dlq_expired: self.database().dlq_counters().expired_total(),
            sidecar: self.sidecar(),
            alerts: self.pipeline_alerts(),
        })
    }

    /// The live spool, or on the direct path what an earlier run left in it.
    fn spool_stats(&self) -> Option<SpoolStats> {
        match (self.ingest().spool(), &self.shared.spool_leftover) {
            (Some(spool), _) => Some(SpoolStats {
                pending: spool.pending(),
                bytes: spool.bytes(),
            }),
            (None, Some(left)) => Some(SpoolStats {
                pending: left.pending,
                bytes: left.bytes,
            }),
            (None, None) => None,
        }
    }

    async fn stream_stats(&self) -> (Option<StreamStats>, Vec<ConsumerStats>) {
        let Some(js) = self.jetstream() else {
            return (None, Vec::new());
        };
        let Ok(mut handle) = js.get_stream(stream::STREAM).await else {
            return (None, Vec::new());
        };
        let stream = handle.info().await.ok().map(|info| StreamStats {
            messages: info.state.messages,
            bytes: info.state.bytes,
            first_seq: info.state.first_sequence,
            last_seq: info.state.last_sequence,
            // JetStream says "unlimited" with -1 bytes and a zero age.
            max_bytes: u64::try_from(info.config.max_bytes).ok(),
            max_age_s: Some(info.config.max_age.as_secs()).filter(|s| *s > 0),
            duplicate_window_s: info.config.duplicate_window.as_secs(),
        });
        let mut consumers = Vec::new();
        let mut infos = handle.consumers();
        while let Some(Ok(info)) = futures_util::StreamExt::next(&mut infos).await {
            consumers.push(ConsumerStats {
                name: info.name.clone(),
                pending: info.num_pending,
                ack_pending: info.num_ack_pending as u64,
                redelivered: info.num_redelivered as u64,
            });
        }
        (stream, consumers)
    }

    /// The stats in the Prometheus text format.
    pub async fn metrics_text(&self) -> Result<String, OpError> {
        prometheus::render(
            &self.stats().await?,
            self.metrics(),
            &self.ingest().ignored_counts(),
        )
        .map_err(|e| OpError::Unavailable(format!("the metrics cannot be encoded: {e}")))
    }

    pub(crate) fn metrics(&self) -> &Arc<Metrics> {
        &self.shared.metrics
    }

    /// Everything the live view shows now: open sessions and the newest events.
    pub fn live_snapshot(&self) -> LiveSnapshot {
        self.shared.live.snapshot()
    }

    /// What plays now, positions as of the call.
    pub fn live_sessions(&self) -> Vec<LiveSession> {
        self.shared.live.snapshot().sessions
    }

    /// Live updates in batches (snapshot first), for the desktop's IPC channel.
    pub fn subscribe_live(&self) -> Subscription {
        Subscription::new(self.shared.live.clone())
    }

    /// Live updates one by one, for the WebSocket (which closes a client that lags).
    pub fn subscribe_live_messages(&self) -> broadcast::Receiver<Arc<LiveMessage>> {
        self.shared.live.subscribe()
    }

    /// Starts the tasks that push stats (every second, while anyone listens) and health
    /// (on every change) to live subscribers, until the engine stops.
    pub(super) fn spawn_pushers(&self, tasks: &Tasks) {
        let engine = self.clone();
        let shutdown = tasks.token();
        tasks.spawn("stats pusher", async move {
            let mut tick = tokio::time::interval(STATS_EVERY);
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tick.tick() => {}
                }
                if engine.shared.live.subscribers() == 0 {
                    continue;
                }
                if let Ok(stats) = engine.stats().await {
                    engine
                        .shared
                        .live
                        .publish(LiveMessage::Stats(Box::new(stats)));
                }
            }
        });
        let engine = self.clone();
        let shutdown = tasks.token();
        tasks.spawn("health pusher", async move {
            let mut health = engine.subscribe_health();
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    changed = health.changed() => if changed.is_err() { return },
                }
                let now = health.borrow_and_update().clone();
                engine.shared.live.publish(LiveMessage::Health(now));
            }
        });
    }
}

//! The pipeline's last 15 minutes on the engine handle: the task that samples the stats
//! every 5 seconds, and what both adapters read — the samples and the alerts raised from
//! them.

use serde::Serialize;

use super::tasks::Tasks;
use super::{EngineHandle, OpError};
use crate::metrics::history::{StatsSample, KEPT, SAMPLE_EVERY};
use crate::metrics::pipeline_alerts::{self, PipelineAlert};

/// `GET /api/v1/stats/history`.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct StatsHistoryView {
    /// Seconds between samples.
    pub interval_s: u32,
    /// How many samples are kept at most (15 minutes).
    pub capacity: u32,
    /// Oldest first.
    pub samples: Vec<StatsSample>,
    pub alerts: Vec<PipelineAlert>,
}

impl EngineHandle {
    pub fn stats_history(&self) -> Result<StatsHistoryView, OpError> {
        let samples = self.shared.history.samples();
        Ok(StatsHistoryView {
            interval_s: SAMPLE_EVERY.as_secs() as u32,
            capacity: KEPT as u32,
            alerts: pipeline_alerts::alerts(&samples),
            samples,
        })
    }

    pub(super) fn pipeline_alerts(&self) -> Vec<PipelineAlert> {
        pipeline_alerts::alerts(&self.shared.history.samples())
    }

    /// Samples the stats from the start (the first sample at once) until the engine stops.
    pub(super) fn spawn_stats_sampler(&self, tasks: &Tasks) {
        let engine = self.clone();
        let shutdown = tasks.token();
        tasks.spawn("stats sampler", async move {
            let mut tick = tokio::time::interval(SAMPLE_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tick.tick() => {}
                }
                engine.take_sample().await;
            }
        });
    }

    async fn take_sample(&self) {
        let Ok(stats) = self.stats().await else {
            // DuckDB busy or gone: a gap in the chart says so better than a made-up point.
            return;
        };
        let at = chrono::Utc::now();
        let now = at.timestamp();
        // The last whole seconds of the interval (the current one is still filling).
        let seconds = SAMPLE_EVERY.as_secs() as i64;
        let ingest = self.metrics().ingest.average(now - seconds, now - 1);
        let previous = self.shared.history.last();
        let sample = StatsSample::of(&stats, at, ingest, previous.as_ref());
        if previous.as_ref().is_some_and(|p| p.is_busy()) && !sample.is_busy() {
            // The load just stopped: what it allocated is free, give it back.
            let _ = tokio::task::spawn_blocking(crate::memory::release_free_heap).await;
        }
        self.shared.history.push(sample);
    }
}

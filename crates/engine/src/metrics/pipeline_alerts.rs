//! What the pipeline view warns about, read from the stats history: a writer that stores
//! nothing while events wait, a spool that keeps growing, a sidecar that restarts, dead
//! letters piling up. Each alert has a one-line cause and the action to take. Pure
//! functions of the samples, so every rule is tested without waiting.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::history::StatsSample;

/// How long the writer may store nothing while events wait before it counts as stuck.
const STUCK_AFTER: Duration = Duration::seconds(60);
/// Samples in a row the spool must grow in (15 s at one sample every 5 s).
const SPOOL_GROWING_SAMPLES: usize = 4;
/// The window for counting sidecar restarts: the whole history.
const RESTARTS_WINDOW: Duration = Duration::minutes(15);
/// Restarts in the window that make the sidecar's alert critical.
const RESTARTS_CRITICAL: u32 = 3;
/// The window in which new dead letters raise an alert.
const DLQ_WINDOW: Duration = Duration::minutes(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    StuckConsumer,
    GrowingSpool,
    SidecarRestarting,
    DlqGrowth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Critical,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PipelineAlert {
    pub kind: AlertKind,
    pub severity: Severity,
    /// One line: what is wrong, with the figures.
    pub cause: String,
    /// One line: what the user can do.
    pub action: String,
    /// Since when the condition holds (as far as the history reaches back).
    pub since: DateTime<Utc>,
}

/// Every alert the samples (oldest first) raise, the most severe first.
pub fn alerts(samples: &[StatsSample]) -> Vec<PipelineAlert> {
    let mut found: Vec<PipelineAlert> = [
        stuck_writer(samples),
        growing_spool(samples),
        restarting_sidecar(samples),
        dlq_growth(samples),
    ]
    .into_iter()
    .flatten()
    .collect();
    found.sort_by_key(|a| a.severity != Severity::Critical);
    found
}

fn waiting(sample: &StatsSample) -> u64 {
    sample.writer_pending + sample.writer_ack_pending
}

/// Events wait for the writer, and it has stored nothing for at least a minute.
fn stuck_writer(samples: &[StatsSample]) -> Option<PipelineAlert> {
    let last = samples.last()?;
    if waiting(last) == 0 {
        return None;
    }
    // Walk back while events waited and nothing more was stored.
    let since = samples
        .iter()
        .rev()
        .take_while(|s| waiting(s) > 0 && s.stored_total == last.stored_total)
        .last()?;
    let stalled = last.at - since.at;
    if stalled < STUCK_AFTER {
        return None;
    }
    Some(PipelineAlert {
        kind: AlertKind::StuckConsumer,
        severity: Severity::Critical,
        cause: format!(
            "The writer has stored nothing for {} s while {} events wait in the stream.",
            stalled.num_seconds(),
            waiting(last)
        ),
        action: "Open Health and Logs: DuckDB may be held by another program or failing. \
                 The events are safe in the stream and are stored once the writer recovers."
            .to_string(),
        since: since.at,
    })
}

/// The spool grew in each of the last samples: NATS is not taking what webhooks bring.
fn growing_spool(samples: &[StatsSample]) -> Option<PipelineAlert> {
    if samples.len() < SPOOL_GROWING_SAMPLES {
        return None;
    }
    let recent = &samples[samples.len() - SPOOL_GROWING_SAMPLES..];
    let growing = recent
        .windows(2)
        .all(|pair| pair[1].spool_pending > pair[0].spool_pending);
    if !growing {
        return None;
    }
    // From where the growth started, as far back as it goes.
    let start = samples
        .windows(2)
        .rev()
        .take_while(|pair| pair[1].spool_pending > pair[0].spool_pending)
        .last()
        .map_or(&recent[0], |pair| &pair[0]);
    let last = recent.last()?;
    Some(PipelineAlert {
        kind: AlertKind::GrowingSpool,
        severity: Severity::Warning,
        cause: format!(
            "{} events wait in the spool and more arrive ({} since {}): NATS is not taking them.",
            last.spool_pending,
            last.spool_pending - start.spool_pending,
            start.at.format("%H:%M:%S")
        ),
        action: "Check the NATS part in Health. The events are on disk and are sent, in order, \
                 when NATS is back."
            .to_string(),
        since: start.at,
    })
}

/// The sidecar restarted within the history.
fn restarting_sidecar(samples: &[StatsSample]) -> Option<PipelineAlert> {
    let last = samples.last()?;
    let now_restarts = last.sidecar_restarts?;
    let window_start = last.at - RESTARTS_WINDOW;
    let first = samples
        .iter()
        .find(|s| s.at >= window_start && s.sidecar_restarts.is_some())?;
    let restarts = now_restarts.saturating_sub(first.sidecar_restarts?);
    if restarts == 0 {
        return None;
    }
    // The first sample that saw a restart.
    let since = samples
        .windows(2)
        .find(|pair| pair[1].sidecar_restarts > pair[0].sidecar_restarts && pair[1].at >= first.at)
        .map_or(first.at, |pair| pair[1].at);
    Some(PipelineAlert {
        kind: AlertKind::SidecarRestarting,
        severity: if restarts >= RESTARTS_CRITICAL {
            Severity::Critical
        } else {
            Severity::Warning
        },
        cause: format!(
            "nats-server restarted {restarts} time{} in the last {} minutes.",
            if restarts == 1 { "" } else { "s" },
            (last.at - first.at).num_minutes().max(1)
        ),
        action: "Open Logs and read the sidecar's last exit: a full disk or another program on \
                 its port are the usual causes. Webhooks are spooled meanwhile."
            .to_string(),
        since,
    })
}

/// New dead letters in the last five minutes.
fn dlq_growth(samples: &[StatsSample]) -> Option<PipelineAlert> {
    let last = samples.last()?;
    let window_start = last.at - DLQ_WINDOW;
    let first = samples.iter().find(|s| s.at >= window_start)?;
    let added = last.dlq_size.saturating_sub(first.dlq_size);
    if added == 0 {
        return None;
    }
    let since = samples
        .windows(2)
        .find(|pair| pair[1].dlq_size > pair[0].dlq_size && pair[0].at >= first.at)
        .map_or(first.at, |pair| pair[1].at);
    Some(PipelineAlert {
        kind: AlertKind::DlqGrowth,
        severity: Severity::Warning,
        cause: format!(
            "{added} new dead letter{} in the last 5 minutes ({} waiting).",
            if added == 1 { "" } else { "s" },
            last.dlq_size
        ),
        action: "Open Dead letters: failures are grouped by cause; fix one and retry its group."
            .to_string(),
        since,
    })
}

#[cfg(test)]
#[path = "pipeline_alerts_tests.rs"]
mod tests;

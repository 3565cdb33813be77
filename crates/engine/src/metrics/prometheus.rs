//! `/metrics` in the Prometheus text format (version 0.0.4): the same figures as the stats,
//! named `cartographus_*`, with the latency histograms as cumulative buckets in seconds.

use std::fmt::Write;

use super::histogram::{Histogram, BOUNDS_MS};
use super::Metrics;
use crate::event::Source;
use crate::stats::Stats;

fn gauge(out: &mut String, name: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
    );
}

fn labelled<T: std::fmt::Display>(
    out: &mut String,
    name: &str,
    help: &str,
    kind: &str,
    rows: &[(String, T)],
) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for (labels, value) in rows {
        let _ = writeln!(out, "{name}{{{labels}}} {value}");
    }
}

fn histogram(out: &mut String, name: &str, help: &str, h: &Histogram) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
    let counts = h.counts();
    let mut cumulative = 0;
    for (bound, count) in BOUNDS_MS.iter().zip(&counts) {
        cumulative += count;
        let _ = writeln!(
            out,
            "{name}_bucket{{le=\"{}\"}} {cumulative}",
            bound / 1000.0
        );
    }
    cumulative += counts.last().copied().unwrap_or(0);
    let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {cumulative}");
    let _ = writeln!(out, "{name}_sum {}", h.sum_ms() / 1000.0);
    let _ = writeln!(out, "{name}_count {cumulative}");
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// `ignored`: the notifications that were not playback, per source and kind.
pub fn render(stats: &Stats, metrics: &Metrics, ignored: &[(Source, String, u64)]) -> String {
    let mut out = String::new();
    gauge(
        &mut out,
        "cartographus_events_stored",
        "Rows in playback_events.",
        stats.events_stored,
    );
    gauge(
        &mut out,
        "cartographus_duplicates_dropped",
        "Duplicates dropped (dedup audit, not restored).",
        stats.duplicates_dropped,
    );
    let dlq: Vec<_> = stats
        .dlq_by_kind
        .iter()
        .map(|(kind, n)| (format!("kind=\"{}\"", escape(kind)), *n))
        .collect();
    labelled(
        &mut out,
        "cartographus_dlq_entries",
        "Dead letters by kind.",
        "gauge",
        &dlq,
    );
    let rates: Vec<_> = stats
        .ingest_rate
        .iter()
        .map(|(source, rate)| (format!("source=\"{}\"", escape(source)), rate.last_minute))
        .collect();
    labelled(
        &mut out,
        "cartographus_ingest_rate_per_second",
        "Webhooks accepted per second over the last minute.",
        "gauge",
        &rates,
    );
    let ignored: Vec<_> = ignored
        .iter()
        .map(|(source, kind, n)| {
            (
                format!("source=\"{}\",kind=\"{}\"", source.as_str(), escape(kind)),
                *n,
            )
        })
        .collect();
    labelled(
        &mut out,
        "cartographus_webhooks_ignored_total",
        "Valid notifications that are not playback (answered, not stored), by source and kind.",
        "counter",
        &ignored,
    );
    let w = &stats.writer;
    let writer = [
        ("stored", w.stored),
        ("duplicate", w.duplicates),
        ("redelivered", w.redelivered),
        ("nak", w.naks),
        ("dead_lettered", w.dead_lettered),
    ]
    .map(|(outcome, n)| (format!("outcome=\"{outcome}\""), n));
    labelled(
        &mut out,
        "cartographus_writer_messages_total",
        "Messages the DuckDB writer handled, by outcome.",
        "counter",
        &writer,
    );
    gauge(
        &mut out,
        "cartographus_duckdb_file_bytes",
        "Size of the DuckDB file.",
        stats.duckdb_file_bytes,
    );
    if let Some(stream) = &stats.stream {
        gauge(
            &mut out,
            "cartographus_stream_messages",
            "Messages in MEDIA_EVENTS.",
            stream.messages,
        );
        gauge(
            &mut out,
            "cartographus_stream_bytes",
            "Bytes in MEDIA_EVENTS.",
            stream.bytes,
        );
        gauge(
            &mut out,
            "cartographus_stream_last_seq",
            "Last sequence of MEDIA_EVENTS.",
            stream.last_seq,
        );
    }
    let pending: Vec<_> = stats
        .consumers
        .iter()
        .map(|c| (format!("consumer=\"{}\"", escape(&c.name)), c.pending))
        .collect();
    labelled(
        &mut out,
        "cartographus_consumer_pending",
        "Messages not yet delivered to the consumer.",
        "gauge",
        &pending,
    );
    let ack_pending: Vec<_> = stats
        .consumers
        .iter()
        .map(|c| (format!("consumer=\"{}\"", escape(&c.name)), c.ack_pending))
        .collect();
    labelled(
        &mut out,
        "cartographus_consumer_ack_pending",
        "Messages delivered and not yet acked.",
        "gauge",
        &ack_pending,
    );
    if let Some(spool) = &stats.spool {
        gauge(
            &mut out,
            "cartographus_spool_pending",
            "Events waiting in the spool for JetStream.",
            spool.pending,
        );
    }
    if let Some(sidecar) = &stats.sidecar {
        gauge(
            &mut out,
            "cartographus_sidecar_restarts",
            "Restarts of the nats-server sidecar.",
            sidecar.restarts,
        );
        gauge(
            &mut out,
            "cartographus_sidecar_up",
            "Whether the sidecar runs.",
            u8::from(sidecar.pid.is_some()),
        );
        if let Some(rss) = sidecar.rss_bytes {
            gauge(
                &mut out,
                "cartographus_sidecar_rss_bytes",
                "Resident memory of the sidecar.",
                rss,
            );
        }
    }
    histogram(
        &mut out,
        "cartographus_webhook_ack_seconds",
        "From a webhook's arrival to its answer.",
        &metrics.ack,
    );
    histogram(
        &mut out,
        "cartographus_webhook_to_live_seconds",
        "From a webhook's arrival to the live view.",
        &metrics.to_live,
    );
    histogram(
        &mut out,
        "cartographus_webhook_to_stored_seconds",
        "From a webhook's arrival to its DuckDB commit.",
        &metrics.to_stored,
    );
    out
}

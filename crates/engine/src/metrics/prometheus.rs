//! `/metrics`: the stats as Prometheus metrics named `cartographus_*`, encoded by
//! prometheus-client (its text encoding without the OpenMetrics `# EOF` line, so the answer
//! is also the classic 0.0.4 text format), the latency histograms as buckets in seconds.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::text::encode_registry;
use prometheus_client::encoding::{EncodeMetric, MetricEncoder, NoLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::{MetricType, TypedMetric};
use prometheus_client::registry::Registry;

use super::histogram::{Histogram, BOUNDS_MS};
use super::Metrics;
use crate::event::Source;
use crate::stats::Stats;

type Labels = Vec<(&'static str, String)>;

fn labelled_gauge<N, A>(
    registry: &mut Registry,
    name: &str,
    help: &str,
    rows: impl IntoIterator<Item = (Labels, N)>,
) where
    N: prometheus_client::encoding::EncodeGaugeValue + std::fmt::Debug + Send + Sync + 'static,
    A: prometheus_client::metrics::gauge::Atomic<N>
        + Default
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
{
    let family = Family::<Labels, Gauge<N, A>>::default();
    for (labels, value) in rows {
        family.get_or_create(&labels).set(value);
    }
    registry.register(name, help, family);
}

fn labelled_counter(
    registry: &mut Registry,
    name: &str,
    help: &str,
    rows: impl IntoIterator<Item = (Labels, u64)>,
) {
    let family = Family::<Labels, Counter<u64>>::default();
    for (labels, value) in rows {
        family.get_or_create(&labels).inc_by(value);
    }
    registry.register(name, help, family);
}

fn gauge(registry: &mut Registry, name: &str, help: &str, value: u64) {
    registry.register(name, help, ConstGauge::new(value));
}

/// A histogram as it stood when read: the buckets' upper bounds in seconds.
#[derive(Debug)]
struct Seconds {
    sum: f64,
    count: u64,
    buckets: Vec<(f64, u64)>,
}

impl Seconds {
    fn of(histogram: &Histogram) -> Self {
        let counts = histogram.counts();
        let bounds = BOUNDS_MS
            .iter()
            .map(|ms| ms / 1000.0)
            .chain([f64::INFINITY]);
        Self {
            sum: histogram.sum_ms() / 1000.0,
            count: counts.iter().sum(),
            buckets: bounds.zip(counts).collect(),
        }
    }
}

impl TypedMetric for Seconds {
    const TYPE: MetricType = MetricType::Histogram;
}

impl EncodeMetric for Seconds {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        encoder.encode_histogram::<NoLabelSet>(self.sum, self.count, &self.buckets, None)
    }

    fn metric_type(&self) -> MetricType {
        Self::TYPE
    }
}

/// `ignored`: the notifications that were not playback, per source and kind.
pub fn render(
    stats: &Stats,
    metrics: &Metrics,
    ignored: &[(Source, String, u64)],
) -> Result<String, std::fmt::Error> {
    let mut registry = Registry::default();
    gauge(
        &mut registry,
        "cartographus_events_stored",
        "Rows in playback_events.",
        stats.events_stored,
    );
    gauge(
        &mut registry,
        "cartographus_duplicates_dropped",
        "Duplicates dropped (dedup audit, not restored).",
        stats.duplicates_dropped,
    );
    labelled_gauge::<u64, AtomicU64>(
        &mut registry,
        "cartographus_dlq_entries",
        "Dead letters by kind.",
        stats
            .dlq_by_kind
            .iter()
            .map(|(kind, n)| (vec![("kind", kind.clone())], *n)),
    );
    labelled_gauge::<f64, AtomicU64>(
        &mut registry,
        "cartographus_ingest_rate_per_second",
        "Webhooks accepted per second over the last minute.",
        stats
            .ingest_rate
            .iter()
            .map(|(source, rate)| (vec![("source", source.clone())], rate.last_minute)),
    );
    labelled_counter(
        &mut registry,
        "cartographus_webhooks_ignored",
        "Valid notifications that are not playback (answered, not stored), by source and kind.",
        ignored.iter().map(|(source, kind, n)| {
            (
                vec![
                    ("source", source.as_str().to_string()),
                    ("kind", kind.clone()),
                ],
                *n,
            )
        }),
    );
    let w = &stats.writer;
    labelled_counter(
        &mut registry,
        "cartographus_writer_messages",
        "Messages the DuckDB writer handled, by outcome.",
        [
            ("stored", w.stored),
            ("duplicate", w.duplicates),
            ("redelivered", w.redelivered),
            ("nak", w.naks),
            ("dead_lettered", w.dead_lettered),
        ]
        .map(|(outcome, n)| (vec![("outcome", outcome.to_string())], n)),
    );
    gauge(
        &mut registry,
        "cartographus_duckdb_file_bytes",
        "Size of the DuckDB file.",
        stats.duckdb_file_bytes,
    );
    if let Some(stream) = &stats.stream {
        gauge(
            &mut registry,
            "cartographus_stream_messages",
            "Messages in MEDIA_EVENTS.",
            stream.messages,
        );
        gauge(
            &mut registry,
            "cartographus_stream_bytes",
            "Bytes in MEDIA_EVENTS.",
            stream.bytes,
        );
        gauge(
            &mut registry,
            "cartographus_stream_last_seq",
            "Last sequence of MEDIA_EVENTS.",
            stream.last_seq,
        );
    }
    let consumer = |name: &str| vec![("consumer", name.to_string())];
    labelled_gauge::<u64, AtomicU64>(
        &mut registry,
        "cartographus_consumer_pending",
        "Messages not yet delivered to the consumer.",
        stats
            .consumers
            .iter()
            .map(|c| (consumer(&c.name), c.pending)),
    );
    labelled_gauge::<u64, AtomicU64>(
        &mut registry,
        "cartographus_consumer_ack_pending",
        "Messages delivered and not yet acked.",
        stats
            .consumers
            .iter()
            .map(|c| (consumer(&c.name), c.ack_pending)),
    );
    if let Some(spool) = &stats.spool {
        gauge(
            &mut registry,
            "cartographus_spool_pending",
            "Events waiting in the spool for JetStream.",
            spool.pending,
        );
    }
    if let Some(sidecar) = &stats.sidecar {
        gauge(
            &mut registry,
            "cartographus_sidecar_restarts",
            "Restarts of the nats-server sidecar.",
            u64::from(sidecar.restarts),
        );
        gauge(
            &mut registry,
            "cartographus_sidecar_up",
            "Whether the sidecar runs.",
            u64::from(sidecar.pid.is_some()),
        );
        if let Some(rss) = sidecar.rss_bytes {
            gauge(
                &mut registry,
                "cartographus_sidecar_rss_bytes",
                "Resident memory of the sidecar.",
                rss,
            );
        }
    }
    for (name, help, histogram) in [
        (
            "cartographus_webhook_ack_seconds",
            "From a webhook's arrival to its answer.",
            &metrics.ack,
        ),
        (
            "cartographus_webhook_to_live_seconds",
            "From a webhook's arrival to the live view.",
            &metrics.to_live,
        ),
        (
            "cartographus_webhook_to_stored_seconds",
            "From a webhook's arrival to its DuckDB commit.",
            &metrics.to_stored,
        ),
    ] {
        registry.register(name, help, Seconds::of(histogram));
    }
    let mut out = String::new();
    encode_registry(&mut out, &registry)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::writer::WriterStats;

    fn stats() -> Stats {
        let metrics = Metrics::default();
        Stats {
            events_stored: 5,
            dlq_size: 1,
            dlq_by_kind: [("rejected".to_string(), 1)].into_iter().collect(),
            dlq_by_source: [("plex".to_string(), 1)].into_iter().collect(),
            duplicates_by_rule: [("session".to_string(), 2)].into_iter().collect(),
            dlq_evicted: 0,
            dlq_expired: 0,
            duplicates_dropped: 2,
            writer: WriterStats {
                stored: 5,
                duplicates: 2,
                redelivered: 0,
                naks: 0,
                dead_lettered: 0,
                batches: 1,
                store_cpu_us: 900,
            },
            ingest_rate: Default::default(),
            latency: metrics.latencies(),
            consumers: Vec::new(),
            duckdb_file_bytes: 4096,
            stream: None,
            spool: None,
            sidecar: None,
            alerts: Vec::new(),
        }
    }

    #[test]
    fn figures_keep_their_names_and_histograms_count_in_seconds() {
        let metrics = Metrics::default();
        metrics.ack.record_ms(3.0);
        metrics.ack.record_ms(20_000.0);
        let ignored = [(Source::Plex, "library.new".to_string(), 2)];
        let text = render(&stats(), &metrics, &ignored).unwrap();
        for line in [
            "cartographus_events_stored 5",
            "cartographus_duplicates_dropped 2",
            "cartographus_dlq_entries{kind=\"rejected\"} 1",
            "cartographus_writer_messages_total{outcome=\"stored\"} 5",
            "cartographus_webhooks_ignored_total{source=\"plex\",kind=\"library.new\"} 2",
            "cartographus_duckdb_file_bytes 4096",
            "cartographus_webhook_ack_seconds_count 2",
            "cartographus_webhook_ack_seconds_bucket{le=\"0.005\"} 1",
            "cartographus_webhook_ack_seconds_bucket{le=\"+Inf\"} 2",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        assert!(
            !text.contains("# EOF"),
            "the 0.0.4 text format has no EOF line"
        );
        assert!(
            !text.contains("cartographus_stream_"),
            "no stream on the direct path"
        );
    }
}

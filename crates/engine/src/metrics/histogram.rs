//! A latency histogram with fixed millisecond buckets: lock-free to record from any task,
//! cheap to read as quantiles for the stats and as cumulative buckets for Prometheus.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// Upper bounds in milliseconds; one more bucket above the last catches the rest.
pub const BOUNDS_MS: [f64; 15] = [
    0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0,
    10000.0,
];

#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; BOUNDS_MS.len() + 1],
    sum_micros: AtomicU64,
}

/// What the stats show of a histogram.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, specta::Type)]
pub struct LatencySummary {
    pub count: u64,
    /// Estimated from the buckets (the upper bound of the bucket holding the quantile).
    pub p50_ms: Option<f64>,
    #[serde(default)]
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub mean_ms: Option<f64>,
}

impl Histogram {
    pub fn record_ms(&self, ms: f64) {
        let ms = if ms.is_finite() { ms.max(0.0) } else { 0.0 };
        let index = BOUNDS_MS
            .iter()
            .position(|bound| ms <= *bound)
            .unwrap_or(BOUNDS_MS.len());
        self.buckets[index].fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add((ms * 1000.0) as u64, Ordering::Relaxed);
    }

    pub fn counts(&self) -> Vec<u64> {
        self.buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect()
    }

    pub fn sum_ms(&self) -> f64 {
        self.sum_micros.load(Ordering::Relaxed) as f64 / 1000.0
    }

    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        let counts = self.counts();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = (q * total as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (index, count) in counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Some(BOUNDS_MS.get(index).copied().unwrap_or(f64::INFINITY));
            }
        }
        None
    }

    pub fn summary(&self) -> LatencySummary {
        let count: u64 = self.counts().iter().sum();
        LatencySummary {
            count,
            p50_ms: self.quantile_ms(0.50),
            p95_ms: self.quantile_ms(0.95).filter(|v| v.is_finite()),
            p99_ms: self.quantile_ms(0.99).filter(|v| v.is_finite()),
            mean_ms: (count > 0).then(|| self.sum_ms() / count as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_come_from_the_bucket_bounds() {
        let h = Histogram::default();
        assert_eq!(h.summary().p50_ms, None);
        for _ in 0..98 {
            h.record_ms(0.8);
        }
        h.record_ms(30.0);
        h.record_ms(40.0);
        assert_eq!(h.quantile_ms(0.5), Some(1.0));
        assert_eq!(h.quantile_ms(0.99), Some(50.0));
        let summary = h.summary();
        assert_eq!(summary.count, 100);
        assert_eq!(summary.p95_ms, Some(1.0), "95 of 100 under 1 ms");
        assert!((summary.mean_ms.unwrap() - (98.0 * 0.8 + 70.0) / 100.0).abs() < 1e-6);
        h.record_ms(f64::NAN);
        h.record_ms(1e9);
        assert_eq!(h.counts().iter().sum::<u64>(), 102);
    }
}

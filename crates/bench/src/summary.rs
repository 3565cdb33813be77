//! Samples and what the reports show of them: latency percentiles (nearest rank) in
//! milliseconds, and the spread (min, median, max) of a figure sampled over time.

use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub samples: usize,
}

/// Nearest-rank percentiles of `samples`; None when there are none.
pub fn percentiles(samples: &[f64]) -> Option<Percentiles> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = |p: f64| {
        let index = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        round(sorted[index.clamp(1, sorted.len()) - 1])
    };
    Some(Percentiles {
        p50: rank(50.0),
        p95: rank(95.0),
        p99: rank(99.0),
        max: round(sorted[sorted.len() - 1]),
        samples: sorted.len(),
    })
}

/// Lowest, middle and highest of a figure sampled over time (RSS during a soak).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Spread {
    pub min: f64,
    pub median: f64,
    pub max: f64,
    pub samples: usize,
}

/// The spread of `samples`; None when there are none.
pub fn spread(samples: &[f64]) -> Option<Spread> {
    let p = percentiles(samples)?;
    let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
    Some(Spread {
        min: round(min),
        median: p.p50,
        max: p.max,
        samples: p.samples,
    })
}

/// Three decimals: microseconds when the unit is milliseconds.
pub fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        let p = percentiles(&samples).unwrap();
        assert_eq!((p.p50, p.p95, p.p99, p.max), (50.0, 95.0, 99.0, 100.0));
        assert_eq!(percentiles(&[7.0]).unwrap().p99, 7.0);
        assert!(percentiles(&[]).is_none());
    }

    #[test]
    fn spread_over_time() {
        let s = spread(&[30.0, 12.5, 41.0, 20.0, 25.0]).unwrap();
        assert_eq!((s.min, s.median, s.max, s.samples), (12.5, 25.0, 41.0, 5));
        assert!(spread(&[]).is_none());
    }
}

//! When a failed message is delivered again: 1 s after the first failure, doubling to at
//! most a minute, each spread by ±10% so a burst of failures does not retry in lockstep.

use std::time::Duration;

use rand::Rng;

const FIRST: Duration = Duration::from_secs(1);
const LONGEST: Duration = Duration::from_secs(60);
const JITTER: f64 = 0.10;

/// The delay before the next delivery, after `delivered` deliveries have failed.
pub fn redelivery_delay(delivered: i64) -> Duration {
    let spread = rand::rng().random_range(-JITTER..=JITTER);
    delay_with(delivered, spread)
}

fn delay_with(delivered: i64, spread: f64) -> Duration {
    let doublings = u32::try_from(delivered.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    let base = FIRST
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(LONGEST);
    base.mul_f64(1.0 + spread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_one_second_to_a_minute() {
        let secs: Vec<u64> = (1..=8).map(|n| delay_with(n, 0.0).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(delay_with(0, 0.0), FIRST);
        assert_eq!(delay_with(i64::MAX, 0.0), LONGEST);
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        for delivered in 1..=10 {
            let base = delay_with(delivered, 0.0).as_secs_f64();
            for _ in 0..200 {
                let d = redelivery_delay(delivered).as_secs_f64();
                assert!(
                    d >= base * 0.9 - 1e-9 && d <= base * 1.1 + 1e-9,
                    "{d} vs {base}"
                );
            }
        }
    }
}

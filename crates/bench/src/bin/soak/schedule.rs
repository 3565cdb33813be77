//! When the soak kills what: the gaps between kills are drawn from a seeded generator (so
//! `--seed` repeats a run's schedule), and the victims alternate, the server first, then
//! its sidecar.

use std::time::Duration;

use serde::Serialize;

/// The range the gaps between kills are drawn from, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gaps {
    pub min_s: f64,
    pub max_s: f64,
}

/// `--kill-every`: `MIN-MAX` or a single number of seconds.
pub fn gaps(text: &str) -> Result<Gaps, String> {
    let seconds = |part: &str| match part.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("{part:?} is not a positive number of seconds")),
    };
    let (min_s, max_s) = match text.split_once('-') {
        Some((min, max)) => (seconds(min)?, seconds(max)?),
        None => (seconds(text)?, seconds(text)?),
    };
    if min_s > max_s {
        return Err(format!(
            "{text:?}: the first number must not exceed the second"
        ));
    }
    Ok(Gaps { min_s, max_s })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Victim {
    /// cartographus-server, restarted by the soak on the same data dir and port.
    Server,
    /// Its nats-server, which the engine must restart by itself.
    Sidecar,
}

pub struct Schedule {
    state: u64,
    gaps: Gaps,
    next: Victim,
}

impl Schedule {
    pub fn new(seed: u64, gaps: Gaps) -> Self {
        Self {
            state: seed,
            gaps,
            next: Victim::Server,
        }
    }

    /// How long to wait before the next kill, and whom it kills.
    pub fn next(&mut self) -> (Duration, Victim) {
        let unit = (self.draw() >> 11) as f64 / (1u64 << 53) as f64;
        let gap = self.gaps.min_s + unit * (self.gaps.max_s - self.gaps.min_s);
        let victim = self.next;
        self.next = match victim {
            Victim::Server => Victim::Sidecar,
            Victim::Sidecar => Victim::Server,
        };
        (Duration::from_secs_f64(gap), victim)
    }

    /// SplitMix64: tiny, fast, and every seed (0 included) gives a good sequence.
    fn draw(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_range_or_one_number() {
        assert_eq!(
            gaps("120-240").unwrap(),
            Gaps {
                min_s: 120.0,
                max_s: 240.0
            }
        );
        assert_eq!(
            gaps("40").unwrap(),
            Gaps {
                min_s: 40.0,
                max_s: 40.0
            }
        );
        for bad in ["240-120", "x", "0", "-5", "10-", ""] {
            assert!(gaps(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn gaps_stay_in_range_and_a_seed_repeats_them() {
        let range = gaps("120-240").unwrap();
        let draw = |seed| {
            let mut schedule = Schedule::new(seed, range);
            (0..200).map(|_| schedule.next()).collect::<Vec<_>>()
        };
        let first = draw(7);
        assert_eq!(first, draw(7));
        assert_ne!(first, draw(8));
        let seconds: Vec<f64> = first.iter().map(|(gap, _)| gap.as_secs_f64()).collect();
        assert!(seconds.iter().all(|s| (120.0..=240.0).contains(s)));
        // Spread over the range, not stuck at one end.
        assert!(seconds.iter().any(|s| *s < 150.0) && seconds.iter().any(|s| *s > 210.0));
    }

    #[test]
    fn victims_alternate_starting_with_the_server() {
        let mut schedule = Schedule::new(1, gaps("40").unwrap());
        let victims: Vec<Victim> = (0..4).map(|_| schedule.next().1).collect();
        assert_eq!(
            victims,
            [
                Victim::Server,
                Victim::Sidecar,
                Victim::Server,
                Victim::Sidecar
            ]
        );
        assert_eq!(schedule.next().0, Duration::from_secs(40));
    }
}

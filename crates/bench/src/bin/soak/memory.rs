//! Resident memory of the server and its sidecar over the whole run: a sample every few
//! seconds from /proc/<pid>/status of whichever processes are current (the pids change
//! with every restart), summarised per process as min / median / max.

use serde::Serialize;

use cartographus_bench::process;
use cartographus_bench::server::Server;
use cartographus_bench::summary::{round, spread, Spread};

#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    /// Seconds since the load started.
    pub t_s: f64,
    pub engine_pid: u32,
    /// MiB; None when the process was gone at that moment.
    pub engine_mb: Option<f64>,
    pub nats_pid: Option<u32>,
    pub nats_mb: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Memory {
    pub engine_mb: Option<Spread>,
    pub nats_mb: Option<Spread>,
}

#[derive(Default)]
pub struct Samples(Vec<Sample>);

impl Samples {
    /// Samples the server and its current sidecar.
    pub fn take(&mut self, t_s: f64, server: &Server) -> &Sample {
        let engine_pid = server.engine_pid();
        let nats_pid = server.nats_pid();
        self.0.push(Sample {
            t_s: round(t_s),
            engine_pid,
            engine_mb: process::rss_mb(engine_pid).map(round),
            nats_pid,
            nats_mb: nats_pid.and_then(process::rss_mb).map(round),
        });
        &self.0[self.0.len() - 1]
    }

    pub fn last(&self) -> Option<&Sample> {
        self.0.last()
    }

    pub fn all(&self) -> &[Sample] {
        &self.0
    }

    /// Min / median / max of each process over the samples where it was up.
    pub fn summary(&self) -> Memory {
        let of = |pick: fn(&Sample) -> Option<f64>| {
            spread(&self.0.iter().filter_map(pick).collect::<Vec<_>>())
        };
        Memory {
            engine_mb: of(|s| s.engine_mb),
            nats_mb: of(|s| s.nats_mb),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(engine: Option<f64>, nats: Option<f64>) -> Sample {
        Sample {
            t_s: 0.0,
            engine_pid: 1,
            engine_mb: engine,
            nats_pid: nats.map(|_| 2),
            nats_mb: nats,
        }
    }

    #[test]
    fn summary_skips_the_moments_a_process_was_down() {
        let samples = Samples(vec![
            sample(Some(40.0), Some(20.0)),
            sample(Some(60.0), None),
            sample(None, Some(30.0)),
            sample(Some(50.0), Some(25.0)),
        ]);
        let memory = samples.summary();
        let engine = memory.engine_mb.unwrap();
        assert_eq!((engine.min, engine.median, engine.max), (40.0, 50.0, 60.0));
        assert_eq!(engine.samples, 3);
        let nats = memory.nats_mb.unwrap();
        assert_eq!((nats.min, nats.median, nats.max), (20.0, 25.0, 30.0));
        assert!(Samples::default().summary().engine_mb.is_none());
    }
}

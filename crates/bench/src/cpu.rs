//! Where the cores went during a phase: CPU seconds of each process (utime + stime from
//! /proc/<pid>/stat) and how busy the whole machine was (/proc/stat).

use std::time::Instant;

use serde::Serialize;

use crate::summary::round;

/// CPU seconds a process has used so far.
pub fn process_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which may itself hold spaces and parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / clock_ticks())
}

fn clock_ticks() -> f64 {
    nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .map_or(100.0, |t| t as f64)
}

/// (busy, total) jiffies of all cores since boot.
fn machine_jiffies() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let values: Vec<f64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: f64 = values.iter().take(8).sum();
    // idle and iowait
    let idle = values.get(3)? + values.get(4).copied().unwrap_or(0.0);
    Some((total - idle, total))
}

pub struct Mark {
    at: Instant,
    pids: Vec<u32>,
    seconds: Vec<Option<f64>>,
    machine: Option<(f64, f64)>,
}

/// CPU used between a mark and now.
#[derive(Serialize, Clone)]
pub struct Usage {
    pub wall_s: f64,
    /// CPU seconds per process, in the order the pids were given.
    pub cpu_s: Vec<Option<f64>>,
    /// Share of all cores busy, 0–100.
    pub machine_busy_pct: Option<f64>,
}

impl Mark {
    pub fn now(pids: &[u32]) -> Self {
        Self {
            at: Instant::now(),
            pids: pids.to_vec(),
            seconds: pids.iter().map(|&p| process_seconds(p)).collect(),
            machine: machine_jiffies(),
        }
    }

    pub fn usage(&self) -> Usage {
        let cpu_s = self
            .pids
            .iter()
            .zip(&self.seconds)
            .map(|(&pid, before)| Some(round(process_seconds(pid)? - (*before)?)))
            .collect();
        let machine_busy_pct = match (self.machine, machine_jiffies()) {
            (Some((busy0, total0)), Some((busy1, total1))) if total1 > total0 => {
                Some(round(100.0 * (busy1 - busy0) / (total1 - total0)))
            }
            _ => None,
        };
        Usage {
            wall_s: round(self.at.elapsed().as_secs_f64()),
            cpu_s,
            machine_busy_pct,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_our_own_work() {
        let mark = Mark::now(&[std::process::id()]);
        let started = Instant::now();
        let mut x = 0u64;
        while started.elapsed().as_millis() < 200 {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        let usage = mark.usage();
        assert!(usage.cpu_s[0].unwrap() > 0.05, "{:?} {x}", usage.cpu_s);
        assert!(usage.machine_busy_pct.unwrap() > 0.0);
    }
}

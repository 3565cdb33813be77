//! The soak's report: the figures as a table on stdout (acknowledged, unanswered, stored,
//! missing, kills of each kind, RSS of each process, restarts seen) with the verdict, and
//! all of it, RSS samples and kills included, as JSON.

use std::path::Path;

use serde_json::json;

use cartographus_bench::load::Outcome;
use cartographus_bench::report::{self, fmt, line, Machine};
use cartographus_bench::summary::{percentiles, round, Spread};
use cartographus_bench::REPO;

use crate::chaos::Log;
use crate::cli::Args;
use crate::schedule::Victim;
use crate::verify::Count;

pub struct Findings<'a> {
    pub args: &'a Args,
    pub seed: u64,
    pub load_s: f64,
    /// Share of all cores busy during the load (ours and everybody else's), 0–100.
    pub machine_busy_pct: Option<f64>,
    pub outcome: &'a Outcome,
    pub log: &'a Log,
    pub drain_s: Option<f64>,
    pub count: &'a Count,
}

fn spread_text(spread: Option<Spread>) -> String {
    spread.map_or("null".to_string(), |s| {
        format!(
            "{} / {} / {}",
            fmt(Some(s.min), "MB"),
            fmt(Some(s.median), "MB"),
            fmt(Some(s.max), "MB")
        )
    })
}

impl Findings<'_> {
    fn answered_without_id(&self) -> u64 {
        self.outcome.ok - self.outcome.acked.len() as u64
    }

    pub fn print(&self) {
        let (o, c, log) = (self.outcome, self.count, self.log);
        let memory = log.samples.summary();
        let ack = percentiles(&o.latencies_ms);
        let statuses = if o.by_status.is_empty() {
            "none".to_string()
        } else {
            format!("{:?}", o.by_status)
        };
        let lines = vec![
            line(
                "load",
                format!(
                    "{:.0} s, {} webhooks sent; the machine {} busy",
                    self.load_s,
                    o.sent,
                    self.machine_busy_pct
                        .map_or("?".to_string(), |b| format!("{b:.0}%"))
                ),
            ),
            line(
                "acknowledged (2xx with an event id)",
                c.acknowledged.to_string(),
            ),
            line("  of which via the spool", o.spooled.to_string()),
            line(
                "unanswered (no HTTP answer)",
                format!(
                    "{} ({} could not connect: the server was down)",
                    o.unanswered, o.no_connection
                ),
            ),
            line("answered non-2xx", statuses),
            line(
                "answered 2xx without an id",
                self.answered_without_id().to_string(),
            ),
            line("stored (distinct event ids)", c.stored.to_string()),
            line(
                "  stored, never acknowledged",
                c.stored_unacknowledged.to_string(),
            ),
            line("MISSING (acknowledged, not stored)", c.missing.to_string()),
            line("stored more than once", c.stored_more_than_once.to_string()),
            line("stored, never sent", c.stored_never_sent.to_string()),
            line(
                "dead letters / dedup dropped",
                format!("{} / {}", c.dead_letters, c.dedup_dropped),
            ),
            line(
                "kills: server / sidecar",
                format!(
                    "{} / {}",
                    log.kills_of(Victim::Server),
                    log.kills_of(Victim::Sidecar)
                ),
            ),
            line(
                "restarts: server (by the soak) / sidecar (by the engine)",
                format!("{} / {}", log.server_restarts, log.sidecar_restarts_seen()),
            ),
            line(
                "back up after a kill: server / sidecar, max",
                format!(
                    "{} / {}",
                    fmt(self.recovery_max(Victim::Server), "s"),
                    fmt(self.recovery_max(Victim::Sidecar), "s")
                ),
            ),
            line(
                "ack p50 / p99 / max",
                format!(
                    "{} / {} / {}",
                    fmt(ack.map(|p| p.p50), "ms"),
                    fmt(ack.map(|p| p.p99), "ms"),
                    fmt(ack.map(|p| p.max), "ms")
                ),
            ),
            line("drained into DuckDB after the load", fmt(self.drain_s, "s")),
            line(
                "RSS engine min / median / max",
                spread_text(memory.engine_mb),
            ),
            line(
                "RSS nats-server min / median / max",
                spread_text(memory.nats_mb),
            ),
        ];
        report::print(&lines, &[], &[]);
        println!();
        if log.problems.is_empty() {
            println!("  PASSED: every acknowledged event is stored exactly once");
        } else {
            println!("  FAILED:");
            for problem in &log.problems {
                println!("  - {problem}");
            }
        }
    }

    fn recovery_max(&self, victim: Victim) -> Option<f64> {
        self.log
            .kills
            .iter()
            .filter(|k| k.victim == victim)
            .filter_map(|k| k.recovered_s)
            .reduce(f64::max)
    }

    pub fn write(&self, path: &Path) -> Result<(), String> {
        let (o, log, args) = (self.outcome, self.log, self.args);
        let report = json!({
            "timestamp": chrono::Utc::now().to_rfc3339(),
            "machine": Machine::this(),
            "git": report::git_revision(Path::new(REPO)),
            "passed": log.problems.is_empty(),
            "problems": log.problems,
            "settings": {
                "minutes": args.minutes,
                "rate_per_s": args.rate,
                "connections": args.connections,
                "kill_every_s": args.kill_every,
                "seed": self.seed,
                "rss_every_s": args.rss_every,
                "server_env": args.server_env,
            },
            "load": {
                "seconds": round(self.load_s),
                "machine_busy_pct": self.machine_busy_pct,
                "sent": o.sent,
                "answered_2xx": o.ok,
                "acknowledged": self.count.acknowledged,
                "spooled": o.spooled,
                "unanswered": o.unanswered,
                "unanswered_no_connection": o.no_connection,
                "answered_non_2xx": o.by_status,
                "answered_2xx_without_id": self.answered_without_id(),
                "first_failure": o.first_error,
                "ack_ms": percentiles(&o.latencies_ms),
                "max_schedule_lag_ms": round(o.max_schedule_lag_ms),
            },
            "count": self.count,
            "drain_s": self.drain_s.map(round),
            "kills": {
                "server": log.kills_of(Victim::Server),
                "sidecar": log.kills_of(Victim::Sidecar),
                "each": log.kills,
            },
            "restarts": {
                "server_by_the_soak": log.server_restarts,
                "sidecar_by_the_engine": log.sidecar_restarts_seen(),
                "sidecar_per_server_lifetime": log.sidecar_restarts,
            },
            "rss_mb": log.samples.summary(),
            "rss_samples": log.samples.all(),
        });
        report::write(path, &report)
    }
}

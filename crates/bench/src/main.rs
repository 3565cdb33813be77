//! `cartographus-bench`, run by `make bench`: the whole pipeline (`cartographus-server
//! serve` with its sidecar) under webhook load, against raw baselines measured in the same
//! run on the same machine. Prints a table and writes `bench-report.json`.

mod cli;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::json;

use cartographus_bench::report::{self, fmt, line, Target};
use cartographus_bench::summary::{self, round};
use cartographus_bench::webhooks::Generator;
use cartographus_bench::{cpu, import, pipeline, queries, raw_duckdb, raw_http, raw_nats, REPO};
use cli::{binaries, Args};

/// The atomic-batch baseline: batches of this many messages, this many at once.
const ATOMIC_BATCH: usize = 256;
const ATOMIC_IN_FLIGHT: usize = 4;

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cartographus-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Ctrl-C drops the run, and with it every process guard.
    let result = runtime.block_on(async {
        tokio::select! {
            result = run(args) => result,
            _ = tokio::signal::ctrl_c() => Err("interrupted".to_string()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cartographus-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let started = Instant::now();
    let bins = binaries(&args)?;
    let base = args.work_dir.clone().unwrap_or_else(std::env::temp_dir);
    let work = tempfile::Builder::new()
        .prefix("cartographus-bench-")
        .tempdir_in(&base)
        .map_err(|e| format!("cannot create a work dir in {}: {e}", base.display()))?;
    let machine = report::Machine::this();
    println!(
        "cartographus-bench on {} cores, {} GiB, kernel {}; work dir {}",
        machine.cores,
        machine.memory_gib,
        machine.kernel,
        work.path().display()
    );
    if args.only_import {
        let outcome = import_phase(&bins, work.path(), args.import_rows).await?;
        let lines = import_lines(outcome.as_ref());
        report::print(&lines, &[import_target(outcome.as_ref())], &[]);
        return Ok(());
    }
    // Other work on the machine skews every figure: say so when there is some.
    let quiet = cpu::Mark::now(&[]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let busy_before = quiet.usage().machine_busy_pct;
    let mut notes = Vec::new();
    if let Some(busy) = busy_before.filter(|b| *b > 10.0) {
        println!("  warning: the machine is {busy:.0}% busy before the run; figures will be low");
        notes.push(format!(
            "the machine was {busy:.0}% busy before the run (other processes)"
        ));
    }
    let generator = Arc::new(Generator::load(
        &args.fixtures,
        // One playback a second from 6 hours ago: a default run stays in the past.
        chrono::Utc::now() - chrono::Duration::hours(6),
        1,
    )?);

    println!(
        "[1/5] baseline: a do-nothing axum handler, {} webhooks over {} connections",
        args.raw_events, args.connections
    );
    let noop = raw_http::measure(&generator, args.raw_events, args.connections).await?;
    notes.extend(noop.error_note("do-nothing handler"));

    println!(
        "[2/5] baseline: JetStream publish, {} events, {} in flight",
        args.raw_events, args.connections
    );
    let events = (0..args.raw_events)
        .map(|n| generator.webhook(n).event())
        .collect::<Result<Vec<_>, String>>()?;
    let jetstream = raw_nats::measure(
        &bins.nats_server,
        &work.path().join("raw-nats"),
        &events,
        raw_nats::Mode::PerMessage {
            in_flight: args.connections,
        },
    )
    .await?;
    println!(
        "[2/5] baseline: JetStream atomic batches of {ATOMIC_BATCH}, {ATOMIC_IN_FLIGHT} in flight"
    );
    let atomic = raw_nats::measure(
        &bins.nats_server,
        &work.path().join("raw-nats-atomic"),
        &events,
        raw_nats::Mode::AtomicBatches {
            size: ATOMIC_BATCH,
            in_flight: ATOMIC_IN_FLIGHT,
        },
    )
    .await?;

    println!(
        "[3/5] baseline: DuckDB appender, {} rows, 1,000 per transaction",
        args.raw_events
    );
    let duck_path = work.path().join("raw.duckdb");
    let duckdb_rows_per_s =
        tokio::task::spawn_blocking(move || raw_duckdb::insert_rate(&duck_path, &events, 1000))
            .await
            .map_err(|e| format!("the DuckDB baseline failed: {e}"))??;

    println!("[4/5] pipeline: cartographus-server serve with its sidecar");
    let settings = pipeline::Settings {
        rates: args.rates.clone(),
        rate_duration: Duration::from_secs_f64(args.rate_seconds),
        flat_out_count: args.flat_out,
        connections: args.connections,
        timeline_dir: args.timeline_dir.clone(),
    };
    let pipe = pipeline::run(&bins, work.path(), &generator, &settings).await?;
    notes.extend(pipe.notes.iter().cloned());

    let query = if args.query_events > 0 {
        println!("[5/5] queries on {} stored events", args.query_events);
        let settings = queries::Settings {
            events: args.query_events,
            samples: args.query_samples,
            flat_out: args.full_flat_out,
            connections: args.connections,
        };
        let q = queries::run(&bins, &args.fixtures, work.path(), &settings).await?;
        notes.extend(q.notes.iter().cloned());
        Some(q)
    } else {
        println!("[5/5] queries: skipped (--query-events 0)");
        None
    };

    let import = import_phase(&bins, work.path(), args.import_rows).await?;

    let pipeline_per_s = pipe.flat_out.stored_per_s;
    let ratio = pipeline_per_s.map(|p| round(p / jetstream.msgs_per_s));
    let ratio_atomic = pipeline_per_s.map(|p| round(p / atomic.msgs_per_s));
    let per_event_us = |cpu_s: Option<f64>| {
        let events = pipe.flat_out.acknowledged.max(1) as f64;
        cpu_s.map(|s| round(s * 1e6 / events))
    };
    let engine_cpu_us = per_event_us(pipe.flat_out.cpu.engine_s);
    let nats_cpu_us = per_event_us(pipe.flat_out.cpu.nats_s);
    let writer_cpu_us = pipe
        .flat_out
        .writer_during
        .and_then(|w| w.cpu_us_per_event())
        .map(round);
    let ack_at = |rate: u32| {
        pipe.rates
            .iter()
            .find(|r| r.target_per_s == rate)
            .and_then(|r| r.ack_ms)
    };
    let stats_p95 = query.as_ref().and_then(|q| q.stats_ms).map(|p| p.p95);
    let history_p95 = query.as_ref().and_then(|q| q.history_ms).map(|p| p.p95);
    // The slowest of the history and analytics views' queries.
    let views_p95 = query
        .as_ref()
        .and_then(|q| q.views_ms.values().map(|p| p.p95).reduce(f64::max));
    let targets = vec![
        Target::at_least("ratio vs raw JetStream", ratio, 1.0, ""),
        Target::at_most("engine CPU per stored event", engine_cpu_us, 150.0, "µs"),
        Target::at_most("writer CPU per stored event", writer_cpu_us, 100.0, "µs"),
        Target::at_most("engine RSS loaded", pipe.rss.engine_loaded, 150.0, "MB"),
        Target::at_most(
            "ack p99 at 500 req/s",
            ack_at(500).map(|p| p.p99),
            5.0,
            "ms",
        ),
        Target::at_most("live p99", pipe.live_ms.map(|p| p.p99), 50.0, "ms"),
        Target::at_most("engine RSS idle", pipe.rss.engine_idle, 60.0, "MB"),
        Target::at_most("nats-server RSS idle", pipe.rss.nats_idle, 40.0, "MB"),
        Target::at_most("nats-server RSS loaded", pipe.rss.nats_loaded, 40.0, "MB"),
        Target::at_most("ready", Some(pipe.ready_s), 1.5, "s"),
        Target::at_most("stats p95 (1M events)", stats_p95, 50.0, "ms"),
        Target::at_most("history p95 (1M events)", history_p95, 50.0, "ms"),
        Target::at_most("slowest view p95 (1M events)", views_p95, 50.0, "ms"),
        import_target(import.as_ref()),
    ];

    let mut lines = vec![
        line("pipeline, acked + stored", fmt(pipeline_per_s, "events/s")),
        line(
            "pipeline on the full database",
            fmt(
                query
                    .as_ref()
                    .and_then(|q| q.flat_out.as_ref())
                    .and_then(|f| f.stored_per_s),
                "events/s",
            ),
        ),
        line(
            "pipeline, acked while posting",
            fmt(Some(pipe.flat_out.ack_per_s), "req/s"),
        ),
        line(
            "raw JetStream publish",
            fmt(Some(round(jetstream.msgs_per_s)), "msgs/s"),
        ),
        line(
            "raw JetStream atomic batches",
            fmt(Some(round(atomic.msgs_per_s)), "msgs/s"),
        ),
        line(
            "ratio vs raw per-message / atomic",
            format!("{} / {}", fmt(ratio, ""), fmt(ratio_atomic, "")),
        ),
        line(
            "CPU per stored event: engine / writer / nats",
            format!(
                "{} / {} / {}",
                fmt(engine_cpu_us, "µs"),
                fmt(writer_cpu_us, "µs"),
                fmt(nats_cpu_us, "µs")
            ),
        ),
        line(
            "raw DuckDB appender",
            fmt(Some(round(duckdb_rows_per_s)), "rows/s"),
        ),
        line(
            "raw axum, do-nothing handler",
            fmt(Some(round(noop.per_second())), "req/s"),
        ),
    ];
    for r in &pipe.rates {
        lines.push(line(
            format!("ack at {} req/s p50 / p99", r.target_per_s),
            format!(
                "{} / {}",
                fmt(r.ack_ms.map(|p| p.p50), "ms"),
                fmt(r.ack_ms.map(|p| p.p99), "ms")
            ),
        ));
    }
    lines.extend([
        line(
            "live p50 / p99",
            format!(
                "{} / {}",
                fmt(pipe.live_ms.map(|p| p.p50), "ms"),
                fmt(pipe.live_ms.map(|p| p.p99), "ms")
            ),
        ),
        line(
            "RSS engine idle / loaded / 1 min after",
            format!(
                "{} / {} / {}",
                fmt(pipe.rss.engine_idle, "MB"),
                fmt(pipe.rss.engine_loaded, "MB"),
                fmt(pipe.rss.engine_after_minute, "MB")
            ),
        ),
        line(
            "RSS nats-server idle / loaded / 1 min after",
            format!(
                "{} / {} / {}",
                fmt(pipe.rss.nats_idle, "MB"),
                fmt(pipe.rss.nats_loaded, "MB"),
                fmt(pipe.rss.nats_after_minute, "MB")
            ),
        ),
        line(
            "ready (empty / 1M events)",
            format!(
                "{} / {}",
                fmt(Some(pipe.ready_s), "s"),
                fmt(query.as_ref().map(|q| q.ready_s), "s")
            ),
        ),
        line(
            "stats / history p95 (1M)",
            format!("{} / {}", fmt(stats_p95, "ms"), fmt(history_p95, "ms")),
        ),
    ]);
    for export in query.iter().flat_map(|q| &q.exports) {
        lines.push(line(
            format!("export {} ({} rows)", export.file, export.rows),
            format!(
                "{} in {}, {}; engine peak {}",
                fmt(Some(export.rows_per_s), "rows/s"),
                fmt(Some(export.seconds), "s"),
                fmt(Some(export.mb), "MB"),
                fmt(export.engine_peak_rss_mb, "MB")
            ),
        ));
    }
    lines.extend(import_lines(import.as_ref()));
    let duration_s = round(started.elapsed().as_secs_f64());
    lines.push(line("bench run", format!("{duration_s:.0} s")));
    report::print(&lines, &targets, &notes);

    let ack_ms: serde_json::Map<String, serde_json::Value> = pipe
        .rates
        .iter()
        .map(|r| (r.target_per_s.to_string(), json!(r.ack_ms)))
        .collect();
    let report = json!({
        "timestamp": chrono::Utc::now().to_rfc3339(),
        "machine": machine,
        "git": report::git_revision(std::path::Path::new(REPO)),
        "duration_s": duration_s,
        "machine_busy_pct_before": busy_before,
        "pipeline_events_per_s": pipeline_per_s,
        "raw_jetstream_msgs_per_s": round(jetstream.msgs_per_s),
        "ratio_vs_raw_jetstream": ratio,
        "raw_jetstream_atomic_msgs_per_s": round(atomic.msgs_per_s),
        "ratio_vs_raw_jetstream_atomic": ratio_atomic,
        "engine_cpu_us_per_event": engine_cpu_us,
        "nats_cpu_us_per_event": nats_cpu_us,
        "writer_cpu_us_per_event": writer_cpu_us,
        "raw_duckdb_rows_per_s": round(duckdb_rows_per_s),
        "raw_http_noop_req_per_s": round(noop.per_second()),
        "ack_ms": ack_ms,
        "live_ms": pipe.live_ms,
        "rss_mb": pipe.rss,
        "ready_s": pipe.ready_s,
        "query_ms": {"stats_p95": stats_p95, "history_p95": history_p95, "views_p95": views_p95},
        "import": import,
        "targets": targets,
        "notes": notes,
        "details": {
            "settings": {
                "connections": args.connections,
                "rates": args.rates,
                "rate_seconds": args.rate_seconds,
                "flat_out_webhooks": args.flat_out,
                "raw_events": args.raw_events,
                "duckdb_batch": 1000,
            },
            "open_loop": pipe.rates,
            "flat_out": pipe.flat_out,
            "raw_http_noop": {"ack_ms": summary::percentiles(&noop.latencies_ms)},
            "raw_jetstream": {
                "payload_bytes_mean": round(jetstream.payload_bytes_mean),
                "in_flight": args.connections,
                "nats_rss_mb": jetstream.nats_rss_mb.map(round),
                "cpu_s": {"nats": jetstream.cpu.cpu_s[0], "bench": jetstream.cpu.cpu_s[1]},
                "wall_s": jetstream.cpu.wall_s,
                "machine_busy_pct": jetstream.cpu.machine_busy_pct,
            },
            "raw_jetstream_atomic": {
                "batch": ATOMIC_BATCH,
                "in_flight": ATOMIC_IN_FLIGHT,
                "nats_rss_mb": atomic.nats_rss_mb.map(round),
                "cpu_s": {"nats": atomic.cpu.cpu_s[0], "bench": atomic.cpu.cpu_s[1]},
                "wall_s": atomic.cpu.wall_s,
                "machine_busy_pct": atomic.cpu.machine_busy_pct,
            },
            "queries": query,
        },
    });
    report::write(&args.report, &report)?;
    println!("\n  wrote {}", args.report.display());
    if args.keep {
        println!("  kept {}", work.keep().display());
    }
    Ok(())
}

async fn import_phase(
    bins: &cartographus_bench::server::Binaries,
    work: &std::path::Path,
    rows: usize,
) -> Result<Option<import::Outcome>, String> {
    if rows == 0 {
        println!("[import] Tautulli history import: skipped (--import-rows 0)");
        return Ok(None);
    }
    println!("[import] Tautulli history import: {rows} rows from a fake Tautulli");
    import::run(bins, work, rows).await.map(Some)
}

/// The 100,000-row target scaled to the rows imported: at least 10,000 rows/s.
fn import_target(outcome: Option<&import::Outcome>) -> Target {
    Target::at_least(
        "history import",
        outcome.map(|o| round(o.rows_per_s)),
        10_000.0,
        "rows/s",
    )
}

fn import_lines(outcome: Option<&import::Outcome>) -> Vec<report::Line> {
    vec![
        line(
            "history import, stored",
            format!(
                "{} ({} rows in {})",
                fmt(outcome.map(|o| round(o.rows_per_s)), "rows/s"),
                outcome.map_or(0, |o| o.rows),
                fmt(outcome.map(|o| round(o.seconds)), "s"),
            ),
        ),
        line(
            "raw: history paged + mapped",
            fmt(outcome.map(|o| round(o.raw_rows_per_s)), "rows/s"),
        ),
    ]
}

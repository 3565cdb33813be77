//! `cartographus-soak`, run by `make soak`: a real `cartographus-server serve` (with its
//! real nats-server sidecar) under open-loop mixed webhook load for a long while, killed -9
//! every few minutes, alternately the server and its sidecar; at the end every acknowledged
//! event must be in DuckDB exactly once. Prints a report and writes `soak-report.json`.

mod chaos;
mod cli;
mod findings;
mod memory;
mod schedule;
mod verify;

use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;

use cartographus_bench::load;
use cartographus_bench::server::{Binaries, Server};
use cartographus_bench::target::Target;
use cartographus_bench::webhooks::{Generator, STEPS};
use cartographus_bench::{cpu, process};

use cli::Args;
use findings::Findings;
use schedule::{Schedule, Victim};

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cartographus-soak: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Ctrl-C drops the run, and with it the server guard (and the work dir).
    let result = runtime.block_on(async {
        tokio::select! {
            result = run(args) => result,
            _ = tokio::signal::ctrl_c() => Err("interrupted".to_string()),
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cartographus-soak: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Ok(whether the run passed); Err when it could not be carried out.
async fn run(args: Args) -> Result<bool, String> {
    let bins = Binaries::locate(
        args.server_bin.clone(),
        args.nats_server_bin.clone(),
        args.server_env.clone(),
    )?;
    let base = args.work_dir.clone().unwrap_or_else(std::env::temp_dir);
    let work = tempfile::Builder::new()
        .prefix("cartographus-soak-")
        .tempdir_in(&base)
        .map_err(|e| format!("cannot create a work dir in {}: {e}", base.display()))?;
    let result = soak(&args, &bins, work.path()).await;
    // A failed run's data dir and server log are the evidence: keep them.
    if args.keep || !matches!(result, Ok(true)) {
        println!("  kept {}", work.keep().display());
    }
    result
}

async fn soak(args: &Args, bins: &Binaries, work: &Path) -> Result<bool, String> {
    let seed = args.seed.unwrap_or_else(clock_seed);
    let duration = Duration::from_secs_f64(args.minutes * 60.0);
    let webhooks = (args.rate * duration.as_secs_f64()).round() as u64;
    // One playback a second, all of them over by now.
    let playbacks = webhooks.div_ceil(STEPS) as i64;
    let generator = Arc::new(Generator::load(
        &args.fixtures,
        chrono::Utc::now() - chrono::Duration::seconds(playbacks + 3600),
        1,
    )?);
    let data_dir = work.join("data");
    let port = process::free_port()?;
    let mut server = Server::spawn_on(bins, &data_dir, port)?;
    let ready_s = server.wait_ready(Duration::from_secs(60)).await?;
    println!(
        "cartographus-soak: {} min at {} webhooks/s over {} connections, a kill every {}-{} s \
         (seed {seed}); server ready in {ready_s:.2} s; work dir {}",
        args.minutes,
        args.rate,
        args.connections,
        args.kill_every.min_s,
        args.kill_every.max_s,
        work.display()
    );

    let target = Arc::new(
        Target::new(server.base_url(), server.webhook_token(), args.connections)?
            .with_max_in_flight(args.connections),
    );
    let started = Instant::now();
    // Other work on the machine (builds, tests) slows recovery and ack times: say how much.
    let machine = cpu::Mark::now(&[]);
    let settings = chaos::Settings {
        bins: bins.clone(),
        data_dir: data_dir.clone(),
        port,
        schedule: Schedule::new(seed, args.kill_every),
        rss_every: Duration::from_secs_f64(args.rss_every),
        started,
        end: started + duration,
    };
    let (outcome, mut log) = tokio::try_join!(
        async { Ok(load::open_loop(&target, &generator, 0, args.rate, duration).await) },
        chaos::run(&mut server, &target, settings),
    )?;
    let load_s = started.elapsed().as_secs_f64();
    let machine_busy_pct = machine.usage().machine_busy_pct;
    println!(
        "  load done: {} sent, {} answered 2xx, {} failed ({} without an answer); draining",
        outcome.sent, outcome.ok, outcome.errors, outcome.unanswered
    );

    let drain_s =
        match verify::drain(&server.api(), Duration::from_secs_f64(args.drain_within)).await {
            Ok(seconds) => Some(seconds),
            Err(e) => {
                log.problems.push(e);
                None
            }
        };
    if let Some(restarts) = chaos::sidecar_restarts(&server).await {
        log.observe_sidecar_restarts(restarts);
    }
    let killed = log.kills_of(Victim::Sidecar) as u32;
    if log.sidecar_restarts_seen() > killed {
        log.problems.push(format!(
            "the engines restarted their sidecar {} times, the soak killed it {killed} times: \
             it died on its own (see the server log)",
            log.sidecar_restarts_seen()
        ));
    }
    log.samples.take(started.elapsed().as_secs_f64(), &server);
    let stopped = server.stop();
    if !stopped.contains("exit status: 0") {
        log.problems.push(format!(
            "the server did not stop cleanly on SIGTERM: {stopped}"
        ));
    }

    let acknowledged: HashSet<String> = outcome.acked.iter().map(|(id, _)| id.clone()).collect();
    let sent = (0..outcome.sent)
        .map(|n| generator.webhook(n).event().map(|e| e.event_id))
        .collect::<Result<HashSet<String>, String>>()?;
    let count = verify::count(&data_dir.join("cartographus.duckdb"), &acknowledged, &sent).await?;
    log.problems.extend(count.problems());

    let findings = Findings {
        args,
        seed,
        load_s,
        machine_busy_pct,
        outcome: &outcome,
        log: &log,
        drain_s,
        count: &count,
    };
    findings.print();
    findings.write(&args.report)?;
    println!("\n  wrote {}", args.report.display());
    Ok(log.problems.is_empty())
}

fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

//! `cartographus-server`: the engine without a window, for a NAS or a machine with no
//! display. `serve` runs it until SIGINT/SIGTERM; `tokens` prints the webhook URLs.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use cartographus_engine::config::{default_data_dir, ConfigLayer};
use cartographus_engine::handle::data_dir_lock::DataDirLock;
use cartographus_engine::startup::{prepare, token_urls, Prepared};
use cartographus_engine::{logging, Engine};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cartographus-server", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the engine: webhooks, JetStream sidecar, DuckDB, HTTP API and web UI.
    Serve(Common),
    /// Print the webhook URLs (with their tokens) and the web UI link.
    Tokens(Common),
}

#[derive(Args)]
struct Common {
    /// Where settings, the database, the JetStream store and logs live.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Address of the HTTP listener (overrides CARTOGRAPHUS_LISTEN).
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Directory of the built web UI to serve at / (overrides CARTOGRAPHUS_UI_DIR).
    #[arg(long, value_name = "DIR")]
    ui_dir: Option<PathBuf>,
}

impl Common {
    fn prepare(self) -> anyhow::Result<Prepared> {
        let flags = ConfigLayer {
            listen: self.listen,
            ui_dir: self.ui_dir,
            ..ConfigLayer::default()
        };
        Ok(prepare(self.data_dir, flags, |k| std::env::var(k).ok())?)
    }

    /// The data directory `prepare` will use (the flag, else the environment's default).
    fn data_dir(&self) -> anyhow::Result<PathBuf> {
        match &self.data_dir {
            Some(dir) => Ok(dir.clone()),
            None => Ok(default_data_dir(|k| std::env::var(k).ok())?),
        }
    }
}

fn main() -> ExitCode {
    cartographus_engine::memory::limit_malloc_arenas();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(common) => serve(common),
        Command::Tokens(common) => tokens(common),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cartographus-server: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn tokens(common: Common) -> anyhow::Result<()> {
    let prepared = common.prepare()?;
    for (name, url) in token_urls(&prepared.config, &prepared.tokens) {
        println!("{name:<18} {url}");
    }
    Ok(())
}

fn serve(common: Common) -> anyhow::Result<()> {
    // Before settings or logs are touched: a second server on the same data directory stops
    // here, leaving the running one (and its sidecar) alone.
    let lock = DataDirLock::acquire(&common.data_dir()?)?;
    let Prepared {
        config, settings, ..
    } = common.prepare()?;
    let _log_guard = logging::init(&config.data_dir);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("engine")
        .build()?;
    runtime.block_on(async move {
        let stop = StopSignals::listen();
        let engine = Engine::start_locked(config.clone(), settings, lock).await?;
        tracing::info!(
            "listening on http://{} — data in {} — `cartographus-server tokens` prints the \
             webhook URLs and the web UI link",
            engine.listen_addr(),
            config.data_dir.display()
        );
        stop.wait().await;
        engine.shutdown().await;
        Ok(())
    })
}

/// SIGTERM and SIGINT, listened for from before the engine starts: a signal that arrives
/// while it starts (its HTTP server answers before `start` returns) then still stops it
/// cleanly instead of killing the process.
struct StopSignals {
    terminate: Option<tokio::signal::unix::Signal>,
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn listen() -> Self {
        use tokio::signal::unix::{signal, SignalKind};
        let listen = |kind: SignalKind, name: &str| match signal(kind) {
            Ok(stream) => Some(stream),
            Err(e) => {
                tracing::warn!("cannot listen for {name} ({e})");
                None
            }
        };
        Self {
            terminate: listen(SignalKind::terminate(), "SIGTERM"),
            interrupt: listen(SignalKind::interrupt(), "SIGINT"),
        }
    }

    async fn wait(mut self) {
        async fn next(signal: &mut Option<tokio::signal::unix::Signal>) {
            match signal {
                Some(stream) => {
                    stream.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        tokio::select! {
            () = next(&mut self.terminate) => {}
            () = next(&mut self.interrupt) => {}
        }
        tracing::info!("stop signal received");
    }
}

//! `cartographus-fakes`: serves a fake Tautulli and/or a fake plex.tv on the given ports
//! for the end-to-end tests, prints one line per fake (`tautulli http://127.0.0.1:PORT`),
//! then `ready`, and runs until SIGINT or SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use cartographus_fakes::plextv::FakePlexTv;
use cartographus_fakes::tautulli::FakeTautulli;
use clap::Parser;

#[derive(Parser)]
#[command(name = "cartographus-fakes", version, about)]
struct Cli {
    /// Address the fakes listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Serve a fake Tautulli on this port (0: any free port).
    #[arg(long, value_name = "PORT", requires = "tautulli_key")]
    tautulli_port: Option<u16>,
    /// The API key the fake Tautulli accepts.
    #[arg(long, value_name = "KEY")]
    tautulli_key: Option<String>,
    /// Rows of generated play history the fake Tautulli serves (seed 1).
    #[arg(long, value_name = "ROWS", default_value_t = 0)]
    tautulli_history: usize,
    /// Serve a fake plex.tv on this port (0: any free port).
    #[arg(long, value_name = "PORT", requires = "plextv_token")]
    plextv_port: Option<u16>,
    /// The plex.tv token the fake accepts.
    #[arg(long, value_name = "TOKEN")]
    plextv_token: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.tautulli_port.is_none() && cli.plextv_port.is_none() {
        eprintln!(
            "cartographus-fakes: nothing to serve; give --tautulli-port and/or --plextv-port"
        );
        return ExitCode::FAILURE;
    }
    let mut tautulli = None;
    if let (Some(port), Some(key)) = (cli.tautulli_port, &cli.tautulli_key) {
        match FakeTautulli::start_on(&format!("{}:{port}", cli.host), key).await {
            Ok(fake) => {
                fake.set_history(cartographus_fakes::tautulli::history::generate(
                    1,
                    cli.tautulli_history,
                ));
                println!("tautulli {}", fake.url);
                tautulli = Some(fake);
            }
            Err(e) => return fail("Tautulli", port, e),
        }
    }
    let mut plextv = None;
    if let (Some(port), Some(token)) = (cli.plextv_port, &cli.plextv_token) {
        match FakePlexTv::start_on(&format!("{}:{port}", cli.host), token, Vec::new()).await {
            Ok(fake) => {
                println!("plextv {}", fake.url);
                plextv = Some(fake);
            }
            Err(e) => return fail("plex.tv", port, e),
        }
    }
    println!("ready");
    // The test reads these lines through a pipe; without a flush they would wait in a buffer.
    let _ = std::io::stdout().flush();
    wait_for_stop().await;
    drop((tautulli, plextv));
    ExitCode::SUCCESS
}

fn fail(what: &str, port: u16, error: std::io::Error) -> ExitCode {
    eprintln!("cartographus-fakes: cannot serve the fake {what} on port {port}: {error}");
    ExitCode::FAILURE
}

async fn wait_for_stop() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

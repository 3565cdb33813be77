//! The "nats" health part once a connection exists: up only while the client is connected,
//! the sidecar (embedded mode) runs, and JetStream answers — a server that disabled
//! JetStream (its disk full) is connected but not up.

use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::supervisor::SidecarState;
use super::Bus;
use crate::health::{HealthHub, PartHealth, PartStatus};

const TICK: Duration = Duration::from_millis(250);
/// JetStream is asked for the account's state every this many ticks (2 s).
const JETSTREAM_EVERY: u32 = 8;
/// Failed JetStream checks in a row before the part is down (one may just be a busy server).
const JETSTREAM_FAILURES: u32 = 2;

/// Reports the "nats" part until `shutdown`.
pub async fn run(bus: Bus, health: HealthHub, shutdown: CancellationToken) {
    let jetstream = bus.jetstream();
    let mut tick = tokio::time::interval(TICK);
    let mut ticks = 0u32;
    let mut jetstream_failures = 0u32;
    let mut jetstream_error = String::new();
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        let connected = bus.client().connection_state() == async_nats::connection::State::Connected;
        if connected && ticks.is_multiple_of(JETSTREAM_EVERY) {
            match jetstream.query_account().await {
                Ok(_) => jetstream_failures = 0,
                Err(e) => {
                    jetstream_failures += 1;
                    jetstream_error = e.to_string();
                }
            }
        }
        ticks = ticks.wrapping_add(1);
        let jetstream_down =
            (jetstream_failures >= JETSTREAM_FAILURES).then_some(&*jetstream_error);
        let part = part(&bus, bus.sidecar_state(), connected, jetstream_down);
        health.report("nats", part);
    }
}

/// The part as the connection stands now, without asking JetStream (for the moment the
/// connection is handed over, before the monitor's first check).
pub fn report_now(bus: &Bus, health: &HealthHub) {
    let connected = bus.client().connection_state() == async_nats::connection::State::Connected;
    health.report("nats", part(bus, bus.sidecar_state(), connected, None));
}

fn part(
    bus: &Bus,
    sidecar: Option<SidecarState>,
    connected: bool,
    jetstream_down: Option<&str>,
) -> PartHealth {
    let url = bus.url();
    match (&sidecar, connected, jetstream_down) {
        (Some(s), _, _) if s.pid.is_none() => PartHealth::new(
            PartStatus::Down,
            format!(
                "nats-server is down ({}); restarting. Webhooks go to the spool meanwhile",
                s.last_exit.as_deref().unwrap_or("exited")
            ),
        ),
        (_, false, _) => PartHealth::new(
            PartStatus::Down,
            format!("not connected to {url}; webhooks go to the spool meanwhile"),
        ),
        (_, true, Some(error)) => PartHealth::new(
            PartStatus::Down,
            format!(
                "connected to {url}, but JetStream does not answer ({error}) — disabled by the \
                 server, perhaps for a full disk; webhooks go to the spool meanwhile"
            ),
        ),
        // pid, uptime and restarts live in the sidecar status (stats, SidecarChanged), so
        // health changes only when something is up or down.
        (Some(_), true, None) => PartHealth::new(PartStatus::Up, format!("sidecar on {url}")),
        (None, true, None) => PartHealth::new(PartStatus::Up, format!("external server {url}")),
    }
}

/// Why the sidecar is not running, or None while it runs.
pub fn sidecar_down_reason(state: &watch::Receiver<SidecarState>) -> Option<String> {
    let state = state.borrow();
    state.pid.is_none().then(|| {
        state
            .last_exit
            .clone()
            .unwrap_or_else(|| "starting".to_string())
    })
}

//! The Tautulli activity poll (docs/adr/0022): while Tautulli is connected, ask it every
//! `tautulli_poll_interval` what plays, start what the webhooks missed and stop what ended
//! unreported — through the ingest path, so dedup folds it with the webhooks. Reports the
//! `tautulli` health part; backs off while Tautulli is unreachable.

mod error;
mod tracker;

pub use error::PollError;
pub use tracker::{Moves, Tracker};

use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::alerts::TAUTULLI_PART;
use crate::event::MediaEvent;
use crate::handle::tasks::Tasks;
use crate::health::{PartHealth, PartStatus};
use crate::setup::tautulli_client::TautulliClient;
use crate::setup::SavedTautulli;
use crate::sources::tautulli_activity::{self, ActivityServer};
use crate::EngineHandle;

/// The longest wait between tries while Tautulli does not answer.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// How long to wait for the next look at the settings while the poll has nothing to do.
const IDLE_RECHECK: Duration = Duration::from_secs(30);

/// Starts the poll as an engine task; it ends when the engine stops.
pub fn spawn(engine: EngineHandle, tasks: &Tasks) {
    let shutdown = tasks.token();
    tasks.spawn("tautulli poll", run(engine, shutdown));
}

async fn run(engine: EngineHandle, shutdown: CancellationToken) {
    let mut changes = engine.settings_service().subscribe();
    let mut poller = Poller::default();
    loop {
        let wait = poller.step(&engine).await;
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
            changed = changes.changed() => if changed.is_err() { return },
        }
    }
}

/// The poll's memory between steps.
#[derive(Default)]
struct Poller {
    tracker: Tracker,
    /// The connection the tracker's memory belongs to (a new one starts afresh).
    connection: Option<String>,
    server: Option<ActivityServer>,
    /// Consecutive failures, for the backoff.
    failures: u32,
    reported: bool,
}

impl Poller {
    /// One poll, if there is anything to poll; returns how long to wait for the next.
    async fn step(&mut self, engine: &EngineHandle) -> Duration {
        let settings = engine.settings_service();
        let interval = match settings.tautulli_poll_interval() {
            Ok(interval) => interval,
            Err(e) => {
                tracing::warn!("the Tautulli poll interval cannot be read ({e}); using 30 s");
                Duration::from_secs(30)
            }
        };
        let saved = match settings.load_file() {
            Ok(file) => file.setup.tautulli,
            Err(e) => {
                tracing::warn!("the Tautulli connection cannot be read: {e}");
                None
            }
        };
        let Some(saved) = saved else {
            self.reset(None);
            if self.reported {
                self.report(engine, PartStatus::Disabled, "not connected".to_string());
            }
            return IDLE_RECHECK;
        };
        if interval.is_zero() {
            self.report(
                engine,
                PartStatus::Disabled,
                "connected; the activity poll is off (tautulli_poll_interval = 0)".to_string(),
            );
            return IDLE_RECHECK;
        }
        if self.connection.as_deref() != Some(saved.url.as_str()) {
            self.reset(Some(saved.url.clone()));
        }
        if engine.ingestion().paused {
            return interval;
        }
        match self.poll(engine, &saved).await {
            Ok(detail) => {
                self.failures = 0;
                self.report(engine, PartStatus::Up, detail);
                interval
            }
            Err(e) => {
                self.failures = self.failures.saturating_add(1);
                let wait = backoff(interval, self.failures);
                tracing::warn!(
                    code = e.code(),
                    "Tautulli poll failed: {e}; next try in {wait:?}"
                );
                self.report(engine, PartStatus::Down, e.to_string());
                wait
            }
        }
    }

    async fn poll(
        &mut self,
        engine: &EngineHandle,
        saved: &SavedTautulli,
    ) -> Result<String, PollError> {
        let base = Url::parse(&saved.url).map_err(|e| PollError::BadConnection(e.to_string()))?;
        let client = TautulliClient::new(&base, saved.api_key.clone())?;
        let server = match &self.server {
            Some(server) => server.clone(),
            None => {
                let info = client.call("get_server_info", &[]).await?;
                let server = ActivityServer::from_server_info(&info);
                // Only a named server is worth remembering; otherwise ask again next time.
                if server.machine_id.is_some() {
                    self.server = Some(server.clone());
                }
                server
            }
        };
        let activity = client.call("get_activity", &[]).await?;
        let Some(rows) = tautulli_activity::sessions(&activity)
            .map_err(|e| PollError::Unreadable(e.to_string()))?
        else {
            return Ok(
                "connected, but Tautulli reports no activity: it has no Plex server, or \
                 cannot reach it"
                    .to_string(),
            );
        };
        let now = Utc::now();
        let mut listed = Vec::with_capacity(rows.len());
        for row in rows {
            match tautulli_activity::started(row, &server, now) {
                Ok(start) => listed.push(start),
                Err(e) => tracing::warn!("a Tautulli activity row is unusable: {e}"),
            }
        }
        let count = listed.len();
        let open = engine.live().open_playbacks();
        let moves = self.tracker.observe(listed, &open, &server, now);
        self.send(engine, moves).await;
        let name = server.name.as_deref().unwrap_or("its Plex server");
        Ok(match count {
            1 => format!("polling {name}: 1 playback"),
            n => format!("polling {name}: {n} playbacks"),
        })
    }

    /// Sends the poll's starts and stops like webhooks; one that cannot be made durable now
    /// is tried again at the next poll.
    async fn send(&mut self, engine: &EngineHandle, moves: Moves) {
        for event in moves.starts.into_iter().chain(moves.stops) {
            if let Err(e) = accept(engine, &event).await {
                tracing::warn!(
                    "a polled {} was not taken ({e}); retrying at the next poll",
                    event.event_type.as_str()
                );
                self.tracker.retry(&event);
            }
        }
    }

    fn reset(&mut self, connection: Option<String>) {
        self.tracker = Tracker::default();
        self.server = None;
        self.failures = 0;
        self.connection = connection;
    }

    fn report(&mut self, engine: &EngineHandle, status: PartStatus, detail: String) {
        self.reported = true;
        engine
            .health_hub()
            .report(TAUTULLI_PART, PartHealth::new(status, detail));
    }
}

async fn accept(
    engine: &EngineHandle,
    event: &MediaEvent,
) -> Result<(), crate::ingest::IngestError> {
    engine.ingest().accept(event.clone()).await?;
    engine
        .metrics()
        .ingest
        .record(event.source, Utc::now().timestamp());
    Ok(())
}

/// The wait after `failures` failed polls in a row: the interval doubling (with jitter, so
/// many installations do not retry in step), up to 16 intervals or 5 minutes.
fn backoff(interval: Duration, failures: u32) -> Duration {
    use backon::{BackoffBuilder, ExponentialBuilder};
    let cap = interval.saturating_mul(16).min(MAX_BACKOFF).max(interval);
    ExponentialBuilder::new()
        .with_min_delay(interval)
        .with_max_delay(cap)
        .with_jitter()
        .without_max_times()
        .build()
        .nth(usize::try_from(failures.saturating_sub(1)).unwrap_or(usize::MAX))
        .unwrap_or(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_grows_from_the_interval_to_its_cap() {
        let interval = Duration::from_millis(200);
        let first = backoff(interval, 1);
        assert!(first >= interval && first < interval * 3, "{first:?}");
        let late = backoff(interval, 30);
        assert!(late <= interval * 16 * 2, "{late:?}");
        assert!(backoff(Duration::from_secs(60), 30) <= MAX_BACKOFF * 2);
    }
}

//! Hand-made playbacks with known answers for the history, analytics and export tests:
//! stored through the engine's own store path into the data directory's DuckDB file before
//! the engine starts on it.
//!
//! | n | user | type    | title                  | platform | decision      | start (UTC)       | played |
//! |---|------|---------|------------------------|----------|---------------|-------------------|--------|
//! | 1 | dana | movie   | Arrival                | Chrome   | direct play   | 2026-11-27 10:00  | 3600 s |
//! | 2 | dana | episode | Harbor Lights          | Android  | transcode     | 2026-11-27 10:30  | 1800 s |
//! | 3 | lee  | episode | Harbor Lights          | Chrome   | copy          | 2026-11-27 23:30  |  600 s |
//! | 4 | lee  | track   | Band / Song            | Roku     | (none)        | 2026-11-29 08:00  |  300 s |
//! | 5 | lee  | movie   | Dune                   | Chrome   | direct play   | 2026-11-29 08:05  |   60 s |
//!
//! 2026-11-27 is a Friday. Playbacks 1 and 2 overlap (two at once); 5 starts the instant 4
//! stops (never two at once).

use chrono::{DateTime, Duration, Utc};
use duckdb::Connection;

use cartographus_engine::event::{EventType, MediaEvent, MediaType};
use cartographus_engine::persist::store::store;
use cartographus_engine::persist::Database;
use cartographus_engine::testkit::playback;

pub struct Play {
    pub n: usize,
    pub user: &'static str,
    pub media_type: MediaType,
    pub title: &'static str,
    pub show: Option<&'static str>,
    pub platform: &'static str,
    pub decision: Option<&'static str>,
    pub start: &'static str,
    pub played_s: i64,
}

pub const PLAYS: [Play; 5] = [
    Play {
        n: 1,
        user: "dana",
        media_type: MediaType::Movie,
        title: "Arrival",
        show: None,
        platform: "Chrome",
        decision: Some("direct play"),
        start: "2026-11-27T10:00:00Z",
        played_s: 3600,
    },
    Play {
        n: 2,
        user: "dana",
        media_type: MediaType::Episode,
        title: "Pilot",
        show: Some("Harbor Lights"),
        platform: "Android",
        decision: Some("transcode"),
        start: "2026-11-27T10:30:00Z",
        played_s: 1800,
    },
    Play {
        n: 3,
        user: "lee",
        media_type: MediaType::Episode,
        title: "Fog",
        show: Some("Harbor Lights"),
        platform: "Chrome",
        decision: Some("copy"),
        start: "2026-11-27T23:30:00Z",
        played_s: 600,
    },
    Play {
        n: 4,
        user: "lee",
        media_type: MediaType::Track,
        title: "Song",
        show: Some("Band"),
        platform: "Roku",
        decision: None,
        start: "2026-11-29T08:00:00Z",
        played_s: 300,
    },
    Play {
        n: 5,
        user: "lee",
        media_type: MediaType::Movie,
        title: "Dune",
        show: None,
        platform: "Chrome",
        decision: Some("direct play"),
        start: "2026-11-29T08:05:00Z",
        played_s: 60,
    },
];

fn event(play: &Play, event_type: EventType, at: DateTime<Utc>) -> MediaEvent {
    let mut e = playback(play.n, event_type, at);
    e.username = Some(play.user.into());
    e.user_id = Some(format!("id-{}", play.user));
    e.media_type = play.media_type;
    e.title = Some(play.title.into());
    e.grandparent_title = play.show.map(Into::into);
    e.platform = Some(play.platform.into());
    e.product = Some("Plex Web".into());
    e.transcode_decision = play.decision.map(Into::into);
    e
}

/// A data directory whose database holds the five playbacks (a start and a stop each).
pub fn seeded_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cartographus.duckdb");
    drop(Database::open(&path).unwrap());
    let mut conn = Connection::open(&path).unwrap();
    let mut items = Vec::new();
    for play in &PLAYS {
        let start: DateTime<Utc> = play.start.parse().unwrap();
        items.push((event(play, EventType::Start, start), None));
        let stop = start + Duration::seconds(play.played_s);
        items.push((event(play, EventType::Stop, stop), None));
    }
    store(&mut conn, &items).unwrap();
    drop(conn);
    dir
}

/// An engine on the direct path over the seeded data directory.
pub async fn seeded_engine() -> super::TestEngine {
    super::TestEngine::start_in(
        seeded_dir(),
        cartographus_engine::config::ConfigLayer {
            nats_enabled: Some(false),
            ..Default::default()
        },
    )
    .await
}

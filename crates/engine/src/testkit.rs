//! Helpers shared by the tests of the engine and of what embeds it (its unit and integration
//! tests, the server's tests, the benches): events built in one place, and waiting on a
//! condition with a deadline instead of a fixed sleep. No part of the engine calls them.

use std::future::Future;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::event::{EventType, MediaEvent, MediaType, Origin, Source};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 20, 0, 0)
        .single()
        .unwrap_or_default()
}

/// `event_type` of the playback of item 48213 on player `tv`, `secs` after [`t0`].
pub fn event(source: Source, event_type: EventType, secs: i64) -> MediaEvent {
    let at = t0() + Duration::seconds(secs);
    MediaEvent {
        event_id: format!("{}-{}-{secs}", source.as_str(), event_type.as_str()),
        session_key: (source == Source::Tautulli).then(|| "311".to_string()),
        correlation_key: format!("tv|48213|{}", event_type.as_str()),
        view_offset_ms: Some(
            u32::try_from(secs.max(0))
                .unwrap_or(u32::MAX)
                .saturating_mul(1000),
        ),
        machine_id: Some("tv".into()),
        rating_key: Some("48213".into()),
        ..episode(source, event_type, at)
    }
}

/// `event_type` of the `n`-th of many distinct playbacks (each its own player and item),
/// reported by Tautulli at `at`.
pub fn playback(n: usize, event_type: EventType, at: DateTime<Utc>) -> MediaEvent {
    let item = 40_000 + n;
    MediaEvent {
        event_id: format!("{n:024x}-{}", event_type.as_str()),
        session_key: Some(n.to_string()),
        correlation_key: format!("player-{n}|{item}|{}", event_type.as_str()),
        view_offset_ms: Some(600_000),
        machine_id: Some(format!("player-{n}")),
        rating_key: Some(item.to_string()),
        raw: serde_json::json!({"event": event_type.as_str(), "n": n}),
        ..episode(Source::Tautulli, event_type, at)
    }
}

/// An episode of Harbor Lights on the living-room TV; the callers set what tells one
/// playback from another.
fn episode(source: Source, event_type: EventType, at: DateTime<Utc>) -> MediaEvent {
    MediaEvent {
        event_id: String::new(),
        event_type,
        source,
        origin: Origin::Webhook,
        server_id: Some("srv".into()),
        server_name: Some("Basement".into()),
        session_key: None,
        correlation_key: String::new(),
        occurred_at: at,
        received_at: at,
        user_id: Some("9123456".into()),
        username: Some("dana".into()),
        media_type: MediaType::Episode,
        title: Some("The Long Night Shift".into()),
        parent_title: None,
        grandparent_title: Some("Harbor Lights".into()),
        rating_key: None,
        year: Some(2021),
        duration_ms: Some(2_712_000),
        view_offset_ms: None,
        player: Some("Living Room TV".into()),
        platform: None,
        product: None,
        device: None,
        machine_id: None,
        ip_address: None,
        location: None,
        transcode_decision: Some("direct play".into()),
        video_resolution: None,
        paused_ms: None,
        percent_complete: None,
        raw: serde_json::json!({}),
    }
}

/// Polls `check` until it returns Some, failing the test once `within` has passed.
pub async fn wait_for<T, F, Fut>(what: &str, within: StdDuration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
}

/// Stops a process (SIGSTOP) and returns once every one of its threads is stopped.
///
/// `kill` returns as soon as the signal is queued; the group stop completes only when a
/// thread of the target runs again to take it. On a busy machine another thread (nats-server
/// is a Go program with many) can meanwhile read a publish and acknowledge it, which a test
/// that relies on "stopped means no acks" would misread.
pub async fn freeze(pid: u32) {
    use nix::sys::signal::{kill, Signal};
    kill(nix::unistd::Pid::from_raw(pid as i32), Signal::SIGSTOP)
        .unwrap_or_else(|e| panic!("SIGSTOP to {pid}: {e}"));
    wait_for(
        "every thread of the stopped process to stop",
        StdDuration::from_secs(10),
        || async move { all_threads_stopped(pid).then_some(()) },
    )
    .await;
}

/// True when every thread of `pid` is in state T (stopped) per /proc.
fn all_threads_stopped(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().all(|task| {
        std::fs::read_to_string(task.path().join("stat"))
            .map(|stat| {
                stat.rsplit(')')
                    .next()
                    .and_then(|s| s.split_whitespace().next())
                    == Some("T")
            })
            .unwrap_or(true) // a thread that ended meanwhile does not run either
    })
}

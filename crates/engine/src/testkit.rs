//! Events for unit tests: one playback on one player, with the fields dedup and sessions
//! read set, and times given in seconds after a fixed start.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::event::{EventType, MediaEvent, MediaType, Source};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 20, 0, 0).unwrap()
}

/// `event_type` of the playback of item 48213 on player `tv`, `secs` after [`t0`].
pub fn event(source: Source, event_type: EventType, secs: i64) -> MediaEvent {
    let at = t0() + Duration::seconds(secs);
    MediaEvent {
        event_id: format!("{}-{}-{secs}", source.as_str(), event_type.as_str()),
        event_type,
        source,
        server_id: Some("srv".into()),
        server_name: Some("Basement".into()),
        session_key: (source == Source::Tautulli).then(|| "311".to_string()),
        correlation_key: format!("tv|48213|{}", event_type.as_str()),
        occurred_at: at,
        received_at: at,
        user_id: Some("9123456".into()),
        username: Some("dana".into()),
        media_type: MediaType::Episode,
        title: Some("The Long Night Shift".into()),
        parent_title: None,
        grandparent_title: Some("Harbor Lights".into()),
        rating_key: Some("48213".into()),
        year: Some(2021),
        duration_ms: Some(2_712_000),
        view_offset_ms: Some(u32::try_from(secs.max(0)).unwrap() * 1000),
        player: Some("Living Room TV".into()),
        platform: None,
        product: None,
        device: None,
        machine_id: Some("tv".into()),
        ip_address: None,
        location: None,
        transcode_decision: Some("direct play".into()),
        video_resolution: None,
        raw: serde_json::json!({}),
    }
}

//! `get_activity` and `get_server_info` as Tautulli 2.17 answers them (its API v2 docs and
//! `webserve.py`): the sessions its Plex server plays now, each a flat object of strings
//! (`user_id` a number), with the stream counts and bandwidths beside them; `data: {}`
//! without `sessions` when Tautulli has no Plex server to ask. Tests change the list while
//! the engine polls.

use serde_json::{json, Map, Value};

/// The commands this file answers.
pub const COMMANDS: [&str; 2] = ["get_activity", "get_server_info"];

/// What Tautulli's Plex server plays, as a test sets it.
#[derive(Debug, Clone)]
pub struct Activity {
    /// None: Tautulli has no Plex server (answers `data: {}`).
    pub sessions: Option<Vec<Playing>>,
    pub server_id: String,
    pub server_name: String,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            sessions: Some(Vec::new()),
            server_id: "8f2c1d9e4b7a6c5d3e2f1a0b9c8d7e6f5a4b3c2d".to_string(),
            server_name: "Basement".to_string(),
        }
    }
}

/// One playback in the activity: what tells it apart, the rest filled like the API's
/// example (an episode of Harbor Lights on the living-room TV).
#[derive(Debug, Clone, PartialEq)]
pub struct Playing {
    pub session_key: String,
    pub session_id: String,
    pub rating_key: String,
    pub machine_id: String,
    pub state: String,
    pub view_offset_ms: u32,
}

impl Playing {
    pub fn new(session_key: &str, rating_key: &str, machine_id: &str) -> Self {
        Self {
            session_key: session_key.to_string(),
            session_id: format!("sid{session_key}x{rating_key}"),
            rating_key: rating_key.to_string(),
            machine_id: machine_id.to_string(),
            state: "playing".to_string(),
            view_offset_ms: 622_000,
        }
    }

    fn row(&self) -> Value {
        json!({
            "session_key": self.session_key, "session_id": self.session_id,
            "media_type": "episode", "rating_key": self.rating_key,
            "parent_rating_key": "48190", "grandparent_rating_key": "48102",
            "full_title": "Harbor Lights - The Long Night Shift",
            "title": "The Long Night Shift", "parent_title": "Season 3",
            "grandparent_title": "Harbor Lights", "year": "2021",
            "library_name": "TV Shows", "section_id": "2",
            "user_id": 9_123_456, "user": "dana", "username": "dana", "friendly_name": "Dana",
            "machine_id": self.machine_id, "player": "Living Room TV", "platform": "Android",
            "product": "Plex for Android (TV)", "device": "Android TV",
            "ip_address": "192.168.1.40", "ip_address_public": "203.0.113.45",
            "location": "lan", "local": "1", "state": self.state,
            "view_offset": self.view_offset_ms.to_string(), "duration": "2712000",
            "progress_percent": (u64::from(self.view_offset_ms) * 100 / 2_712_000).to_string(),
            "transcode_decision": "direct play", "video_resolution": "1080",
            "stream_video_resolution": "1080", "bandwidth": "12000",
            "quality_profile": "Original",
            "guid": format!("plex://episode/fake{}", self.rating_key),
        })
    }
}

/// The envelope's data for `cmd`.
pub fn answer(activity: &Activity, cmd: &str) -> Value {
    match cmd {
        "get_server_info" => json!({
            "pms_identifier": activity.server_id, "pms_ip": "192.168.1.20",
            "pms_is_remote": 0, "pms_name": activity.server_name, "pms_platform": "Linux",
            "pms_plexpass": 1, "pms_port": 32400, "pms_ssl": 0,
            "pms_url": "http://192.168.1.20:32400", "pms_url_manual": 0,
            "pms_version": "1.42.2.10156-f737b826c",
        }),
        _ => match &activity.sessions {
            None => Value::Object(Map::new()),
            Some(sessions) => {
                let count = sessions.len();
                json!({
                    "lan_bandwidth": 12_000 * count, "wan_bandwidth": 0,
                    "total_bandwidth": 12_000 * count, "stream_count": count.to_string(),
                    "stream_count_direct_play": count, "stream_count_direct_stream": 0,
                    "stream_count_transcode": 0,
                    "sessions": sessions.iter().map(Playing::row).collect::<Vec<_>>(),
                })
            }
        },
    }
}

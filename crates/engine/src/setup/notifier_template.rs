//! The Tautulli webhook notifier we install: which triggers, the JSON data template (the
//! nested shape the Tautulli parser reads), the JSON headers template carrying the webhook
//! token, and the complete `set_notifier_config` parameter set. Tautulli rewrites the name,
//! the agent config and the conditions on every call but keeps each trigger's switch and
//! texts unless given, so every other trigger is switched off explicitly.
//!
//! Tautulli parses each template as JSON and then fills every `{param}` inside its
//! strings, so placeholders sit inside JSON strings and every value arrives as a string.

use serde_json::json;
use url::Url;

use crate::secret::Secret;

/// Tautulli's id of the "Webhook" notification agent.
pub const WEBHOOK_AGENT_ID: u32 = 25;
/// The notifier's name in Tautulli's list; also how we recognise ours when its hook is masked.
pub const FRIENDLY_NAME: &str = "Cartographus";
/// The playback triggers switched on. `{action}` is each trigger without `on_`.
pub const TRIGGERS: [&str; 7] = [
    "on_play",
    "on_stop",
    "on_pause",
    "on_resume",
    "on_watched",
    "on_buffer",
    "on_error",
];
/// Tautulli 2.17's other triggers: switched off, so a trigger someone turned on by hand in
/// our notifier stops sending (an older Tautulli ignores names it does not know).
pub const OTHER_TRIGGERS: [&str; 15] = [
    "on_change",
    "on_intro",
    "on_credits",
    "on_commercial",
    "on_created",
    "on_extdown",
    "on_intdown",
    "on_extup",
    "on_intup",
    "on_pmsupdate",
    "on_concurrent",
    "on_newdevice",
    "on_plexpyupdate",
    "on_plexpydbcorrupt",
    "on_tokenexpired",
];
/// The header the webhook route reads the token from (Tautulli can send headers).
pub const TOKEN_HEADER: &str = "X-Cartographus-Token";

/// The JSON data template, the same for every trigger.
pub fn data_template() -> String {
    json!({
        "source": "tautulli",
        "event": "{action}",
        "unixtime": "{unixtime}",
        "utctime": "{utctime}",
        "server": {
            "name": "{server_name}",
            "machine_id": "{server_machine_id}",
            "version": "{server_version}",
        },
        "session": {
            "session_key": "{session_key}",
            "session_id": "{session_id}",
        },
        "user": {
            "user_id": "{user_id}",
            "username": "{username}",
            "friendly_name": "{user}",
        },
        "player": {
            "machine_id": "{machine_id}",
            "player": "{player}",
            "device": "{device}",
            "platform": "{platform}",
            "product": "{product}",
            "ip_address": "{ip_address}",
            "stream_location": "{stream_location}",
            "stream_local": "{stream_local}",
        },
        "media": {
            "media_type": "{media_type}",
            "rating_key": "{rating_key}",
            "parent_rating_key": "{parent_rating_key}",
            "grandparent_rating_key": "{grandparent_rating_key}",
            "title": "{title}",
            "show_name": "{show_name}",
            "season_name": "{season_name}",
            "episode_name": "{episode_name}",
            "season_num": "{season_num}",
            "episode_num": "{episode_num}",
            "artist_name": "{artist_name}",
            "album_name": "{album_name}",
            "track_name": "{track_name}",
            "track_artist": "{track_artist}",
            "year": "{year}",
            "library_name": "{library_name}",
            "section_id": "{section_id}",
            "guid": "{guid}",
            "imdb_id": "{imdb_id}",
            "themoviedb_id": "{themoviedb_id}",
            "thetvdb_id": "{thetvdb_id}",
            "duration_ms": "{duration_ms}",
        },
        "progress": {
            "view_offset_ms": "{view_offset}",
            "progress_percent": "{progress_percent}",
            "progress_duration_sec": "{progress_duration_sec}",
            "stream_duration_sec": "{stream_duration_sec}",
            "remaining_duration_sec": "{remaining_duration_sec}",
        },
        "stream": {
            "transcode_decision": "{transcode_decision}",
            "video_decision": "{video_decision}",
            "audio_decision": "{audio_decision}",
            "video_resolution": "{video_resolution}",
            "stream_video_resolution": "{stream_video_resolution}",
            "quality_profile": "{quality_profile}",
            "stream_bandwidth": "{stream_bandwidth}",
        },
    })
    .to_string()
}

/// The JSON headers template: the webhook token, so the hook URL itself holds no secret.
pub fn headers_template(webhook_token: &Secret) -> String {
    json!({
        "Content-Type": "application/json",
        TOKEN_HEADER: webhook_token.expose(),
    })
    .to_string()
}

/// Every `set_notifier_config` parameter for our notifier: identity, hook, method, for
/// each of our triggers its switch, headers (`_subject`) and data (`_body`), and every
/// other trigger switched off.
pub fn notifier_config(
    notifier_id: u32,
    hook: &Url,
    webhook_token: &Secret,
) -> Vec<(String, String)> {
    let headers = headers_template(webhook_token);
    let data = data_template();
    let mut params = vec![
        ("notifier_id".to_string(), notifier_id.to_string()),
        ("agent_id".to_string(), WEBHOOK_AGENT_ID.to_string()),
        ("friendly_name".to_string(), FRIENDLY_NAME.to_string()),
        ("webhook_hook".to_string(), hook.to_string()),
        ("webhook_method".to_string(), "POST".to_string()),
    ];
    for trigger in TRIGGERS {
        params.push((trigger.to_string(), "1".to_string()));
        params.push((format!("{trigger}_subject"), headers.clone()));
        params.push((format!("{trigger}_body"), data.clone()));
    }
    for trigger in OTHER_TRIGGERS {
        params.push((trigger.to_string(), "0".to_string()));
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_json_with_placeholders_inside_strings() {
        let data: serde_json::Value = serde_json::from_str(&data_template()).unwrap();
        assert_eq!(data["event"], "{action}");
        assert_eq!(data["media"]["rating_key"], "{rating_key}");
        let headers: serde_json::Value =
            serde_json::from_str(&headers_template(&Secret::new("tok"))).unwrap();
        assert_eq!(headers[TOKEN_HEADER], "tok");
    }

    #[test]
    fn the_config_switches_on_every_trigger_with_the_token_in_each_headers_template() {
        let hook = Url::parse("http://127.0.0.1:3857/webhooks/tautulli").unwrap();
        let params = notifier_config(7, &hook, &Secret::new("tok"));
        let get = |name: &str| {
            params
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        assert_eq!(get("webhook_hook"), Some(hook.as_str()));
        assert_eq!(get("webhook_method"), Some("POST"));
        for trigger in TRIGGERS {
            assert_eq!(get(trigger), Some("1"), "{trigger}");
            assert!(
                get(&format!("{trigger}_subject")).is_some_and(|s| s.contains("tok")),
                "{trigger}"
            );
            assert!(get(&format!("{trigger}_body")).is_some(), "{trigger}");
        }
        for trigger in OTHER_TRIGGERS {
            assert_eq!(get(trigger), Some("0"), "{trigger}");
        }
        assert!(!hook.as_str().contains("tok"));
    }
}

//! Tautulli "Webhook" agent payloads. Users write the JSON template, so two shapes are read:
//! the NESTED one our setup installs (`server{}`, `session{}`, `user{}`, `player{}`,
//! `media{}`, `progress{}`, `stream{}`) and a FLAT one keyed by Tautulli parameter names.
//!
//! Required: the action (`event` or `action`), and an identity: `session_key`, or both
//! `rating_key` and `machine_id`. Everything else is optional. Every value arrives as a
//! string; `{view_offset}` and `{duration_ms}` are milliseconds (Tautulli's parameter list
//! says so), `progress_duration_sec`/`duration_sec` are the fallbacks in seconds.

use chrono::{DateTime, Utc};

use super::error::ParseError;
use super::event_id::{correlation_key, EventIdBuilder};
use super::fields::Obj;
use super::{json, shared, Parsed};
use crate::event::{EventType, Location, MediaEvent, MediaType, Origin, Source};

pub fn parse(body: &[u8], received_at: DateTime<Utc>) -> Result<Parsed, ParseError> {
    let map = json::decode_object(body)?;
    if is_test_notification(&map) {
        return Ok(Parsed::Test {
            source: Source::Tautulli,
        });
    }
    let root = Obj::root(&map);
    let template = Template::new(&root);

    let action = template
        .first(
            &[(Section::Root, "event"), (Section::Root, "action")],
            Obj::string,
        )?
        .ok_or_else(|| ParseError::MissingField {
            field: "event".to_owned(),
            hint: " (or `action`)",
        })?;
    let action = normalise_action(&action);
    let Some(event_type) = event_type(&action) else {
        return Ok(Parsed::Ignored {
            source: Source::Tautulli,
            kind: action,
        });
    };

    let text = |candidates: &[(Section, &str)]| template.first(candidates, Obj::text);
    let server_id = text(&[
        (Section::Server, "machine_id"),
        (Section::Root, "server_machine_id"),
    ])?;
    let session_key = text(&[
        (Section::Session, "session_key"),
        (Section::Root, "session_key"),
    ])?;
    let rating_key = text(&[
        (Section::Media, "rating_key"),
        (Section::Root, "rating_key"),
    ])?;
    let machine_id = text(&[
        (Section::Player, "machine_id"),
        (Section::Root, "machine_id"),
    ])?;
    if session_key.is_none() && (rating_key.is_none() || machine_id.is_none()) {
        return Err(ParseError::MissingField {
            field: "session_key".to_owned(),
            hint: " (or both `rating_key` and `machine_id`)",
        });
    }

    let occurred_in_source =
        match template.first(&[(Section::Root, "unixtime")], Obj::unix_seconds)? {
            Some(time) => Some(time),
            None => template.first(&[(Section::Root, "utctime")], Obj::time)?,
        };
    let view_offset_ms = match template.first(
        &[
            (Section::Progress, "view_offset_ms"),
            (Section::Progress, "view_offset"),
            (Section::Root, "view_offset"),
            (Section::Root, "view_offset_ms"),
        ],
        Obj::millis,
    )? {
        Some(ms) => Some(ms),
        None => template.first(
            &[
                (Section::Progress, "progress_duration_sec"),
                (Section::Root, "progress_duration_sec"),
            ],
            Obj::seconds_as_millis,
        )?,
    };
    let duration_ms = match template.first(
        &[
            (Section::Media, "duration_ms"),
            (Section::Root, "duration_ms"),
        ],
        Obj::millis,
    )? {
        Some(ms) => Some(ms),
        None => template.first(
            &[
                (Section::Media, "duration_sec"),
                (Section::Root, "duration_sec"),
            ],
            Obj::seconds_as_millis,
        )?,
    };

    let media_type = shared::media_type(
        text(&[
            (Section::Media, "media_type"),
            (Section::Root, "media_type"),
        ])?
        .as_deref(),
    );
    let titles = Titles::read(&template, media_type)?;

    let event_id = EventIdBuilder::new(Source::Tautulli)
        .part("server", server_id.as_deref())
        .part("session_key", session_key.as_deref())
        .part("rating_key", rating_key.as_deref())
        .part("machine_id", machine_id.as_deref())
        .part("action", Some(&action))
        .time("time", occurred_in_source)
        .number("view_offset_ms", view_offset_ms)
        .finish();
    let session_identity = format!(
        "{}/{}",
        server_id.as_deref().unwrap_or_default(),
        session_key.as_deref().unwrap_or_default()
    );
    let correlation_key = correlation_key(
        Source::Tautulli,
        machine_id.as_deref(),
        rating_key.as_deref(),
        event_type,
        &session_identity,
    );

    Ok(Parsed::Playback(MediaEvent {
        event_id,
        event_type,
        source: Source::Tautulli,
        origin: Origin::Webhook,
        server_id,
        server_name: text(&[(Section::Server, "name"), (Section::Root, "server_name")])?,
        session_key,
        correlation_key,
        occurred_at: occurred_in_source.unwrap_or(received_at),
        received_at,
        user_id: text(&[(Section::User, "user_id"), (Section::Root, "user_id")])?,
        username: text(&[
            (Section::User, "username"),
            (Section::Root, "username"),
            (Section::User, "friendly_name"),
            (Section::Root, "user"),
        ])?,
        media_type,
        title: titles.title,
        parent_title: titles.parent,
        grandparent_title: titles.grandparent,
        rating_key,
        year: template.first(
            &[(Section::Media, "year"), (Section::Root, "year")],
            Obj::year,
        )?,
        duration_ms,
        view_offset_ms,
        player: text(&[(Section::Player, "player"), (Section::Root, "player")])?,
        platform: text(&[(Section::Player, "platform"), (Section::Root, "platform")])?,
        product: text(&[(Section::Player, "product"), (Section::Root, "product")])?,
        device: text(&[(Section::Player, "device"), (Section::Root, "device")])?,
        machine_id,
        ip_address: text(&[
            (Section::Player, "ip_address"),
            (Section::Root, "ip_address"),
        ])?,
        location: location(&template)?,
        transcode_decision: text(&[
            (Section::Stream, "transcode_decision"),
            (Section::Root, "transcode_decision"),
        ])?,
        video_resolution: text(&[
            (Section::Stream, "video_resolution"),
            (Section::Root, "video_resolution"),
            (Section::Stream, "stream_video_resolution"),
            (Section::Root, "stream_video_resolution"),
        ])?,
        paused_ms: None,
        percent_complete: None,
        raw: serde_json::Value::Object(map),
    }))
}

/// A template Tautulli did not fill: its action is still the literal `{action}`. Real
/// notifications always carry the trigger's name there.
fn is_test_notification(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    ["event", "action"].iter().any(|key| {
        map.get(*key)
            .and_then(serde_json::Value::as_str)
            .is_some_and(|action| action.trim() == "{action}")
    })
}

/// `{action}` is the trigger without `on_`; accept either spelling and any case.
fn normalise_action(action: &str) -> String {
    let action = action.trim().to_ascii_lowercase();
    match action.strip_prefix("on_") {
        Some(stripped) => stripped.to_owned(),
        None => action,
    }
}

/// Playback triggers. `change` (a transcode decision changed mid-stream) carries a
/// position, so it is a progress report. Everything else — `created`, `newdevice`,
/// `concurrent`, `intro`/`credits`/`commercial` markers, server up/down — is not playback.
fn event_type(action: &str) -> Option<EventType> {
    Some(match action {
        "play" => EventType::Start,
        "stop" => EventType::Stop,
        "pause" => EventType::Pause,
        "resume" => EventType::Resume,
        "watched" => EventType::Watched,
        "buffer" => EventType::Buffer,
        "error" => EventType::Error,
        "change" => EventType::Progress,
        _ => return None,
    })
}

/// `lan`/`wan` from `stream_location`, else from the `stream_local` flag.
fn location(template: &Template) -> Result<Option<Location>, ParseError> {
    let named = template.first(
        &[
            (Section::Player, "stream_location"),
            (Section::Root, "stream_location"),
        ],
        Obj::text,
    )?;
    match named.map(|name| name.to_ascii_lowercase()).as_deref() {
        Some("lan") => return Ok(Some(Location::Lan)),
        Some("wan") => return Ok(Some(Location::Wan)),
        _ => {}
    }
    let local = template.first(
        &[
            (Section::Player, "stream_local"),
            (Section::Root, "stream_local"),
        ],
        Obj::flag,
    )?;
    Ok(local.map(|local| if local { Location::Lan } else { Location::Wan }))
}

/// Titles in the event model's terms (the same as Plex's): `title` is the episode or track
/// itself, `grandparent_title` the show or artist, `parent_title` the season or album.
/// Tautulli's `{title}` is the full "Show - S01E02 - Episode" form, used only as a fallback.
struct Titles {
    title: Option<String>,
    parent: Option<String>,
    grandparent: Option<String>,
}

impl Titles {
    fn read(template: &Template, media_type: MediaType) -> Result<Titles, ParseError> {
        let text =
            |key: &str| template.first(&[(Section::Media, key), (Section::Root, key)], Obj::text);
        let (own, parent, grandparent) = match media_type {
            MediaType::Episode => (
                text("episode_name")?,
                text("season_name")?,
                text("show_name")?,
            ),
            MediaType::Track => {
                let artist = match text("artist_name")? {
                    Some(artist) => Some(artist),
                    None => text("track_artist")?,
                };
                (text("track_name")?, text("album_name")?, artist)
            }
            MediaType::Movie | MediaType::Other => (None, None, None),
        };
        let title = match own {
            Some(own) => Some(own),
            None => text("title")?,
        };
        Ok(Titles {
            title,
            parent,
            grandparent,
        })
    }
}

/// The sections of the nested template; `Root` is the top level (the flat template).
#[derive(Clone, Copy)]
enum Section {
    Root,
    Server,
    Session,
    User,
    Player,
    Media,
    Progress,
    Stream,
}

struct Template<'a> {
    root: Obj<'a>,
    server: Option<Obj<'a>>,
    session: Option<Obj<'a>>,
    user: Option<Obj<'a>>,
    player: Option<Obj<'a>>,
    media: Option<Obj<'a>>,
    progress: Option<Obj<'a>>,
    stream: Option<Obj<'a>>,
}

impl<'a> Template<'a> {
    /// A section is used only when it is an object: `user` and `player` are also plain
    /// parameters (`{user}`, `{player}`) in a flat template.
    fn new(root: &Obj<'a>) -> Self {
        Template {
            root: root.clone(),
            server: root.object_if_any("server"),
            session: root.object_if_any("session"),
            user: root.object_if_any("user"),
            player: root.object_if_any("player"),
            media: root.object_if_any("media"),
            progress: root.object_if_any("progress"),
            stream: root.object_if_any("stream"),
        }
    }

    fn section(&self, section: Section) -> Option<&Obj<'a>> {
        match section {
            Section::Root => Some(&self.root),
            Section::Server => self.server.as_ref(),
            Section::Session => self.session.as_ref(),
            Section::User => self.user.as_ref(),
            Section::Player => self.player.as_ref(),
            Section::Media => self.media.as_ref(),
            Section::Progress => self.progress.as_ref(),
            Section::Stream => self.stream.as_ref(),
        }
    }

    /// The first candidate that holds a value. A top-level key holding an object is a
    /// section, not a value, and is skipped.
    fn first<T>(
        &self,
        candidates: &[(Section, &str)],
        read: impl Fn(&Obj<'a>, &str) -> Result<Option<T>, ParseError>,
    ) -> Result<Option<T>, ParseError> {
        for (section, key) in candidates {
            let Some(obj) = self.section(*section) else {
                continue;
            };
            if matches!(section, Section::Root) && obj.holds_object(key) {
                continue;
            }
            if let Some(value) = read(obj, key)? {
                return Ok(Some(value));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
#[path = "tautulli_tests.rs"]
mod tests;

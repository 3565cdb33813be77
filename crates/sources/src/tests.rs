//! Cross-source tests: the same playback seen by Tautulli and Plex, ids across every
//! fixture, the bad-input fixtures through every parser, and content types. Property tests
//! live in `proptests.rs`, shared helpers in `support.rs`.

use chrono::Duration;

use super::support::{fixture, parse_body, playback, received_at};
use super::{parse, Incoming, ParseError, Parsed};
use crate::event::{EventType, Source};

#[test]
fn tautulli_and_plex_see_the_same_playback() {
    let tautulli = playback(
        Source::Tautulli,
        Some("application/json"),
        &fixture("tautulli/play.json"),
    );
    let plex = playback(Source::Plex, None, &fixture("plex/media.play.episode.json"));
    assert_eq!(
        tautulli.correlation_key,
        "k2n8x4p6q1w9e3r7t5y0u2i4|48213|start"
    );
    assert_eq!(tautulli.correlation_key, plex.correlation_key);
    assert_ne!(tautulli.event_id, plex.event_id);
    // What the dedup stage can rely on beyond the key: same server, item and player.
    assert_eq!(tautulli.server_id, plex.server_id);
    assert_eq!(tautulli.rating_key, plex.rating_key);
    assert_eq!(tautulli.machine_id, plex.machine_id);
    assert_eq!(tautulli.title, plex.title);
    assert_eq!(tautulli.grandparent_title, plex.grandparent_title);
    // ...and what differs between them, which is why it is not in the key.
    assert_ne!(tautulli.user_id, plex.user_id);
}

#[test]
fn tautulli_and_plex_agree_on_every_shared_event() {
    let pairs = [
        (
            "tautulli/pause.json",
            "plex/media.pause.episode.json",
            EventType::Pause,
        ),
        (
            "tautulli/resume.json",
            "plex/media.resume.episode.json",
            EventType::Resume,
        ),
        (
            "tautulli/stop.json",
            "plex/media.stop.episode.json",
            EventType::Stop,
        ),
        (
            "tautulli/watched.json",
            "plex/media.scrobble.episode.json",
            EventType::Watched,
        ),
    ];
    for (tautulli_file, plex_file, event_type) in pairs {
        let tautulli = playback(Source::Tautulli, None, &fixture(tautulli_file));
        let plex = playback(Source::Plex, None, &fixture(plex_file));
        assert_eq!(tautulli.event_type, event_type, "{tautulli_file}");
        assert_eq!(plex.event_type, event_type, "{plex_file}");
        assert_eq!(
            tautulli.correlation_key, plex.correlation_key,
            "{plex_file}"
        );
        assert_eq!(tautulli.view_offset_ms, plex.view_offset_ms, "{plex_file}");
        assert_ne!(tautulli.event_id, plex.event_id, "{plex_file}");
    }
}

/// Every playback fixture of every source, for the properties all of them share.
pub(super) const PLAYBACK_FIXTURES: &[(Source, &str, Option<&str>)] = &[
    (
        Source::Tautulli,
        "tautulli/play.json",
        Some("application/json"),
    ),
    (Source::Tautulli, "tautulli/pause.json", None),
    (Source::Tautulli, "tautulli/resume.json", None),
    (Source::Tautulli, "tautulli/stop.json", None),
    (Source::Tautulli, "tautulli/watched.json", None),
    (Source::Tautulli, "tautulli/buffer.json", None),
    (Source::Plex, "plex/media.play.episode.json", None),
    (Source::Plex, "plex/media.pause.episode.json", None),
    (Source::Plex, "plex/media.resume.episode.json", None),
    (Source::Plex, "plex/media.stop.episode.json", None),
    (Source::Plex, "plex/media.scrobble.episode.json", None),
    (Source::Plex, "plex/media.play.movie.remote.json", None),
    (Source::Plex, "plex/media.stop.movie.remote.json", None),
    (Source::Plex, "plex/media.play.track.json", None),
    (
        Source::Jellyfin,
        "jellyfin/PlaybackStart.json",
        Some("text/plain"),
    ),
    (Source::Jellyfin, "jellyfin/PlaybackProgress.json", None),
    (Source::Jellyfin, "jellyfin/PlaybackStop.json", None),
    (
        Source::Emby,
        "emby/playback.start.json",
        Some("application/json"),
    ),
    (Source::Emby, "emby/playback.pause.json", None),
    (Source::Emby, "emby/playback.stop.json", None),
];

#[test]
fn every_fixture_gets_a_distinct_stable_id() {
    let mut ids = std::collections::HashSet::new();
    for (source, file, content_type) in PLAYBACK_FIXTURES {
        let body = fixture(file);
        let first = playback(*source, *content_type, &body);
        let later = Incoming {
            source: *source,
            content_type: *content_type,
            body: &body,
            received_at: received_at() + Duration::minutes(5),
        };
        let Ok(Parsed::Playback(retry)) = parse(&later) else {
            panic!("{file}: the retry must parse too")
        };
        assert_eq!(
            first.event_id, retry.event_id,
            "{file}: a retry keeps its id"
        );
        assert_eq!(first.source, *source, "{file}");
        assert!(
            ids.insert(first.event_id.clone()),
            "{file}: id shared with another fixture"
        );
        assert_eq!(first.event_id.len(), 32, "{file}");
        assert!(first.raw.is_object(), "{file}: raw keeps the payload");
        assert!(!first.correlation_key.is_empty(), "{file}");
        assert_eq!(
            first.subject(),
            format!("playback.{}.{}", source.as_str(), first.media_type.as_str())
        );
    }
}

/// (file, code, field) expected from EVERY source. The bad fixtures are Plex-shaped, so for
/// wrong-types.json the code depends on whether the source reads the offending field.
fn expected_bad(source: Source, file: &str) -> (&'static str, Option<&'static str>) {
    match file {
        "truncated.json" => ("invalid_json", None),
        "array.json" => ("not_an_object", None),
        "empty.json" => ("empty_body", None),
        "deep.json" => ("too_deep", None),
        "invalid-utf8.json" => ("invalid_utf8", None),
        "huge-string.json" => ("string_too_long", Some("field `Metadata.title`")),
        // {"event":42,"Account":"dana","Metadata":[1,2,3]}
        "wrong-types.json" => match source {
            // Both read `event` first and find a number where the event name must be.
            Source::Tautulli | Source::Plex => ("wrong_type", Some("event")),
            // Jellyfin names its event `NotificationType`, Emby `Event`: neither is there.
            Source::Jellyfin => ("missing_field", Some("NotificationType")),
            Source::Emby => ("missing_field", Some("Event")),
        },
        other => panic!("no expectation for bad/{other}"),
    }
}

const BAD_FIXTURES: [&str; 7] = [
    "truncated.json",
    "array.json",
    "empty.json",
    "deep.json",
    "invalid-utf8.json",
    "huge-string.json",
    "wrong-types.json",
];

fn assert_refused(source: Source, content_type: Option<&str>, file: &str, body: &[u8]) {
    let (code, field) = expected_bad(source, file);
    match parse_body(source, content_type, body) {
        Err(error) => {
            assert_eq!(error.code(), code, "{source:?} {file}: {error}");
            assert_eq!(error.field(), field, "{source:?} {file}: {error}");
            assert!(!error.to_string().is_empty());
        }
        Ok(parsed) => panic!("{source:?} {file} was accepted: {parsed:?}"),
    }
}

#[test]
fn every_bad_fixture_is_refused_by_every_source() {
    for file in BAD_FIXTURES {
        let body = fixture(&format!("bad/{file}"));
        for source in Source::ALL {
            assert_refused(source, None, file, &body);
            assert_refused(source, Some("application/json; charset=utf-8"), file, &body);
        }
        assert_refused(Source::Jellyfin, Some("text/plain"), file, &body);
    }
}

#[test]
fn every_bad_fixture_is_refused_inside_an_emby_form() {
    for file in BAD_FIXTURES {
        let body = fixture(&format!("bad/{file}"));
        let form = super::support::form_encode_data(&body);
        assert_refused(
            Source::Emby,
            Some("application/x-www-form-urlencoded"),
            file,
            &form,
        );
    }
}

#[test]
fn wrong_types_messages_say_what_was_found() {
    let body = fixture("bad/wrong-types.json");
    let error = parse_body(Source::Plex, None, &body).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "the field `event` must be a string, but it is a number (42)"
    );
}

#[test]
fn content_types_are_checked_per_source() {
    let tautulli = fixture("tautulli/play.json");
    let plex = fixture("plex/media.play.episode.json");
    let jellyfin = fixture("jellyfin/PlaybackStart.json");
    let emby = fixture("emby/playback.start.json");
    let cases: [(Source, &[u8], &str, bool); 12] = [
        (Source::Tautulli, &tautulli, "application/json", true),
        (
            Source::Tautulli,
            &tautulli,
            "Application/JSON; charset=UTF-8",
            true,
        ),
        (Source::Tautulli, &tautulli, "text/plain", false),
        (
            Source::Tautulli,
            &tautulli,
            "application/x-www-form-urlencoded",
            false,
        ),
        (Source::Plex, &plex, "application/json", true),
        (
            Source::Plex,
            &plex,
            "multipart/form-data; boundary=x",
            false,
        ),
        (
            Source::Jellyfin,
            &jellyfin,
            "text/plain; charset=utf-8",
            true,
        ),
        (
            Source::Jellyfin,
            &jellyfin,
            "application/octet-stream",
            true,
        ),
        (Source::Emby, &emby, "application/json", true),
        (Source::Emby, &emby, "text/html", false),
        (Source::Emby, &emby, "", true),
        (Source::Plex, &plex, "application/vnd.plex+json", true),
    ];
    for (source, body, content_type, accepted) in cases {
        let result = parse_body(source, Some(content_type), body);
        match (accepted, result) {
            (true, Ok(Parsed::Playback(_))) => {}
            (false, Err(ParseError::UnsupportedContentType { sender, .. })) => {
                assert_eq!(sender, source)
            }
            (_, other) => panic!("{source:?} {content_type:?}: {other:?}"),
        }
    }
}

#[test]
fn the_plex_multipart_fixture_carries_the_json_fixture() {
    // The HTTP layer extracts the part; here we only check the fixtures agree, so a test
    // of the endpoint can rely on the same expectations as media.play.episode.json.
    let body = fixture("plex/media.play.multipart.body");
    let text = String::from_utf8_lossy(&body);
    let start = text.find("{\"event\"").expect("payload part");
    let end = text[start..]
        .find("\r\n--")
        .map(|end| start + end)
        .expect("part end");
    let from_multipart = playback(
        Source::Plex,
        Some("application/json"),
        text[start..end].as_bytes(),
    );
    let from_json = playback(Source::Plex, None, &fixture("plex/media.play.episode.json"));
    assert_eq!(from_multipart, from_json);
}

//! The load: real-format webhooks built from the fixtures (Tautulli JSON, Plex multipart,
//! Jellyfin and Emby JSON). Webhook `n` is step `n % 4` (start, pause, resume, stop) of
//! playback `n / 4`; each playback has its own player, item and session, so ids all differ.

use std::path::Path;

use bytes::Bytes;
use cartographus_engine::event::{MediaEvent, Source};
use cartographus_engine::sources::{self, Incoming, Parsed};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

/// Events per playback: start, pause, resume, stop.
pub const STEPS: u64 = 4;
/// Seconds from a playback's start to each of its steps.
const STEP_AT_S: [i64; 4] = [0, 622, 890, 2490];
/// Position in the item at each step.
const STEP_OFFSET_MS: [u64; 4] = [0, 622_000, 622_000, 1_980_000];
const BOUNDARY: &str = "------------------------a7c1e3b5d9f24680";
const PLEX_CONTENT_TYPE: &str =
    "multipart/form-data; boundary=------------------------a7c1e3b5d9f24680";

/// One webhook as a service would send it.
#[derive(Clone)]
pub struct Webhook {
    pub source: Source,
    pub content_type: &'static str,
    /// What is POSTed.
    pub body: Bytes,
    /// What the parser reads: the body, or Plex's `payload` part.
    pub payload: Bytes,
    /// The source's time of the event (Plex has none: it is the arrival time).
    pub at: DateTime<Utc>,
}

impl Webhook {
    pub fn path(&self) -> String {
        format!("/webhooks/{}", self.source.as_str())
    }

    /// The event the engine makes of this webhook, exactly as its parser does.
    pub fn event(&self) -> Result<MediaEvent, String> {
        let content_type = (self.source != Source::Plex).then_some(self.content_type);
        let incoming = Incoming {
            source: self.source,
            content_type,
            body: &self.payload,
            received_at: self.at,
        };
        match sources::parse(&incoming) {
            Ok(Parsed::Playback(event)) => Ok(event),
            Ok(Parsed::Ignored { kind, .. }) => {
                Err(format!("a generated webhook was ignored ({kind})"))
            }
            Ok(Parsed::Test { .. }) => Err("a generated webhook was taken for a test".into()),
            Err(e) => Err(format!(
                "a generated {} webhook does not parse: {e}",
                self.source.as_str()
            )),
        }
    }
}

/// Builds webhook `n` of a run whose first playback starts at `start`.
pub struct Generator {
    tautulli: [Value; 4],
    plex: [Value; 4],
    jellyfin: [Value; 4],
    emby: [Value; 4],
    /// The fixture's thumbnail part and closing boundary, sent with `media.play` as Plex does.
    plex_thumb_tail: Vec<u8>,
    start: DateTime<Utc>,
    /// Seconds between the starts of consecutive playbacks.
    spacing_s: i64,
}

fn read(fixtures: &Path, name: &str) -> Result<Vec<u8>, String> {
    let path = fixtures.join(name);
    std::fs::read(&path).map_err(|e| format!("cannot read the fixture {}: {e}", path.display()))
}

fn read_json(fixtures: &Path, name: &str) -> Result<Value, String> {
    serde_json::from_slice(&read(fixtures, name)?)
        .map_err(|e| format!("the fixture {name} is not JSON: {e}"))
}

fn four(fixtures: &Path, names: [&str; 4]) -> Result<[Value; 4], String> {
    Ok([
        read_json(fixtures, names[0])?,
        read_json(fixtures, names[1])?,
        read_json(fixtures, names[2])?,
        read_json(fixtures, names[3])?,
    ])
}

impl Generator {
    pub fn load(fixtures: &Path, start: DateTime<Utc>, spacing_s: i64) -> Result<Self, String> {
        let tautulli = four(
            fixtures,
            [
                "tautulli/play.json",
                "tautulli/pause.json",
                "tautulli/resume.json",
                "tautulli/stop.json",
            ],
        )?;
        let plex = four(
            fixtures,
            [
                "plex/media.play.episode.json",
                "plex/media.pause.episode.json",
                "plex/media.resume.episode.json",
                "plex/media.stop.episode.json",
            ],
        )?;
        let jf_start = read_json(fixtures, "jellyfin/PlaybackStart.json")?;
        let jf_progress = read_json(fixtures, "jellyfin/PlaybackProgress.json")?;
        let mut jf_paused = jf_progress.clone();
        jf_paused["IsPaused"] = json!(true);
        let jellyfin = [
            jf_start,
            jf_paused,
            jf_progress,
            read_json(fixtures, "jellyfin/PlaybackStop.json")?,
        ];
        let emby_pause = read_json(fixtures, "emby/playback.pause.json")?;
        let mut emby_unpause = emby_pause.clone();
        emby_unpause["Event"] = json!("playback.unpause");
        emby_unpause["Title"] = json!("lena resumed The Quiet Orbit");
        let emby = [
            read_json(fixtures, "emby/playback.start.json")?,
            emby_pause,
            emby_unpause,
            read_json(fixtures, "emby/playback.stop.json")?,
        ];
        let multipart = read(fixtures, "plex/media.play.multipart.body")?;
        let marker = format!("\r\n--{BOUNDARY}");
        let thumb_at = find(&multipart, marker.as_bytes(), 0)
            .ok_or("plex/media.play.multipart.body has no second part")?;
        Ok(Self {
            tautulli,
            plex,
            jellyfin,
            emby,
            plex_thumb_tail: multipart[thumb_at + 2..].to_vec(),
            start,
            spacing_s,
        })
    }

    /// The source of playback `p`: 40% Tautulli, 30% Plex, 15% Jellyfin, 15% Emby.
    fn source(playback: u64) -> Source {
        match playback % 20 {
            0..8 => Source::Tautulli,
            8..14 => Source::Plex,
            14..17 => Source::Jellyfin,
            _ => Source::Emby,
        }
    }

    pub fn webhook(&self, n: u64) -> Webhook {
        let (p, step) = (n / STEPS, (n % STEPS) as usize);
        let started = self.start + Duration::seconds(p as i64 * self.spacing_s);
        let at = started + Duration::seconds(STEP_AT_S[step]);
        let offset_ms = STEP_OFFSET_MS[step];
        let ticks = offset_ms * 10_000;
        let machine = format!("bench-{p:012x}");
        let item = 1_000_000 + p;
        let session = format!("{p:016x}{:016x}", p.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let source = Self::source(p);
        let (content_type, payload) = match source {
            Source::Tautulli => {
                let mut v = self.tautulli[step].clone();
                v["unixtime"] = json!(at.timestamp().to_string());
                v["utctime"] = json!(at.format("%Y-%m-%dT%H:%M:%S").to_string());
                v["session"]["session_key"] = json!(p.to_string());
                v["session"]["session_id"] = json!(session);
                v["session"]["started_unixtime"] = json!(started.timestamp().to_string());
                if step == 3 {
                    v["session"]["stopped_unixtime"] = json!(at.timestamp().to_string());
                }
                v["player"]["machine_id"] = json!(machine);
                v["media"]["rating_key"] = json!(item.to_string());
                v["progress"]["view_offset_ms"] = json!(offset_ms.to_string());
                ("application/json", v)
            }
            Source::Plex => {
                let mut v = self.plex[step].clone();
                v["Player"]["uuid"] = json!(machine);
                v["Metadata"]["ratingKey"] = json!(item.to_string());
                v["Metadata"]["key"] = json!(format!("/library/metadata/{item}"));
                v["Metadata"]["viewOffset"] = json!(offset_ms);
                v["Metadata"]["lastViewedAt"] = json!(at.timestamp());
                (PLEX_CONTENT_TYPE, v)
            }
            Source::Jellyfin => {
                let mut v = self.jellyfin[step].clone();
                let time = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
                v["Id"] = json!(session);
                v["DeviceId"] = json!(machine);
                v["ItemId"] = json!(format!("{item:032x}"));
                v["MediaSourceId"] = json!(format!("{item:032x}"));
                v["UtcTimestamp"] = json!(time);
                v["Timestamp"] = json!(time);
                v["PlaybackPositionTicks"] = json!(ticks);
                // The plugin's default: JSON sent as text/plain.
                ("text/plain; charset=utf-8", v)
            }
            Source::Emby => {
                let mut v = self.emby[step].clone();
                v["Session"]["Id"] = json!(session);
                v["Session"]["DeviceId"] = json!(machine);
                v["Item"]["Id"] = json!(item.to_string());
                v["Date"] = json!(at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
                v["PlaybackInfo"]["PositionTicks"] = json!(ticks);
                ("application/json", v)
            }
        };
        let payload = Bytes::from(payload.to_string());
        let body = if source == Source::Plex {
            self.multipart(&payload, step == 0)
        } else {
            payload.clone()
        };
        Webhook {
            source,
            content_type,
            body,
            payload,
            at,
        }
    }

    fn multipart(&self, payload: &[u8], with_thumb: bool) -> Bytes {
        let mut body = Vec::with_capacity(payload.len() + self.plex_thumb_tail.len() + 200);
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"payload\"\r\n\
                 Content-Type: application/json\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(payload);
        body.extend_from_slice(b"\r\n");
        if with_thumb {
            body.extend_from_slice(&self.plex_thumb_tail);
        } else {
            body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        }
        Bytes::from(body)
    }
}

/// Where the `nth` (0-based) occurrence of `needle` starts.
fn find(haystack: &[u8], needle: &[u8], nth: usize) -> Option<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .nth(nth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn generator() -> Generator {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        Generator::load(&fixtures, Utc::now() - Duration::hours(2), 1).unwrap()
    }

    #[test]
    fn every_webhook_parses_to_its_own_event() {
        let generator = generator();
        let mut ids = HashSet::new();
        let mut sources = HashSet::new();
        for n in 0..400 {
            let webhook = generator.webhook(n);
            let event = webhook.event().unwrap();
            sources.insert(event.source);
            assert!(
                ids.insert(event.event_id.clone()),
                "webhook {n}: duplicate id"
            );
        }
        assert_eq!(sources.len(), 4);
    }

    #[test]
    fn plex_is_multipart_with_the_thumbnail_on_play() {
        let generator = generator();
        let play = generator.webhook(8 * STEPS);
        assert_eq!(play.source, Source::Plex);
        assert!(PLEX_CONTENT_TYPE.ends_with(BOUNDARY));
        let body = String::from_utf8_lossy(&play.body);
        assert!(body.contains("name=\"payload\"") && body.contains("name=\"thumb\""));
        assert!(body.ends_with(&format!("--{BOUNDARY}--\r\n")));
        let pause = generator.webhook(8 * STEPS + 1);
        assert!(!String::from_utf8_lossy(&pause.body).contains("name=\"thumb\""));
    }
}

//! Webhook parsers: pure functions from a webhook body to a [`MediaEvent`], one module per
//! source (Tautulli, Plex, Jellyfin, Emby). No I/O here: the HTTP layer handles auth, size
//! limits and multipart, then calls [`parse`] and maps [`ParseError::code`] to a status.
//! A crate of its own so the fuzz targets build without DuckDB.

pub mod event;

mod emby;
mod error;
mod event_id;
mod fields;
mod jellyfin;
mod json;
mod plex;
mod shared;
mod tautulli;
pub mod tautulli_activity;
pub mod tautulli_history;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod support;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

use crate::event::{MediaEvent, Source};

pub use error::ParseError;
pub use json::{MAX_DEPTH, MAX_STRING_BYTES};

/// What a valid webhook turned out to be.
// Playback is the common case and is unpacked at once by the caller: boxing it would add an
// allocation per webhook to save stack space nobody keeps.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A playback event, ready for the bus.
    Playback(MediaEvent),
    /// A well-formed notification that is not about playback (Plex `library.new`, Jellyfin
    /// `ItemAdded`, Emby `item.markplayed`, Tautulli `created`, …). Answer 2xx, store
    /// nothing. `kind` is the source's own event name, for logs.
    Ignored { source: Source, kind: String },
    /// A test notification: Tautulli's template sent as it is, placeholders unfilled (its
    /// `notify`, or its "Test" button); Emby's "Send Test Notification"; the Jellyfin
    /// webhook plugin's proposed test send. Answer 2xx, store nothing. Plex has no test.
    Test { source: Source },
}

/// One received webhook, as the HTTP layer hands it over.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub source: Source,
    /// The request's `Content-Type` header; for Plex, the content type of the multipart
    /// `payload` part (usually absent). `None` is treated as JSON.
    pub content_type: Option<&'a str>,
    /// The body; for Plex, the bytes of the `payload` part.
    pub body: &'a [u8],
    /// When the webhook arrived; never part of the event id.
    pub received_at: DateTime<Utc>,
}

/// Parses one webhook body. Never panics, whatever the bytes.
pub fn parse(incoming: &Incoming) -> Result<Parsed, ParseError> {
    let format = body_format(incoming.source, incoming.content_type)?;
    match incoming.source {
        Source::Tautulli => tautulli::parse(incoming.body, incoming.received_at),
        Source::Plex => plex::parse(incoming.body, incoming.received_at),
        Source::Jellyfin => jellyfin::parse(incoming.body, incoming.received_at),
        Source::Emby => emby::parse(incoming.body, format, incoming.received_at),
    }
}

/// How the body is encoded, as far as the parser cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyFormat {
    Json,
    /// `application/x-www-form-urlencoded` with the JSON in a field `data` (Emby ≤ 4.8).
    Form,
}

/// Accepts what each source actually sends and refuses what it never does.
///
/// - Tautulli and Plex: JSON (`application/json`, `text/json`, `*/*+json`).
/// - Emby: JSON, or the legacy form (`application/x-www-form-urlencoded`).
/// - Jellyfin: any content type; its webhook plugin sends `text/plain` by default.
/// - No content type at all: JSON.
fn body_format(source: Source, content_type: Option<&str>) -> Result<BodyFormat, ParseError> {
    let Some(header) = content_type else {
        return Ok(BodyFormat::Json);
    };
    let essence = header
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence.is_empty() || source == Source::Jellyfin {
        return Ok(BodyFormat::Json);
    }
    let is_json =
        essence == "application/json" || essence == "text/json" || essence.ends_with("+json");
    let is_form = essence == "application/x-www-form-urlencoded";
    match (source, is_json, is_form) {
        (_, true, _) => Ok(BodyFormat::Json),
        (Source::Emby, _, true) => Ok(BodyFormat::Form),
        _ => Err(ParseError::UnsupportedContentType {
            sender: source,
            content_type: shorten_header(header),
            expected: match source {
                Source::Emby => "application/json or application/x-www-form-urlencoded",
                _ => "application/json",
            },
        }),
    }
}

/// Content types are client-controlled; keep error messages bounded.
fn shorten_header(header: &str) -> String {
    header.chars().take(100).collect()
}

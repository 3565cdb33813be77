//! Test helpers shared by the parser tests: fixtures from the repository copy, a fixed
//! arrival time, and shortcuts that parse or form-encode a body.

use chrono::{DateTime, TimeZone, Utc};
use percent_encoding::{percent_encode, NON_ALPHANUMERIC};

use super::{parse, Incoming, ParseError, Parsed};
use crate::event::{MediaEvent, Source};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/");

/// A fixture from the repository's tests/fixtures (never from outside the clone).
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{FIXTURES}{name}");
    std::fs::read(&path).unwrap_or_else(|error| panic!("fixture {path}: {error}"))
}

/// The arrival time used by tests: well after every fixture's own time.
pub fn received_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 11, 28, 9, 0, 0)
        .single()
        .expect("valid time")
}

pub fn parse_body(
    source: Source,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Parsed, ParseError> {
    parse(&Incoming {
        source,
        content_type,
        body,
        received_at: received_at(),
    })
}

/// Parses a body that must be a playback event.
pub fn playback(source: Source, content_type: Option<&str>, body: &[u8]) -> MediaEvent {
    match parse_body(source, content_type, body) {
        Ok(Parsed::Playback(event)) => event,
        other => panic!("{source:?}: expected a playback event, got {other:?}"),
    }
}

/// The body expected as an error from `source`.
pub fn refusal(source: Source, body: &[u8]) -> ParseError {
    match parse_body(source, None, body) {
        Err(error) => error,
        Ok(parsed) => panic!("{source:?}: expected an error, got {parsed:?}"),
    }
}

/// `data=<body, percent-encoded>`: Emby's legacy form.
pub fn form_encode_data(body: &[u8]) -> Vec<u8> {
    format!("data={}", percent_encode(body, NON_ALPHANUMERIC)).into_bytes()
}

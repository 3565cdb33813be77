//! Fuzz target: any bytes into the emby parser, under each content type the source sends.
//! The parser may refuse the input, but must never panic.
#![no_main]

use cartographus_sources::event::Source;
use cartographus_sources::{parse, Incoming};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [&str; 2] = ["application/json", "application/x-www-form-urlencoded"];

fuzz_target!(|body: &[u8]| {
    for content_type in CONTENT_TYPES {
        let _ = parse(&Incoming {
            source: Source::Emby,
            content_type: Some(content_type),
            body,
            received_at: chrono::DateTime::UNIX_EPOCH,
        });
    }
});

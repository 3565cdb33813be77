//! Property tests: arbitrary bytes, JSON-ish text, mutated fixtures and fixtures with any
//! value in any field go through `parse` for every source and content type without a panic.

use proptest::prelude::*;

use super::support::{fixture, form_encode_data, parse_body};
use super::tests::PLAYBACK_FIXTURES;
use super::Parsed;
use crate::event::Source;

fn content_types() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json")),
        Just(Some("text/plain")),
        Just(Some("application/x-www-form-urlencoded")),
        Just(Some("multipart/form-data; boundary=x")),
    ]
}

fn sources() -> impl Strategy<Value = Source> {
    prop::sample::select(Source::ALL.to_vec())
}

/// JSON-ish text: fragments of real payloads, brackets, quotes, escapes and placeholders.
fn jsonish() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just("\"event\":\"media.play\"".to_owned()),
        Just("\"event\":\"play\"".to_owned()),
        Just("\"NotificationType\":\"PlaybackStart\"".to_owned()),
        Just("\"Event\":\"playback.stop\"".to_owned()),
        Just("\"Player\":{\"uuid\":\"p\"}".to_owned()),
        Just("\"Metadata\":{\"ratingKey\":1,\"viewOffset\":-1}".to_owned()),
        Just("\"session_key\":\"{session_key}\"".to_owned()),
        Just("\"PlaybackPositionTicks\":1e30".to_owned()),
        Just("\"unixtime\":\"99999999999999999\"".to_owned()),
        Just("data=".to_owned()),
        Just("%7B".to_owned()),
        "[a-zA-Z0-9 .:_-]{0,12}".prop_map(|s| format!("\"{s}\"")),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|pieces| pieces.concat())
}

/// Any JSON value, biased toward the edge cases of field access: huge and negative
/// numbers, fractions, placeholders, numeric and non-numeric strings.
fn any_json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        Just(json!("{placeholder}")),
        Just(json!("")),
        Just(json!("1e400")),
        Just(json!("-1")),
        Just(json!("NaN")),
        Just(json!("2025-13-45T99:99:99")),
        ".{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[A-Za-z_]{1,8}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Every (path) of a fixture's keys, top level and one level down.
fn key_paths(value: &serde_json::Value) -> Vec<(String, Option<String>)> {
    let mut paths = Vec::new();
    if let Some(map) = value.as_object() {
        for (key, child) in map {
            paths.push((key.clone(), None));
            if let Some(child_map) = child.as_object() {
                for child_key in child_map.keys() {
                    paths.push((key.clone(), Some(child_key.clone())));
                }
            }
        }
    }
    paths
}

proptest! {
    #[test]
    fn any_value_in_any_fixture_field_never_panics(
        index in 0..PLAYBACK_FIXTURES.len(),
        pick in any::<prop::sample::Index>(),
        replacement in any_json_value(),
    ) {
        let (source, file, _) = PLAYBACK_FIXTURES[index];
        let mut body: serde_json::Value =
            serde_json::from_slice(&fixture(file)).expect("fixture is JSON");
        let paths = key_paths(&body);
        let (key, child) = pick.get(&paths).clone();
        match child {
            None => body[&key] = replacement,
            Some(child) => body[&key][&child] = replacement,
        }
        let result = parse_body(source, None, body.to_string().as_bytes());
        // A refusal always names a code; an acceptance keeps the source.
        match result {
            Ok(Parsed::Playback(event)) => prop_assert_eq!(event.source, source),
            Ok(Parsed::Ignored { source: ignored_by, .. }) => prop_assert_eq!(ignored_by, source),
            Ok(Parsed::Test { source: tested_by }) => prop_assert_eq!(tested_by, source),
            Err(error) => prop_assert!(!error.code().is_empty()),
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        source in sources(),
        content_type in content_types(),
        body in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let _ = parse_body(source, content_type, &body);
    }

    #[test]
    fn jsonish_text_never_panics(
        source in sources(),
        content_type in content_types(),
        body in jsonish(),
    ) {
        let _ = parse_body(source, content_type, body.as_bytes());
        let wrapped = format!("{{{body}}}");
        let _ = parse_body(source, content_type, wrapped.as_bytes());
        let form = form_encode_data(wrapped.as_bytes());
        let _ = parse_body(source, Some("application/x-www-form-urlencoded"), &form);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        index in 0..PLAYBACK_FIXTURES.len(),
        position in any::<prop::sample::Index>(),
        replacement in prop::collection::vec(any::<u8>(), 0..8),
    ) {
        let (source, file, content_type) = PLAYBACK_FIXTURES[index];
        let mut body = fixture(file);
        let at = position.index(body.len().max(1)).min(body.len());
        let end = (at + replacement.len()).min(body.len());
        body.splice(at..end, replacement).for_each(drop);
        let _ = parse_body(source, content_type, &body);
    }
}

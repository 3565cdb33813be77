//! Safe JSON decoding shared by every source: refuses empty bodies, invalid UTF-8, nesting
//! deeper than [`MAX_DEPTH`] and strings longer than [`MAX_STRING_BYTES`] with a cheap
//! pre-scan BEFORE serde builds anything, then requires a top-level object.

use serde_json::{Map, Value};

use super::error::ParseError;

/// Deepest nesting of objects and arrays accepted. Real payloads stay under 5 levels;
/// serde_json's own limit (128) would also hold, but ours gives a clear `too_deep`.
pub const MAX_DEPTH: usize = 64;

/// Longest single string accepted, measured on its encoded form in the body (escapes
/// count as written, so a string of many `\u00e9` escapes is judged by its wire size).
pub const MAX_STRING_BYTES: usize = 64 * 1024;

/// The longest key text quoted in an error message; keys are user-controlled.
const MAX_QUOTED_KEY_CHARS: usize = 64;

/// Decodes a webhook body into its top-level JSON object.
pub fn decode_object(body: &[u8]) -> Result<Map<String, Value>, ParseError> {
    let text = decode_text(body)?;
    prescan(text)?;
    let value: Value = serde_json::from_str(text).map_err(|error| ParseError::InvalidJson {
        detail: error.to_string(),
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ParseError::NotAnObject {
            found: describe_kind(&other),
        }),
    }
}

/// Checks that the body is non-blank UTF-8 and strips a leading byte-order mark (some
/// .NET and Windows senders write one; serde_json would refuse it).
pub fn decode_text(body: &[u8]) -> Result<&str, ParseError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::EmptyBody);
    }
    std::str::from_utf8(body).map_err(|error| ParseError::InvalidUtf8 {
        offset: error.valid_up_to(),
    })
}

/// "an array", "a number", …: how a value is named in error messages.
pub fn describe_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One open object or array during the pre-scan, with the key its current value sits under.
struct Frame {
    is_object: bool,
    /// Byte range (without quotes) of the most recent key in this object.
    key: Option<(usize, usize)>,
}

/// Walks the raw text once, tracking only bracket depth and string extents; brackets inside
/// strings are skipped. Malformed JSON is left for serde to describe.
fn prescan(text: &str) -> Result<(), ParseError> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut expecting_key = false;
    let mut position = 0;
    while let Some(&byte) = bytes.get(position) {
        match byte {
            b'{' | b'[' => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError::TooDeep { limit: MAX_DEPTH });
                }
                let is_object = byte == b'{';
                stack.push(Frame {
                    is_object,
                    key: None,
                });
                expecting_key = is_object;
            }
            b'}' | b']' => {
                stack.pop();
                expecting_key = false;
            }
            b',' => expecting_key = stack.last().is_some_and(|frame| frame.is_object),
            b':' => expecting_key = false,
            b'"' => {
                let start = position + 1;
                let end = string_end(bytes, start);
                if end - start > MAX_STRING_BYTES {
                    return Err(ParseError::StringTooLong {
                        field: long_string_place(text, &stack, expecting_key),
                        limit: MAX_STRING_BYTES,
                    });
                }
                if expecting_key {
                    if let Some(frame) = stack.last_mut() {
                        frame.key = Some((start, end));
                    }
                }
                // Continue after the closing quote (or stop at the end of a truncated body).
                position = end;
            }
            _ => {}
        }
        position += 1;
    }
    Ok(())
}

/// Index of the closing quote of the string whose content starts at `start`, honouring
/// backslash escapes; `bytes.len()` when the string is never closed.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut position = start;
    while let Some(&byte) = bytes.get(position) {
        match byte {
            b'\\' => position += 2,
            b'"' => return position,
            _ => position += 1,
        }
    }
    bytes.len()
}

/// Names where an over-long string sits: the dotted key path (`Metadata.title`), with `[]`
/// for array elements.
fn long_string_place(text: &str, stack: &[Frame], is_key: bool) -> String {
    if is_key {
        return "an object key".to_owned();
    }
    let path: Vec<String> = stack
        .iter()
        .map(|frame| match (frame.is_object, frame.key) {
            (true, Some((start, end))) => quoted_key(text, start, end),
            (true, None) => "?".to_owned(),
            (false, _) => "[]".to_owned(),
        })
        .collect();
    if path.is_empty() {
        "the top-level value".to_owned()
    } else {
        format!("field `{}`", path.join(".").replace(".[]", "[]"))
    }
}

fn quoted_key(text: &str, start: usize, end: usize) -> String {
    let key = text.get(start..end).unwrap_or("?");
    key.chars().take(MAX_QUOTED_KEY_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: &[u8]) -> &'static str {
        match decode_object(body) {
            Ok(_) => "ok",
            Err(error) => error.code(),
        }
    }

    #[test]
    fn accepts_an_object_and_strips_a_bom() {
        let map = decode_object(b"\xEF\xBB\xBF {\"a\": [1, {\"b\": \"}]{[\"}]}").expect("object");
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn refuses_blank_bodies() {
        assert_eq!(code(b""), "empty_body");
        assert_eq!(code(b" \r\n\t "), "empty_body");
    }

    #[test]
    fn refuses_invalid_utf8_with_the_offset() {
        let error = decode_object(b"{\"a\":\"\xff\"}").expect_err("invalid");
        assert_eq!(error, ParseError::InvalidUtf8 { offset: 6 });
    }

    #[test]
    fn refuses_top_level_non_objects() {
        assert_eq!(
            decode_object(b"[1]").expect_err("array"),
            ParseError::NotAnObject { found: "an array" }
        );
        assert_eq!(code(b"\"text\""), "not_an_object");
        assert_eq!(code(b"42"), "not_an_object");
        assert_eq!(code(b"null"), "not_an_object");
    }

    #[test]
    fn depth_limit_is_exact() {
        let at_limit = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let wrapped = format!("{{\"a\":{}}}", &at_limit[1..at_limit.len() - 1]);
        assert_eq!(code(wrapped.as_bytes()), "ok");
        let over = format!(
            "{{\"a\":{}{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert_eq!(code(over.as_bytes()), "too_deep");
    }

    #[test]
    fn brackets_inside_strings_do_not_count() {
        let body = format!(
            "{{\"a\":\"{}\",\"b\":\"\\\"{}\"}}",
            "[".repeat(500),
            "{".repeat(500)
        );
        assert_eq!(code(body.as_bytes()), "ok");
    }

    #[test]
    fn unclosed_deep_nesting_is_too_deep_not_a_crash() {
        assert_eq!(code("[".repeat(100_000).as_bytes()), "too_deep");
    }

    #[test]
    fn long_strings_are_refused_with_their_path() {
        let value = "x".repeat(MAX_STRING_BYTES + 1);
        let body = format!("{{\"Metadata\":{{\"tags\":[\"{value}\"]}}}}");
        let error = decode_object(body.as_bytes()).expect_err("too long");
        assert_eq!(error.code(), "string_too_long");
        assert_eq!(error.field(), Some("field `Metadata.tags[]`"));

        let key_body = format!("{{\"{value}\":1}}");
        let error = decode_object(key_body.as_bytes()).expect_err("key too long");
        assert_eq!(error.field(), Some("an object key"));

        let at_limit = format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_STRING_BYTES));
        assert_eq!(code(at_limit.as_bytes()), "ok");
    }

    #[test]
    fn unterminated_long_string_is_still_too_long() {
        let body = format!("{{\"a\":\"{}", "x".repeat(MAX_STRING_BYTES + 10));
        assert_eq!(code(body.as_bytes()), "string_too_long");
    }

    #[test]
    fn truncated_json_is_invalid_json_with_position() {
        let error = decode_object(b"{\"a\":{\"b\":\"c").expect_err("truncated");
        assert_eq!(error.code(), "invalid_json");
        assert!(error.to_string().contains("line 1"), "{error}");
    }

    #[test]
    fn escaped_quotes_do_not_end_a_string() {
        assert_eq!(code(br#"{"a":"x\"]]]]","b":{}}"#), "ok");
        assert_eq!(code(br#"{"a":"x\\"}"#), "ok");
    }
}

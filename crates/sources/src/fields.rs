//! Lenient, typed access to the fields of a decoded payload. Empty strings and unfilled
//! Tautulli placeholders (`"{title}"`) count as absent, numbers may arrive as strings, and
//! every refusal names the dotted path of the field (`Metadata.viewOffset`).

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

use super::error::ParseError;
use super::json::describe_kind;

/// Milliseconds per .NET tick unit: Jellyfin and Emby count positions in 100 ns ticks.
const TICKS_PER_MS: i64 = 10_000;

/// The longest value quoted back in an error message.
const MAX_QUOTED_CHARS: usize = 40;

/// A JSON object together with its path from the root, for error messages.
#[derive(Debug, Clone)]
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    pub fn root(map: &'a Map<String, Value>) -> Self {
        Obj {
            map,
            path: String::new(),
        }
    }

    /// The dotted path of `key` inside this object.
    pub fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value under `key`, or `None` when absent, null, blank or a placeholder.
    fn present(&self, key: &str) -> Option<&'a Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if is_absent_text(text) => None,
            Some(value) => Some(value),
        }
    }

    fn wrong_type(&self, key: &str, expected: &'static str, value: &Value) -> ParseError {
        ParseError::WrongType {
            field: self.path_of(key),
            expected,
            found: describe_value(value),
        }
    }

    /// A nested object. Anything else that is present is a `wrong_type`.
    pub fn object(&self, key: &str) -> Result<Option<Obj<'a>>, ParseError> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Obj {
                map,
                path: self.path_of(key),
            })),
            Some(other) => Err(self.wrong_type(key, "an object", other)),
        }
    }

    /// A nested object, or `None` for any other value: for keys that are a section in one
    /// template shape and a plain value in another (Tautulli's `player`, `user`).
    pub fn object_if_any(&self, key: &str) -> Option<Obj<'a>> {
        match self.map.get(key) {
            Some(Value::Object(map)) => Some(Obj {
                map,
                path: self.path_of(key),
            }),
            _ => None,
        }
    }

    /// True when `key` holds an object (so it is a section, not a value).
    pub fn holds_object(&self, key: &str) -> bool {
        matches!(self.map.get(key), Some(Value::Object(_)))
    }

    /// Strictly a string: for names that select behaviour (event names), where a number
    /// means the payload is not what we think it is.
    pub fn string(&self, key: &str) -> Result<Option<String>, ParseError> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
        }
    }

    /// Text for display or identity: a string, or a number written as text (ids such as
    /// Plex's `Account.id` are numbers; a title may be numeric).
    pub fn text(&self, key: &str) -> Result<Option<String>, ParseError> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Number(number)) => Ok(Some(number.to_string())),
            Some(other) => Err(self.wrong_type(key, "a string or a number", other)),
        }
    }

    /// An integer from a JSON number or a numeric string (Tautulli sends only strings).
    /// Fractions are truncated toward zero; a non-numeric string is a `wrong_type`.
    pub fn integer(&self, key: &str) -> Result<Option<i64>, ParseError> {
        let Some(value) = self.present(key) else {
            return Ok(None);
        };
        let parsed = match value {
            Value::Number(number) => number
                .as_i64()
                .or_else(|| number.as_f64().and_then(float_to_integer)),
            Value::String(text) => parse_integer_text(text.trim()),
            other => return Err(self.wrong_type(key, "an integer", other)),
        };
        match parsed {
            Some(integer) => Ok(Some(integer)),
            None if is_numeric(value) => Err(ParseError::OutOfRange {
                field: self.path_of(key),
                value: quote_value(value),
            }),
            None => Err(self.wrong_type(key, "an integer", value)),
        }
    }

    /// Milliseconds as the event model stores them (`u32`, 49 days).
    pub fn millis(&self, key: &str) -> Result<Option<u32>, ParseError> {
        self.integer(key)?
            .map(|ms| self.to_u32(key, ms))
            .transpose()
    }

    /// Seconds, converted to milliseconds.
    pub fn seconds_as_millis(&self, key: &str) -> Result<Option<u32>, ParseError> {
        self.integer(key)?
            .map(|seconds| self.to_u32(key, seconds.saturating_mul(1000)))
            .transpose()
    }

    /// .NET ticks (100 ns), converted to milliseconds.
    pub fn ticks_as_millis(&self, key: &str) -> Result<Option<u32>, ParseError> {
        self.integer(key)?
            .map(|ticks| self.to_u32(key, ticks / TICKS_PER_MS))
            .transpose()
    }

    /// A year (or any small integer).
    pub fn year(&self, key: &str) -> Result<Option<i32>, ParseError> {
        self.integer(key)?
            .map(|year| {
                i32::try_from(year).map_err(|_| ParseError::OutOfRange {
                    field: self.path_of(key),
                    value: year.to_string(),
                })
            })
            .transpose()
    }

    fn to_u32(&self, key: &str, value: i64) -> Result<u32, ParseError> {
        u32::try_from(value).map_err(|_| ParseError::OutOfRange {
            field: self.path_of(key),
            value: value.to_string(),
        })
    }

    /// A flag: `true`/`false`, `1`/`0`, or those as strings (Tautulli's `"1"`).
    pub fn flag(&self, key: &str) -> Result<Option<bool>, ParseError> {
        let Some(value) = self.present(key) else {
            return Ok(None);
        };
        let flag = match value {
            Value::Bool(flag) => Some(*flag),
            Value::Number(number) => match number.as_i64() {
                Some(1) => Some(true),
                Some(0) => Some(false),
                _ => None,
            },
            Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => Some(true),
                "0" | "false" | "no" => Some(false),
                _ => None,
            },
            _ => None,
        };
        flag.map(Some)
            .ok_or_else(|| self.wrong_type(key, "a boolean (true/false or 1/0)", value))
    }

    /// A point in time written as ISO 8601 / RFC 3339; a time without a zone is UTC.
    pub fn time(&self, key: &str) -> Result<Option<DateTime<Utc>>, ParseError> {
        let Some(text) = self.string(key)? else {
            return Ok(None);
        };
        parse_time(text.trim())
            .map(Some)
            .ok_or_else(|| ParseError::WrongType {
                field: self.path_of(key),
                expected: "an ISO 8601 time",
                found: format!("\"{}\"", shorten(&text)),
            })
    }

    /// A unix time in seconds.
    pub fn unix_seconds(&self, key: &str) -> Result<Option<DateTime<Utc>>, ParseError> {
        self.integer(key)?
            .map(|seconds| {
                Utc.timestamp_opt(seconds, 0)
                    .single()
                    .ok_or_else(|| ParseError::OutOfRange {
                        field: self.path_of(key),
                        value: seconds.to_string(),
                    })
            })
            .transpose()
    }
}

/// Reads from a section that may be absent: `None` when it is.
pub fn optional<T>(
    section: Option<&Obj>,
    read: impl FnOnce(&Obj) -> Result<Option<T>, ParseError>,
) -> Result<Option<T>, ParseError> {
    section.map(read).transpose().map(Option::flatten)
}

/// Empty, whitespace-only, or an unfilled Tautulli `{param}`: the sender had no value.
pub fn is_absent_text(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.is_empty() || is_placeholder(trimmed)
}

/// `{title}`: starts with `{`, ends with `}`, no whitespace inside. Real values that look
/// like this do not occur in the fields we read (ids, names, numbers).
fn is_placeholder(text: &str) -> bool {
    text.len() >= 2
        && text.starts_with('{')
        && text.ends_with('}')
        && !text.chars().any(char::is_whitespace)
}

fn parse_integer_text(text: &str) -> Option<i64> {
    text.parse::<i64>()
        .ok()
        .or_else(|| text.parse::<f64>().ok().and_then(float_to_integer))
}

fn float_to_integer(value: f64) -> Option<i64> {
    // i64::MAX as f64 rounds up to 2^63, so the bound must be exclusive.
    let limit = 9_223_372_036_854_775_808.0_f64;
    (value.is_finite() && value.trunc() < limit && value.trunc() >= -limit)
        .then(|| value.trunc() as i64)
}

/// True for values that are numbers but did not fit (so the error is out_of_range, not
/// wrong_type).
fn is_numeric(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::String(text) => text.trim().parse::<f64>().is_ok_and(f64::is_finite),
        _ => false,
    }
}

/// RFC 3339 with any fraction (Jellyfin and Emby write 7 digits), or a zone-less ISO time
/// taken as UTC (Tautulli's `{utctime}`), with `T` or a space between date and time.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            format!("{} ({})", describe_kind(value), quote_value(value))
        }
        _ => describe_kind(value).to_owned(),
    }
}

fn quote_value(value: &Value) -> String {
    match value {
        Value::String(text) => format!("\"{}\"", shorten(text)),
        other => shorten(&other.to_string()),
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > MAX_QUOTED_CHARS {
        let head: String = text.chars().take(MAX_QUOTED_CHARS).collect();
        format!("{head}…")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;

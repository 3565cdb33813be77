//! `ParseError`: why a webhook body was refused. Each variant has a stable machine code
//! ([`ParseError::code`]) for the HTTP layer and the DLQ, and a message that names what is
//! wrong (which field, which part) so a user can fix their template.

use crate::event::Source;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the body is empty")]
    EmptyBody,

    #[error("the body is not valid UTF-8 (first invalid byte at offset {offset})")]
    InvalidUtf8 { offset: usize },

    /// `detail` is serde_json's message, which carries the line and column.
    #[error("the body is not valid JSON: {detail}")]
    InvalidJson { detail: String },

    #[error("the body must be a JSON object, but it is {found}")]
    NotAnObject { found: &'static str },

    #[error("the JSON nests deeper than {limit} levels")]
    TooDeep { limit: usize },

    /// `field` is the dotted path of the value (e.g. `Metadata.title`), or a description
    /// when the long string is an object key or sits at an unnamed place.
    #[error("a string in {field} is longer than the limit of {limit} bytes")]
    StringTooLong { field: String, limit: usize },

    /// `hint` says what would also have been accepted (may be empty).
    #[error("the required field `{field}` is missing or empty{hint}")]
    MissingField { field: String, hint: &'static str },

    #[error("the field `{field}` must be {expected}, but it is {found}")]
    WrongType {
        field: String,
        expected: &'static str,
        found: String,
    },

    #[error("the field `{field}` is out of range: {value}")]
    OutOfRange { field: String, value: String },

    #[error(
        "content type `{content_type}` is not accepted for {name} webhooks (expected {expected})",
        name = .sender.as_str()
    )]
    UnsupportedContentType {
        sender: Source,
        content_type: String,
        expected: &'static str,
    },

    /// For the HTTP layer's multipart extraction (Plex): no part named `payload`.
    #[error("the multipart body has no part named `payload`")]
    MultipartNoPayload,

    /// For the HTTP layer's multipart extraction (Plex): the multipart framing is broken.
    #[error("the multipart body is malformed: {detail}")]
    MultipartMalformed { detail: String },

    /// For the HTTP layer: the connection failed while the body was being read.
    #[error("the body could not be read: {detail}")]
    BodyUnreadable { detail: String },
}

impl ParseError {
    /// A stable, machine-readable code: part of the external contract (HTTP error bodies,
    /// DLQ entries). Never change an existing one.
    pub fn code(&self) -> &'static str {
        match self {
            ParseError::EmptyBody => "empty_body",
            ParseError::InvalidUtf8 { .. } => "invalid_utf8",
            ParseError::InvalidJson { .. } => "invalid_json",
            ParseError::NotAnObject { .. } => "not_an_object",
            ParseError::TooDeep { .. } => "too_deep",
            ParseError::StringTooLong { .. } => "string_too_long",
            ParseError::MissingField { .. } => "missing_field",
            ParseError::WrongType { .. } => "wrong_type",
            ParseError::OutOfRange { .. } => "out_of_range",
            ParseError::UnsupportedContentType { .. } => "unsupported_content_type",
            ParseError::MultipartNoPayload => "multipart_no_payload",
            ParseError::MultipartMalformed { .. } => "multipart_malformed",
            ParseError::BodyUnreadable { .. } => "body_unreadable",
        }
    }

    /// The field the error is about, when there is one (for tests and structured logs).
    pub fn field(&self) -> Option<&str> {
        match self {
            ParseError::StringTooLong { field, .. }
            | ParseError::MissingField { field, .. }
            | ParseError::WrongType { field, .. }
            | ParseError::OutOfRange { field, .. } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn missing(field: impl Into<String>) -> Self {
        ParseError::MissingField {
            field: field.into(),
            hint: "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field() {
        let error = ParseError::WrongType {
            field: "media.year".into(),
            expected: "an integer",
            found: "the string \"soon\"".into(),
        };
        assert_eq!(error.code(), "wrong_type");
        assert_eq!(error.field(), Some("media.year"));
        assert_eq!(
            error.to_string(),
            "the field `media.year` must be an integer, but it is the string \"soon\""
        );
        let missing = ParseError::MissingField {
            field: "session_key".into(),
            hint: " (or both `rating_key` and `machine_id`)",
        };
        assert_eq!(
            missing.to_string(),
            "the required field `session_key` is missing or empty (or both `rating_key` and `machine_id`)"
        );
    }

    #[test]
    fn unsupported_content_type_names_the_source() {
        let error = ParseError::UnsupportedContentType {
            sender: Source::Plex,
            content_type: "text/html".into(),
            expected: "application/json",
        };
        assert_eq!(error.code(), "unsupported_content_type");
        assert!(error.to_string().contains("plex"), "{error}");
    }
}

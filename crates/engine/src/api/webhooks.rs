//! `POST /webhooks/{source}`: authenticate, read the body within its limit while it
//! streams, parse it into a `MediaEvent`, make it durable, answer. Bad input gets a 4xx that
//! names the problem, and its body is kept for the dead-letter view.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use futures_util::StreamExt;
use serde_json::json;

use super::auth::query_param;
use super::error::ApiError;
use super::{AppState, MAX_BODY_BYTES};
use crate::event::Source;
use crate::handle::intake::{Admitted, WebhookAnswer};
use crate::handle::EngineHandle;
use crate::ingest::Accepted;
use crate::sources::{self, Incoming, ParseError, Parsed};

/// Plex's multipart body may carry a thumbnail beside the payload; the thumbnail is drained
/// unread, so the whole body may be larger than the payload limit.
const MAX_MULTIPART_BYTES: u64 = 16 * 1024 * 1024;

const TOKEN_HEADER: &str = "x-cartographus-token";

pub async fn receive(
    State(state): State<AppState>,
    Path(source): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let arrived = std::time::Instant::now();
    if state.engine.ingestion().paused {
        return paused_answer();
    }
    let admitted = match admit(&state.engine, &source, query.as_deref(), &headers, body).await {
        Admission::Admitted(admitted) => admitted,
        Admission::Rejected(error) => return error.into_response(),
    };
    match state.engine.take_webhook(admitted, &headers, arrived).await {
        Ok(WebhookAnswer::Accepted(accepted)) => accepted_answer(&accepted),
        Ok(WebhookAnswer::Ignored { kind }) => (
            StatusCode::ACCEPTED,
            Json(json!({ "status": "ignored", "kind": kind })),
        )
            .into_response(),
        Ok(WebhookAnswer::Test { source }) => (
            StatusCode::OK,
            Json(json!({ "status": "test", "source": source.as_str() })),
        )
            .into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// 503 with `Retry-After`: the user paused ingestion; nothing of the request was read.
fn paused_answer() -> Response {
    let mut response = ApiError::ingestion_paused().into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("60"),
    );
    response
}

/// What the front door decided, before anything is written.
// Admitted (a playback, mostly) is moved on at once; boxing it would cost an allocation per
// webhook for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Admission {
    /// Authenticated and read within the limit; the engine takes it from here.
    Admitted(Admitted),
    /// Refused without keeping anything (unknown source, bad token, too large).
    Rejected(ApiError),
}

/// Authenticates, reads the body within its limit and parses it. No I/O beyond the body:
/// this is the part of a webhook's cost that does not depend on the durable write.
pub async fn admit(
    engine: &EngineHandle,
    source: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
) -> Admission {
    let Some(source) = Source::parse(source) else {
        return Admission::Rejected(ApiError::not_found(format!(
            "no webhook source {source:?}; use tautulli, plex, jellyfin or emby"
        )));
    };
    let presented = headers
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .or_else(|| query_param(query?, "token"));
    let authorized = match (engine.webhook_token(source.as_str()), presented) {
        (Some(secret), Some(token)) => secret.matches(token),
        _ => false,
    };
    if !authorized {
        return Admission::Rejected(ApiError::unauthorized());
    }

    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let body = match read_body(source, content_type, headers, body).await {
        Ok(body) => body,
        Err(BodyError::TooLarge(limit)) => {
            return Admission::Rejected(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("the body is larger than {limit} bytes"),
            ))
        }
        Err(BodyError::Unreadable(error)) => {
            return Admission::Admitted(Admitted::Unreadable {
                source,
                error,
                body: Vec::new(),
                content_type: content_type.map(str::to_string),
            })
        }
    };
    let incoming = Incoming {
        source,
        content_type: body.content_type.as_deref(),
        body: &body.bytes,
        received_at: Utc::now(),
    };
    Admission::Admitted(match sources::parse(&incoming) {
        Ok(Parsed::Playback(event)) => Admitted::Playback {
            event,
            body: body.bytes,
            content_type: body.content_type,
        },
        Ok(Parsed::Ignored { kind, .. }) => Admitted::Ignored { source, kind },
        Ok(Parsed::Test { .. }) => Admitted::Test { source },
        Err(error) => Admitted::Unreadable {
            source,
            error,
            body: body.bytes,
            content_type: body.content_type,
        },
    })
}

pub fn accepted_answer(accepted: &Accepted) -> Response {
    (
        StatusCode::ACCEPTED,
        Json(json!({
            "status": "accepted",
            "event_id": accepted.event_id,
            "duplicate": accepted.duplicate,
            "spooled": accepted.spooled,
        })),
    )
        .into_response()
}

struct ReadBody {
    bytes: Vec<u8>,
    /// For multipart, the payload part's own content type (JSON).
    content_type: Option<String>,
}

enum BodyError {
    TooLarge(u64),
    /// Nothing usable was read; the refusal is kept without a body.
    Unreadable(ParseError),
}

async fn read_body(
    source: Source,
    content_type: Option<&str>,
    headers: &HeaderMap,
    body: Body,
) -> Result<ReadBody, BodyError> {
    let multipart = content_type.is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    });
    let declared: Option<u64> = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    if multipart && source == Source::Plex {
        if declared.is_some_and(|n| n > MAX_MULTIPART_BYTES) {
            return Err(BodyError::TooLarge(MAX_MULTIPART_BYTES));
        }
        return read_plex_payload(content_type.unwrap_or_default(), body).await;
    }
    let limit = MAX_BODY_BYTES as u64;
    if declared.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(limit) as usize);
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            BodyError::Unreadable(ParseError::BodyUnreadable {
                detail: e.to_string(),
            })
        })?;
        if bytes.len() as u64 + chunk.len() as u64 > limit {
            return Err(BodyError::TooLarge(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(ReadBody {
        bytes,
        content_type: content_type.map(str::to_string),
    })
}

/// Reads only the `payload` part, whatever the order of parts; every other part (the
/// thumbnail) is drained chunk by chunk and never kept.
async fn read_plex_payload(content_type: &str, body: Body) -> Result<ReadBody, BodyError> {
    let boundary = multer::parse_boundary(content_type).map_err(|e| {
        BodyError::Unreadable(ParseError::MultipartMalformed {
            detail: format!("the Content-Type has no usable boundary: {e}"),
        })
    })?;
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(MAX_MULTIPART_BYTES)
            .for_field("payload", MAX_BODY_BYTES as u64),
    );
    let mut multipart =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut payload: Option<Vec<u8>> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(e)),
        };
        let is_payload = field.name() == Some("payload") && payload.is_none();
        let mut field = field;
        let mut kept = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) if is_payload => kept.extend_from_slice(&chunk),
                Ok(Some(_thumbnail)) => {}
                Ok(None) => break,
                Err(e) => return Err(multipart_error(e)),
            }
        }
        if is_payload {
            payload = Some(kept);
        }
    }
    match payload {
        Some(bytes) => Ok(ReadBody {
            bytes,
            content_type: Some("application/json".to_string()),
        }),
        None => Err(BodyError::Unreadable(ParseError::MultipartNoPayload)),
    }
}

fn multipart_error(error: multer::Error) -> BodyError {
    match error {
        multer::Error::FieldSizeExceeded { limit, .. }
        | multer::Error::StreamSizeExceeded { limit } => BodyError::TooLarge(limit),
        other => BodyError::Unreadable(ParseError::MultipartMalformed {
            detail: other.to_string(),
        }),
    }
}

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
use crate::dlq::RejectedBody;
use crate::engine::EngineHandle;
use crate::event::Source;
use crate::ingest::{Accepted, IngestError};
use crate::sources::{self, Incoming, Parsed};

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
    if state.engine.ingestion_paused() {
        return paused_answer();
    }
    match admit(&state.engine, &source, query.as_deref(), &headers, body).await {
        Admission::Playback(Playback {
            event,
            body,
            content_type,
        }) => {
            let source = event.source;
            match state.engine.ingest().accept(event).await {
                Ok(accepted) => {
                    let metrics = state.engine.metrics();
                    metrics.ingest.record(source, Utc::now().timestamp());
                    metrics
                        .ack
                        .record_ms(arrived.elapsed().as_secs_f64() * 1000.0);
                    accepted_answer(&accepted)
                }
                // Valid, but more than the bus can carry: refused like bad input, body kept.
                Err(e @ IngestError::TooLarge { .. }) => {
                    let refusal = Refusal {
                        source,
                        code: e.code(),
                        message: e.to_string(),
                        raw: body,
                        content_type,
                    };
                    refuse(&state, &headers, refusal).await
                }
                Err(e) => {
                    tracing::error!(source = source.as_str(), "event not made durable: {e}");
                    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.code(), e.to_string())
                        .into_response()
                }
            }
        }
        Admission::Ignored { source, kind } => {
            state.engine.ingest().count_ignored(source, &kind);
            (
                StatusCode::ACCEPTED,
                Json(json!({ "status": "ignored", "kind": kind })),
            )
                .into_response()
        }
        Admission::Test { source } => {
            state.engine.note_test_notification(source);
            (
                StatusCode::OK,
                Json(json!({ "status": "test", "source": source.as_str() })),
            )
                .into_response()
        }
        Admission::Refused(refusal) => refuse(&state, &headers, refusal).await,
        Admission::Rejected(error) => error.into_response(),
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
// Playback is the common case and is moved on at once; boxing it would cost an allocation
// per webhook for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Admission {
    Playback(Playback),
    /// A valid notification that is not about playback (library.new, …).
    Ignored {
        source: Source,
        kind: String,
    },
    /// A test notification (an unfilled template): answered 2xx, never stored.
    Test {
        source: Source,
    },
    /// Bad input within the size limit: answered 4xx, and the raw body is kept.
    Refused(Refusal),
    /// Refused without keeping anything (unknown source, bad token, too large).
    Rejected(ApiError),
}

/// A playback event and the body it came from: an event refused after parsing (too large
/// for the bus) still leaves its body in the DLQ.
pub struct Playback {
    pub event: crate::event::MediaEvent,
    pub body: Vec<u8>,
    /// The content type the body was parsed as; None is JSON.
    pub content_type: Option<String>,
}

pub struct Refusal {
    pub source: Source,
    pub code: &'static str,
    pub message: String,
    pub raw: Vec<u8>,
    /// The content type the body was parsed as; None is JSON.
    pub content_type: Option<String>,
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
        Err(BodyError::Bad { code, message, raw }) => {
            return Admission::Refused(Refusal {
                source,
                code,
                message,
                raw,
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
    match sources::parse(&incoming) {
        Ok(Parsed::Playback(event)) => Admission::Playback(Playback {
            event,
            body: body.bytes,
            content_type: body.content_type,
        }),
        Ok(Parsed::Ignored { kind, .. }) => Admission::Ignored { source, kind },
        Ok(Parsed::Test { .. }) => Admission::Test { source },
        Err(error) => Admission::Refused(Refusal {
            source,
            code: error.code(),
            message: error.to_string(),
            raw: body.bytes,
            content_type: body.content_type,
        }),
    }
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

/// 400 (or 415, 413) naming the problem; the body is kept for the DLQ view first.
async fn refuse(state: &AppState, headers: &HeaderMap, refusal: Refusal) -> Response {
    let Refusal {
        source,
        code,
        message,
        raw,
        content_type,
    } = refusal;
    let status = match code {
        "unsupported_content_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "event_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    let rejected = RejectedBody {
        source: source.as_str().to_string(),
        code: code.to_string(),
        reason: message.clone(),
        headers: RejectedBody::safe_headers(
            headers
                .iter()
                .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
        ),
        body: raw,
        content_type,
        at: Utc::now(),
    };
    if let Err(e) = state.engine.ingest().reject(rejected).await {
        tracing::error!(source = source.as_str(), "cannot keep a refused body: {e}");
    }
    tracing::info!(source = source.as_str(), code, "webhook refused: {message}");
    ApiError::new(status, code, message).into_response()
}

struct ReadBody {
    bytes: Vec<u8>,
    /// For multipart, the payload part's own content type (JSON).
    content_type: Option<String>,
}

enum BodyError {
    TooLarge(u64),
    Bad {
        code: &'static str,
        message: String,
        raw: Vec<u8>,
    },
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
        let chunk = chunk.map_err(|e| BodyError::Bad {
            code: "body_unreadable",
            message: format!("the body could not be read: {e}"),
            raw: Vec::new(),
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
    let bad = |code: &'static str, message: String| BodyError::Bad {
        code,
        message,
        raw: Vec::new(),
    };
    let boundary = multer::parse_boundary(content_type).map_err(|e| {
        bad(
            "multipart_malformed",
            format!("the multipart Content-Type has no usable boundary: {e}"),
        )
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
        None => Err(bad(
            "multipart_no_payload",
            "the multipart body has no part named \"payload\"".to_string(),
        )),
    }
}

fn multipart_error(error: multer::Error) -> BodyError {
    match error {
        multer::Error::FieldSizeExceeded { limit, .. }
        | multer::Error::StreamSizeExceeded { limit } => BodyError::TooLarge(limit),
        other => BodyError::Bad {
            code: "multipart_malformed",
            message: format!("the multipart body is malformed: {other}"),
            raw: Vec::new(),
        },
    }
}

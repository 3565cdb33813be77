//! What the engine does with a webhook the HTTP edge has admitted (authenticated, read within
//! its limit, parsed): make a playback durable and time it, count a notification that is not
//! one, note a test, keep a refused body for the dead-letter view. The edge only turns the
//! answer or the error into HTTP.

use std::time::Instant;

use axum::http::HeaderMap;
use chrono::Utc;

use super::EngineHandle;
use crate::dlq::RejectedBody;
use crate::error::{CodedError, ErrorKind};
use crate::event::{MediaEvent, Source};
use crate::ingest::{Accepted, IngestError};
use crate::sources::ParseError;

/// A webhook past the door, sorted by what its body is.
// Playback is the common case and is moved on at once; boxing it would cost an allocation
// per webhook for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Admitted {
    Playback {
        event: MediaEvent,
        /// The body it came from: an event refused after parsing (too large for the bus)
        /// still leaves its body in the DLQ.
        body: Vec<u8>,
        /// The content type the body was parsed as; None is JSON.
        content_type: Option<String>,
    },
    /// A valid notification that is not about playback (library.new, …).
    Ignored { source: Source, kind: String },
    /// A test notification (an unfilled template): answered, never stored.
    Test { source: Source },
    /// A body that cannot be read as this source's webhook.
    Unreadable {
        source: Source,
        error: ParseError,
        body: Vec<u8>,
        content_type: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookAnswer {
    Accepted(Accepted),
    Ignored { kind: String },
    Test { source: Source },
}

/// Why a webhook was not taken.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The sender sent something the engine can never take; its body is kept as a
    /// `rejected` dead letter (4xx).
    #[error(transparent)]
    Unreadable(ParseError),
    /// Valid, but larger than the bus carries; its body is kept as well (413).
    #[error(transparent)]
    TooLarge(IngestError),
    /// The event could not be made durable now; the sender should try again (503).
    #[error(transparent)]
    NotDurable(IngestError),
}

impl CodedError for WebhookError {
    fn code(&self) -> &str {
        match self {
            WebhookError::Unreadable(e) => e.code(),
            WebhookError::TooLarge(e) | WebhookError::NotDurable(e) => e.code(),
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            WebhookError::Unreadable(ParseError::UnsupportedContentType { .. }) => {
                ErrorKind::UnsupportedMediaType
            }
            WebhookError::Unreadable(_) => ErrorKind::BadRequest,
            WebhookError::TooLarge(e) | WebhookError::NotDurable(e) => e.kind(),
        }
    }
}

impl EngineHandle {
    /// Takes an admitted webhook; `headers` go with a refused body into the DLQ (those
    /// worth seeing, credentials never), `arrived` times the answer.
    pub async fn take_webhook(
        &self,
        admitted: Admitted,
        headers: &HeaderMap,
        arrived: Instant,
    ) -> Result<WebhookAnswer, WebhookError> {
        match admitted {
            Admitted::Playback {
                event,
                body,
                content_type,
            } => {
                let source = event.source;
                match self.ingest().accept(event).await {
                    Ok(accepted) => {
                        let metrics = self.metrics();
                        metrics.ingest.record(source, Utc::now().timestamp());
                        metrics
                            .ack
                            .record_ms(arrived.elapsed().as_secs_f64() * 1000.0);
                        Ok(WebhookAnswer::Accepted(accepted))
                    }
                    Err(e @ IngestError::TooLarge { .. }) => {
                        let refused = WebhookError::TooLarge(e);
                        self.keep_refused(source, &refused, headers, body, content_type)
                            .await;
                        Err(refused)
                    }
                    Err(e) => {
                        tracing::error!(source = source.as_str(), "event not made durable: {e}");
                        Err(WebhookError::NotDurable(e))
                    }
                }
            }
            Admitted::Ignored { source, kind } => {
                self.ingest().count_ignored(source, &kind);
                Ok(WebhookAnswer::Ignored { kind })
            }
            Admitted::Test { source } => {
                self.note_test_notification(source);
                Ok(WebhookAnswer::Test { source })
            }
            Admitted::Unreadable {
                source,
                error,
                body,
                content_type,
            } => {
                let refused = WebhookError::Unreadable(error);
                self.keep_refused(source, &refused, headers, body, content_type)
                    .await;
                Err(refused)
            }
        }
    }

    /// Keeps a refused body for the DLQ view; failing that is logged, and the sender still
    /// hears why its body was refused.
    async fn keep_refused(
        &self,
        source: Source,
        refused: &WebhookError,
        headers: &HeaderMap,
        body: Vec<u8>,
        content_type: Option<String>,
    ) {
        let rejected = RejectedBody {
            source: source.as_str().to_string(),
            code: refused.code().to_string(),
            reason: refused.to_string(),
            headers: RejectedBody::safe_headers(
                headers
                    .iter()
                    .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
            ),
            body,
            content_type,
            at: Utc::now(),
        };
        if let Err(e) = self.ingest().reject(rejected).await {
            tracing::error!(source = source.as_str(), "cannot keep a refused body: {e}");
        }
        tracing::info!(
            source = source.as_str(),
            code = refused.code(),
            "webhook refused: {refused}"
        );
    }
}

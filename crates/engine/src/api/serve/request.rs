//! One request on its way through the router: counted as in hand while its handler runs
//! (so the connection is neither idle nor evictable), and answered 408 if its body has not
//! fully arrived within the body timeout.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use tower::ServiceExt;

use super::connections::Activity;
use crate::api::error::ApiError;

pub async fn handle(
    router: Router,
    request: Request<Incoming>,
    activity: Arc<Activity>,
    body_timeout: Duration,
) -> Result<Response, Infallible> {
    let _in_hand = activity.handling();
    let (parts, body) = request.into_parts();
    let received = Arc::new(AtomicBool::new(body.is_end_stream()));
    let body = TrackedBody {
        inner: body,
        received: received.clone(),
    };
    let request = Request::from_parts(parts, axum::body::Body::new(body));
    let response = router.oneshot(request);
    tokio::select! {
        biased;
        response = response => Ok(match response {
            Ok(response) => response,
            Err(never) => match never {},
        }),
        () = body_overdue(&received, body_timeout) => Ok(body_timed_out(body_timeout)),
    }
}

/// Completes when `timeout` has passed and the body has still not arrived in full; never
/// once it has (the handler may then take as long as storing takes).
async fn body_overdue(received: &AtomicBool, timeout: Duration) {
    tokio::time::sleep(timeout).await;
    if received.load(Ordering::Acquire) {
        std::future::pending::<()>().await;
    }
}

fn body_timed_out(timeout: Duration) -> Response {
    tracing::debug!("a request body did not arrive within {timeout:?}");
    let mut response = ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "body_timeout",
        format!(
            "the request body did not arrive within {} s",
            timeout.as_secs()
        ),
    )
    .into_response();
    // The rest of the body may still be on its way: this connection cannot be reused.
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The request body, noting when its last frame has been read.
struct TrackedBody {
    inner: Incoming,
    received: Arc<AtomicBool>,
}

impl Body for TrackedBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.received.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

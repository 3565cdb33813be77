//! The accept loop of both listeners (the main one and the WebSocket-only port): HTTP/1
//! through hyper with the limits a listener reachable from a LAN needs — header, body and
//! idle timeouts and a bound on open connections — and a graceful stop.

mod connections;
mod request;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use connections::{Activity, ActivityIo, Connections};

/// What one listener allows each connection. The defaults are chosen for webhooks from a
/// media server and a browser UI (docs/adr/0013).
#[derive(Debug, Clone)]
pub struct Limits {
    /// A request's header must be complete this long after the connection starts waiting
    /// for it, however slowly its bytes trickle in (slowloris).
    pub header_read_timeout: Duration,
    /// A request's body must be complete this long after its header.
    pub body_timeout: Duration,
    /// A connection that moves no byte either way for this long while no request is being
    /// handled is closed: one that never speaks, a kept-alive one between requests, a
    /// client that stopped reading its answer.
    pub idle_timeout: Duration,
    /// Open connections at most. At the limit, the quietest connection that has been quiet
    /// for a second without a request in hand makes room for a new one (one that never
    /// carried a request first); until there is one, new connections wait in the kernel's
    /// backlog.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            // A Plex body may carry a 16 MiB thumbnail: a minute is a slow uplink's worth.
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(5),
            // Far above what media servers and a few browsers open; well below the usual
            // 1024 file descriptors a process gets.
            max_connections: 512,
        }
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then stops
/// accepting, lets in-flight requests finish and returns once every connection is closed.
/// Upgraded connections (WebSockets) leave the accounting once upgraded: they need the API
/// token and end with their own handler.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    serve_releasing(listener, router, limits, shutdown, || {}).await;
}

/// [`serve`], calling `released` as soon as the listening socket is closed — before the
/// connections still open have finished — so that the address can be bound again at once
/// (moving the listener between addresses that overlap).
pub(crate) async fn serve_releasing(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
    released: impl FnOnce() + Send,
) {
    let limits = Arc::new(limits);
    let connections = Arc::new(Connections::new(limits.max_connections));
    let stopping = CancellationToken::new();
    let tasks = TaskTracker::new();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(e) => {
                    if !is_connection_error(&e) {
                        // Out of file descriptors, most likely: give the others time to close.
                        tracing::error!("cannot accept a connection: {e}");
                        tokio::select! {
                            () = &mut shutdown => break,
                            () = tokio::time::sleep(Duration::from_millis(500)) => {}
                        }
                    }
                    continue;
                }
            },
        };
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = connections.admit() => slot,
        };
        let Some(slot) = slot else { break };
        let router = router.clone();
        let limits = limits.clone();
        let stopping = stopping.clone();
        tasks.spawn(async move {
            serve_connection(stream, router, &limits, slot.activity(), stopping).await;
            drop(slot);
        });
    }
    drop(listener);
    released();
    stopping.cancel();
    tasks.close();
    tasks.wait().await;
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    limits: &Limits,
    activity: Arc<Activity>,
    stopping: CancellationToken,
) {
    // Answers are small and written whole; do not hold them back for Nagle.
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(ActivityIo::new(stream, activity.clone()));
    let body_timeout = limits.body_timeout;
    let handler_activity = activity.clone();
    let service = hyper::service::service_fn(move |request| {
        request::handle(
            router.clone(),
            request,
            handler_activity.clone(),
            body_timeout,
        )
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .serve_connection(io, service)
        .with_upgrades();
    tokio::pin!(connection);
    let idle = activity.clone().until_idle(limits.idle_timeout);
    tokio::pin!(idle);
    let mut draining = false;
    loop {
        tokio::select! {
            served = connection.as_mut() => {
                if let Err(e) = served {
                    // Timeouts, resets and malformed requests: the client's business.
                    tracing::debug!("connection closed: {e}");
                }
                return;
            }
            () = stopping.cancelled(), if !draining => {
                draining = true;
                connection.as_mut().graceful_shutdown();
            }
            () = activity.evicted() => {
                tracing::debug!("closing the quietest connection to make room for a new one");
                return;
            }
            () = &mut idle => {
                tracing::debug!("closing an idle connection");
                return;
            }
        }
    }
}

/// Errors of one connection that accept reports; the listener itself is fine.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

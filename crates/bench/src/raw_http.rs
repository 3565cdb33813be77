//! Baseline: an axum handler that does nothing but answer 202, in this process on a free
//! port, posted the same webhooks with the same client and connections as the pipeline.
//! Its req/s is the ceiling of HTTP alone on this machine.

use std::sync::Arc;

use axum::http::{header, StatusCode};
use axum::routing::post;
use axum::Router;
use bytes::Bytes;

use crate::load::{self, Outcome};
use crate::target::Target;
use crate::webhooks::Generator;

async fn accept(
    _body: Bytes,
) -> (
    StatusCode,
    [(header::HeaderName, &'static str); 1],
    &'static str,
) {
    (
        StatusCode::ACCEPTED,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"accepted"}"#,
    )
}

/// Posts `count` webhooks flat out over `connections` at a do-nothing handler.
pub async fn measure(
    generator: &Arc<Generator>,
    count: u64,
    connections: usize,
) -> Result<Outcome, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot bind the do-nothing server: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the do-nothing server's address: {e}"))?;
    let app = Router::new().route("/webhooks/{source}", post(accept));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let target = Arc::new(Target::new(
        format!("http://{addr}"),
        "x".into(),
        connections,
    )?);
    // A short warm-up opens the connections.
    load::flat_out(&target, generator, 0, connections as u64 * 4, connections).await;
    let outcome = load::flat_out(&target, generator, 0, count, connections).await;
    server.abort();
    Ok(outcome)
}

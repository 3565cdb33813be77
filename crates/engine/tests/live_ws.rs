//! The live path over a real WebSocket: each webhook's event reaches a client (the time
//! from the 2xx to the message is printed, p50/p99 — targets live in `make bench`), a client
//! that stops reading is closed with a reason and does not slow ingestion, pages of other
//! origins are refused, and the optional WebSocket-only port serves the same feed.

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cartographus_engine::config::ConfigLayer;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use support::{load, TestEngine, API_TOKEN};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(base: &str) -> Socket {
    let url = format!(
        "{}/api/v1/ws?token={API_TOKEN}",
        base.replace("http://", "ws://")
    );
    connect_url(&url).await
}

/// Opens a socket and waits for the first view. The server subscribes to the feed after the
/// upgrade answer is on its way, so only the first message says "from here on you hear
/// everything"; an event posted earlier would reach the client through the snapshot only.
async fn connect_url(url: &str) -> Socket {
    let mut socket = tokio_tungstenite::connect_async(url)
        .await
        .expect("the socket opens")
        .0;
    let first = tokio::time::timeout(Duration::from_secs(10), socket.next())
        .await
        .expect("the first view arrives")
        .expect("the socket stays open")
        .expect("the first view is readable");
    assert!(
        first.to_text().unwrap_or_default().contains("\"health\""),
        "the first view opens with health: {first:?}"
    );
    socket
}

/// A client whose kernel receive buffer is tiny, so not reading shows quickly upstream.
async fn connect_stalling(base: &str) -> Socket {
    let addr: std::net::SocketAddr = base.trim_start_matches("http://").parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(addr).await.unwrap();
    let url = format!("ws://{addr}/api/v1/ws?token={API_TOKEN}");
    tokio_tungstenite::client_async(url, tokio_tungstenite::MaybeTlsStream::Plain(stream))
        .await
        .expect("the socket opens")
        .0
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_event_reaches_a_websocket_client_soon_after_its_2xx() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    let mut socket = connect(&t.base).await;
    let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
    let reader = tokio::spawn(async move {
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Text(text) = message {
                let message: Value = serde_json::from_str(&text).unwrap();
                if message["type"] == "event" {
                    let id = message["data"]["event_id"].as_str().unwrap().to_string();
                    let _ = events_tx.send((id, Instant::now()));
                }
            }
        }
    });
    const N: usize = 300;
    let mut acked_at = HashMap::new();
    for n in 0..N {
        let id = load::post(&t, n).await.expect("202");
        acked_at.insert(id, Instant::now());
    }
    let mut latencies = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while latencies.len() < N {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let (id, at) = tokio::time::timeout(remaining, events_rx.recv())
            .await
            .unwrap_or_else(|_| panic!("only {} of {N} events reached the socket", latencies.len()))
            .unwrap();
        let acked = acked_at
            .get(&id)
            .unwrap_or_else(|| panic!("an event nobody sent: {id}"));
        latencies.push(at.saturating_duration_since(*acked).as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    eprintln!(
        "webhook 2xx -> WebSocket event over {N} events: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[N - 1]
    );
    reader.abort();
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_closed_and_does_not_slow_ingestion() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    // Baseline: the time for a burst with no socket open.
    let burst = |from: usize| {
        let t = &t;
        async move {
            let started = Instant::now();
            let posts = (from..from + 400).map(|n| load::post(t, n));
            let answered = futures_util::future::join_all(posts).await;
            assert!(
                answered.iter().all(Option::is_some),
                "every webhook answered 202"
            );
            started.elapsed()
        }
    };
    let alone = burst(0).await;
    // A client that never reads: its socket buffers fill, then it falls behind the feed.
    let mut stalled = connect_stalling(&t.base).await;
    let mut with_stalled = Duration::ZERO;
    for round in 1..=10 {
        with_stalled += burst(round * 400).await;
    }
    eprintln!(
        "400 webhooks: {:.0} ms alone; {:.0} ms on average with a stalled WebSocket client",
        alone.as_secs_f64() * 1000.0,
        with_stalled.as_secs_f64() * 1000.0 / 10.0
    );
    // Reading now, the client finds it was closed for being too slow.
    let closed = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(message) = stalled.next().await {
            match message {
                Ok(Message::Close(Some(frame))) => return Some(frame),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .expect("the stalled client is closed");
    let frame = closed.expect("with a close frame");
    assert_eq!(u16::from(frame.code), 1008);
    assert!(frame.reason.contains("too slow"), "{}", frame.reason);
    // A fresh client is served as usual.
    let mut fresh = connect(&t.base).await;
    let _ = fresh.send(Message::Close(None)).await;
    t.engine.shutdown().await;
}

#[tokio::test]
async fn pages_of_other_origins_may_not_open_the_socket() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..ConfigLayer::default()
    })
    .await;
    let url = format!(
        "{}/api/v1/ws?token={API_TOKEN}",
        t.base.replace("http://", "ws://")
    );
    let mut request = url.clone().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403)
        }
        other => panic!("expected 403, got {other:?}"),
    }
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", t.base.parse().unwrap());
    assert!(
        tokio_tungstenite::connect_async(request).await.is_ok(),
        "the app's own page"
    );
    t.engine.shutdown().await;
}

#[tokio::test]
async fn the_websocket_port_serves_the_same_feed_with_the_same_token() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ws_port: Some(port),
        ..ConfigLayer::default()
    })
    .await;
    assert_eq!(
        t.engine.handle().info().ws_listen,
        Some(format!("127.0.0.1:{port}"))
    );
    let base = format!("ws://127.0.0.1:{port}");
    match tokio_tungstenite::connect_async(format!("{base}/api/v1/ws")).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!("expected 401, got {other:?}"),
    }
    let mut socket = connect_url(&format!("{base}/api/v1/ws?token={API_TOKEN}")).await;
    let id = load::post(&t, 1).await.expect("202");
    let seen = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(message)) = socket.next().await {
            let Message::Text(text) = message else {
                continue;
            };
            let message: Value = serde_json::from_str(&text).unwrap();
            if message["type"] == "event" {
                return message["data"]["event_id"].as_str().map(str::to_string);
            }
        }
        None
    })
    .await
    .unwrap();
    assert_eq!(seen, Some(id), "the direct path feeds the live view too");
    t.engine.shutdown().await;
}

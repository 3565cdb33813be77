//! The listener under hostile or careless clients, over real TCP: connections that trickle
//! a header byte by byte (slowloris), connections that never speak, more of them than the
//! connection limit, a body that stalls, and a WebSocket client that sends too much. Each
//! is closed by its limit while well-behaved webhooks keep their latency.

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use cartographus_engine::api::{self, Limits};
use cartographus_engine::config::ConfigLayer;
use futures_util::{SinkExt, StreamExt};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

async fn engine() -> TestEngine {
    TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await
}

/// A client without a connection pool: every webhook pays its own connection, as
/// Tautulli's and Plex's do, and none is caught by the server's idle timeout.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// Posts webhook `n` to `addr` and returns how long the 202 took.
async fn timed_webhook(client: &reqwest::Client, addr: SocketAddr, n: usize) -> Duration {
    let started = Instant::now();
    let response = client
        .post(format!(
            "http://{addr}/webhooks/tautulli?token={WEBHOOK_TOKEN}"
        ))
        .header("content-type", "application/json")
        .body(load::tautulli_play(n))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .expect("the webhook is answered");
    assert_eq!(response.status(), 202);
    started.elapsed()
}

async fn median_webhook(client: &reqwest::Client, addr: SocketAddr, from: usize) -> Duration {
    let mut times = Vec::new();
    for n in from..from + 7 {
        times.push(timed_webhook(client, addr, n).await);
    }
    times.sort();
    times[times.len() / 2]
}

/// Resolves when the server has closed `reader`'s connection.
async fn closed_by_server(mut reader: impl AsyncReadExt + Unpin) {
    let mut buf = [0u8; 1024];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => continue,
        }
    }
}

/// Opens a connection that sends `head` and then one more byte every `every` (never
/// finishing the header); `connected` learns when its first bytes are out. Completes with
/// the time from `since` until the server closed it.
fn slow_client(
    addr: SocketAddr,
    head: &'static [u8],
    every: Option<Duration>,
    since: Instant,
    connected: tokio::sync::mpsc::Sender<()>,
) -> JoinHandle<Duration> {
    tokio::spawn(async move {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (reader, mut writer) = stream.into_split();
        writer.write_all(head).await.unwrap();
        let _ = connected.send(()).await;
        let trickle = async {
            let Some(every) = every else {
                return std::future::pending::<()>().await;
            };
            loop {
                tokio::time::sleep(every).await;
                if writer.write_all(b"a").await.is_err() {
                    return std::future::pending::<()>().await;
                }
            }
        };
        tokio::select! {
            () = closed_by_server(reader) => {}
            () = trickle => {}
        }
        since.elapsed()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_is_closed_at_the_header_timeout_while_webhooks_keep_their_latency() {
    let t = engine().await;
    let addr = t.engine.listen_addr();
    let limits = Limits::default();
    let client = fresh_client();
    let baseline = median_webhook(&client, addr, 0).await;

    const TRICKLING: usize = 40;
    const SILENT: usize = 10;
    let started = Instant::now();
    let (connected_tx, mut connected) = tokio::sync::mpsc::channel(TRICKLING + SILENT);
    let head: &'static [u8] = b"POST /webhooks/plex HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    // Each sends a byte every half second: never idle, never done.
    let trickling: Vec<_> = (0..TRICKLING)
        .map(|_| {
            let every = Some(Duration::from_millis(500));
            slow_client(addr, head, every, started, connected_tx.clone())
        })
        .collect();
    // These send part of a header and then nothing at all.
    let silent: Vec<_> = (0..SILENT)
        .map(|_| slow_client(addr, head, None, started, connected_tx.clone()))
        .collect();
    for _ in 0..TRICKLING + SILENT {
        connected.recv().await.unwrap();
    }

    let during = median_webhook(&client, addr, 100).await;
    let webhooks_done = started.elapsed();
    assert!(
        webhooks_done < limits.header_read_timeout,
        "the webhooks took {webhooks_done:?}; the slow clients may already be gone"
    );
    assert!(
        trickling.iter().all(|c| !c.is_finished()),
        "the slow clients were still open while the webhooks were served"
    );
    eprintln!(
        "webhook median: {:.1} ms alone, {:.1} ms beside {} slowloris connections",
        baseline.as_secs_f64() * 1000.0,
        during.as_secs_f64() * 1000.0,
        TRICKLING + SILENT
    );
    assert!(
        during <= baseline * 10 + Duration::from_millis(250),
        "webhooks slowed from {baseline:?} to {during:?}"
    );

    let patience = limits.header_read_timeout + Duration::from_secs(10);
    for client in trickling {
        let closed_after = tokio::time::timeout(patience, client)
            .await
            .expect("a trickling client is closed")
            .unwrap();
        assert!(
            closed_after >= limits.header_read_timeout,
            "closed after {closed_after:?}, before the header timeout"
        );
    }
    for client in silent {
        let closed_after = tokio::time::timeout(patience, client)
            .await
            .expect("a silent client is closed")
            .unwrap();
        assert!(
            closed_after >= limits.idle_timeout,
            "closed after {closed_after:?}"
        );
    }
    t.engine.shutdown().await;
}

/// `api::serve` of the engine's router on a listener of its own, with `limits`.
struct OwnListener {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    served: JoinHandle<()>,
}

impl OwnListener {
    async fn start(t: &TestEngine, limits: Limits) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(api::serve(
            listener,
            api::router(t.engine.handle()),
            limits,
            async {
                let _ = stopped.await;
            },
        ));
        Self { addr, stop, served }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(15), self.served)
            .await
            .expect("serve returns after its shutdown")
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_beyond_the_limit_neither_hold_up_webhooks_nor_stay_open() {
    let t = engine().await;
    // A small limit and an idle timeout well apart from the eviction delay (1 s), so a
    // loaded machine cannot blur which of the two closed a connection.
    let limits = Limits {
        max_connections: 48,
        idle_timeout: Duration::from_secs(8),
        ..Limits::default()
    };
    let own = OwnListener::start(&t, limits.clone()).await;
    let client = fresh_client();
    let baseline = median_webhook(&client, own.addr, 0).await;

    let extra = 16;
    let total = limits.max_connections + extra;
    let started = Instant::now();
    let (connected_tx, mut connected) = tokio::sync::mpsc::channel(total);
    let idle: Vec<_> = (0..total)
        .map(|_| slow_client(own.addr, b"", None, started, connected_tx.clone()))
        .collect();
    for _ in 0..total {
        connected.recv().await.unwrap();
    }
    // Making room for the newcomers closes the quietest ones, long before the idle timeout.
    wait_for(
        "the connections beyond the limit to be closed",
        limits.idle_timeout,
        || {
            let closed = idle.iter().filter(|c| c.is_finished()).count();
            std::future::ready((closed >= extra).then_some(()))
        },
    )
    .await;
    assert!(
        started.elapsed() < limits.idle_timeout,
        "closed by the idle timeout, not by the limit"
    );

    // Every place is taken by an idle connection, yet webhooks get in at once.
    let during = median_webhook(&client, own.addr, 100).await;
    eprintln!(
        "webhook median: {:.1} ms alone, {:.1} ms beside {total} idle connections (limit {})",
        baseline.as_secs_f64() * 1000.0,
        during.as_secs_f64() * 1000.0,
        limits.max_connections
    );
    assert!(
        during <= baseline * 10 + Duration::from_millis(250),
        "webhooks slowed from {baseline:?} to {during:?}"
    );
    // The rest go at the idle timeout.
    let patience = limits.idle_timeout + Duration::from_secs(10);
    for client in idle {
        tokio::time::timeout(patience, client)
            .await
            .expect("an idle connection is closed")
            .unwrap();
    }
    assert!(
        started.elapsed() >= limits.idle_timeout,
        "the last idle connection went before the idle timeout"
    );
    own.stop().await;
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_is_answered_408_at_the_body_timeout_and_a_slow_one_in_time_accepted() {
    let t = engine().await;
    let limits = Limits {
        body_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let own = OwnListener::start(&t, limits.clone()).await;
    let addr = own.addr;

    let body = load::tautulli_play(1);
    let head = format!(
        "POST /webhooks/tautulli?token={WEBHOOK_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );

    // Half the body, then nothing. The clock starts before the head is sent: the server's
    // starts when it has read the head, so its 408 can never come sooner than this one says.
    let sent = Instant::now();
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(&body[..body.len() / 2]).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(15), stalled.read_to_end(&mut answer))
        .await
        .expect("answered and closed")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
    assert!(sent.elapsed() >= limits.body_timeout);
    assert_eq!(
        webhooks::dlq_count(&t).await,
        0,
        "a body that never came is not a rejected body"
    );

    // The same body in two halves, well within the timeout, is stored as usual.
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(head.as_bytes()).await.unwrap();
    slow.write_all(&body[..body.len() / 2]).await.unwrap();
    tokio::time::sleep(limits.body_timeout / 4).await;
    slow.write_all(&body[body.len() / 2..]).await.unwrap();
    let mut status = [0u8; 12];
    tokio::time::timeout(Duration::from_secs(15), slow.read_exact(&mut status))
        .await
        .expect("answered")
        .unwrap();
    assert_eq!(&status, b"HTTP/1.1 202");

    own.stop().await;
    t.engine.shutdown().await;
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open_socket(t: &TestEngine) -> Socket {
    let url = format!(
        "{}/api/v1/ws?token={API_TOKEN}",
        t.base.replace("http://", "ws://")
    );
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

/// The close code the server ends `socket` with.
async fn close_code(socket: &mut Socket) -> Option<u16> {
    let closing = async {
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    };
    tokio::time::timeout(Duration::from_secs(10), closing)
        .await
        .expect("the server closes the socket")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_message_over_the_limit_is_closed_with_1009_and_not_buffered() {
    let t = engine().await;

    // A frame header announcing 1 GiB, and not one byte of it: the limit acts on the header.
    let mut announced = open_socket(&t).await;
    let mut header = vec![0x81, 0x80 | 127];
    header.extend_from_slice(&(1u64 << 30).to_be_bytes());
    header.extend_from_slice(&[1, 2, 3, 4]);
    match announced.get_mut() {
        tokio_tungstenite::MaybeTlsStream::Plain(stream) => {
            stream.write_all(&header).await.unwrap()
        }
        _ => unreachable!("a plain ws:// socket"),
    }
    assert_eq!(close_code(&mut announced).await, Some(1009));

    // A real message just over the limit.
    let mut sent = open_socket(&t).await;
    let text = "x".repeat(api::ws::MAX_CLIENT_MESSAGE_BYTES + 1);
    sent.send(Message::Text(text.into())).await.unwrap();
    assert_eq!(close_code(&mut sent).await, Some(1009));

    // Small messages (a client's ping, say) are fine, and the socket keeps serving.
    let mut fine = open_socket(&t).await;
    fine.send(Message::Text("hello".into())).await.unwrap();
    let id = load::post(&t, 7).await.expect("202");
    let seen = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(message)) = fine.next().await {
            if let Message::Text(text) = message {
                if text.contains(&id) {
                    return true;
                }
            }
        }
        false
    })
    .await
    .expect("the event reaches the socket");
    assert!(seen);
    t.engine.shutdown().await;
}

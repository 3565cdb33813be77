//! The webhook front door refusing what it must: wrong tokens, bad bodies (kept for the
//! dead-letter view), oversized bodies and content types a source never sends.

mod support;

use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use support::webhooks::{dlq_count, fixture, post};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_need_their_own_source_token() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    let body = fixture("tautulli/play.json");
    let url = t.url("/webhooks/tautulli");
    let none = t.http.post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let wrong = t
        .http
        .post(format!("{url}?token=wrong"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let api_token = t
        .http
        .post(format!("{url}?token={API_TOKEN}"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        api_token.status(),
        401,
        "the API token is not a webhook token"
    );
    let header = t
        .http
        .post(&url)
        .header("X-Cartographus-Token", WEBHOOK_TOKEN)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(header.status(), 202);
    let unknown = t
        .http
        .post(t.url(&format!("/webhooks/kodi?token={WEBHOOK_TOKEN}")))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_are_refused_with_a_reason_and_kept() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    let cases = [
        ("bad/truncated.json", "invalid_json"),
        ("bad/array.json", "not_an_object"),
        ("bad/empty.json", "empty_body"),
        ("bad/wrong-types.json", "wrong_type"),
        ("bad/deep.json", "too_deep"),
        ("bad/invalid-utf8.json", "invalid_utf8"),
    ];
    let mut kept = 0;
    for source in ["tautulli", "plex", "jellyfin", "emby"] {
        for (path, code) in cases {
            let body = fixture(path);
            let (status, answer) = post(&t, source, "application/json", body).await;
            assert_eq!(status, 400, "{source} {path}: {answer}");
            let got = answer["error"]["code"].as_str().unwrap();
            if path == "bad/wrong-types.json" && source != "plex" {
                // A Plex-shaped body with wrong types: for the other sources it lacks their
                // required fields, which is the more useful thing to say.
                assert!(
                    ["wrong_type", "missing_field"].contains(&got),
                    "{source}: {answer}"
                );
            } else {
                assert_eq!(got, code, "{source} {path}: {answer}");
            }
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(
                message.len() > 10,
                "{source} {path}: message too thin: {message}"
            );
            kept += 1;
        }
    }
    assert_eq!(dlq_count(&t).await, kept);

    // The kept body is byte for byte what was sent, and no secret header is stored.
    let (payload, headers): (Vec<u8>, String) = t
        .engine
        .database()
        .with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT payload, headers::VARCHAR FROM dlq_entries
                 WHERE source = 'emby' AND error LIKE 'invalid_utf8%'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .await
        .unwrap();
    assert_eq!(payload, fixture("bad/invalid-utf8.json"));
    assert!(headers.contains("content-type"), "{headers}");
    assert!(!headers.contains(WEBHOOK_TOKEN), "{headers}");
    t.engine.shutdown().await;
}

/// Sends a request's head (and then `body_chunks`, ignoring write errors once the server
/// has answered) over a raw socket and returns the status line's code.
async fn raw_status(t: &TestEngine, head: &str, body_chunks: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(t.engine.listen_addr())
        .await
        .unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
    for _ in 0..body_chunks {
        if socket.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let mut response = vec![0u8; 512];
    let n = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut response))
        .await
        .expect("an answer")
        .unwrap();
    let text = String::from_utf8_lossy(&response[..n]).to_string();
    text.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_one_mebibyte_get_413_before_or_while_streaming() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = format!(
        "POST /webhooks/tautulli?token={WEBHOOK_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        fixture("bad/huge-string.json").len()
    );
    assert_eq!(raw_status(&t, &declared, 0).await, 413);

    // Chunked, no Content-Length: the limit holds while the body streams in.
    let chunked = format!(
        "POST /webhooks/emby?token={WEBHOOK_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    assert_eq!(raw_status(&t, &chunked, 40).await, 413);
    assert_eq!(dlq_count(&t).await, 0, "bodies over the limit are not kept");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_content_type_the_source_never_sends_is_415() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    let (status, answer) = post(
        &t,
        "tautulli",
        "application/xml",
        fixture("tautulli/play.json"),
    )
    .await;
    assert_eq!(status, 415, "{answer}");
    assert_eq!(answer["error"]["code"], "unsupported_content_type");
    t.engine.shutdown().await;
}

//! Who may see what at the edge, over real HTTP: the public health answer names no path,
//! address or password (details need the token), `?token=` opens only the WebSocket, the
//! web UI's own page may open the socket when the engine listens on a LAN address, and a
//! refused webhook body keeps only harmless headers.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use serde_json::Value;
use support::*;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A nats-server that wants a user and password; killed when dropped.
struct PasswordNats {
    process: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl PasswordNats {
    fn start(user: &str, password: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(nats_server_bin())
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .args(["--user", user, "--pass", password, "-c"])
            .arg(support::nats::jetstream_config(dir.path()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Self {
            process,
            port,
            _dir: dir,
        }
    }
}

impl Drop for PasswordNats {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_without_the_token_names_no_path_address_or_password() {
    let nats = PasswordNats::start("user", "secret");
    wait_for("nats-server to listen", Duration::from_secs(10), || async {
        std::net::TcpStream::connect(("127.0.0.1", nats.port))
            .ok()
            .map(|_| ())
    })
    .await;
    let t = TestEngine::start(ConfigLayer {
        nats_embedded: Some(false),
        nats_url: Some(format!("nats://user:secret@127.0.0.1:{}", nats.port)),
        ..Default::default()
    })
    .await;
    let health = |token: Option<&'static str>| {
        let mut request = t.http.get(t.url("/api/v1/health"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };
    // Once NATS has settled one way or the other, whether the URL's credentials work or not.
    let detailed = wait_for(
        "the nats part to settle",
        Duration::from_secs(20),
        || async {
            let (_, text) = health(Some(API_TOKEN)).await;
            let json: Value = serde_json::from_str(&text).unwrap();
            (json["parts"]["nats"]["status"] != "starting").then_some(text)
        },
    )
    .await;

    let (status, public) = health(None).await;
    assert!(status == 200 || status == 503, "{status}");
    let json: Value = serde_json::from_str(&public).unwrap();
    let fields: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["mode", "parts", "status"], "{public}");
    for (name, part) in json["parts"].as_object().unwrap() {
        let fields: Vec<&String> = part.as_object().unwrap().keys().collect();
        assert_eq!(fields, ["status"], "{name}: {public}");
    }
    let data_dir = t.dir.path().display().to_string();
    for leak in ["secret", "user", "nats://", "127.0.0.1", data_dir.as_str()] {
        assert!(!public.contains(leak), "{leak:?} in {public}");
    }

    // With the token: every part's detail, and still no password.
    let json: Value = serde_json::from_str(&detailed).unwrap();
    for (name, part) in json["parts"].as_object().unwrap() {
        assert!(part["detail"].is_string(), "{name}: {detailed}");
    }
    assert!(detailed.contains(&data_dir), "{detailed}");
    assert!(json["parts"]["nats"]["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("nats://user:***@127.0.0.1:{}", nats.port)));
    assert!(!detailed.contains("secret"), "{detailed}");
    eprintln!("nats part with URL credentials: {}", json["parts"]["nats"]);

    // A wrong token is refused rather than answered with less.
    let (status, _) = health(Some("wrong")).await;
    assert_eq!(status, 401);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_query_token_opens_the_websocket_and_nothing_else() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    for path in ["/api/v1/stats", "/api/v1/info", "/metrics"] {
        let by_query = t
            .http
            .get(t.url(&format!("{path}?token={API_TOKEN}")))
            .send()
            .await
            .unwrap();
        assert_eq!(by_query.status(), 401, "{path}?token=");
        let by_header = t
            .http
            .get(t.url(path))
            .bearer_auth(API_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(by_header.status(), 200, "{path} with a bearer");
    }
    let ws = format!(
        "{}/api/v1/ws?token={API_TOKEN}",
        t.base.replace("http://", "ws://")
    );
    let (_socket, response) = tokio_tungstenite::connect_async(ws)
        .await
        .expect("the upgrade takes ?token=");
    assert_eq!(response.status(), 101);
    t.engine.shutdown().await;
}

/// A WebSocket upgrade to `port` on loopback that says it is for `host`, from a page of
/// `origin`; the HTTP status the server answers.
async fn upgrade_status(port: u16, host: &str, origin: &str) -> u16 {
    let url = format!("ws://127.0.0.1:{port}/api/v1/ws?token={API_TOKEN}");
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("host", host.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", origin.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("upgrade failed: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_lan_address_the_web_ui_page_may_open_the_socket_and_others_may_not() {
    // As on a NAS: every interface, reached by a LAN address (a documentation one here).
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        listen: Some("0.0.0.0:0".parse().unwrap()),
        ..Default::default()
    })
    .await;
    let port = t.engine.listen_addr().port();
    let lan = format!("192.0.2.10:{port}");
    assert_eq!(
        upgrade_status(port, &lan, &format!("http://{lan}")).await,
        101,
        "the page this server served"
    );
    assert_eq!(
        upgrade_status(
            port,
            &format!("NAS.local:{port}"),
            &format!("http://nas.local:{port}")
        )
        .await,
        101,
        "the same page by name"
    );
    for foreign in [
        "https://evil.example".to_string(),
        format!("http://192.0.2.11:{port}"),
        "http://192.0.2.10:8080".to_string(),
    ] {
        assert_eq!(upgrade_status(port, &lan, &foreign).await, 403, "{foreign}");
    }
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_body_keeps_only_harmless_headers() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    })
    .await;
    let response = t
        .http
        .post(t.url(&format!("/webhooks/emby?token={WEBHOOK_TOKEN}")))
        .header("Content-Type", "application/json")
        .header("User-Agent", "Emby Server/4.8.10.0")
        .header("Proxy-Authorization", "Basic cHJveHk6cHJveHlwYXNz")
        .header("X-Emby-Authorization", "MediaBrowser Token=\"embysecret\"")
        .header("Authorization", "Bearer bearersecret")
        .header("Cookie", "session=cookiesecret")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let headers: String = t
        .engine
        .database()
        .with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT headers::VARCHAR FROM dlq_entries WHERE source = 'emby'",
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    let headers: Value = serde_json::from_str(&headers).unwrap();
    let mut names: Vec<&String> = headers.as_object().unwrap().keys().collect();
    names.sort();
    assert_eq!(
        names,
        ["content-length", "content-type", "user-agent"],
        "{headers}"
    );
    assert_eq!(headers["user-agent"], "Emby Server/4.8.10.0");
    t.engine.shutdown().await;
}

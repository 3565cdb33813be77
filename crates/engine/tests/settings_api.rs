//! The Settings contract over real HTTP, with the sidecar and a DuckDB file behind it:
//! every setting with its value, default and lock; changes saved to settings.json and read
//! by the next start; locked and invalid values refused with nothing saved; retention and
//! dead-letter limits in force at once; tokens revealed and regenerated (the old one stops
//! at once); ingestion paused and resumed; the log tail and the diagnostics zip.

mod support;

use std::collections::HashMap;
use std::io::Read;
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::dlq::store::{self as dlq, Attempt, DlqKind, NewEntry};
use cartographus_engine::startup::{prepare, Prepared};
use cartographus_engine::Engine;
use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::webhooks::fixture;
use support::{nats_server_bin, stream_info, TestEngine};

static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

struct Running {
    t: TestEngine,
    api: String,
}

/// `serve --listen 127.0.0.1:0`, unless the address comes from the settings file instead.
fn flags(listen_flag: bool) -> ConfigLayer {
    ConfigLayer {
        listen: listen_flag.then(|| "127.0.0.1:0".parse().unwrap()),
        nats_server_bin: Some(nats_server_bin()),
        ..ConfigLayer::default()
    }
}

fn prepared(dir: &std::path::Path, env: &[(&str, &str)], listen_flag: bool) -> Prepared {
    let vars: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    prepare(Some(dir.to_path_buf()), flags(listen_flag), |k| {
        vars.get(k).cloned()
    })
    .expect("prepared")
}

/// An engine started the way `cartographus-server serve --listen 127.0.0.1:0` starts it,
/// with `env` standing in for the environment.
async fn start(env: &[(&str, &str)]) -> Running {
    start_in(tempfile::tempdir().unwrap(), env, true).await
}

/// The same, with the listener's address saved in settings.json rather than fixed by a flag.
async fn start_with_listen_in_settings() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join("settings.json"),
        json!({"config": {"listen": format!("127.0.0.1:{port}")}}).to_string(),
    )
    .unwrap();
    start_in(dir, &[], false).await
}

async fn start_in(dir: tempfile::TempDir, env: &[(&str, &str)], listen_flag: bool) -> Running {
    let prepared = prepared(dir.path(), env, listen_flag);
    let api = prepared.tokens.api.expose().to_string();
    let engine = Engine::start_with(prepared.config, prepared.settings)
        .await
        .expect("engine starts");
    let base = format!("http://{}", engine.listen_addr());
    Running {
        t: TestEngine {
            engine,
            base,
            dir,
            http: reqwest::Client::new(),
        },
        api,
    }
}

impl Running {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .t
            .http
            .request(method, self.t.url(path))
            .bearer_auth(&self.api);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn settings(&self) -> Value {
        let (status, body) = self.call(Method::GET, "/api/v1/settings", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn patch(&self, changes: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, "/api/v1/settings", Some(changes))
            .await
    }

    fn file(&self) -> Value {
        let text = std::fs::read_to_string(self.t.dir.path().join("settings.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    async fn webhook(&self, token: &str) -> StatusCode {
        let mut body: Value = serde_json::from_slice(&fixture("tautulli/play.json")).unwrap();
        // Each its own playback, so none is a duplicate of another.
        let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        body["session"]["session_key"] = format!("settings-{n}").into();
        self.t
            .http
            .post(self.t.url(&format!("/webhooks/tautulli?token={token}")))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
    }
}

fn setting<'a>(view: &'a Value, key: &str) -> &'a Value {
    view["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no setting {key} in {view}"))
}

fn assert_error(body: &Value, code: &str, field: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with(&format!("{field}:")), "{body}");
}

#[tokio::test]
async fn every_setting_comes_with_value_default_and_what_locks_it() {
    let r = start(&[("NATS_BATCH_SIZE", "20")]).await;
    let view = r.settings().await;
    let batch = setting(&view, "nats_batch_size");
    assert_eq!(batch["value"], 20);
    assert_eq!(batch["default"], 1000);
    assert_eq!(batch["locked_by"], "NATS_BATCH_SIZE");
    assert_eq!(batch["applies"], "restart");
    assert_eq!(setting(&view, "listen")["locked_by"], "--listen");
    let theme = setting(&view, "theme");
    assert_eq!(theme["value"], "system");
    assert_eq!(theme["locked_by"], Value::Null);
    assert_eq!(theme["applies"], "now");
    assert_eq!(setting(&view, "nats_retention_days")["value"], 7);
    assert_eq!(setting(&view, "dlq_max_entries")["max"], 10_000);
    assert_eq!(setting(&view, "start_at_login")["desktop_only"], true);
    // Tokens are there, masked; no token appears anywhere in the answer.
    let api = setting(&view, "api_token");
    assert_eq!(api["secret"], true);
    assert_ne!(api["value"], Value::Null);
    let text = view.to_string();
    assert!(!text.contains(&r.api), "the API token leaked: {text}");
    for token in r.file()["webhook_tokens"].as_object().unwrap().values() {
        assert!(
            !text.contains(token.as_str().unwrap()),
            "a webhook token leaked"
        );
    }

    let (status, body) = r.patch(json!({"nats_batch_size": 50})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&body, "locked", "nats_batch_size");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("NATS_BATCH_SIZE"));
    assert_eq!(r.file()["config"]["nats_batch_size"], Value::Null);
}

#[tokio::test]
async fn a_change_is_saved_says_when_it_applies_and_is_read_at_the_next_start() {
    let r = start(&[]).await;
    let (status, update) = r
        .patch(json!({"theme": "dark", "nats_flush_interval": "250ms", "session_timeout": "2h"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{update}");
    let applies: HashMap<&str, &str> = update["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"].as_str().unwrap(), c["applies"].as_str().unwrap()))
        .collect();
    assert_eq!(
        applies,
        HashMap::from([
            ("theme", "now"),
            ("nats_flush_interval", "restart"),
            ("session_timeout", "restart")
        ])
    );
    assert_eq!(update["restart_required"], true);

    let file = r.file();
    assert_eq!(file["preferences"]["theme"], "dark");
    assert_eq!(file["config"]["nats_flush_interval"], "250ms");
    let view = r.settings().await;
    let flush = setting(&view, "nats_flush_interval");
    assert_eq!(flush["value"], 250);
    assert_eq!(flush["restart_pending"], true);
    assert_eq!(setting(&view, "theme")["restart_pending"], false);

    // The next start resolves its configuration from what was saved.
    let again = prepared(r.t.dir.path(), &[], true);
    assert_eq!(again.config.nats.flush_interval, Duration::from_millis(250));
    assert_eq!(again.config.session_timeout, Duration::from_secs(7200));

    // null puts a setting back to its default.
    let (status, _) = r.patch(json!({"theme": null})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r.file()["preferences"].get("theme"), None);
    assert_eq!(setting(&r.settings().await, "theme")["value"], "system");
}

#[tokio::test]
async fn invalid_values_are_refused_naming_the_field_and_nothing_is_saved() {
    let r = start_with_listen_in_settings().await;
    let before = r.file();
    for (changes, field) in [
        (
            json!({"theme": "dark", "nats_batch_size": 0}),
            "nats_batch_size",
        ),
        (
            json!({"theme": "dark", "no_such_setting": 1}),
            "no_such_setting",
        ),
        (json!({"theme": "purple"}), "theme"),
        (json!({"nats_mode": "external"}), "nats_url"),
        (json!({"listen": "192.0.2.10:3857"}), "listen"),
        (
            json!({"nats_flush_interval": "5 days"}),
            "nats_flush_interval",
        ),
        (json!({"nats_creds": "/no/such/file.creds"}), "nats_creds"),
        (json!({"api_token": "chosen-by-me"}), "api_token"),
        (json!(["theme", "dark"]), "settings"),
    ] {
        let (status, body) = r.patch(changes.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{changes} → {body}");
        assert_error(&body, "invalid_setting", field);
    }
    assert_eq!(r.file(), before, "a refused change saved something");
    assert_eq!(setting(&r.settings().await, "theme")["value"], "system");
}

fn dead_letter(days_ago: i64, n: usize) -> NewEntry {
    NewEntry {
        kind: DlqKind::Rejected,
        code: "invalid_json".to_string(),
        source: Some("plex".to_string()),
        subject: None,
        attempts: vec![Attempt {
            at: Utc::now() - chrono::Duration::days(days_ago) - chrono::Duration::seconds(n as i64),
            error: "broken".to_string(),
        }],
        payload: format!("body {n}").into_bytes(),
        content_type: None,
        headers: Value::Null,
        event_id: None,
        stream_seq: None,
    }
}

#[tokio::test]
async fn retention_and_dead_letter_limits_are_in_force_when_the_answer_comes() {
    let r = start(&[]).await;
    let day = Duration::from_secs(86_400);
    assert_eq!(stream_info(&r.t).await.config.max_age, 7 * day);
    let (status, update) = r.patch(json!({"nats_retention_days": 2})).await;
    assert_eq!(status, StatusCode::OK, "{update}");
    assert_eq!(update["changed"][0]["applies"], "now");
    assert_eq!(stream_info(&r.t).await.config.max_age, 2 * day);

    // 102 recent dead letters and 3 from five days ago.
    r.t.engine
        .database()
        .with_conn(|conn| {
            for n in 0..102 {
                dlq::insert(conn, &dead_letter(0, n))?;
            }
            for n in 0..3 {
                dlq::insert(conn, &dead_letter(5, n))?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let (status, update) = r
        .patch(json!({"dlq_max_entries": 100, "dlq_max_age_days": 3}))
        .await;
    assert_eq!(status, StatusCode::OK, "{update}");
    let (count, oldest) =
        r.t.engine
            .database()
            .with_conn(|conn| {
                let count = dlq::count(conn)?;
                let oldest: i64 = conn.query_row(
                    "SELECT epoch_ms(min(last_failed_at)) FROM dlq_entries",
                    [],
                    |row| row.get(0),
                )?;
                Ok((count, oldest))
            })
            .await
            .unwrap();
    assert_eq!(count, 100);
    let three_days_ago = (Utc::now() - chrono::Duration::days(3)).timestamp_millis();
    assert!(
        oldest > three_days_ago,
        "an entry older than the limit stayed"
    );
}

#[tokio::test]
async fn a_regenerated_token_works_at_once_and_the_old_one_stops() {
    let r = start(&[]).await;
    let (status, old) = r
        .call(
            Method::GET,
            "/api/v1/settings/webhook_token_tautulli/secret",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{old}");
    let old = old["value"].as_str().unwrap().to_string();
    assert_eq!(r.webhook(&old).await, StatusCode::ACCEPTED);

    let (status, regenerated) = r
        .call(
            Method::POST,
            "/api/v1/settings/webhook_token_tautulli/regenerate",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{regenerated}");
    let new = regenerated["value"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    let update = &regenerated["update"][0];
    assert_eq!(update["service"], "Tautulli");
    assert!(update["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/webhooks/tautulli?token={new}")));
    assert_eq!(r.webhook(&old).await, StatusCode::UNAUTHORIZED);
    assert_eq!(r.webhook(&new).await, StatusCode::ACCEPTED);
    assert_eq!(r.file()["webhook_tokens"]["tautulli"], new.as_str());

    // The API token too: the caller's own bearer stops working with the answer.
    let (status, regenerated) = r
        .call(Method::POST, "/api/v1/settings/api_token/regenerate", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{regenerated}");
    let (status, _) = r.call(Method::GET, "/api/v1/settings", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let with_new = Running {
        api: regenerated["value"].as_str().unwrap().to_string(),
        ..r
    };
    with_new.settings().await;

    // A token the environment sets cannot be regenerated here.
    let locked = start(&[("CARTOGRAPHUS_WEBHOOK_TOKEN", "from-the-environment")]).await;
    let (status, body) = locked
        .call(
            Method::POST,
            "/api/v1/settings/webhook_token_plex/regenerate",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&body, "locked", "webhook_token_plex");
    let (status, body) = locked
        .call(Method::GET, "/api/v1/settings/theme/secret", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn pausing_ingestion_refuses_webhooks_with_503_until_resumed() {
    let r = start(&[("CARTOGRAPHUS_WEBHOOK_TOKEN", "hook")]).await;
    let (status, state) = r.call(Method::POST, "/api/v1/ingestion/pause", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(state["paused"], true);
    let response =
        r.t.http
            .post(r.t.url("/webhooks/tautulli?token=hook"))
            .body(fixture("tautulli/play.json"))
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "60");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "ingestion_paused");
    let (_, health) = r.call(Method::GET, "/api/v1/health", None).await;
    assert_eq!(health["parts"]["ingestion"]["status"], "disabled");
    assert_eq!(
        health["status"], "ok",
        "a pause the user chose is not an outage"
    );
    // A broken body is not read either: nothing reaches the dead letters.
    let response =
        r.t.http
            .post(r.t.url("/webhooks/tautulli?token=hook"))
            .body("{broken")
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(support::webhooks::dlq_count(&r.t).await, 0);

    let (_, state) = r.call(Method::POST, "/api/v1/ingestion/resume", None).await;
    assert_eq!(state["paused"], false);
    assert_eq!(r.webhook("hook").await, StatusCode::ACCEPTED);
    let (_, health) = r.call(Method::GET, "/api/v1/health", None).await;
    assert_eq!(health["parts"]["ingestion"]["status"], "up");
}

#[tokio::test]
async fn the_log_tail_and_the_diagnostics_zip_leave_secrets_out() {
    let r = start(&[]).await;
    let logs = r.t.dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let log = logs.join("cartographus.2030-01-01.log");
    std::fs::write(
        &log,
        format!(
            "2030-01-01T10:00:00.000000Z  INFO cartographus_engine::engine: engine started\n\
             2030-01-01T10:00:01.000000Z  WARN cartographus_engine::bus: NATS slow token={}\n",
            r.api
        ),
    )
    .unwrap();
    let (status, tail) = r.call(Method::GET, "/api/v1/logs?level=warn", None).await;
    assert_eq!(status, StatusCode::OK, "{tail}");
    let lines = tail["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{tail}");
    assert_eq!(lines[0]["level"], "warn");
    assert_eq!(lines[0]["message"], "NATS slow token=***");
    std::fs::write(
        &log,
        format!(
            "{}2030-01-01T10:00:02.000000Z ERROR x: later\n",
            std::fs::read_to_string(&log).unwrap()
        ),
    )
    .unwrap();
    let cursor = tail["cursor"].as_str().unwrap();
    let (_, next) = r
        .call(Method::GET, &format!("/api/v1/logs?cursor={cursor}"), None)
        .await;
    assert_eq!(next["lines"].as_array().unwrap().len(), 1, "{next}");
    let (status, body) = r.call(Method::GET, "/api/v1/logs?level=loud", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, export) = r.call(Method::POST, "/api/v1/diagnostics", None).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    let entries: Vec<&str> = export["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for expected in [
        "settings.json",
        "stats.json",
        "health.json",
        "logs/cartographus.2030-01-01.log",
    ] {
        assert!(
            entries.contains(&expected),
            "{expected} missing: {entries:?}"
        );
    }
    let response =
        r.t.http
            .get(r.t.url(&format!(
                "/api/v1/diagnostics/{}",
                export["file_name"].as_str().unwrap()
            )))
            .bearer_auth(&r.api)
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let secrets: Vec<String> = std::iter::once(r.api.clone())
        .chain(
            r.file()["webhook_tokens"]
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_str().unwrap().to_string()),
        )
        .collect();
    for index in 0..zip.len() {
        let mut text = String::new();
        zip.by_index(index)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a token in the zip");
        }
    }
    let (status, _) = r
        .call(Method::GET, "/api/v1/diagnostics/settings.json", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

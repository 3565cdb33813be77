//! Pausing ingestion, the log tail and the diagnostics zip over real HTTP, with the sidecar and
//! a DuckDB file behind them: webhooks refused with 503 until resumed, and no token in any
//! log line or zip entry that leaves the engine.

mod support;

use std::io::Read;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use support::settings::start;
use support::webhooks::fixture;

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
            "2030-01-01T10:00:00.000000Z  INFO cartographus_engine::handle: engine started\n\
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

#[tokio::test]
async fn every_settings_and_maintenance_route_needs_the_api_token() {
    let r = start(&[]).await;
    for (method, path) in [
        (Method::GET, "/api/v1/settings"),
        (Method::PATCH, "/api/v1/settings"),
        (Method::GET, "/api/v1/settings/api_token/secret"),
        (Method::POST, "/api/v1/settings/api_token/regenerate"),
        (Method::GET, "/api/v1/ingestion"),
        (Method::POST, "/api/v1/ingestion/pause"),
        (Method::POST, "/api/v1/ingestion/resume"),
        (Method::GET, "/api/v1/logs"),
        (Method::POST, "/api/v1/diagnostics"),
        (
            Method::GET,
            "/api/v1/diagnostics/cartographus-diagnostics-x.zip",
        ),
    ] {
        let refused =
            r.t.http
                .request(method.clone(), r.t.url(path))
                .bearer_auth("not-the-token")
                .json(&serde_json::json!({"theme": "dark"}))
                .send()
                .await
                .unwrap();
        assert_eq!(
            refused.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
    }
    // Nothing those calls tried happened.
    assert_eq!(r.file()["preferences"].get("theme"), None);
    let (_, state) = r.call(Method::GET, "/api/v1/ingestion", None).await;
    assert_eq!(state["paused"], false);
}

#[tokio::test]
async fn new_dead_letters_raise_one_alert_per_interval() {
    use cartographus_engine::alerts::{watch, Alert, AlertRules};
    use std::time::Duration;

    let r = start(&[("CARTOGRAPHUS_WEBHOOK_TOKEN", "hook")]).await;
    let rules = AlertRules {
        dlq_every: Duration::from_secs(3600),
        poll_every: Duration::from_millis(50),
        ..AlertRules::default()
    };
    let mut alerts = watch(r.t.engine.handle(), rules);
    let refuse = || async {
        let status =
            r.t.http
                .post(r.t.url("/webhooks/plex?token=hook"))
                .header("content-type", "application/json")
                .body("{not json")
                .send()
                .await
                .unwrap()
                .status();
        assert_eq!(status, StatusCode::BAD_REQUEST);
    };
    // The watcher's first count is its baseline: refuse bodies until one counts as new.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let first = loop {
        refuse().await;
        match tokio::time::timeout(Duration::from_millis(200), alerts.recv()).await {
            Ok(Some(alert)) => break alert,
            Ok(None) => panic!("the watcher stopped"),
            Err(_) => assert!(tokio::time::Instant::now() < deadline, "no alert"),
        }
    };
    assert!(
        matches!(&first, Alert::DlqGrowth { added, .. } if *added >= 1),
        "{first:?}"
    );
    let Alert::DlqGrowth { newest, .. } = &first else {
        unreachable!()
    };
    let newest = newest.as_deref().unwrap_or_default();
    assert!(newest.starts_with("Plex · invalid_json ("), "{first:?}");
    assert!(
        first.text().1.contains("the latest: Plex · invalid_json"),
        "{first:?}"
    );
    // More within the interval are held back, not announced one by one.
    refuse().await;
    refuse().await;
    let next = tokio::time::timeout(Duration::from_millis(500), alerts.recv()).await;
    assert!(
        next.is_err(),
        "a second alert within the interval: {next:?}"
    );
}

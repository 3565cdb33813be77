//! The history import across a kill -9 of the server: restarted on the same data, the next
//! start goes on from the checkpoint the killed run saved (not from the first row), and
//! every playback of the history ends up stored exactly once.

mod common;

use std::time::{Duration, Instant};

use cartographus_fakes::tautulli::history::generate;
use cartographus_fakes::tautulli::FakeTautulli;
use common::*;
use serde_json::{json, Value};

const API_TOKEN: &str = "import-kill-api-token";
const KEY: &str = "import-kill-tautulli-key";
const ROWS: usize = 6_000;

fn start(dir: &std::path::Path, port: u16) -> Server {
    Server(serve(
        dir,
        port,
        &[
            ("CARTOGRAPHUS_API_TOKEN", API_TOKEN),
            ("CARTOGRAPHUS_WEBHOOK_TOKEN", "import-kill-webhook-token"),
        ],
    ))
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(API_TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Polls `check` on GET `path` until it gives Some, within `within`.
    async fn wait<T>(
        &self,
        path: &str,
        within: Duration,
        check: impl Fn(&Value) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(response) = self
                .http
                .get(format!("{}{path}", self.base))
                .bearer_auth(API_TOKEN)
                .send()
                .await
            {
                if let Ok(body) = response.json::<Value>().await {
                    if let Some(found) = check(&body) {
                        return found;
                    }
                }
            }
            assert!(Instant::now() < deadline, "timed out waiting on {path}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn healthy(&self) {
        self.wait("/api/v1/health", Duration::from_secs(60), |h| {
            (h["status"] == "ok").then_some(())
        })
        .await;
    }

    async fn start_import(&self) -> Value {
        let (status, answer) = self
            .call(
                reqwest::Method::POST,
                "/api/v1/import/tautulli",
                Some(json!({})),
            )
            .await;
        assert_eq!(status, 202, "{answer}");
        answer
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_mid_way_goes_on_from_its_checkpoint_after_a_restart() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    fake.set_history(generate(3, ROWS));
    // Slow pages, so the kill lands with the import half done.
    fake.set_history_delay(Duration::from_millis(300));
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let api = Api {
        http: reqwest::Client::new(),
        base: format!("http://127.0.0.1:{port}"),
    };

    let mut server = start(dir.path(), port);
    api.healthy().await;
    let (status, answer) = api
        .call(
            reqwest::Method::POST,
            "/api/v1/setup/tautulli",
            Some(json!({"url": fake.url, "api_key": KEY})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let first = api.start_import().await;
    let job = first["job_id"].as_str().unwrap().to_string();
    api.wait(
        &format!("/api/v1/jobs/{job}"),
        Duration::from_secs(60),
        |j| (j["done"].as_u64() >= Some(2_000)).then_some(()),
    )
    .await;
    server.0.kill().unwrap(); // SIGKILL, mid-import
    server.0.wait().unwrap();
    if let Some(pid) = sidecar_pid(dir.path()) {
        wait_until(
            "the orphaned sidecar to exit",
            Duration::from_secs(15),
            || !alive(pid),
        );
    }
    let starts_before_kill = fake.history_starts().len();

    fake.set_history_delay(Duration::ZERO);
    let server = start(dir.path(), port);
    api.healthy().await;
    let resumed = api.start_import().await;
    let from = resumed["resumed_from"].as_u64().unwrap();
    assert!(
        (2_000..ROWS as u64).contains(&from) && from % 1_000 == 0,
        "resumed from the checkpoint, not the start: {resumed}"
    );
    let job = resumed["job_id"].as_str().unwrap().to_string();
    let done = api
        .wait(
            &format!("/api/v1/jobs/{job}"),
            Duration::from_secs(120),
            |j| (j["state"] != "running").then(|| j.clone()),
        )
        .await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["done"], ROWS, "{done}");
    // The restarted run asked Tautulli for its checkpoint's page first, never row 0.
    assert_eq!(fake.history_starts()[starts_before_kill], from);
    api.wait("/api/v1/stats", Duration::from_secs(120), |s| {
        (s["events_stored"].as_u64() == Some(2 * ROWS as u64)).then_some(())
    })
    .await;

    // Nothing more arrives: every playback exactly once.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let mut server = server;
    assert!(server.0.wait().unwrap().success());
    let db = cartographus_engine::persist::Database::open(&dir.path().join("cartographus.duckdb"))
        .unwrap();
    let (events, distinct, sessions) = db
        .with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT (SELECT count(*) FROM playback_events),
                        (SELECT count(DISTINCT event_id) FROM playback_events),
                        (SELECT count(*) FROM sessions WHERE NOT closed_by_timeout)",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )?)
        })
        .await
        .unwrap();
    assert_eq!((events, distinct), (2 * ROWS as i64, 2 * ROWS as i64));
    assert_eq!(sessions, ROWS as i64, "one session per row, none cut short");
}

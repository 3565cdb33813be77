//! A DuckDB file held by another process (as a DuckDB CLI left open holds it): the engine
//! still starts, webhooks are still acknowledged (durably, in JetStream), health says DuckDB
//! is down and why, and once the other process lets go every acknowledged event is stored.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::{Engine, OverallStatus, PartStatus};
use support::load::post;
use support::*;

const HOLD_ENV: &str = "CARTOGRAPHUS_TEST_HOLD_DUCKDB";

/// The other process: when this test binary is started with `HOLD_ENV` set (by the test
/// below), it opens that DuckDB file — taking DuckDB's write lock — and keeps it until its
/// stdin closes. In an ordinary test run the variable is unset and it returns at once.
#[test]
fn helper_process_holding_the_duckdb_file() {
    let Some(path) = std::env::var_os(HOLD_ENV) else {
        return;
    };
    let conn = duckdb::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE IF NOT EXISTS held_by_another_program (x INTEGER)")
        .unwrap();
    println!("duckdb-held");
    std::io::stdout().flush().unwrap();
    let mut rest = String::new();
    let _ = std::io::stdin().read_line(&mut rest);
    drop(conn);
}

struct Holder {
    child: Child,
    /// Kept open (and drained at the end) so the helper's last output never hits a closed pipe.
    output: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Holder {
    fn start(path: &Path) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "helper_process_holding_the_duckdb_file",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(HOLD_ENV, path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut output = BufReader::new(child.stdout.take().unwrap()).lines();
        let held = output
            .by_ref()
            .map_while(Result::ok)
            .any(|line| line.contains("duckdb-held"));
        assert!(held, "the helper process did not open the database");
        Self { child, output }
    }

    /// Closes its stdin: it closes the database and exits.
    fn release(mut self) {
        drop(self.child.stdin.take());
        for _ in self.output.by_ref() {}
        assert!(self.child.wait().unwrap().success());
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duckdb_file_held_by_another_process_is_waited_for_and_nothing_acknowledged_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let holder = Holder::start(&dir.path().join("cartographus.duckdb"));

    let layer = ConfigLayer {
        writer_flush_interval: Some(Duration::from_millis(100)),
        ..ConfigLayer::default()
    };
    let engine = Engine::start(config(dir.path(), layer), tokens())
        .await
        .expect("the engine starts although DuckDB is held");
    let t = TestEngine {
        base: format!("http://{}", engine.listen_addr()),
        engine,
        dir,
        http: reqwest::Client::new(),
    };

    let health = t.engine.handle().health();
    assert_eq!(health.status, OverallStatus::Down);
    let duckdb = &health.parts["duckdb"];
    assert_eq!(duckdb.status, PartStatus::Down);
    assert!(
        duckdb.detail.contains("lock"),
        "the reason: {}",
        duckdb.detail
    );
    assert_eq!(health.parts["nats"].status, PartStatus::Up);
    let answer = t.http.get(t.url("/api/v1/health")).send().await.unwrap();
    assert_eq!(answer.status(), 503);

    let mut acked = Vec::new();
    for n in 0..10 {
        acked.push(
            post(&t, n)
                .await
                .unwrap_or_else(|| panic!("webhook {n} refused while DuckDB is held")),
        );
    }

    holder.release();
    wait_for("every event stored", Duration::from_secs(60), || async {
        let stored = t
            .engine
            .database()
            .with_conn(|conn| cartographus_engine::persist::events::count_events(conn))
            .await
            .ok()?;
        (stored == acked.len() as u64).then_some(())
    })
    .await;
    for id in &acked {
        let event = t.engine.handle().event(id).await;
        assert!(event.is_ok(), "{id} acknowledged but not stored");
    }
    wait_for("duckdb up", Duration::from_secs(10), || async {
        (t.engine.handle().health().parts["duckdb"].status == PartStatus::Up).then_some(())
    })
    .await;
    t.engine.shutdown().await;
}

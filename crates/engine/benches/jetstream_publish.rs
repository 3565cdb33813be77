//! JetStream publish with `sync_interval: always` (our sidecar's setting) against the
//! server default (fsync every 2 minutes): acknowledged publishes per second, one at a time
//! (the ack latency a webhook waits for) and with many in flight (throughput).
//! Run: `cargo bench --workspace --bench jetstream_publish` (prints a table).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, stream};
use bytes::Bytes;
use futures_util::StreamExt;

const SEQUENTIAL: usize = 2_000;
const CONCURRENT: usize = 20_000;
const IN_FLIGHT: usize = 256;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn nats_server_bin() -> std::path::PathBuf {
    std::env::var_os("NATS_SERVER_BIN")
        .map(Into::into)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../src-tauri/binaries/nats-server-x86_64-unknown-linux-gnu")
        })
}

fn start(dir: &Path, sync_always: bool) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let sync = if sync_always {
        "sync_interval: \"always\""
    } else {
        ""
    };
    let config = format!(
        "listen: \"127.0.0.1:{port}\"\njetstream {{\n  store_dir: \"{}\"\n  {sync}\n}}\n",
        dir.display()
    );
    let path = dir.join("nats.conf");
    std::fs::write(&path, config).expect("config");
    let child = Command::new(nats_server_bin())
        .arg("-c")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nats-server");
    (Server(child), format!("nats://127.0.0.1:{port}"))
}

async fn measure(sync_always: bool, payload: &Bytes) -> (f64, f64, f64, f64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_server, url) = start(dir.path(), sync_always);
    let deadline = Instant::now() + Duration::from_secs(10);
    let client = loop {
        if let Ok(client) = async_nats::connect(&url).await {
            break client;
        }
        assert!(Instant::now() < deadline, "nats-server did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let js = jetstream::new(client);
    js.create_stream(stream::Config {
        name: "BENCH".into(),
        subjects: vec!["bench.>".into()],
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await
    .expect("stream");

    let mut latencies = Vec::with_capacity(SEQUENTIAL);
    let started = Instant::now();
    for n in 0..SEQUENTIAL {
        let t = Instant::now();
        js.publish(format!("bench.{}", n % 8), payload.clone())
            .await
            .expect("publish")
            .await
            .expect("ack");
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let sequential_rate = SEQUENTIAL as f64 / started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let p50 = latencies[latencies.len() / 2];
    let p99 = latencies[latencies.len() * 99 / 100];

    let started = Instant::now();
    futures_util::stream::iter(0..CONCURRENT)
        .map(|n| {
            let js = js.clone();
            let payload = payload.clone();
            async move {
                js.publish(format!("bench.{}", n % 8), payload)
                    .await
                    .expect("publish")
                    .await
                    .expect("ack")
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .for_each(|_| async {})
        .await;
    let concurrent_rate = CONCURRENT as f64 / started.elapsed().as_secs_f64();
    (sequential_rate, p50, p99, concurrent_rate)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing and expects speed.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tautulli/play.json");
    let payload = Bytes::from(std::fs::read(fixture).expect("fixture"));
    println!(
        "JetStream publish, {} B payload, {SEQUENTIAL} sequential / {CONCURRENT} with {IN_FLIGHT} in flight",
        payload.len()
    );
    println!(
        "{:<22} {:>14} {:>10} {:>10} {:>16}",
        "setting", "sequential/s", "ack p50", "ack p99", "in flight/s"
    );
    for (name, sync_always) in [("sync_interval: always", true), ("default (2 min)", false)] {
        let (seq, p50, p99, conc) = runtime.block_on(measure(sync_always, &payload));
        println!("{name:<22} {seq:>14.0} {p50:>8.2}ms {p99:>8.2}ms {conc:>16.0}");
    }
}

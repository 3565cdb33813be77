//! Baseline: JetStream async publish of the same events (the bytes the engine publishes,
//! with their `Nats-Msg-Id`) to a nats-server of our own with the sidecar's exact config
//! (`sync_interval: always`, file storage) and the `MEDIA_EVENTS` stream settings.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, message::PublishMessage};
use bytes::Bytes;
use cartographus_engine::bus::atomic_batch;
use cartographus_engine::bus::publisher::Outgoing;
use cartographus_engine::bus::sidecar::SidecarSpec;
use cartographus_engine::bus::stream;
use cartographus_engine::event::MediaEvent;
use cartographus_engine::secret::Secret;
use futures_util::StreamExt;

use crate::process::{self, ChildGuard};

pub struct Published {
    pub msgs_per_s: f64,
    pub payload_bytes_mean: f64,
    pub nats_rss_mb: Option<f64>,
    /// CPU of nats-server and of this process while publishing.
    pub cpu: crate::cpu::Usage,
}

/// How the baseline publishes.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    /// One message per publish, `in_flight` awaiting their acks (one fsync each).
    PerMessage { in_flight: usize },
    /// Atomic batches of `size` messages, `in_flight` batches at once (one fsync each):
    /// the ceiling of group commit on this disk.
    AtomicBatches { size: usize, in_flight: usize },
}

/// Publishes every event once, as `mode` says.
pub async fn measure(
    nats_server: &Path,
    work_dir: &Path,
    events: &[MediaEvent],
    mode: Mode,
) -> Result<Published, String> {
    let spec = SidecarSpec {
        bin: nats_server.to_path_buf(),
        work_dir: work_dir.join("nats"),
        store_dir: work_dir.join("jetstream"),
        port: process::free_port()?,
        token: Secret::new("bench-nats-token"),
    };
    for dir in [&spec.work_dir, &spec.store_dir] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(spec.config_path(), spec.render_config())
        .map_err(|e| format!("cannot write the nats-server config: {e}"))?;
    let child = Command::new(nats_server)
        .arg("-c")
        .arg(spec.config_path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", nats_server.display()))?;
    let server = ChildGuard::new(child, Duration::from_secs(5));

    let deadline = Instant::now() + Duration::from_secs(10);
    let client = loop {
        let options = async_nats::ConnectOptions::with_token("bench-nats-token".into());
        match options.connect(spec.url()).await {
            Ok(client) => break client,
            Err(e) if Instant::now() > deadline => {
                return Err(format!("the baseline nats-server did not start: {e}"))
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    let js = jetstream::new(client);
    js.create_stream(stream::stream_config(7, 1))
        .await
        .map_err(|e| format!("cannot create the baseline stream: {e}"))?;

    let messages = events
        .iter()
        .map(|e| {
            serde_json::to_vec(e)
                .map(|payload| (e.subject(), e.event_id.clone(), Bytes::from(payload)))
                .map_err(|e| format!("cannot encode an event: {e}"))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let payload_bytes_mean =
        messages.iter().map(|m| m.2.len()).sum::<usize>() as f64 / messages.len().max(1) as f64;

    let mark = crate::cpu::Mark::now(&[server.pid(), std::process::id()]);
    let started = Instant::now();
    let acks = match mode {
        Mode::PerMessage { in_flight } => per_message(&js, messages, in_flight).await,
        Mode::AtomicBatches { size, in_flight } => {
            atomic_batches(&js, messages, size, in_flight).await
        }
    };
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = mark.usage();
    let nats_rss_mb = process::rss_mb(server.pid());
    let failed = acks.iter().filter(|a| a.is_err()).count();
    let duplicates = acks.iter().filter(|a| matches!(a, Ok(true))).count();
    if failed > 0 || duplicates > 0 {
        return Err(format!(
            "baseline publish: {failed} failed, {duplicates} duplicates of {}",
            acks.len()
        ));
    }
    drop(server);
    Ok(Published {
        msgs_per_s: acks.len() as f64 / elapsed,
        payload_bytes_mean,
        nats_rss_mb,
        cpu,
    })
}

type Message = (String, String, Bytes);

async fn per_message(
    js: &jetstream::Context,
    messages: Vec<Message>,
    in_flight: usize,
) -> Vec<Result<bool, String>> {
    futures_util::stream::iter(messages)
        .map(|(subject, id, payload)| {
            let js = js.clone();
            async move {
                let message = PublishMessage::build().payload(payload).message_id(&id);
                let ack = js
                    .send_publish(subject, message)
                    .await
                    .map_err(|e| e.to_string())?
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(ack.duplicate)
            }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await
}

async fn atomic_batches(
    js: &jetstream::Context,
    messages: Vec<Message>,
    size: usize,
    in_flight: usize,
) -> Vec<Result<bool, String>> {
    let client = js.client();
    let batches: Vec<Vec<Outgoing>> = messages
        .chunks(size.clamp(2, atomic_batch::MAX_MESSAGES))
        .map(|chunk| {
            chunk
                .iter()
                .map(|(subject, id, payload)| Outgoing {
                    subject: subject.clone(),
                    msg_id: id.clone(),
                    payload: payload.clone(),
                })
                .collect()
        })
        .collect();
    let answers: Vec<Vec<Result<bool, String>>> = futures_util::stream::iter(batches)
        .map(|batch| {
            let client = client.clone();
            async move {
                match atomic_batch::publish(&client, &batch, Duration::from_secs(10)).await {
                    Ok(published) => published.iter().map(|p| Ok(p.duplicate)).collect(),
                    Err(e) => batch.iter().map(|_| Err(e.to_string())).collect(),
                }
            }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    answers.into_iter().flatten().collect()
}

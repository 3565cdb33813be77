//! Group commit into JetStream with a real nats-server: groups are stored as atomic batches
//! and every message gets its own answer — also when a batch holds an id the stream has seen
//! (or one id twice), when the stream does not take batches, and under concurrent load.

mod support;

use std::collections::HashSet;

use bytes::Bytes;
use cartographus_engine::bus::group_commit::GroupCommit;
use cartographus_engine::bus::publisher::{Outgoing, Published, Publisher};
use cartographus_engine::bus::stream::{self, StreamSpec, STREAM};
use std::time::Duration;
use support::nats::{free_port, NatsServer};

const ACK_TIMEOUT: Duration = Duration::from_secs(5);

fn message(id: &str) -> Outgoing {
    Outgoing {
        subject: "playback.tautulli.movie".into(),
        msg_id: id.to_string(),
        payload: Bytes::from(format!("{{\"event_id\":\"{id}\"}}")),
    }
}

fn messages(prefix: &str, n: usize) -> Vec<Outgoing> {
    (0..n).map(|i| message(&format!("{prefix}-{i}"))).collect()
}

struct Bus {
    _server: NatsServer,
    _store: tempfile::TempDir,
    jetstream: async_nats::jetstream::Context,
    atomic: bool,
}

/// A nats-server with the engine's stream provisioned as the engine provisions it.
async fn bus() -> Bus {
    let store = tempfile::tempdir().unwrap();
    let server = NatsServer::with_jetstream(free_port(), store.path(), &[]);
    let client = async_nats::connect(server.url()).await.unwrap();
    let jetstream = async_nats::jetstream::new(client);
    let spec = StreamSpec {
        retention_days: 7,
        replicas: 1,
    };
    let provisioned = stream::provision(&jetstream, spec).await.unwrap();
    Bus {
        _server: server,
        _store: store,
        jetstream,
        atomic: provisioned.atomic_batches,
    }
}

impl Bus {
    fn publisher(&self) -> Publisher {
        Publisher::new(self.jetstream.clone(), ACK_TIMEOUT).with_atomic_batches(self.atomic)
    }

    /// Every message id in the stream, in stream order, with its batch id header if any.
    async fn stored(&self) -> Vec<(String, Option<String>)> {
        let stream = self.jetstream.get_stream(STREAM).await.unwrap();
        let mut info = stream.clone();
        let last = info.info().await.unwrap().state.last_sequence;
        let mut stored = Vec::new();
        for seq in 1..=last {
            let Ok(raw) = stream.get_raw_message(seq).await else {
                continue;
            };
            let headers = raw.headers;
            let id = headers
                .get("Nats-Msg-Id")
                .map(|v| v.as_str().to_string())
                .unwrap_or_default();
            let batch = headers.get("Nats-Batch-Id").map(|v| v.as_str().to_string());
            stored.push((id, batch));
        }
        stored
    }
}

fn sequences(answers: &[Published]) -> Vec<u64> {
    answers.iter().map(|p| p.sequence).collect()
}

#[tokio::test]
async fn the_engines_stream_takes_atomic_batches() {
    let bus = bus().await;
    assert!(bus.atomic, "the pinned nats-server keeps allow_atomic");
}

#[tokio::test]
async fn a_group_is_stored_as_one_batch_in_order_and_each_message_answered() {
    let bus = bus().await;
    let group = messages("g", 50);
    let answers: Vec<Published> = bus
        .publisher()
        .publish_group(&group)
        .await
        .into_iter()
        .map(|a| a.expect("each message acknowledged"))
        .collect();
    assert_eq!(sequences(&answers), (1..=50).collect::<Vec<u64>>());
    assert!(answers.iter().all(|a| !a.duplicate));

    let stored = bus.stored().await;
    let ids: Vec<&str> = stored.iter().map(|(id, _)| id.as_str()).collect();
    let sent: Vec<&str> = group.iter().map(|m| m.msg_id.as_str()).collect();
    assert_eq!(ids, sent, "stored once each, in the order sent");
    let batches: HashSet<_> = stored.iter().map(|(_, batch)| batch.clone()).collect();
    assert_eq!(batches.len(), 1, "one batch: {batches:?}");
    assert!(
        batches.iter().all(Option::is_some),
        "sent as an atomic batch"
    );
}

#[tokio::test]
async fn a_batch_holding_a_seen_id_or_one_id_twice_is_answered_message_by_message() {
    let bus = bus().await;
    let publisher = bus.publisher();
    let seen = message("seen");
    publisher.publish(&seen).await.unwrap();

    // JetStream refuses such a batch whole; each message then gets its own answer.
    let group = vec![
        message("a"),
        seen.clone(),
        message("b"),
        message("b"),
        message("c"),
    ];
    let answers: Vec<Published> = publisher
        .publish_group(&group)
        .await
        .into_iter()
        .map(|a| a.expect("each message answered"))
        .collect();
    let duplicates: Vec<bool> = answers.iter().map(|a| a.duplicate).collect();
    assert_eq!(duplicates, [false, true, false, true, false]);

    let ids: Vec<String> = bus.stored().await.into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["seen", "a", "b", "c"], "each id stored once");
}

#[tokio::test]
async fn a_stream_that_does_not_take_batches_still_gets_every_message() {
    let bus = bus().await;
    // The stream as a server before 2.12, or a hand-made one, has it: no atomic batches.
    let mut config = stream::stream_config(7, 1);
    config.allow_atomic_publish = false;
    bus.jetstream.update_stream(config).await.unwrap();
    // A publisher that believes otherwise is refused and falls back, losing nothing.
    let publisher = Publisher::new(bus.jetstream.clone(), ACK_TIMEOUT).with_atomic_batches(true);
    let group = messages("plain", 20);
    let answers = publisher.publish_group(&group).await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    let ids: Vec<String> = bus.stored().await.into_iter().map(|(id, _)| id).collect();
    let sent: Vec<String> = group.iter().map(|m| m.msg_id.clone()).collect();
    assert_eq!(ids, sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_publishes_share_batches_and_each_caller_gets_its_own_answer() {
    let bus = bus().await;
    let commits = GroupCommit::start(bus.publisher());
    let callers: Vec<_> = messages("load", 400)
        .into_iter()
        .map(|m| {
            let commits = commits.clone();
            tokio::spawn(async move { (m.msg_id.clone(), commits.publish(m).await) })
        })
        .collect();
    let mut answered = Vec::new();
    for caller in callers {
        let (id, answer) = caller.await.unwrap();
        answered.push((id, answer.expect("acknowledged").sequence));
    }
    // Each caller's sequence holds that caller's message.
    let stored = bus.stored().await;
    for (id, sequence) in &answered {
        assert_eq!(&stored[(*sequence - 1) as usize].0, id);
    }
    assert_eq!(stored.len(), 400, "each message stored once");
    let (groups, published) = commits.counts().get();
    assert_eq!(published, 400);
    assert!(
        groups < 400,
        "concurrent messages were gathered into batches ({groups} groups)"
    );
}

#[tokio::test]
async fn a_lone_message_is_published_at_once_and_a_resend_is_a_duplicate() {
    let bus = bus().await;
    let commits = GroupCommit::start(bus.publisher());
    let first = commits.publish(message("once")).await.unwrap();
    let again = commits.publish(message("once")).await.unwrap();
    assert!(!first.duplicate);
    assert!(again.duplicate);
    assert_eq!(commits.counts().get(), (2, 2));
}

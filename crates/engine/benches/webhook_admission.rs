//! The front door's own cost: token check, streaming body read, multipart split and parse
//! of a webhook, and the JSON answer — everything but the durable write, which the
//! pipeline benchmark measures. Target: under 50 µs per webhook.

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue};
use cartographus_engine::api::webhooks::{accepted_answer, admit, Admission};
use cartographus_engine::config::{Config, ConfigLayer};
use cartographus_engine::handle::intake::Admitted;
use cartographus_engine::ingest::Accepted;
use cartographus_engine::secret::Secret;
use cartographus_engine::{Engine, Tokens};
use criterion::{criterion_group, criterion_main, Criterion};

const TOKEN: &str = "bench-token";

fn fixture(path: &str) -> Vec<u8> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(path);
    std::fs::read(full).expect("fixture")
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::resolve(
        dir.path().to_path_buf(),
        &[ConfigLayer {
            listen: Some("127.0.0.1:0".parse().expect("addr")),
            nats_enabled: Some(false),
            ..ConfigLayer::default()
        }],
    )
    .expect("config");
    let tokens = Tokens {
        api: Secret::new("api"),
        webhooks: ["tautulli", "plex", "jellyfin", "emby"]
            .into_iter()
            .map(|s| (s.to_string(), Secret::new(TOKEN)))
            .collect::<BTreeMap<_, _>>(),
    };
    let engine = runtime
        .block_on(Engine::start(config, tokens))
        .expect("engine");
    let handle = engine.handle();
    let query = format!("token={TOKEN}");

    let cases = [
        (
            "tautulli",
            "application/json".to_string(),
            fixture("tautulli/play.json"),
        ),
        (
            "plex",
            String::from_utf8(fixture("plex/media.play.multipart.content-type"))
                .expect("utf-8")
                .trim()
                .to_string(),
            fixture("plex/media.play.multipart.body"),
        ),
    ];
    let mut group = c.benchmark_group("webhook_admission");
    for (source, content_type, body) in cases {
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            HeaderValue::from_str(&content_type).expect("header"),
        );
        headers.insert("content-length", HeaderValue::from(body.len()));
        let name = if source == "plex" {
            "plex_multipart"
        } else {
            source
        };
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async {
                let admission = admit(
                    &handle,
                    source,
                    Some(&query),
                    &headers,
                    Body::from(body.clone()),
                )
                .await;
                match admission {
                    Admission::Admitted(Admitted::Playback { event, .. }) => {
                        accepted_answer(&Accepted {
                            event_id: event.event_id,
                            duplicate: false,
                            spooled: false,
                        })
                    }
                    _ => panic!("{source} fixture not admitted"),
                }
            })
        });
    }
    group.finish();
    runtime.block_on(engine.shutdown());
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Property test of the whole webhook router: whatever body, content type and source
//! arrive, the answer is a deliberate 2xx/4xx, never a 5xx and never a panic.

mod support;

use axum::body::Body;
use axum::http::Request;
use cartographus_engine::config::ConfigLayer;
use proptest::prelude::*;
use support::*;
use tower::ServiceExt;

const CONTENT_TYPES: [&str; 7] = [
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "application/xml",
    "",
];

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2048),
        "\\PC{0,512}".prop_map(String::into_bytes),
        // JSON-ish text reaches deeper into the parsers than random bytes.
        r#"[{}\[\]",:0-9a-zA-Z .\-]{0,400}"#.prop_map(String::into_bytes),
        Just(
            b"--xyz\r\nContent-Disposition: form-data; name=\"payload\"\r\n\r\n{}\r\n--xyz--\r\n"
                .to_vec()
        ),
    ]
}

#[test]
fn no_input_makes_the_router_fail_or_panic() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let t = runtime.block_on(TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..Default::default()
    }));
    let router = cartographus_engine::api::router(t.engine.handle());
    let config = ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    };
    proptest!(config, |(
        source in prop::sample::select(vec!["tautulli", "plex", "jellyfin", "emby"]),
        content_type in prop::sample::select(CONTENT_TYPES.to_vec()),
        body in body_strategy(),
    )| {
        let mut request = Request::post(format!("/webhooks/{source}?token={WEBHOOK_TOKEN}"))
            .header("host", "127.0.0.1");
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        let request = request.body(Body::from(body)).unwrap();
        let status = runtime
            .block_on(router.clone().oneshot(request))
            .unwrap()
            .status()
            .as_u16();
        prop_assert!(
            [202, 400, 413, 415].contains(&status),
            "{source} {content_type}: status {status}"
        );
    });
    runtime.block_on(t.engine.shutdown());
}

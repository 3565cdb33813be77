//! The HTTP side of the operations table (`engine::operations`): every route the table names
//! is served by the router with that method — whatever the engine then answers, it is never
//! the router's "no such route" (404) or "wrong method" (405).

mod support;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::handle::operations;
use reqwest::{Method, StatusCode};
use support::{TestEngine, API_TOKEN};

/// A concrete path for a declared one: `{id}` and the like become a plausible value.
fn concrete(path: &str) -> String {
    path.replace("{file_name}", "cartographus-diagnostics-none.zip")
        .replace("{source}", "tautulli")
        .replace("{key}", "no_such_setting")
        .replace("{id}", "no-such-id")
        .replace("{file}", "sessions.parquet")
}

async fn answer(t: &TestEngine, method: Method, path: &str) -> (StatusCode, String) {
    let mut request = t
        .http
        .request(method.clone(), t.url(path))
        .bearer_auth(API_TOKEN);
    if method == Method::POST || method == Method::PATCH {
        request = request.json(&serde_json::json!({}));
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn every_route_in_the_operations_table_is_served() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        // Nothing listens there: the Plex sign-in fails at once instead of reaching plex.tv.
        plextv_url: Some("http://127.0.0.1:1".to_string()),
        ..ConfigLayer::default()
    })
    .await;
    let (status, not_a_route) = answer(&t, Method::GET, "/api/v1/no-such-route").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the router's own 404");

    let mut checked = 0;
    for (method, path) in operations::routes() {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let url = concrete(path);
        let (status, body) = answer(&t, method.clone(), &url).await;
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} ({url}): {body}"
        );
        let unrouted = status == StatusCode::NOT_FOUND && (body == not_a_route || body.is_empty());
        assert!(!unrouted, "{method} {path} ({url}) is not routed: {body}");
        checked += 1;
    }
    assert!(checked > 30, "only {checked} routes in the table");
    t.engine.shutdown().await;
}

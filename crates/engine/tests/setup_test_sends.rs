//! The test sends of Jellyfin's webhook plugin (its proposed "Add Test") and Emby's "Send
//! Test Notification" over real HTTP: answered 200 `{"status":"test"}`, neither stored nor
//! dead-lettered, and shown in the setup overview as that source's last test, which marks
//! it connected (the wizard's wait turns green on it). Plex has no test send.

mod support;

use cartographus_engine::config::ConfigLayer;
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::setup_api::call;
use support::webhooks::{dlq_count, post};
use support::{stored_events, TestEngine};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jellyfin_and_emby_tests_are_answered_not_stored_and_shown_as_arrived() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..ConfigLayer::default()
    })
    .await;
    let (_, before) = call(&t, Method::GET, "/api/v1/setup", None).await;
    for source in ["jellyfin", "emby"] {
        assert_eq!(before["sources"][source]["connected"], false, "{before}");
        assert!(
            before["sources"][source]["last_test_at"].is_null(),
            "{before}"
        );
    }

    let jellyfin = json!({"ServerId": "8c2e41d6", "ServerName": "Basement",
        "ServerVersion": "10.11.2", "ServerUrl": "http://192.168.1.5:8096",
        "NotificationType": "PlaybackStart", "ItemType": "None"});
    let (status, answer) = post(&t, "jellyfin", "text/plain", jellyfin.to_string().into()).await;
    assert_eq!(
        (status, &answer),
        (200, &json!({"status": "test", "source": "jellyfin"}))
    );

    let emby = json!({"Title": "Test Notification", "Event": "system.webhooktest",
        "Severity": "Info", "Server": {"Name": "Basement", "Id": "b7c1", "Version": "4.9.1.10"}});
    let form = format!(
        "data={}",
        url::form_urlencoded::byte_serialize(emby.to_string().as_bytes()).collect::<String>()
    );
    let (status, answer) = post(&t, "emby", "application/x-www-form-urlencoded", form.into()).await;
    assert_eq!(
        (status, &answer),
        (200, &json!({"status": "test", "source": "emby"}))
    );

    assert_eq!(stored_events(&t).await, 0, "a test is not a playback");
    assert_eq!(dlq_count(&t).await, 0, "a test is not a dead letter");
    let (status, after) = call(&t, Method::GET, "/api/v1/setup", None).await;
    assert_eq!(status, StatusCode::OK);
    for source in ["jellyfin", "emby"] {
        let shown = &after["sources"][source];
        assert_eq!(shown["connected"], true, "{source}: {after}");
        assert!(shown["last_test_at"].is_string(), "{source}: {after}");
        assert!(shown["last_event_at"].is_null(), "{source}: {after}");
    }
    assert!(after["sources"]["plex"]["last_test_at"].is_null());
    assert!(after["sources"]["tautulli"]["last_test_at"].is_null());
}

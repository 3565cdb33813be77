//! The setup wizard's Tautulli side over real HTTP, against a fake Tautulli that behaves
//! like the real one: connect (one notifier, full config, other apps' notifiers untouched),
//! reconnect, wrong key, unreachable, the end-to-end test and its failure hint, disconnect,
//! and no secret in any answer.

mod support;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::secret::Secret;
use cartographus_engine::setup::notifier_template::{
    data_template, headers_template, OTHER_TRIGGERS, TRIGGERS,
};
use cartographus_fakes::tautulli::{FakeTautulli, KeyRefusal, Notifier};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::setup_api::{assert_no_secret, call, dead_address, regenerate, saved_setup};
use support::webhooks::{dlq_count, fixture, post};
use support::{stored_events, wait_for, TestEngine, WEBHOOK_TOKEN};

const KEY: &str = "tautulli-api-key-5f1e2d";

/// Setup needs no JetStream; the direct path keeps these tests light on the shared cores.
async fn engine() -> TestEngine {
    TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..ConfigLayer::default()
    })
    .await
}

/// A Tautulli that already has two notifiers of other apps.
async fn tautulli_with_others() -> (FakeTautulli, Vec<(u32, Notifier)>) {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let discord = Notifier::webhook("Discord", "https://discord.com/api/webhooks/1/abc");
    let email = Notifier::email("Mail me", "smtp-secret");
    let others = vec![
        (fake.add(discord.clone()), discord),
        (fake.add(email.clone()), email),
    ];
    (fake, others)
}

async fn connect(t: &TestEngine, fake: &FakeTautulli, extra: Value) -> (StatusCode, Value) {
    let mut body = json!({"url": fake.url, "api_key": KEY});
    if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
        body.extend(extra);
    }
    call(t, Method::POST, "/api/v1/setup/tautulli", Some(body)).await
}

fn assert_untouched(fake: &FakeTautulli, others: &[(u32, Notifier)]) {
    let now = fake.notifiers();
    for (id, before) in others {
        assert_eq!(
            now.get(id),
            Some(before),
            "notifier {id} of another app changed"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_installs_one_fully_configured_notifier_and_reconnect_reuses_it() {
    let (fake, others) = tautulli_with_others().await;
    let t = engine().await;

    let (status, first) = connect(&t, &fake, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let hook = format!("{}/webhooks/tautulli", t.base);
    assert_eq!(first["created"], true, "{first}");
    assert_eq!(first["tautulli_version"], "v2.17.2");
    assert_eq!(first["hook"], hook.as_str());
    let id = first["notifier_id"].as_u64().unwrap() as u32;
    assert_no_secret(&first, &[KEY, WEBHOOK_TOKEN]);

    let ours = fake.notifiers()[&id].clone();
    assert_eq!(ours.agent_id, 25);
    assert_eq!(ours.hook(), hook);
    assert_eq!(ours.method(), "POST");
    for trigger in TRIGGERS {
        assert_eq!(ours.actions[trigger], 1, "{trigger} is on");
        let (headers, body) = &ours.texts[trigger];
        let headers: Value = serde_json::from_str(headers).unwrap();
        assert_eq!(headers["X-Cartographus-Token"], WEBHOOK_TOKEN, "{trigger}");
        assert_eq!(body, &data_template(), "{trigger}");
    }
    assert_eq!(
        ours.actions["on_created"], 0,
        "triggers we do not want stay off"
    );
    assert_untouched(&fake, &others);
    assert!(
        !fake.key_in_body(),
        "the API key travels only in the query string"
    );

    let saved = saved_setup(&t);
    assert_eq!(
        saved["tautulli"]["api_key"], KEY,
        "the key is kept for import"
    );
    assert_eq!(saved["tautulli"]["notifier_id"], id);

    let (status, again) = connect(&t, &fake, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["notifier_id"], id);
    assert_eq!(again["created"], false);
    assert_eq!(
        fake.notifiers().len(),
        others.len() + 1,
        "never a second one"
    );
    assert_untouched(&fake, &others);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_saved_settings_our_notifier_is_found_by_its_hook() {
    let (fake, others) = tautulli_with_others().await;
    let t = engine().await;
    let (_, first) = connect(&t, &fake, json!({})).await;
    let id = first["notifier_id"].clone();
    std::fs::remove_file(t.dir.path().join("settings.json")).unwrap();

    let (status, again) = connect(&t, &fake, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["notifier_id"], id);
    assert_eq!(again["created"], false);
    assert_eq!(fake.notifiers().len(), others.len() + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_is_422_however_tautulli_says_it() {
    let (fake, others) = tautulli_with_others().await;
    let t = engine().await;
    let wrong = "wrong-key-0a9b8c";
    for refusal in [
        KeyRefusal::Http400,
        KeyRefusal::Http401,
        KeyRefusal::Http200,
    ] {
        fake.set_refusal(refusal);
        let body = json!({"url": fake.url, "api_key": wrong});
        let (status, answer) = call(&t, Method::POST, "/api/v1/setup/tautulli", Some(body)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{refusal:?}: {answer}"
        );
        assert_eq!(answer["error"]["code"], "tautulli_unauthorized");
        assert_no_secret(&answer, &[wrong]);
    }
    assert_eq!(fake.notifiers().len(), others.len(), "nothing was created");
    assert!(saved_setup(&t).get("tautulli").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_or_not_tautulli_is_502_and_bad_input_is_400() {
    let t = engine().await;
    let dead = dead_address().await;
    let body = json!({"url": dead, "api_key": KEY});
    let (status, answer) = call(&t, Method::POST, "/api/v1/setup/tautulli", Some(body)).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{answer}");
    assert_eq!(answer["error"]["code"], "tautulli_unreachable");
    assert_no_secret(&answer, &[KEY]);

    // Something that is not Tautulli: the engine's own listener.
    let body = json!({"url": t.base, "api_key": KEY});
    let (status, answer) = call(&t, Method::POST, "/api/v1/setup/tautulli", Some(body)).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{answer}");
    assert_eq!(answer["error"]["code"], "tautulli_error");
    assert_no_secret(&answer, &[KEY]);

    for body in [
        json!({"url": "ftp://nas/", "api_key": KEY}),
        json!({"url": "http://nas:8181/?apikey=x", "api_key": KEY}),
        json!({"url": dead, "api_key": KEY, "callback_base": "http://"}),
    ] {
        let (status, answer) = call(&t, Method::POST, "/api/v1/setup/tautulli", Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(answer["error"]["code"], "invalid_url");
    }
    let (status, answer) = call(
        &t,
        Method::POST,
        "/api/v1/setup/tautulli",
        Some(json!({"url": dead})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["code"], "bad_request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_notification_makes_the_round_trip_and_is_not_stored() {
    let (fake, _) = tautulli_with_others().await;
    let t = engine().await;
    let (status, answer) = call(&t, Method::POST, "/api/v1/setup/tautulli/test", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "not_connected");

    let (status, _) = connect(&t, &fake, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = call(&t, Method::POST, "/api/v1/setup/tautulli/test", None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["received"], true);
    assert!(answer["round_trip_ms"].as_u64().is_some(), "{answer}");
    // Tautulli sends exactly the subject and body a notify call passes (no stored template
    // stands in), so the call itself must carry the headers template with the token.
    let notifies = fake.notifies();
    assert_eq!(notifies.len(), 1, "{notifies:?}");
    assert_eq!(
        notifies[0].subject.as_deref(),
        Some(headers_template(&Secret::new(WEBHOOK_TOKEN)).as_str())
    );
    assert_eq!(notifies[0].body.as_deref(), Some(data_template().as_str()));
    assert_eq!(notifies[0].headers, None);
    assert_eq!(stored_events(&t).await, 0, "a test is not a playback");
    assert_eq!(dlq_count(&t).await, 0, "a test is not a dead letter");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_to_a_dead_address_is_504_naming_that_address() {
    let (fake, _) = tautulli_with_others().await;
    let t = engine().await;
    let dead = dead_address().await;
    let (status, connected) = connect(&t, &fake, json!({"callback_base": dead})).await;
    assert_eq!(status, StatusCode::OK, "{connected}");
    assert_eq!(connected["hook"], format!("{dead}/webhooks/tautulli"));

    let (status, answer) = call(&t, Method::POST, "/api/v1/setup/tautulli/test", None).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{answer}");
    assert_eq!(answer["error"]["code"], "test_not_received");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{dead}/webhooks/tautulli")),
        "{message}"
    );
    assert!(message.contains("callback_base"), "{message}");
    assert_no_secret(&answer, &[KEY, WEBHOOK_TOKEN]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_removes_only_our_notifier_and_forgets_the_connection() {
    let (fake, others) = tautulli_with_others().await;
    let t = engine().await;
    let (status, _) = connect(&t, &fake, json!({})).await;
    assert_eq!(status, StatusCode::OK);

    let (status, answer) = call(&t, Method::DELETE, "/api/v1/setup/tautulli", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{answer}");
    let left = fake.notifiers();
    assert_eq!(left.len(), others.len());
    assert_untouched(&fake, &others);
    assert!(
        saved_setup(&t).get("tautulli").is_none(),
        "{}",
        saved_setup(&t)
    );

    let (status, answer) = call(&t, Method::DELETE, "/api/v1/setup/tautulli", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "not_connected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_shows_urls_and_connections_but_no_secret() {
    let (fake, _) = tautulli_with_others().await;
    let t = engine().await;
    let (status, before) = call(&t, Method::GET, "/api/v1/setup", None).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(before["listen"], t.base.trim_start_matches("http://"));
    assert_eq!(
        before["webhook_urls"]["jellyfin"],
        format!("{}/webhooks/jellyfin?token={WEBHOOK_TOKEN}", t.base)
    );
    assert!(before["lan_addresses"].is_array());
    assert_eq!(before["sources"]["tautulli"]["connected"], false);
    assert_eq!(before["sources"]["jellyfin"]["connected"], false);

    let (status, _) = post(
        &t,
        "jellyfin",
        "application/json",
        fixture("jellyfin/PlaybackStart.json"),
    )
    .await;
    assert_eq!(status, 202);
    // Tautulli behind a proxy with basic auth: the credentials are used, never shown.
    let with_credentials = fake.url.replace("http://", "http://admin:hunter2@");
    let body = json!({"url": with_credentials, "api_key": KEY});
    let (status, connected) = call(&t, Method::POST, "/api/v1/setup/tautulli", Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{connected}");

    let after = wait_for(
        "the jellyfin event in the overview",
        std::time::Duration::from_secs(5),
        || async {
            let (_, after) = call(&t, Method::GET, "/api/v1/setup", None).await;
            after["sources"]["jellyfin"]["connected"]
                .as_bool()
                .filter(|c| *c)
                .map(|_| after)
        },
    )
    .await;
    assert!(
        after["sources"]["jellyfin"]["last_event_at"].is_string(),
        "{after}"
    );
    let tautulli = &after["sources"]["tautulli"];
    assert_eq!(tautulli["connected"], true);
    assert_eq!(tautulli["notifier_id"], connected["notifier_id"]);
    assert_eq!(tautulli["url"], format!("{}/", fake.url));
    assert_no_secret(&after, &[KEY, "hunter2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_connects_at_once_still_make_one_notifier() {
    let (fake, others) = tautulli_with_others().await;
    let t = engine().await;
    let ((first_status, first), (second_status, second)) =
        tokio::join!(connect(&t, &fake, json!({})), connect(&t, &fake, json!({})));
    assert_eq!(
        (first_status, second_status),
        (StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(first["notifier_id"], second["notifier_id"]);
    let created = [&first, &second]
        .iter()
        .filter(|a| a["created"] == true)
        .count();
    assert_eq!(created, 1, "{first} {second}");
    assert_eq!(fake.notifiers().len(), others.len() + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnecting_switches_off_a_trigger_someone_turned_on_in_our_notifier() {
    let (fake, others) = tautulli_with_others().await;
    let t = engine().await;
    let (status, first) = connect(&t, &fake, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let id = first["notifier_id"].as_u64().unwrap() as u32;

    // Someone edits our notifier in Tautulli: "Recently added" on, "Playback pause" off.
    let mut edited = fake.notifiers()[&id].clone();
    edited.actions.insert("on_created".into(), 1);
    edited.actions.insert("on_pause".into(), 0);
    fake.put(id, edited);

    // Tautulli keeps any trigger a `set_notifier_config` does not mention, so only an
    // explicit switch-off undoes the edit.
    let (status, again) = connect(&t, &fake, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["notifier_id"], id);
    let ours = fake.notifiers()[&id].clone();
    for trigger in TRIGGERS {
        assert_eq!(ours.actions[trigger], 1, "{trigger} is on");
    }
    for trigger in OTHER_TRIGGERS {
        assert_eq!(ours.actions[trigger], 0, "{trigger} is off");
    }
    assert_untouched(&fake, &others);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_regenerated_webhook_token_is_handed_to_the_connected_tautulli() {
    let (fake, others) = tautulli_with_others().await;
    let t = engine().await;
    let (status, connected) = connect(&t, &fake, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{connected}");
    let id = connected["notifier_id"].as_u64().unwrap() as u32;

    let regenerated = regenerate(&t, "webhook_token_tautulli").await;
    let new = regenerated["value"].as_str().unwrap().to_string();
    assert_ne!(new, WEBHOOK_TOKEN);
    let update = &regenerated["update"][0];
    assert_eq!(update["automatic"], true, "{regenerated}");
    assert_eq!(update["failure"], Value::Null);
    let ours = fake.notifiers()[&id].clone();
    for trigger in TRIGGERS {
        let headers: Value = serde_json::from_str(&ours.texts[trigger].0).unwrap();
        assert_eq!(headers["X-Cartographus-Token"], new.as_str(), "{trigger}");
    }
    assert_eq!(
        fake.notifiers().len(),
        others.len() + 1,
        "the same notifier"
    );
    assert_untouched(&fake, &others);

    // Tautulli's key changed behind the app's back: the new token is still in force, and
    // the answer says why Tautulli could not be updated.
    fake.state.lock().unwrap().api_key = "a-key-the-app-does-not-know".to_string();
    let again = regenerate(&t, "webhook_token_tautulli").await;
    let update = &again["update"][0];
    assert_eq!(update["automatic"], false, "{again}");
    assert!(
        update["failure"]
            .as_str()
            .unwrap()
            .contains("refused the API key"),
        "{again}"
    );
    assert_no_secret(&again, &[KEY]);
    let (status, in_force) = call(
        &t,
        Method::GET,
        "/api/v1/settings/webhook_token_tautulli/secret",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{in_force}");
    assert_eq!(
        in_force["value"], again["value"],
        "the new token is in force whatever Tautulli said"
    );
}

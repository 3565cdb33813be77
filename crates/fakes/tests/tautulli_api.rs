//! The fake Tautulli answers as Tautulli 2.17.2 was seen to (its source, plexpy/api2.py and
//! plexpy/notifiers.py, and a running copy): `notify` sends exactly the subject (headers)
//! and body it is given — never the stored templates —, `get_notifier_config` masks only
//! password keys, `set_notifier_config` needs no `custom_conditions` and keeps the triggers
//! it is not given, every error is HTTP 400, and the key may travel in the form too.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use cartographus_fakes::tautulli::{FakeTautulli, Notifier, MASKED};
use serde_json::{json, Value};

const KEY: &str = "0123456789abcdef0123456789abcdef";

/// What a hook received: its headers and body.
type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A hook that records every request and answers 200.
async fn hook() -> (String, Received) {
    let received: Received = Arc::default();
    let app = Router::new()
        .route(
            "/hook",
            post(
                |State(seen): State<Received>, headers: HeaderMap, body: Bytes| async move {
                    let text = String::from_utf8_lossy(&body).into_owned();
                    seen.lock().unwrap().push((headers, text));
                    "{}"
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

/// One API call; the HTTP status and the envelope's `response`.
async fn call(fake: &FakeTautulli, cmd: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let url = format!("{}/api/v2?apikey={KEY}&cmd={cmd}", fake.url);
    let response = reqwest::Client::new()
        .post(url)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, body["response"].clone())
}

/// A webhook notifier whose stored on_play texts would add a header and a body.
fn with_stored_templates(hook: &str) -> Notifier {
    let mut notifier = Notifier::webhook("Mine", hook);
    notifier.texts.insert(
        "on_play".into(),
        (
            r#"{"X-Stored":"yes"}"#.into(),
            r#"{"stored":"template"}"#.into(),
        ),
    );
    notifier
}

#[tokio::test]
async fn notify_sends_exactly_the_given_subject_and_body_never_the_stored_ones() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let (url, received) = hook().await;
    let id = fake.add(with_stored_templates(&url)).to_string();

    let (status, answer) = call(
        &fake,
        "notify",
        &[
            ("notifier_id", &id),
            ("subject", r#"{"X-Token":"t"}"#),
            ("body", r#"{"event":"{action}","n":"é"}"#),
        ],
    )
    .await;
    assert_eq!(
        (status, answer["result"].as_str()),
        (200, Some("success")),
        "{answer}"
    );
    assert_eq!(answer["message"], "Notification sent.");
    assert!(answer["data"]["notification_id"].is_number(), "{answer}");

    // An empty subject adds no header; a missing body sends none.
    call(
        &fake,
        "notify",
        &[
            ("notifier_id", &id),
            ("subject", ""),
            ("body", r#"{"n":"2"}"#),
        ],
    )
    .await;
    call(&fake, "notify", &[("notifier_id", &id)]).await;
    // The `headers` parameter wins over the subject.
    call(
        &fake,
        "notify",
        &[
            ("notifier_id", &id),
            ("subject", r#"{"X-A":"s"}"#),
            ("headers", r#"{"X-B":"h"}"#),
            ("body", "{}"),
        ],
    )
    .await;

    let seen = received.lock().unwrap().clone();
    assert_eq!(seen.len(), 4);
    let header =
        |n: usize, name: &str| seen[n].0.get(name).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(header(0, "x-token").as_deref(), Some("t"));
    assert_eq!(
        header(0, "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        seen[0].1, r#"{"event": "{action}", "n": "\u00e9"}"#,
        "re-serialised like Python"
    );
    for n in 0..4 {
        assert_eq!(
            header(n, "x-stored"),
            None,
            "request {n} used a stored template"
        );
    }
    assert_eq!(seen[1].1, r#"{"n": "2"}"#);
    assert_eq!(seen[2].1, "", "no body given, none sent");
    assert_eq!(header(3, "x-a"), None);
    assert_eq!(header(3, "x-b").as_deref(), Some("h"));
    assert!(!seen.iter().any(|(_, body)| body.contains("stored")));

    let notifies = fake.notifies();
    assert_eq!(notifies[0].subject.as_deref(), Some(r#"{"X-Token":"t"}"#));
    assert_eq!(notifies[2].subject, None);
}

#[tokio::test]
async fn notify_failures_are_400_notification_failed() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let (url, received) = hook().await;
    let id = fake.add(Notifier::webhook("Mine", &url)).to_string();
    let dead = fake
        .add(Notifier::webhook("Dead", "http://127.0.0.1:9/hook"))
        .to_string();

    for form in [
        vec![
            ("notifier_id", id.as_str()),
            ("subject", "not json"),
            ("body", "{}"),
        ],
        vec![("notifier_id", id.as_str()), ("body", "not json")],
        vec![("notifier_id", dead.as_str()), ("body", "{}")],
    ] {
        let (status, answer) = call(&fake, "notify", &form).await;
        assert_eq!(status, 400, "{form:?}: {answer}");
        assert_eq!(answer["result"], "error");
        assert_eq!(answer["message"], "Notification failed.");
        assert_eq!(answer["data"], json!({}));
    }
    let (status, answer) = call(&fake, "notify", &[("notifier_id", "99")]).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["message"],
        "Notification failed: invalid notifier_id provided 99."
    );
    assert!(received.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_config_shows_the_hook_and_masks_only_passwords() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let hook_id = fake.add(Notifier::webhook(
        "Discord",
        "https://discord.example/api/webhooks/1/secret-path",
    ));
    let mail_id = fake.add(Notifier::email("Mail", "smtp-secret"));

    let (_, webhook) = call(
        &fake,
        "get_notifier_config",
        &[("notifier_id", &hook_id.to_string())],
    )
    .await;
    assert_eq!(
        webhook["data"]["config"]["hook"],
        "https://discord.example/api/webhooks/1/secret-path"
    );
    assert_eq!(webhook["data"]["agent_name"], "webhook");
    let (_, mail) = call(
        &fake,
        "get_notifier_config",
        &[("notifier_id", &mail_id.to_string())],
    )
    .await;
    assert_eq!(mail["data"]["config"]["smtp_password"], MASKED);
    assert_eq!(mail["data"]["config"]["from_name"], "Tautulli");
    assert!(!mail.to_string().contains("smtp-secret"), "{mail}");

    let (status, missing) = call(&fake, "get_notifier_config", &[("notifier_id", "77")]).await;
    assert_eq!(
        (status, missing["result"].as_str(), &missing["message"]),
        (400, Some("error"), &Value::Null)
    );
}

#[tokio::test]
async fn set_config_needs_no_conditions_rewrites_config_and_keeps_triggers_not_given() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let (_, added) = call(&fake, "add_notifier_config", &[("agent_id", "25")]).await;
    assert_eq!(added["message"], "Added notification agent.");
    let id = added["data"]["notifier_id"].as_u64().unwrap().to_string();

    let (status, saved) = call(
        &fake,
        "set_notifier_config",
        &[
            ("notifier_id", &id),
            ("agent_id", "25"),
            ("friendly_name", "Ours"),
            ("webhook_hook", "http://127.0.0.1:3857/webhooks/tautulli"),
            ("webhook_method", "POST"),
            ("on_play", "1"),
            ("on_play_subject", "{}"),
            ("on_play_body", "{}"),
        ],
    )
    .await;
    assert_eq!(
        (status, saved["result"].as_str()),
        (200, Some("success")),
        "{saved}"
    );
    let ours = fake.notifiers()[&id.parse::<u32>().unwrap()].clone();
    assert_eq!(
        ours.custom_conditions,
        json!([{"parameter": "", "operator": "", "value": [], "type": null}])
    );

    // Only the hook given: name and method fall back, on_play stays on.
    call(
        &fake,
        "set_notifier_config",
        &[
            ("notifier_id", &id),
            ("agent_id", "25"),
            ("webhook_hook", "http://x/"),
        ],
    )
    .await;
    let again = fake.notifiers()[&id.parse::<u32>().unwrap()].clone();
    assert_eq!(
        (again.friendly_name.as_str(), again.hook(), again.method()),
        ("", "http://x/", "POST")
    );
    assert_eq!(again.actions["on_play"], 1);
    assert_eq!(again.texts["on_play"], ("{}".to_string(), "{}".to_string()));

    for form in [
        vec![
            ("notifier_id", id.as_str()),
            ("agent_id", "25"),
            ("custom_conditions", "nope"),
        ],
        vec![("notifier_id", id.as_str()), ("agent_id", "999")],
    ] {
        let (status, refused) = call(&fake, "set_notifier_config", &form).await;
        assert_eq!(status, 400, "{form:?}");
        assert_eq!(refused["message"], "Failed to save notification agent.");
    }
}

#[tokio::test]
async fn keys_errors_and_deletes_answer_as_2_17_does() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    let client = reqwest::Client::new();
    let wrong = client
        .post(format!(
            "{}/api/v2?apikey=wrong&cmd=get_notifiers",
            fake.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 400);
    let wrong: Value = wrong.json().await.unwrap();
    assert_eq!(wrong["response"]["message"], "Invalid apikey");

    // CherryPy reads form parameters like query ones: the key may travel in the body.
    let in_body = client
        .post(format!("{}/api/v2?cmd=get_notifiers", fake.url))
        .form(&[("apikey", KEY)])
        .send()
        .await
        .unwrap();
    assert_eq!(in_body.status().as_u16(), 200);
    assert!(fake.key_in_body());

    let (status, deleted) = call(&fake, "delete_notifier", &[("notifier_id", "42")]).await;
    assert_eq!(
        (status, deleted["result"].as_str()),
        (200, Some("success")),
        "a missing id is deleted too"
    );
    let (status, _) = call(&fake, "delete_notifier", &[("notifier_id", "abc")]).await;
    assert_eq!(status, 400);
    let (status, unknown) = call(&fake, "no_such_command", &[]).await;
    assert_eq!(status, 400);
    assert!(unknown["message"]
        .as_str()
        .unwrap()
        .starts_with("Unknown command: no_such_command"));
}

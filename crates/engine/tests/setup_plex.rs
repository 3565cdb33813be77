//! The setup wizard's Plex side over real HTTP, against a fake plex.tv that behaves like
//! the real one (a POST replaces the whole webhook list, 401 for a bad token, PINs):
//! register, already registered, stale entries replaced, remove (other URLs kept), PIN
//! sign-in approved and expired, and the token in no answer.

mod support;

use cartographus_engine::config::ConfigLayer;
use cartographus_fakes::plextv::FakePlexTv;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::setup_api::{assert_no_secret, call, dead_address, regenerate, saved_setup};
use support::{TestEngine, WEBHOOK_TOKEN};

const TOKEN: &str = "plex-account-token-9c8d";
const OTHERS: [&str; 2] = [
    "https://example.org/other-hook",
    // Another machine's Cartographus: our route, but not our address.
    "http://192.168.1.10:3857/webhooks/plex?token=REPLACE",
];

async fn engine_with(plextv_url: String) -> TestEngine {
    TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        plextv_url: Some(plextv_url),
        ..ConfigLayer::default()
    })
    .await
}

async fn plextv_and_engine() -> (FakePlexTv, TestEngine) {
    let fake = FakePlexTv::start(TOKEN, OTHERS.map(String::from).to_vec())
        .await
        .unwrap();
    let t = engine_with(fake.url.clone()).await;
    (fake, t)
}

fn our_url(t: &TestEngine) -> String {
    format!("{}/webhooks/plex?token={WEBHOOK_TOKEN}", t.base)
}

async fn register(t: &TestEngine, token: &str) -> (StatusCode, Value) {
    call(
        t,
        Method::POST,
        "/api/v1/setup/plex",
        Some(json!({ "token": token })),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_adds_our_url_once_keeping_every_other_one() {
    let (fake, t) = plextv_and_engine().await;
    // Ours from before, with a token since replaced: it is updated, not duplicated.
    let stale = format!("{}/webhooks/plex?token=old-token", t.base);
    fake.state.lock().unwrap().webhooks.push(stale.clone());

    let (status, answer) = register(&t, TOKEN).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer,
        json!({"registered": true, "already": false, "webhooks": 3})
    );
    let mut expected: Vec<String> = OTHERS.map(String::from).to_vec();
    expected.push(our_url(&t));
    assert_eq!(fake.webhooks(), expected);
    assert_eq!(saved_setup(&t)["plex"]["token"], TOKEN, "kept as a secret");

    let (status, again) = register(&t, TOKEN).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        again,
        json!({"registered": true, "already": true, "webhooks": 3})
    );
    assert_eq!(fake.writes(), 1, "nothing written when already registered");

    let (_, overview) = call(&t, Method::GET, "/api/v1/setup", None).await;
    let plex = &overview["sources"]["plex"];
    assert_eq!(plex["connected"], true, "{overview}");
    assert_eq!(plex["url"], format!("{}/webhooks/plex", t.base));
    assert_no_secret(&overview["sources"], &[TOKEN, WEBHOOK_TOKEN]);
    assert_no_secret(&overview, &[TOKEN]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_is_422_and_an_unreachable_plextv_is_502() {
    let (fake, t) = plextv_and_engine().await;
    let (status, answer) = register(&t, "not-a-real-token").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["error"]["code"], "plex_unauthorized");
    assert_no_secret(&answer, &["not-a-real-token"]);
    assert_eq!(fake.webhooks(), OTHERS.map(String::from).to_vec());
    assert!(saved_setup(&t).get("plex").is_none());

    let nowhere = engine_with(dead_address().await).await;
    let (status, answer) = register(&nowhere, TOKEN).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{answer}");
    assert_eq!(answer["error"]["code"], "plextv_unreachable");
    assert_no_secret(&answer, &[TOKEN]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_takes_only_our_url_off() {
    let (fake, t) = plextv_and_engine().await;
    let (status, _) = register(&t, TOKEN).await;
    assert_eq!(status, StatusCode::OK);

    let (status, answer) = call(&t, Method::DELETE, "/api/v1/setup/plex", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{answer}");
    assert_eq!(fake.webhooks(), OTHERS.map(String::from).to_vec());
    assert!(
        saved_setup(&t).get("plex").is_none(),
        "the token is forgotten"
    );

    let (status, answer) = call(&t, Method::DELETE, "/api/v1/setup/plex", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "not_connected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_sign_in_keeps_the_token_inside_and_registers_with_it() {
    let (fake, t) = plextv_and_engine().await;
    let (status, pin) = call(&t, Method::POST, "/api/v1/setup/plex/pin", None).await;
    assert_eq!(status, StatusCode::OK, "{pin}");
    let id: u64 = pin["id"].as_str().unwrap().parse().unwrap();
    let created = fake.pin(id).unwrap();
    assert!(created.strong, "a strong (long) code was asked for");
    assert_eq!(pin["code"], created.code);
    let auth_url = pin["auth_url"].as_str().unwrap();
    assert_eq!(
        auth_url,
        format!(
            "https://app.plex.tv/auth#?clientID={}&code={}&context[device][product]=Cartographus",
            created.client_id, created.code
        )
    );

    let path = format!("/api/v1/setup/plex/pin/{id}");
    let (status, waiting) = call(&t, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{waiting}");
    assert_eq!(waiting, json!({"authorized": false}));

    let approved_token = "token-from-the-pin-4f4f";
    fake.approve(id, approved_token);
    let (status, approved) = call(&t, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved, json!({"authorized": true}));
    assert!(fake.webhooks().contains(&our_url(&t)), "registered at once");
    assert_eq!(saved_setup(&t)["plex"]["token"], approved_token);

    // The UI never saw the token; an empty one means "the saved one".
    let (status, again) = register(&t, "").await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["already"], true);
    for answer in [&pin, &waiting, &approved, &again] {
        assert_no_secret(answer, &[approved_token]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_pin_is_410_and_a_malformed_id_is_400() {
    let (fake, t) = plextv_and_engine().await;
    let (_, pin) = call(&t, Method::POST, "/api/v1/setup/plex/pin", None).await;
    let id: u64 = pin["id"].as_str().unwrap().parse().unwrap();
    fake.expire(id);
    let (status, answer) = call(
        &t,
        Method::GET,
        &format!("/api/v1/setup/plex/pin/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::GONE, "{answer}");
    assert_eq!(answer["error"]["code"], "pin_expired");

    let (status, answer) = call(&t, Method::GET, "/api/v1/setup/plex/pin/..%2Fx", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["code"], "bad_request");

    let (status, answer) = register(&t, "").await;
    assert_eq!(status, StatusCode::CONFLICT, "no saved token: {answer}");
    assert_eq!(answer["error"]["code"], "not_connected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_regenerated_webhook_token_replaces_our_url_on_plex_tv() {
    let (fake, t) = plextv_and_engine().await;
    let (status, answer) = register(&t, TOKEN).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let regenerated = regenerate(&t, "webhook_token_plex").await;
    let new = regenerated["value"].as_str().unwrap();
    assert_eq!(regenerated["update"][0]["automatic"], true, "{regenerated}");
    let mut expected: Vec<String> = OTHERS.map(String::from).to_vec();
    expected.push(format!("{}/webhooks/plex?token={new}", t.base));
    assert_eq!(
        fake.webhooks(),
        expected,
        "the old URL replaced, the others kept"
    );
    assert_no_secret(&regenerated, &[TOKEN]);
}

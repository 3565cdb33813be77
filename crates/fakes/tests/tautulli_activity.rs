//! The fake Tautulli's activity side as 2.17 answers it: `get_activity` rows with the keys
//! of the repository's recorded answer, `data: {}` without a Plex server, `get_server_info`,
//! and going down (connection refused) and coming back with the same state.

use std::collections::BTreeSet;

use cartographus_fakes::tautulli::{FakeTautulli, Playing};
use serde_json::Value;

const KEY: &str = "0123456789abcdef0123456789abcdef";

async fn call(fake: &FakeTautulli, cmd: &str) -> Result<(u16, Value), reqwest::Error> {
    let url = format!("{}/api/v2?apikey={KEY}&cmd={cmd}", fake.url);
    let response = reqwest::Client::new().post(url).send().await?;
    let status = response.status().as_u16();
    let body: Value = response.json().await?;
    Ok((status, body["response"].clone()))
}

fn recorded(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/tautulli-api/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str::<Value>(&text).unwrap()["response"]["data"].clone()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn activity_rows_have_the_recorded_shape() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    fake.set_activity(Some(vec![Playing::new("311", "48213", "k2n8")]));
    let (status, answer) = call(&fake, "get_activity").await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(answer["result"], "success");
    let data = &answer["data"];
    let want = recorded("get_activity.json");
    assert_eq!(keys(data), keys(&want));
    assert_eq!(keys(&data["sessions"][0]), keys(&want["sessions"][0]));
    assert_eq!(data["stream_count"], "1");
    assert_eq!(data["sessions"][0]["session_key"], "311");
    assert!(data["sessions"][0]["user_id"].is_number());
    assert!(data["sessions"][0]["view_offset"].is_string());

    let (_, info) = call(&fake, "get_server_info").await.unwrap();
    assert_eq!(keys(&info["data"]), keys(&recorded("get_server_info.json")));
    assert_eq!(fake.count("get_activity"), 1);
}

#[tokio::test]
async fn without_a_plex_server_the_data_is_empty() {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    fake.set_activity(None);
    let (status, answer) = call(&fake, "get_activity").await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(answer["data"], serde_json::json!({}));
}

#[tokio::test]
async fn it_goes_down_and_comes_back_with_its_state() {
    let mut fake = FakeTautulli::start(KEY).await.unwrap();
    fake.set_activity(Some(vec![Playing::new("311", "48213", "k2n8")]));
    fake.go_down().await;
    let refused = call(&fake, "get_activity").await.unwrap_err();
    assert!(refused.is_connect(), "{refused}");
    fake.come_back().await.unwrap();
    let (status, answer) = call(&fake, "get_activity").await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(answer["data"]["sessions"][0]["session_key"], "311");
}

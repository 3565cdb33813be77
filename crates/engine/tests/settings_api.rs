//! The Settings contract over real HTTP, with the sidecar and a DuckDB file behind it:
//! every setting with its value, default and lock; changes saved to settings.json and read
//! by the next start; locked and invalid values refused with nothing saved; retention and
//! dead-letter limits in force at once; tokens revealed and regenerated (the old one stops
//! at once).

mod support;

use std::collections::HashMap;
use std::time::Duration;

use cartographus_engine::dlq::store::{self as dlq, Attempt, DlqKind, NewEntry};
use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::settings::{
    assert_error, prepared, setting, start, start_with_listen_in_settings, Running,
};
use support::stream_info;

#[tokio::test]
async fn every_setting_comes_with_value_default_and_what_locks_it() {
    let r = start(&[("NATS_BATCH_SIZE", "20")]).await;
    let view = r.settings().await;
    let batch = setting(&view, "writer_batch_size");
    assert_eq!(batch["value"], 20);
    assert_eq!(batch["default"], 1000);
    assert_eq!(batch["locked_by"], "NATS_BATCH_SIZE");
    assert_eq!(batch["applies"], "restart");
    assert_eq!(setting(&view, "listen")["locked_by"], "--listen");
    let theme = setting(&view, "theme");
    assert_eq!(theme["value"], "system");
    assert_eq!(theme["locked_by"], Value::Null);
    assert_eq!(theme["applies"], "now");
    assert_eq!(setting(&view, "nats_retention_days")["value"], 7);
    assert_eq!(setting(&view, "dlq_max_entries")["max"], 10_000);
    assert_eq!(setting(&view, "start_at_login")["desktop_only"], true);
    // Tokens are there, masked; no token appears anywhere in the answer.
    let api = setting(&view, "api_token");
    assert_eq!(api["secret"], true);
    assert_ne!(api["value"], Value::Null);
    let text = view.to_string();
    assert!(!text.contains(&r.api), "the API token leaked: {text}");
    for token in r.file()["webhook_tokens"].as_object().unwrap().values() {
        assert!(
            !text.contains(token.as_str().unwrap()),
            "a webhook token leaked"
        );
    }

    // Asked by its former name, the setting is the same one, and just as locked.
    let (status, body) = r.patch(json!({"nats_batch_size": 50})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&body, "locked", "nats_batch_size");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("NATS_BATCH_SIZE"));
    assert_eq!(r.file()["config"]["writer_batch_size"], Value::Null);
    assert_eq!(r.file()["config"]["nats_batch_size"], Value::Null);
}

#[tokio::test]
async fn a_change_is_saved_says_when_it_applies_and_is_read_at_the_next_start() {
    let r = start(&[]).await;
    let (status, update) = r
        .patch(json!({"theme": "dark", "writer_flush_interval": "250ms", "session_timeout": "2h"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{update}");
    let applies: HashMap<&str, &str> = update["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"].as_str().unwrap(), c["applies"].as_str().unwrap()))
        .collect();
    assert_eq!(
        applies,
        HashMap::from([
            ("theme", "now"),
            ("writer_flush_interval", "restart"),
            ("session_timeout", "restart")
        ])
    );
    assert_eq!(update["restart_required"], true);

    let file = r.file();
    assert_eq!(file["preferences"]["theme"], "dark");
    assert_eq!(file["config"]["writer_flush_interval"], "250ms");
    let view = r.settings().await;
    let flush = setting(&view, "writer_flush_interval");
    assert_eq!(flush["value"], 250);
    assert_eq!(flush["restart_pending"], true);
    assert_eq!(setting(&view, "theme")["restart_pending"], false);

    // The next start resolves its configuration from what was saved.
    let again = prepared(r.t.dir.path(), &[], true);
    assert_eq!(
        again.config.writer.flush_interval,
        Duration::from_millis(250)
    );
    assert_eq!(again.config.session_timeout, Duration::from_secs(7200));

    // null puts a setting back to its default.
    let (status, _) = r.patch(json!({"theme": null})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r.file()["preferences"].get("theme"), None);
    assert_eq!(setting(&r.settings().await, "theme")["value"], "system");
}

#[tokio::test]
async fn invalid_values_are_refused_naming_the_field_and_nothing_is_saved() {
    let r = start_with_listen_in_settings().await;
    let before = r.file();
    for (changes, field) in [
        (
            json!({"theme": "dark", "writer_batch_size": 0}),
            "writer_batch_size",
        ),
        (
            json!({"theme": "dark", "no_such_setting": 1}),
            "no_such_setting",
        ),
        (json!({"theme": "purple"}), "theme"),
        (json!({"nats_mode": "external"}), "nats_url"),
        (json!({"listen": "192.0.2.10:3857"}), "listen"),
        (
            json!({"writer_flush_interval": "5 days"}),
            "writer_flush_interval",
        ),
        (json!({"nats_creds": "/no/such/file.creds"}), "nats_creds"),
        (json!({"api_token": "chosen-by-me"}), "api_token"),
        (json!(["theme", "dark"]), "settings"),
    ] {
        let (status, body) = r.patch(changes.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{changes} → {body}");
        assert_error(&body, "invalid_setting", field);
    }
    assert_eq!(r.file(), before, "a refused change saved something");
    assert_eq!(setting(&r.settings().await, "theme")["value"], "system");
}

fn dead_letter(days_ago: i64, n: usize) -> NewEntry {
    NewEntry {
        kind: DlqKind::Rejected,
        code: "invalid_json".to_string(),
        source: Some("plex".to_string()),
        subject: None,
        attempts: vec![Attempt {
            at: Utc::now() - chrono::Duration::days(days_ago) - chrono::Duration::seconds(n as i64),
            error: "broken".to_string(),
        }],
        payload: format!("body {n}").into_bytes(),
        content_type: None,
        headers: Value::Null,
        event_id: None,
        stream_seq: None,
    }
}

#[tokio::test]
async fn retention_and_dead_letter_limits_are_in_force_when_the_answer_comes() {
    let r = start(&[]).await;
    let day = Duration::from_secs(86_400);
    assert_eq!(stream_info(&r.t).await.config.max_age, 7 * day);
    let (status, update) = r.patch(json!({"nats_retention_days": 2})).await;
    assert_eq!(status, StatusCode::OK, "{update}");
    assert_eq!(update["changed"][0]["applies"], "now");
    assert_eq!(stream_info(&r.t).await.config.max_age, 2 * day);

    // 102 recent dead letters and 3 from five days ago.
    r.t.engine
        .database()
        .with_conn(|conn| {
            for n in 0..102 {
                dlq::insert(conn, &dead_letter(0, n))?;
            }
            for n in 0..3 {
                dlq::insert(conn, &dead_letter(5, n))?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let (status, update) = r
        .patch(json!({"dlq_max_entries": 100, "dlq_max_age_days": 3}))
        .await;
    assert_eq!(status, StatusCode::OK, "{update}");
    let (count, oldest) =
        r.t.engine
            .database()
            .with_conn(|conn| {
                let count = dlq::count(conn)?;
                let oldest: i64 = conn.query_row(
                    "SELECT epoch_ms(min(last_failed_at)) FROM dlq_entries",
                    [],
                    |row| row.get(0),
                )?;
                Ok((count, oldest))
            })
            .await
            .unwrap();
    assert_eq!(count, 100);
    let three_days_ago = (Utc::now() - chrono::Duration::days(3)).timestamp_millis();
    assert!(
        oldest > three_days_ago,
        "an entry older than the limit stayed"
    );
}

#[tokio::test]
async fn a_regenerated_token_works_at_once_and_the_old_one_stops() {
    let r = start(&[]).await;
    let (status, old) = r
        .call(
            Method::GET,
            "/api/v1/settings/webhook_token_tautulli/secret",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{old}");
    let old = old["value"].as_str().unwrap().to_string();
    assert_eq!(r.webhook(&old).await, StatusCode::ACCEPTED);

    let (status, regenerated) = r
        .call(
            Method::POST,
            "/api/v1/settings/webhook_token_tautulli/regenerate",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{regenerated}");
    let new = regenerated["value"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    let update = &regenerated["update"][0];
    assert_eq!(update["service"], "Tautulli");
    assert_eq!(update["automatic"], false, "no Tautulli is connected");
    assert_eq!(update["failure"], Value::Null);
    assert!(update["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/webhooks/tautulli?token={new}")));
    assert_eq!(r.webhook(&old).await, StatusCode::UNAUTHORIZED);
    assert_eq!(r.webhook(&new).await, StatusCode::ACCEPTED);
    assert_eq!(r.file()["webhook_tokens"]["tautulli"], new.as_str());

    // The API token too: the caller's own bearer stops working with the answer.
    let (status, regenerated) = r
        .call(Method::POST, "/api/v1/settings/api_token/regenerate", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{regenerated}");
    let (status, _) = r.call(Method::GET, "/api/v1/settings", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let with_new = Running {
        api: regenerated["value"].as_str().unwrap().to_string(),
        ..r
    };
    with_new.settings().await;

    // A token the environment sets cannot be regenerated here.
    let locked = start(&[("CARTOGRAPHUS_WEBHOOK_TOKEN", "from-the-environment")]).await;
    let (status, body) = locked
        .call(
            Method::POST,
            "/api/v1/settings/webhook_token_plex/regenerate",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&body, "locked", "webhook_token_plex");
    let (status, body) = locked
        .call(Method::GET, "/api/v1/settings/theme/secret", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

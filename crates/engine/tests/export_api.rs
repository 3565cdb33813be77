//! `GET /api/v1/export/{events,sessions}.{csv,parquet}` over real HTTP: the file DuckDB
//! wrote, read back by DuckDB's CSV or Parquet reader, holds exactly the rows the list with
//! the same filters shows (Parquet with its columns' types), the temporary file is gone once
//! the download ends, and an unknown file is a 404 naming the four there are.

mod support;

use duckdb::Connection;
use reqwest::StatusCode;
use serde_json::Value;
use support::history_data::seeded_engine;
use support::{TestEngine, API_TOKEN};

async fn fetch(t: &TestEngine, path: &str) -> reqwest::Response {
    t.http
        .get(t.url(path))
        .bearer_auth(API_TOKEN)
        .send()
        .await
        .unwrap()
}

/// The ids (the column `id_column`) of a downloaded file, read back by DuckDB's own CSV or
/// Parquet reader (by the path's extension); checks the content type on the way.
async fn exported_ids(t: &TestEngine, path: &str, id_column: &str) -> Vec<String> {
    let response = fetch(t, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let parquet = path.split('?').next().unwrap().ends_with(".parquet");
    let (suffix, reader, expected_type) = match parquet {
        true => (
            ".parquet",
            "read_parquet('{}')",
            "application/vnd.apache.parquet",
        ),
        false => (".csv", "read_csv('{}', header = true)", "text/csv"),
    };
    assert!(
        content_type.starts_with(expected_type),
        "{path}: {content_type}"
    );
    let bytes = response.bytes().await.unwrap();
    let file = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    std::fs::write(file.path(), &bytes).unwrap();
    let conn = Connection::open_in_memory().unwrap();
    let source = reader.replace("{}", &file.path().display().to_string());
    let sql = format!("SELECT {id_column} FROM {source}");
    let mut statement = conn.prepare(&sql).unwrap();
    let ids = statement
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    ids
}

async fn list_ids(t: &TestEngine, path: &str, id_field: &str) -> Vec<String> {
    let body: Value = fetch(t, path).await.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: {body}"))
        .iter()
        .map(|item| item[id_field].as_str().unwrap().to_string())
        .collect()
}

fn temp_files(t: &TestEngine) -> usize {
    std::fs::read_dir(t.dir.path().join("exports-tmp")).map_or(0, |d| d.count())
}

#[tokio::test]
async fn a_sessions_csv_holds_the_rows_of_the_list_in_its_order() {
    let t = seeded_engine().await;
    for filter in [
        "",
        "user=lee",
        "q=harbor&sort=user&order=asc",
        "decision=direct_play&media_type=movie",
        "since=2026-11-28T00:00:00Z",
    ] {
        let exported = exported_ids(
            &t,
            &format!("/api/v1/export/sessions.csv?{filter}"),
            "session_id",
        )
        .await;
        let listed = list_ids(
            &t,
            &format!("/api/v1/sessions?limit=500&{filter}"),
            "session_id",
        )
        .await;
        assert!(!listed.is_empty(), "{filter}: the seeded data has rows");
        assert_eq!(exported, listed, "{filter}");
    }
    assert_eq!(temp_files(&t), 0, "every download removed its file");
    t.engine.shutdown().await;
}

#[tokio::test]
async fn an_events_csv_holds_the_events_of_the_list() {
    let t = seeded_engine().await;
    let all = exported_ids(&t, "/api/v1/export/events.csv", "event_id").await;
    assert_eq!(all.len(), 10, "five playbacks, a start and a stop each");
    assert_eq!(
        all,
        list_ids(&t, "/api/v1/events?limit=500", "event_id").await
    );
    let session = list_ids(
        &t,
        "/api/v1/sessions?user=dana&sort=started_at&order=asc",
        "session_id",
    )
    .await[0]
        .clone();
    let of_session = exported_ids(
        &t,
        &format!("/api/v1/export/events.csv?session={session}"),
        "event_id",
    )
    .await;
    assert_eq!(of_session.len(), 2, "{of_session:?}");
    assert_eq!(
        of_session,
        list_ids(&t, &format!("/api/v1/events?session={session}"), "event_id").await
    );
    assert_eq!(temp_files(&t), 0);
    t.engine.shutdown().await;
}

#[tokio::test]
async fn a_parquet_export_holds_the_same_rows_with_their_types() {
    let t = seeded_engine().await;
    for filter in ["", "user=lee", "q=harbor&sort=user&order=asc"] {
        let csv = exported_ids(
            &t,
            &format!("/api/v1/export/sessions.csv?{filter}"),
            "session_id",
        )
        .await;
        let parquet = exported_ids(
            &t,
            &format!("/api/v1/export/sessions.parquet?{filter}"),
            "session_id",
        )
        .await;
        assert!(!parquet.is_empty(), "{filter}");
        assert_eq!(parquet, csv, "{filter}");
    }
    let events = exported_ids(&t, "/api/v1/export/events.parquet", "event_id").await;
    assert_eq!(
        events,
        list_ids(&t, "/api/v1/events?limit=500", "event_id").await
    );
    // Types survive: times are timestamps and durations numbers, not text.
    let response = fetch(&t, "/api/v1/export/sessions.parquet").await;
    let bytes = response.bytes().await.unwrap();
    let file = tempfile::Builder::new()
        .suffix(".parquet")
        .tempfile()
        .unwrap();
    std::fs::write(file.path(), &bytes).unwrap();
    let conn = Connection::open_in_memory().unwrap();
    let sql = format!(
        "SELECT typeof(started_at), typeof(play_ms) FROM read_parquet('{}') LIMIT 1",
        file.path().display()
    );
    let types: (String, String) = conn
        .query_row(&sql, [], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap();
    assert!(types.0.starts_with("TIMESTAMP"), "{types:?}");
    assert!(
        ["BIGINT", "DOUBLE", "INTEGER"].contains(&types.1.as_str()),
        "{types:?}"
    );
    assert_eq!(temp_files(&t), 0);
    t.engine.shutdown().await;
}

#[tokio::test]
async fn an_export_refuses_paging_and_bad_filters() {
    let t = seeded_engine().await;
    for path in [
        "/api/v1/export/events.csv?limit=5",
        "/api/v1/export/sessions.csv?cursor=abc",
        "/api/v1/export/sessions.csv?decision=maybe",
    ] {
        let response = fetch(&t, path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
    }
    for path in [
        "/api/v1/export/events.xlsx",
        "/api/v1/export/dead_letters.csv",
        "/api/v1/export/sessions",
    ] {
        let response = fetch(&t, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("sessions.parquet"),
            "{body}"
        );
    }
    t.engine.shutdown().await;
}

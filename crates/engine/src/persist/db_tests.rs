//! Tests of `db.rs`: opening, limits, migrations and the lazy open.
use super::*;

const CONTRACT_TABLES: [&str; 5] = [
    "playback_events",
    "sessions",
    "dedup_audit",
    "dlq_entries",
    "schema_migrations",
];

#[tokio::test]
async fn a_new_file_gets_every_contract_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("c.duckdb")).unwrap();
    let tables: Vec<String> = db
        .with_conn(|conn| {
            let mut stmt = conn
                .prepare("SELECT table_name FROM information_schema.tables ORDER BY table_name")?;
            let names = stmt
                .query_map([], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(names)
        })
        .await
        .unwrap();
    for table in CONTRACT_TABLES {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} missing: {tables:?}"
        );
    }
    assert_eq!(
        db.schema_version().await.unwrap(),
        MIGRATIONS.last().unwrap().version
    );
    db.ping().await.unwrap();
}

#[tokio::test]
async fn a_damaged_file_is_reported_and_opened_once_it_is_mended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.duckdb");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let db = Database::lazy(&path, DuckdbLimits::default());
    let err = db.ping().await.unwrap_err();
    assert_eq!(err.code(), "db_unavailable", "{err}");
    assert!(err.to_string().contains("c.duckdb"), "{err}");

    std::fs::remove_file(&path).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while db.ping().await.is_err() {
        assert!(Instant::now() < deadline, "the mended file never opened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        db.schema_version().await.unwrap(),
        MIGRATIONS.last().unwrap().version
    );
}

#[tokio::test]
async fn the_configured_limits_are_duckdbs_settings() {
    let dir = tempfile::tempdir().unwrap();
    let limits = DuckdbLimits {
        threads: 1,
        memory_mb: 100,
    };
    let db = Database::lazy(&dir.path().join("c.duckdb"), limits);
    let (threads, memory): (i64, String) = db
        .with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT current_setting('threads'), current_setting('memory_limit')",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?)
        })
        .await
        .unwrap();
    assert_eq!(threads, 1);
    assert!(memory.starts_with("100"), "memory_limit {memory}");
}

#[test]
fn migrations_run_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.duckdb");
    drop(Database::open(&path).unwrap());
    // A second open must not re-run a migration (it would fail on CREATE TABLE).
    let conn = open_connection(&path, DuckdbLimits::default()).unwrap();
    let count: usize = conn
        .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, MIGRATIONS.len());
}

#[test]
fn a_failing_migration_rolls_back_and_names_itself() {
    let conn = Connection::open_in_memory().unwrap();
    let broken = [Migration {
        version: 1,
        name: "broken",
        sql: "CREATE TABLE t (a INTEGER); SELECT * FROM missing_table;",
    }];
    let err = migrate(&conn, &broken).unwrap_err();
    assert!(err.to_string().contains("broken"), "{err}");
    let exists: i64 = conn
        .query_row(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 't'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(exists, 0, "the half-applied migration must be rolled back");
}

#[test]
fn a_newer_database_is_refused() {
    let conn = Connection::open_in_memory().unwrap();
    migrate(&conn, MIGRATIONS).unwrap();
    conn.execute(
        "INSERT INTO schema_migrations (version, name) VALUES (99, 'future')",
        [],
    )
    .unwrap();
    let err = migrate(&conn, MIGRATIONS).unwrap_err();
    assert!(matches!(err, DbError::TooNew { found: 99, .. }), "{err}");
}

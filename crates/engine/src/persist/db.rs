//! The DuckDB file: opened once, migrated at start, shared behind a mutex and used from
//! blocking threads (a DuckDB connection is not `Sync`, and its calls block). The engine opens
//! it lazily: a file another program holds (a DuckDB CLI left open) or a damaged one leaves the
//! engine running, and every use tries again (at most once a second) until it opens.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use duckdb::Connection;

use super::migrations::{Migration, MIGRATIONS};
use crate::config::DuckdbLimits;
use crate::dlq::bounds::DlqCounters;

/// How often a file that would not open is tried again.
const REOPEN_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: duckdb::Error,
    },
    /// The file could not be opened (yet); tried again on later use.
    #[error("the database {path} cannot be opened: {reason}")]
    Unavailable { path: PathBuf, reason: String },
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i32,
        name: &'static str,
        source: duckdb::Error,
    },
    #[error(
        "the database is at schema version {found}, newer than this build knows ({known}); \
         use a newer Cartographus"
    )]
    TooNew { found: i32, known: i32 },
    #[error("database error: {0}")]
    Query(#[from] duckdb::Error),
    #[error("the database lock was poisoned by a panic")]
    Poisoned,
    #[error("the database task failed: {0}")]
    Task(String),
}

impl DbError {
    pub fn code(&self) -> &'static str {
        match self {
            DbError::Open { .. } => "db_open_failed",
            DbError::Unavailable { .. } => "db_unavailable",
            DbError::Migration { .. } => "db_migration_failed",
            DbError::TooNew { .. } => "db_too_new",
            DbError::Query(_) => "db_query_failed",
            DbError::Poisoned => "db_poisoned",
            DbError::Task(_) => "db_task_failed",
        }
    }
}

enum Slot {
    Open(Connection),
    /// Not open; `last_failure` is when and why the last attempt failed.
    Closed {
        last_failure: Option<(Instant, String)>,
    },
}

struct Inner {
    slot: Mutex<Slot>,
    /// A second connection to the same database, for work that must not queue behind the
    /// writer's transactions (see [`Database::with_side_conn`]).
    side: Mutex<Option<Connection>>,
    path: PathBuf,
    limits: DuckdbLimits,
    dlq_counters: DlqCounters,
}

#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
}

impl Database {
    /// Opens (or creates) the file and brings its schema up to date, or fails.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let limits = DuckdbLimits::default();
        let conn = open_connection(path, limits)?;
        Ok(Self::with_slot(path, limits, Slot::Open(conn)))
    }

    /// A handle whose file is opened on first use, and retried on later uses while it
    /// cannot be: the engine starts whatever state the file is in.
    pub fn lazy(path: &Path, limits: DuckdbLimits) -> Self {
        Self::with_slot(path, limits, Slot::Closed { last_failure: None })
    }

    fn with_slot(path: &Path, limits: DuckdbLimits, slot: Slot) -> Self {
        Self {
            inner: Arc::new(Inner {
                slot: Mutex::new(slot),
                side: Mutex::new(None),
                path: path.to_path_buf(),
                limits,
                dlq_counters: DlqCounters::default(),
            }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Whether the file is open now (a lazy one may not be yet). Does not try to open it.
    pub fn is_open(&self) -> bool {
        self.inner
            .slot
            .lock()
            .map(|slot| matches!(*slot, Slot::Open(_)))
            .unwrap_or(false)
    }

    /// Dead letters evicted and expired since start.
    pub fn dlq_counters(&self) -> &DlqCounters {
        &self.inner.dlq_counters
    }

    /// Runs `f` with the connection on a blocking thread, opening the file first if needed.
    pub async fn with_conn<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        self.blocking(move |inner| {
            let mut slot = inner.slot.lock().map_err(|_| DbError::Poisoned)?;
            f(inner.connection(&mut slot)?)
        })
        .await
    }

    /// Runs `f` on a second connection to the same database: DuckDB runs it beside the
    /// main connection's work (its transactions see what was committed), so the stats and a
    /// history import's reads and checkpoint do not wait for the writer's batch to commit
    /// (nor hold it up). Only for
    /// work that touches rows the writer does not (two connections writing one row
    /// conflict).
    pub async fn with_side_conn<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        self.blocking(move |inner| {
            let mut side = inner.side.lock().map_err(|_| DbError::Poisoned)?;
            let conn = match &mut *side {
                Some(conn) => conn,
                empty => {
                    // Once open, the main connection is never closed: its clone stays valid.
                    let mut slot = inner.slot.lock().map_err(|_| DbError::Poisoned)?;
                    let clone = inner.connection(&mut slot)?.try_clone()?;
                    empty.insert(clone)
                }
            };
            f(conn)
        })
        .await
    }

    /// Runs `f` on a blocking thread: DuckDB's calls block.
    async fn blocking<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&Inner) -> Result<T, DbError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// A cheap liveness query for health checks (which also opens a lazy file).
    pub async fn ping(&self) -> Result<(), DbError> {
        self.with_conn(|conn| {
            conn.query_row("SELECT 1", [], |row| row.get::<_, i32>(0))?;
            Ok(())
        })
        .await
    }

    pub async fn schema_version(&self) -> Result<i32, DbError> {
        self.with_conn(|conn| current_version(conn)).await
    }
}

impl Inner {
    fn connection<'a>(&self, slot: &'a mut Slot) -> Result<&'a mut Connection, DbError> {
        if let Slot::Closed { last_failure } = slot {
            let unavailable = |reason: &str| DbError::Unavailable {
                path: self.path.clone(),
                reason: reason.to_string(),
            };
            if let Some((at, reason)) = last_failure {
                if at.elapsed() < REOPEN_EVERY {
                    return Err(unavailable(reason));
                }
            }
            match open_connection(&self.path, self.limits) {
                Ok(conn) => {
                    tracing::info!(path = %self.path.display(), "database opened");
                    *slot = Slot::Open(conn);
                }
                Err(e) => {
                    let reason = match &e {
                        DbError::Open { source, .. } => source.to_string(),
                        other => other.to_string(),
                    };
                    let error = unavailable(&reason);
                    if last_failure.is_none() {
                        tracing::warn!("{error}; trying again until it opens");
                    }
                    *last_failure = Some((Instant::now(), reason));
                    return Err(error);
                }
            }
        }
        match slot {
            Slot::Open(conn) => Ok(conn),
            Slot::Closed { .. } => Err(DbError::Poisoned),
        }
    }
}

/// A connection with the schema in place, for unit tests of the persist modules.
#[cfg(test)]
pub(crate) fn open_for_tests(path: &Path) -> Connection {
    open_connection(path, DuckdbLimits::default()).expect("test database opens")
}

/// How much write-ahead log DuckDB gathers before it checkpoints at a commit. Each
/// checkpoint rewrites and recompresses the table's last, partly filled row group, so at
/// the default (16 MiB) a history import paid for its newest rows again every few batches
/// (a quarter of the engine's CPU). Reading the log back at start stays well under a second.
const CHECKPOINT_THRESHOLD: &str = "128MiB";

fn open_connection(path: &Path, limits: DuckdbLimits) -> Result<Connection, DbError> {
    let open_error = |source| DbError::Open {
        path: path.to_path_buf(),
        source,
    };
    // Never fetch extensions at run time: the app must work offline, and code from the
    // network has no place in a database of the user's history.
    let config = duckdb::Config::default()
        .enable_autoload_extension(false)
        .and_then(|c| c.with("autoinstall_known_extensions", "false"))
        .and_then(|c| c.threads(i64::from(limits.threads)))
        .and_then(|c| c.max_memory(&format!("{}MiB", limits.memory_mb)))
        .and_then(|c| c.with("checkpoint_threshold", CHECKPOINT_THRESHOLD))
        .map_err(open_error)?;
    let conn = Connection::open_with_flags(path, config).map_err(open_error)?;
    migrate(&conn, MIGRATIONS)?;
    Ok(conn)
}

fn current_version(conn: &Connection) -> Result<i32, DbError> {
    Ok(conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |row| row.get(0),
    )?)
}

/// An `IN (…)` list of text values: the SQL inside the parentheses and its parameters.
pub(crate) struct InList {
    pub sql: String,
    pub values: Vec<String>,
}

const UNIT_SEPARATOR: char = '\u{1f}';

/// The values as one parameter split by DuckDB (`SELECT unnest(string_split(?, chr(31)))`):
/// binding and planning thousands of placeholders cost more than running the query. The
/// statements are still prepared for each use, never cached: DuckDB 1.4 plans a prepared
/// statement with the table statistics of that moment and may give wrong answers once the
/// table has changed (duckdb/duckdb#23704, fixed by #24696 after 1.4.5). A value
/// holding the separator itself gets one placeholder per value instead; an empty list is one
/// empty string (`IN ()` is not SQL).
pub(crate) fn in_list<'a>(values: impl Iterator<Item = &'a str>) -> InList {
    let values: Vec<&str> = values.collect();
    if values.iter().any(|v| v.contains(UNIT_SEPARATOR)) {
        return InList {
            sql: vec!["?"; values.len()].join(", "),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
    }
    InList {
        sql: "SELECT unnest(string_split(?, chr(31)))".to_string(),
        values: vec![values.join(&UNIT_SEPARATOR.to_string())],
    }
}

/// The (name, count) rows of a `SELECT name, count(*) … GROUP BY …` query, for the stats.
pub(crate) fn counts_per(conn: &Connection, sql: &str) -> Result<Vec<(String, u64)>, DbError> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?.max(0) as u64,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn migrate(conn: &Connection, migrations: &[Migration]) -> Result<(), DbError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY,
             name VARCHAR NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
         )",
    )?;
    let found = current_version(conn)?;
    let known = migrations.last().map_or(0, |m| m.version);
    if found > known {
        return Err(DbError::TooNew { found, known });
    }
    for migration in migrations.iter().filter(|m| m.version > found) {
        let failed = |source| DbError::Migration {
            version: migration.version,
            name: migration.name,
            source,
        };
        conn.execute_batch("BEGIN TRANSACTION").map_err(failed)?;
        let applied = conn.execute_batch(migration.sql).and_then(|_| {
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                duckdb::params![migration.version, migration.name],
            )
        });
        match applied {
            Ok(_) => conn.execute_batch("COMMIT").map_err(failed)?,
            Err(source) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(failed(source));
            }
        }
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "migrated"
        );
    }
    Ok(())
}

#[cfg(test)]
#[path = "db_tests.rs"]
mod tests;

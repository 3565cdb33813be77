//! Persistence in DuckDB: the file, its schema migrations, and (as the pipeline grows) the
//! batch writer, dedup, sessions and the queries behind stats and history.

pub mod db;
pub mod events;
pub mod migrations;

pub use db::{Database, DbError};

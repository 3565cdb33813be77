//! Persistence in DuckDB: the file and its migrations, the batch writer that drains the
//! `persist` consumer, dedup with its audit, the sessions table, and the history queries.

pub mod audit;
pub mod db;
pub mod db_health;
pub mod dedup;
pub mod dedup_index;
mod delivery;
pub mod events;
pub mod export;
pub mod migrations;
pub mod replay;
pub mod replay_range;
pub mod session_list;
pub mod sessions;
pub mod store;
pub mod sweep;
pub mod validate;
pub mod writer;
pub mod writer_stats;
pub mod writer_task;

pub use db::{Database, DbError};

//! The dead-letter queue: everything that could not become a stored event — bodies refused
//! at the webhook, events that fail validation, writes that failed five times — kept in
//! DuckDB so the user can see it, fix it and retry it (ADR 0009).

pub mod backoff;
pub mod bounds;
pub mod groups;
pub mod limits;
pub mod rejected;
pub mod retry;
pub mod store;

pub use groups::DlqGroup;
pub use rejected::RejectedBody;
pub use store::{DlqEntry, DlqFilter, DlqKind, MAX_REJECTED_PER_SOURCE};

//! The dead-letter queue: everything that could not become a stored event, kept so the
//! user can see it, fix it and retry it. For now: bodies refused at the webhook.

pub mod rejected;

pub use rejected::{RejectedBody, MAX_ENTRIES};

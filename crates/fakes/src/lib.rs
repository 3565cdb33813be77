//! Fakes of the third parties the setup wizard talks to — Tautulli's API v2 and plex.tv's
//! webhook and PIN calls — behaving as the real services do (checked against Tautulli
//! 2.17's source and a running copy), for the engine's tests and, through the
//! `cartographus-fakes` binary, the end-to-end runs. Real HTTP on loopback, nothing mocked.

pub mod plextv;
pub mod tautulli;

use std::sync::{Mutex, MutexGuard};

/// A fake's state, even after a panic elsewhere held the lock (a fake must keep answering).
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

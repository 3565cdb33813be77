//! Drains the spool into JetStream, oldest segment first, record by record. A record
//! counts as sent only after its PublishAck; progress is saved in a cursor file so a crash
//! resends at most the last few records (which JetStream's Nats-Msg-Id window, and the
//! DuckDB key after it, recognise as duplicates). A segment is deleted only when all of it
//! is acknowledged.

use std::path::Path;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{segment, Spool};
use crate::bus::publisher::Publisher;
use crate::event::MediaEvent;

/// Records between two cursor saves: bounds what a crash can resend.
const CURSOR_EVERY: usize = 64;

/// Runs until `shutdown`, which it notices between records: the record in flight is
/// published (or left for the next start) and the cursor saved before it returns.
pub async fn run(spool: Spool, publisher: Publisher, shutdown: CancellationToken) {
    while !shutdown.is_cancelled() {
        if spool.pending() == 0 {
            // Checked again every second in case a wake-up was missed.
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::timeout(Duration::from_secs(1), spool.appended()) => {}
            }
            continue;
        }
        match spool.seal().await {
            Ok(segments) => {
                for path in segments {
                    if !drain_segment(&spool, &publisher, &path, &shutdown).await {
                        return;
                    }
                }
            }
            Err(e) => {
                tracing::error!("cannot seal the spool: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// False when the engine is stopping (the cursor is saved where it stopped).
async fn drain_segment(
    spool: &Spool,
    publisher: &Publisher,
    path: &Path,
    shutdown: &CancellationToken,
) -> bool {
    let records = match segment::read_records(path) {
        Ok(records) => records,
        Err(e) => {
            tracing::error!(path = %path.display(), "cannot read a spool segment: {e}");
            return true;
        }
    };
    let start = segment::read_cursor(path);
    let mut acked = start;
    for record in records.iter().skip(start) {
        match serde_json::from_slice::<MediaEvent>(record) {
            Ok(event) => {
                if !publish_until_acked(publisher, &event, shutdown).await {
                    if let Err(e) = segment::write_cursor(path, acked) {
                        tracing::warn!("cannot save the spool cursor: {e}");
                    }
                    return false;
                }
            }
            // We wrote it ourselves, with a matching checksum: this would be a bug, not bad
            // luck. Keep the segment on disk for inspection rather than lose it.
            Err(e) => {
                tracing::error!(path = %path.display(), "unreadable spool record: {e}; segment kept");
                return true;
            }
        }
        acked += 1;
        spool.acknowledged(1);
        if (acked - start).is_multiple_of(CURSOR_EVERY) {
            if let Err(e) = segment::write_cursor(path, acked) {
                tracing::warn!("cannot save the spool cursor: {e}");
            }
        }
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    match std::fs::remove_file(path) {
        Ok(()) => {
            spool.removed(size);
            let _ = std::fs::remove_file(segment::cursor_path(path));
        }
        Err(e) => tracing::warn!(path = %path.display(), "cannot remove a drained segment: {e}"),
    }
    if records.len() > start {
        tracing::info!(
            forwarded = records.len() - start,
            "spool segment forwarded to JetStream"
        );
    }
    true
}

/// Retries with backoff (100 ms doubling to 5 s) until JetStream acknowledges: the record
/// must never be skipped, and the spool keeps order. False if the engine stops first (the
/// record stays in the spool).
async fn publish_until_acked(
    publisher: &Publisher,
    event: &MediaEvent,
    shutdown: &CancellationToken,
) -> bool {
    let mut delays = crate::bus::retry_delays();
    loop {
        if shutdown.is_cancelled() {
            return false;
        }
        match publisher.publish(event).await {
            Ok(_) => return true,
            Err(e) => {
                let delay = delays.next().unwrap_or(Duration::from_secs(5));
                tracing::debug!("spool forward failed ({e}); retrying in {delay:?}");
                tokio::select! {
                    _ = shutdown.cancelled() => return false,
                    _ = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

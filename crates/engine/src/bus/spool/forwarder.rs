//! Drains the spool into JetStream, oldest segment first, in groups of records published
//! together (an atomic batch where the stream takes them, ADR 0028). A record counts as sent
//! only after its PublishAck; one whose group publish failed is sent again alone, with
//! backoff; one that can never be published (unreadable,
//! too large, no stream for its subject, refused) goes to the DLQ instead of holding up
//! everything behind it. Progress is saved in a cursor file so a crash resends at most the
//! last few records (which JetStream's Nats-Msg-Id window, and the DuckDB key after it,
//! recognise as duplicates). A segment is deleted only when all of it is handled.

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::record::{self, Record};
use super::{dead_letter, segment, Spool};
use crate::bus::publisher::{PublishError, Publisher};
use crate::persist::Database;

/// Records between two cursor saves: bounds what a crash can resend.
const CURSOR_EVERY: u64 = 64;

/// Records published as one group: a backlog of thousands goes out with one fsync per
/// group instead of one per record.
const GROUP: usize = 256;

/// Runs until `shutdown`, which it notices between records and while it waits: the record
/// in flight is published (or left for the next start) and the cursor saved before it
/// returns. Never spins: a pass that moves nothing waits with backoff (100 ms doubling to
/// 5 s) before the next.
pub async fn run(spool: Spool, publisher: Publisher, db: Database, shutdown: CancellationToken) {
    let mut pauses = crate::bus::retry_delays();
    while !shutdown.is_cancelled() {
        if spool.pending() == 0 {
            // Checked again every second in case a wake-up was missed.
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::timeout(Duration::from_secs(1), spool.appended()) => {}
            }
            continue;
        }
        let pass = match spool.seal().await {
            Ok(segments) => drain(&spool, &publisher, &db, &segments, &shutdown).await,
            Err(e) => Err(format!("cannot seal the spool: {e}")),
        };
        match pass {
            Ok(handled) if handled > 0 => pauses = crate::bus::retry_delays(),
            Ok(_) => pause(&mut pauses, &shutdown).await,
            Err(reason) => {
                tracing::error!("the spool forwarder is stuck: {reason}");
                spool.stalled(reason);
                pause(&mut pauses, &shutdown).await;
            }
        }
    }
}

async fn pause(pauses: &mut impl Iterator<Item = Duration>, shutdown: &CancellationToken) {
    let delay = pauses.next().unwrap_or(Duration::from_secs(5));
    tokio::select! {
        _ = shutdown.cancelled() => {}
        _ = tokio::time::sleep(delay) => {}
    }
}

/// What became of one record.
enum Forwarded {
    Published,
    DeadLettered,
    /// The engine is stopping; the record stays spooled for the next start.
    Stopped,
}

/// Drains `segments` in order; returns how many records were handled, or why it stopped.
async fn drain(
    spool: &Spool,
    publisher: &Publisher,
    db: &Database,
    segments: &[std::path::PathBuf],
    shutdown: &CancellationToken,
) -> Result<u64, String> {
    let mut handled = 0;
    for path in segments {
        handled += drain_segment(spool, publisher, db, path, shutdown).await?;
        if shutdown.is_cancelled() {
            break;
        }
    }
    Ok(handled)
}

async fn drain_segment(
    spool: &Spool,
    publisher: &Publisher,
    db: &Database,
    path: &Path,
    shutdown: &CancellationToken,
) -> Result<u64, String> {
    let id = segment::id_of(path).ok_or_else(|| format!("{} is not a segment", path.display()))?;
    let records = segment::read_records(path)
        .map_err(|e| format!("cannot read spool segment {}: {e}", path.display()))?;
    let start = segment::read_cursor(path).min(records.len()) as u64;
    let mut acked = start;
    for group in records[start as usize..].chunks(GROUP) {
        let decoded: Vec<Option<Record>> = group.iter().map(|b| record::decode(b).ok()).collect();
        let messages: Vec<_> = decoded
            .iter()
            .flatten()
            .map(|r| r.message.clone())
            .collect();
        let mut answers = publisher.publish_group(&messages).await.into_iter();
        for (bytes, decoded) in group.iter().zip(&decoded) {
            let published = decoded.is_some() && matches!(answers.next(), Some(Ok(_)));
            // Anything else goes the single way: unreadable bytes to the DLQ, a failed
            // publish again alone (retried, or dead-lettered if no retry can help).
            let forwarded = if published {
                Ok(Forwarded::Published)
            } else {
                forward(spool, publisher, db, bytes, shutdown).await
            };
            let dead_lettered = match forwarded {
                Ok(Forwarded::Published) => false,
                Ok(Forwarded::DeadLettered) => true,
                Ok(Forwarded::Stopped) => {
                    save_cursor(path, acked);
                    return Ok(acked - start);
                }
                Err(reason) => {
                    save_cursor(path, acked);
                    return Err(reason);
                }
            };
            acked += 1;
            let next_at = records
                .get(acked as usize)
                .map(|next| record::spooled_at(next).unwrap_or_else(Utc::now));
            spool.acknowledged(id, acked, next_at);
            // A dead letter is saved at once: a crash must not write it twice.
            if dead_lettered || (acked - start).is_multiple_of(CURSOR_EVERY) {
                save_cursor(path, acked);
            }
        }
    }
    if let Err(e) = segment::remove_segment(path) {
        tracing::warn!(path = %path.display(), "cannot remove a drained segment: {e}");
    }
    if path.exists() {
        // Kept on disk, it must not be sent again; the next pass tries the delete again.
        save_cursor(path, acked);
    } else {
        spool.removed(id);
    }
    let handled = acked - start;
    if handled > 0 {
        tracing::info!(handled, "spool segment forwarded to JetStream");
    }
    Ok(handled)
}

/// Publishes one record, or dead-letters it when it can never be published; Err only when
/// the DLQ could not take it either (it stays spooled).
async fn forward(
    spool: &Spool,
    publisher: &Publisher,
    db: &Database,
    bytes: &[u8],
    shutdown: &CancellationToken,
) -> Result<Forwarded, String> {
    let entry = match record::decode(bytes) {
        Ok(record) => match publish_until_acked(spool, publisher, &record, shutdown).await {
            Ok(true) => return Ok(Forwarded::Published),
            Ok(false) => return Ok(Forwarded::Stopped),
            Err(error) => {
                tracing::warn!(
                    code = error.code(),
                    event_id = %record.message.msg_id,
                    "a spooled event cannot be published ({error}); dead-lettering it"
                );
                dead_letter::refused(&record, &error)
            }
        },
        Err(error) => {
            tracing::error!(
                code = error.code(),
                "unreadable spool record ({error}); dead-lettering its bytes"
            );
            dead_letter::unreadable(bytes, &error)
        }
    };
    dead_letter::write(db, entry)
        .await
        .map(|_| Forwarded::DeadLettered)
        .map_err(|e| format!("a record that cannot be published cannot be dead-lettered: {e}"))
}

/// Retries with backoff (100 ms doubling to 5 s) while the failure is one a retry can fix;
/// returns the error that no retry can. Ok(false): the engine stopped before an ack.
async fn publish_until_acked(
    spool: &Spool,
    publisher: &Publisher,
    record: &Record,
    shutdown: &CancellationToken,
) -> Result<bool, PublishError> {
    let mut delays = crate::bus::retry_delays();
    let mut attempts = 0u32;
    loop {
        let error = match publisher.publish(&record.message).await {
            Ok(_) => return Ok(true),
            Err(error) => error,
        };
        let permanent = match &error {
            // "No responders" also comes from a server still starting: only a confirmed
            // absence of any stream for the subject is final.
            // On MEDIA_EVENTS' own subjects the stream is only gone for a while: the writer
            // provisions it again, so wait for it.
            PublishError::NoStream { subject } => {
                !crate::bus::stream::covers(subject) && publisher.confirms_no_stream(subject).await
            }
            other => other.is_permanent(),
        };
        if permanent {
            return Err(error);
        }
        attempts += 1;
        let delay = delays.next().unwrap_or(Duration::from_secs(5));
        if attempts == 1 {
            tracing::warn!("spool forward failed ({error}); retrying with backoff");
        } else {
            tracing::debug!(
                attempts,
                "spool forward failed ({error}); retrying in {delay:?}"
            );
        }
        spool.stalled(error.to_string());
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(false),
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

fn save_cursor(path: &Path, acked: u64) {
    if let Err(e) = segment::write_cursor(path, acked as usize) {
        tracing::warn!(path = %path.display(), "cannot save the spool cursor: {e}");
    }
}

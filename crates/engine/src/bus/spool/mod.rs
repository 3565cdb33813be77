//! The spool: where an event goes when JetStream cannot take it right now, so the webhook
//! can still be answered 2xx. Appends are group-committed (one fsync acknowledges every
//! append that arrived meanwhile); the forwarder drains the spool into JetStream in order
//! and removes a record only after its PublishAck (or, for one that can never be published,
//! once the DLQ holds it). Unsent records are never dropped.

pub mod dead_letter;
pub mod forwarder;
pub mod health;
mod ledger;
pub mod record;
pub mod segment;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot, Notify};

use crate::bus::publisher::Outgoing;
use ledger::{Ledger, SegmentEntry};
use record::RecordError;
use writer::{Command, Writer};

#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("the spool is full ({limit} bytes); JetStream must come back before more events can be taken")]
    Full { limit: u64 },
    #[error("the spool cannot write to {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode the event for the spool: {0}")]
    Encode(#[from] RecordError),
    #[error("the spool writer has stopped")]
    Stopped,
}

impl SpoolError {
    pub fn code(&self) -> &'static str {
        match self {
            SpoolError::Full { .. } => "spool_full",
            SpoolError::Io { .. } | SpoolError::Encode(_) | SpoolError::Stopped => {
                crate::error::codes::SPOOL_UNWRITABLE
            }
        }
    }
}

/// What the spool holds now, for health and stats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpoolStatus {
    /// Records written and not yet in JetStream (or the DLQ).
    pub pending: u64,
    /// Bytes of the segment files.
    pub bytes: u64,
    /// When the oldest of the pending records was spooled.
    pub oldest_pending_at: Option<DateTime<Utc>>,
    /// Why the forwarder could not send the oldest record, while it cannot.
    pub last_error: Option<String>,
}

struct Shared {
    dir: PathBuf,
    max_bytes: u64,
    ledger: Mutex<Ledger>,
    appended: Notify,
}

impl Shared {
    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        // A panic while holding the lock cannot leave the figures half-updated: every
        // update is a single assignment or insert.
        self.ledger
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Clone)]
pub struct Spool {
    commands: mpsc::Sender<Command>,
    shared: Arc<Shared>,
}

impl Spool {
    /// Opens `dir`, taking stock of what an earlier run left unsent, and starts the writer
    /// thread. Segment ids only ever grow, and cursors left without their segment are
    /// removed, so no cursor can apply to a segment it was not written for.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Self, SpoolError> {
        let io_err = |source| SpoolError::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io_err)?;
        let segments = segment::list_segments(dir).map_err(io_err)?;
        let cursors = segment::list_cursors(dir).map_err(io_err)?;
        let next_id = segments
            .last()
            .into_iter()
            .chain(cursors.last())
            .max()
            .map_or(0, |id| id + 1);
        let orphans = segment::remove_orphan_cursors(dir, &segments).map_err(io_err)?;
        if orphans > 0 {
            tracing::warn!(orphans, "removed spool cursors whose segment was gone");
            segment::sync_dir(dir).map_err(io_err)?;
        }

        let mut ledger = Ledger::default();
        let mut empty = Vec::new();
        for id in segments {
            let path = segment::segment_path(dir, id);
            let metadata = std::fs::metadata(&path).map_err(io_err)?;
            if metadata.len() == 0 {
                empty.push(path);
                continue;
            }
            ledger.insert(id, take_stock(&path, metadata).map_err(io_err)?);
        }
        let pending = ledger.pending();
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            max_bytes,
            ledger: Mutex::new(ledger),
            appended: Notify::new(),
        });
        let (commands, receiver) = mpsc::channel(4 * writer::MAX_GROUP);
        // The new active segment exists before the empty ones go, so the highest id used
        // so far is always on disk.
        let writer = Writer::open(Arc::clone(&shared), next_id).map_err(io_err)?;
        for path in empty {
            if let Err(e) = segment::remove_segment(&path) {
                tracing::warn!(path = %path.display(), "cannot remove an empty spool segment: {e}");
            }
        }
        std::thread::Builder::new()
            .name("spool-writer".into())
            .spawn(move || writer.run(receiver))
            .map_err(io_err)?;
        if pending > 0 {
            tracing::info!(
                pending,
                "spool holds events from an earlier run; they will be forwarded"
            );
        }
        Ok(Self { commands, shared })
    }

    /// Returns once the message is on disk (fsynced), byte for byte as it will be published.
    pub async fn append(&self, message: &Outgoing) -> Result<(), SpoolError> {
        let spooled_at = Utc::now();
        let record = record::encode(message, spooled_at)?;
        let (done, result) = oneshot::channel();
        self.commands
            .send(Command::Append {
                record,
                spooled_at,
                done,
            })
            .await
            .map_err(|_| SpoolError::Stopped)?;
        result.await.map_err(|_| SpoolError::Stopped)?
    }

    /// Seals the active segment; returns every sealed segment, oldest first.
    pub async fn seal(&self) -> Result<Vec<PathBuf>, SpoolError> {
        let (done, result) = oneshot::channel();
        self.commands
            .send(Command::Seal(done))
            .await
            .map_err(|_| SpoolError::Stopped)?;
        result.await.map_err(|_| SpoolError::Stopped)?
    }

    /// Records on disk not yet in JetStream (or the DLQ).
    pub fn pending(&self) -> u64 {
        self.shared.ledger().pending()
    }

    pub fn bytes(&self) -> u64 {
        self.shared.ledger().bytes()
    }

    /// When the oldest record still waiting for JetStream was spooled; None when empty.
    pub fn oldest_pending_at(&self) -> Option<DateTime<Utc>> {
        self.shared.ledger().oldest_pending_at()
    }

    pub fn status(&self) -> SpoolStatus {
        let ledger = self.shared.ledger();
        let pending = ledger.pending();
        SpoolStatus {
            pending,
            bytes: ledger.bytes(),
            oldest_pending_at: ledger.oldest_pending_at(),
            last_error: ledger.last_error.clone().filter(|_| pending > 0),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.shared.dir
    }

    /// Resolves after the next append (the forwarder's wake-up call).
    pub async fn appended(&self) {
        self.shared.appended.notified().await
    }

    /// The first `acked` records of segment `id` are in JetStream or the DLQ.
    fn acknowledged(&self, id: u64, acked: u64, next_unsent_at: Option<DateTime<Utc>>) {
        self.shared.ledger().acknowledged(id, acked, next_unsent_at);
    }

    fn removed(&self, id: u64) {
        self.shared.ledger().removed(id);
    }

    /// The forwarder cannot send the oldest record right now, for this reason.
    fn stalled(&self, reason: String) {
        self.shared.ledger().last_error = Some(reason);
    }
}

/// A segment left by an earlier run: its records, its cursor, and when its first unsent
/// record was spooled (the file's time when that record cannot be read).
fn take_stock(path: &Path, metadata: std::fs::Metadata) -> std::io::Result<SegmentEntry> {
    let records = segment::read_records(path)?;
    let acked = segment::read_cursor(path).min(records.len());
    let next_unsent_at = records.get(acked).map(|next| {
        record::spooled_at(next)
            .or_else(|| metadata.modified().ok().map(DateTime::<Utc>::from))
            .unwrap_or_else(Utc::now)
    });
    Ok(SegmentEntry {
        records: records.len() as u64,
        acked: acked as u64,
        bytes: metadata.len(),
        next_unsent_at,
    })
}

#[cfg(test)]
mod tests;

//! The spool: where an event goes when JetStream cannot take it right now, so the webhook
//! can still be answered 2xx. Appends are group-committed (one fsync acknowledges every
//! append that arrived meanwhile); the forwarder drains the spool into JetStream in order
//! and removes a record only after its PublishAck. Unsent records are never dropped.

pub mod forwarder;
pub mod segment;

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, Notify};

use crate::event::MediaEvent;

/// Appends waiting for the same fsync at most; bounds the latency of the first one.
const MAX_GROUP: usize = 512;

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
    Encode(#[from] serde_json::Error),
    #[error("the spool writer has stopped")]
    Stopped,
}

type Done<T> = oneshot::Sender<Result<T, SpoolError>>;

enum Command {
    Append(Vec<u8>, Done<()>),
    /// Closes the active segment so the forwarder can drain everything written so far.
    Seal(Done<Vec<PathBuf>>),
}

struct Shared {
    dir: PathBuf,
    /// Records written and not yet acknowledged by JetStream.
    pending: AtomicU64,
    /// Bytes on disk, for the size bound.
    bytes: AtomicU64,
    max_bytes: u64,
    appended: Notify,
}

#[derive(Clone)]
pub struct Spool {
    commands: mpsc::Sender<Command>,
    shared: Arc<Shared>,
}

impl Spool {
    /// Opens `dir`, counting what an earlier run left unsent, and starts the writer thread.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Self, SpoolError> {
        let io_err = |source| SpoolError::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io_err)?;
        let mut pending = 0u64;
        let mut bytes = 0u64;
        let existing = segment::list_segments(dir).map_err(io_err)?;
        for id in &existing {
            let path = segment::segment_path(dir, *id);
            let records = segment::read_records(&path).map_err(io_err)?;
            pending += records.len().saturating_sub(segment::read_cursor(&path)) as u64;
            bytes += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        }
        let next_id = existing.last().map_or(0, |id| id + 1);
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            pending: AtomicU64::new(pending),
            bytes: AtomicU64::new(bytes),
            max_bytes,
            appended: Notify::new(),
        });
        let (commands, receiver) = mpsc::channel(4 * MAX_GROUP);
        let writer = Writer::open(Arc::clone(&shared), next_id).map_err(io_err)?;
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

    /// Returns once the event is on disk (fsynced).
    pub async fn append(&self, event: &MediaEvent) -> Result<(), SpoolError> {
        let payload = serde_json::to_vec(event)?;
        let (done, result) = oneshot::channel();
        self.commands
            .send(Command::Append(payload, done))
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

    pub fn pending(&self) -> u64 {
        self.shared.pending.load(Ordering::Acquire)
    }

    pub fn bytes(&self) -> u64 {
        self.shared.bytes.load(Ordering::Acquire)
    }

    pub fn dir(&self) -> &Path {
        &self.shared.dir
    }

    /// Resolves after the next append (the forwarder's wake-up call).
    pub async fn appended(&self) {
        self.shared.appended.notified().await
    }

    fn acknowledged(&self, records: u64) {
        self.shared.pending.fetch_sub(records, Ordering::AcqRel);
    }

    fn removed(&self, bytes: u64) {
        self.shared.bytes.fetch_sub(bytes, Ordering::AcqRel);
    }
}

/// Owns the active segment. Runs on its own thread because every call blocks on the disk.
struct Writer {
    shared: Arc<Shared>,
    active_id: u64,
    active: File,
    active_len: u64,
}

impl Writer {
    fn open(shared: Arc<Shared>, id: u64) -> std::io::Result<Self> {
        let active = open_segment(&shared.dir, id)?;
        Ok(Self {
            shared,
            active_id: id,
            active,
            active_len: 0,
        })
    }

    fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        while let Some(command) = commands.blocking_recv() {
            match command {
                Command::Seal(done) => {
                    let _ = done.send(self.seal());
                }
                Command::Append(payload, done) => {
                    let mut group = vec![(payload, done)];
                    // Whatever queued up while the last fsync ran shares the next one.
                    while group.len() < MAX_GROUP {
                        match commands.try_recv() {
                            Ok(Command::Append(payload, done)) => group.push((payload, done)),
                            Ok(Command::Seal(done)) => {
                                self.commit(&mut group);
                                let _ = done.send(self.seal());
                            }
                            Err(_) => break,
                        }
                    }
                    self.commit(&mut group);
                }
            }
        }
    }

    fn commit(&mut self, group: &mut Vec<(Vec<u8>, Done<()>)>) {
        if group.is_empty() {
            return;
        }
        let mut buffer = Vec::new();
        let mut accepted = Vec::new();
        for (payload, done) in group.drain(..) {
            let size = (payload.len() + 8) as u64;
            let used = self.shared.bytes.load(Ordering::Acquire) + buffer.len() as u64;
            if used + size > self.shared.max_bytes {
                let _ = done.send(Err(SpoolError::Full {
                    limit: self.shared.max_bytes,
                }));
                continue;
            }
            segment::encode(&payload, &mut buffer);
            accepted.push(done);
        }
        if accepted.is_empty() {
            return;
        }
        let written = self
            .active
            .write_all(&buffer)
            .and_then(|_| self.active.sync_data());
        match written {
            Ok(()) => {
                self.active_len += buffer.len() as u64;
                self.shared
                    .bytes
                    .fetch_add(buffer.len() as u64, Ordering::AcqRel);
                self.shared
                    .pending
                    .fetch_add(accepted.len() as u64, Ordering::AcqRel);
                for done in accepted {
                    let _ = done.send(Ok(()));
                }
                self.shared.appended.notify_waiters();
            }
            Err(e) => {
                // A partial write is harmless: its checksum cannot match, so it is never read.
                tracing::error!("spool write failed: {e}");
                let path = segment::segment_path(&self.shared.dir, self.active_id);
                for done in accepted {
                    let _ = done.send(Err(SpoolError::Io {
                        path: path.clone(),
                        source: std::io::Error::new(e.kind(), e.to_string()),
                    }));
                }
                // Start a fresh segment after a failed write, so the next good record does
                // not sit behind the torn one.
                if let Err(e) = self.rotate() {
                    tracing::error!("cannot start a new spool segment: {e}");
                }
            }
        }
    }

    fn seal(&mut self) -> Result<Vec<PathBuf>, SpoolError> {
        let dir = self.shared.dir.clone();
        let io_err = |source| SpoolError::Io { path: dir, source };
        if self.active_len > 0 {
            self.rotate().map_err(io_err.clone())?;
        }
        let ids = segment::list_segments(&self.shared.dir).map_err(io_err)?;
        Ok(ids
            .into_iter()
            .filter(|id| *id != self.active_id)
            .map(|id| segment::segment_path(&self.shared.dir, id))
            .collect())
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        let next = self.active_id + 1;
        self.active = open_segment(&self.shared.dir, next)?;
        self.active_id = next;
        self.active_len = 0;
        Ok(())
    }
}

fn open_segment(dir: &Path, id: u64) -> std::io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(segment::segment_path(dir, id))?;
    // Make the new file's directory entry durable too.
    File::open(dir)?.sync_all()?;
    Ok(file)
}

#[cfg(test)]
mod tests;

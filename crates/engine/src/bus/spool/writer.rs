//! The spool's writer thread: owns the active segment, group-commits appends with one
//! fsync, and after a failed write cuts the segment back to its last good byte before
//! anything else is written, so no acknowledged record can sit behind a torn one.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use super::{segment, Shared, SpoolError};

/// Appends waiting for the same fsync at most; bounds the latency of the first one.
pub(super) const MAX_GROUP: usize = 512;

/// A segment this large is closed and a new one started: the forwarder reads a segment
/// whole, and deletes it (freeing its space) only when all of it is sent.
const SEGMENT_TARGET_BYTES: u64 = 64 * 1024 * 1024;

type Done<T> = oneshot::Sender<Result<T, SpoolError>>;

pub(super) enum Command {
    Append {
        record: Vec<u8>,
        spooled_at: DateTime<Utc>,
        done: Done<()>,
    },
    /// Closes the active segment so the forwarder can drain everything written so far.
    Seal(Done<Vec<PathBuf>>),
}

struct Append {
    record: Vec<u8>,
    spooled_at: DateTime<Utc>,
    done: Done<()>,
}

/// Runs on its own thread because every call blocks on the disk.
pub(super) struct Writer {
    shared: Arc<Shared>,
    active_id: u64,
    active: File,
    /// Bytes of the active segment that hold fsynced, acknowledged records.
    active_len: u64,
    /// A write failed and the segment has not been cut back yet: nothing may be appended.
    torn: bool,
}

impl Writer {
    pub(super) fn open(shared: Arc<Shared>, id: u64) -> std::io::Result<Self> {
        let active = open_segment(&shared.dir, id)?;
        Ok(Self {
            shared,
            active_id: id,
            active,
            active_len: 0,
            torn: false,
        })
    }

    pub(super) fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        while let Some(command) = commands.blocking_recv() {
            match command {
                Command::Seal(done) => {
                    let _ = done.send(self.seal());
                }
                Command::Append {
                    record,
                    spooled_at,
                    done,
                } => {
                    let mut group = vec![Append {
                        record,
                        spooled_at,
                        done,
                    }];
                    // Whatever queued up while the last fsync ran shares the next one.
                    while group.len() < MAX_GROUP {
                        match commands.try_recv() {
                            Ok(Command::Append {
                                record,
                                spooled_at,
                                done,
                            }) => group.push(Append {
                                record,
                                spooled_at,
                                done,
                            }),
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

    fn commit(&mut self, group: &mut Vec<Append>) {
        if group.is_empty() {
            return;
        }
        if self.torn {
            if let Err(e) = self.repair() {
                let path = self.active_path();
                for append in group.drain(..) {
                    let _ = append.done.send(Err(SpoolError::Io {
                        path: path.clone(),
                        source: std::io::Error::new(e.kind(), e.to_string()),
                    }));
                }
                return;
            }
        }
        let mut buffer = Vec::new();
        let mut accepted = Vec::new();
        let mut first_at = None;
        let used = self.shared.ledger().bytes();
        for append in group.drain(..) {
            let size = (append.record.len() + 8) as u64;
            if used + buffer.len() as u64 + size > self.shared.max_bytes {
                let _ = append.done.send(Err(SpoolError::Full {
                    limit: self.shared.max_bytes,
                }));
                continue;
            }
            segment::encode(&append.record, &mut buffer);
            first_at.get_or_insert(append.spooled_at);
            accepted.push(append.done);
        }
        let Some(first_at) = first_at else {
            return;
        };
        let written = self
            .active
            .write_all(&buffer)
            .and_then(|_| self.active.sync_data());
        match written {
            Ok(()) => {
                self.active_len += buffer.len() as u64;
                self.shared.ledger().appended(
                    self.active_id,
                    accepted.len() as u64,
                    buffer.len() as u64,
                    first_at,
                );
                for done in accepted {
                    let _ = done.send(Ok(()));
                }
                self.shared.appended.notify_waiters();
                if self.active_len >= SEGMENT_TARGET_BYTES {
                    if let Err(e) = self.rotate() {
                        tracing::warn!("cannot start a new spool segment: {e}");
                    }
                }
            }
            Err(e) => {
                tracing::error!("spool write failed: {e}");
                let path = self.active_path();
                for done in accepted {
                    let _ = done.send(Err(SpoolError::Io {
                        path: path.clone(),
                        source: std::io::Error::new(e.kind(), e.to_string()),
                    }));
                }
                self.torn = true;
                if let Err(e) = self.repair() {
                    tracing::error!("cannot repair the spool after a failed write: {e}");
                }
            }
        }
    }

    /// After a failed write: cut the segment back to its last good byte (reading stops at
    /// the first bad record, so a later record behind the tear would be lost with the
    /// segment). Failing that, continue in a new segment. Until one of them works, every
    /// append is refused.
    fn repair(&mut self) -> std::io::Result<()> {
        let truncated = self
            .active
            .set_len(self.active_len)
            .and_then(|_| self.active.sync_all());
        match truncated {
            Ok(()) => {
                self.shared
                    .ledger()
                    .truncated(self.active_id, self.active_len);
            }
            Err(e) => {
                tracing::warn!("cannot cut the spool segment back ({e}); starting a new one");
                self.rotate()?;
            }
        }
        self.torn = false;
        Ok(())
    }

    fn seal(&mut self) -> Result<Vec<PathBuf>, SpoolError> {
        let dir = self.shared.dir.clone();
        let io_err = |source| SpoolError::Io { path: dir, source };
        if self.active_len > 0 || self.torn {
            self.rotate().map_err(io_err.clone())?;
            self.torn = false;
        }
        let ids = segment::list_segments(&self.shared.dir).map_err(io_err)?;
        Ok(ids
            .into_iter()
            .filter(|id| *id < self.active_id)
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

    fn active_path(&self) -> PathBuf {
        segment::segment_path(&self.shared.dir, self.active_id)
    }
}

fn open_segment(dir: &Path, id: u64) -> std::io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(segment::segment_path(dir, id))?;
    // Make the new file's directory entry durable too.
    segment::sync_dir(dir)?;
    Ok(file)
}

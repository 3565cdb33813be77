//! The spool's on-disk format: append-only segment files of records
//! `[u32 length][u32 crc32][payload]` (little endian). A record is trusted only if its
//! checksum matches, so a write torn by a crash (never acknowledged: the fsync did not
//! return) ends the segment instead of corrupting it.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

const HEADER: usize = 8;
const EXTENSION: &str = "spool";

pub fn segment_path(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("{id:020}.{EXTENSION}"))
}

/// The id in a segment's file name.
pub fn id_of(segment: &Path) -> Option<u64> {
    segment.file_stem()?.to_str()?.parse().ok()
}

/// Where the forwarder records how many records of a segment JetStream has acknowledged.
pub fn cursor_path(segment: &Path) -> PathBuf {
    segment.with_extension("cursor")
}

/// Segment ids present in `dir`, oldest first.
pub fn list_segments(dir: &Path) -> io::Result<Vec<u64>> {
    list_ids(dir, EXTENSION)
}

/// Ids of the cursor files in `dir`, oldest first (a cursor may outlive its segment).
pub fn list_cursors(dir: &Path) -> io::Result<Vec<u64>> {
    list_ids(dir, "cursor")
}

fn list_ids(dir: &Path, extension: &str) -> io::Result<Vec<u64>> {
    let suffix = format!(".{extension}");
    let mut ids: Vec<u64> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let name = name.to_str()?;
            name.strip_suffix(&suffix)?.parse().ok()
        })
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Removes cursors whose segment is gone (their delete failed, or a crash came between the
/// two deletes) and unfinished cursor writes, so no cursor can ever apply to another
/// segment. Returns how many files were removed.
pub fn remove_orphan_cursors(dir: &Path, segments: &[u64]) -> io::Result<usize> {
    let mut removed = 0;
    for id in list_cursors(dir)? {
        if segments.binary_search(&id).is_err() {
            std::fs::remove_file(cursor_path(&segment_path(dir, id)))?;
            removed += 1;
        }
    }
    for entry in std::fs::read_dir(dir)?.filter_map(Result::ok) {
        if entry.file_name().to_string_lossy().ends_with(".cursor.tmp") {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Makes creations, renames and deletes in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Deletes a segment and then its cursor, and makes both deletes durable.
pub fn remove_segment(path: &Path) -> io::Result<()> {
    std::fs::remove_file(path)?;
    match std::fs::remove_file(cursor_path(path)) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        // The orphan is removed at the next open; the segment itself is gone.
        Err(e) => tracing::warn!(path = %path.display(), "cannot remove a spool cursor: {e}"),
    }
    match path.parent() {
        Some(dir) => sync_dir(dir),
        None => Ok(()),
    }
}

/// Appends one framed record to `out`.
pub fn encode(payload: &[u8], out: &mut Vec<u8>) {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
}

/// Every intact record of a segment, in order; reading stops at the first torn one.
pub fn read_records(path: &Path) -> io::Result<Vec<Vec<u8>>> {
    let mut bytes = Vec::new();
    File::open(path)?.read_to_end(&mut bytes)?;
    let mut records = Vec::new();
    let mut rest = bytes.as_slice();
    while rest.len() >= HEADER {
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
        let Some(payload) = rest.get(HEADER..HEADER + len) else {
            break;
        };
        if crc32fast::hash(payload) != crc {
            break;
        }
        records.push(payload.to_vec());
        rest = &rest[HEADER + len..];
    }
    Ok(records)
}

pub fn read_cursor(segment: &Path) -> usize {
    std::fs::read_to_string(cursor_path(segment))
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(0)
}

/// Durably records that the first `acked` records of `segment` are in JetStream.
pub fn write_cursor(segment: &Path, acked: usize) -> io::Result<()> {
    let path = cursor_path(segment);
    let tmp = path.with_extension("cursor.tmp");
    let mut file = File::create(&tmp)?;
    file.write_all(acked.to_string().as_bytes())?;
    file.sync_data()?;
    std::fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_a_torn_tail_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = segment_path(dir.path(), 7);
        let mut bytes = Vec::new();
        encode(b"first", &mut bytes);
        encode(b"second", &mut bytes);
        let mut torn = Vec::new();
        encode(b"third, never acknowledged", &mut torn);
        bytes.extend_from_slice(&torn[..torn.len() - 3]);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            read_records(&path).unwrap(),
            vec![b"first".to_vec(), b"second".to_vec()]
        );
        assert_eq!(list_segments(dir.path()).unwrap(), vec![7]);
    }

    #[test]
    fn a_flipped_bit_ends_the_segment() {
        let dir = tempfile::tempdir().unwrap();
        let path = segment_path(dir.path(), 1);
        let mut bytes = Vec::new();
        encode(b"good", &mut bytes);
        encode(b"flipped", &mut bytes);
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_records(&path).unwrap(), vec![b"good".to_vec()]);
    }

    #[test]
    fn cursor_defaults_to_zero_and_persists() {
        let dir = tempfile::tempdir().unwrap();
        let path = segment_path(dir.path(), 3);
        assert_eq!(read_cursor(&path), 0);
        write_cursor(&path, 42).unwrap();
        assert_eq!(read_cursor(&path), 42);
    }
}

//! A write torn by the disk, then more writes: every record acknowledged after the tear
//! must still be readable. The tear is real: a file size limit (RLIMIT_FSIZE) makes the
//! kernel stop the write part-way with EFBIG. The limit is per process, which is why this
//! test has a binary of its own.

use std::path::Path;

use bytes::Bytes;
use cartographus_engine::bus::publisher::Outgoing;
use cartographus_engine::bus::spool::{record, segment, Spool};
use nix::libc;
use nix::sys::signal::{signal, SigHandler, Signal};

fn message(n: usize) -> Outgoing {
    Outgoing {
        subject: "playback.tautulli.movie".into(),
        msg_id: format!("id-{n}"),
        payload: Bytes::from(format!(
            "{{\"event_id\":\"id-{n}\",\"padding\":\"{}\"}}",
            "p".repeat(200)
        )),
    }
}

fn ids_on_disk(dir: &Path) -> Vec<String> {
    segment::list_segments(dir)
        .unwrap()
        .into_iter()
        .flat_map(|id| segment::read_records(&segment::segment_path(dir, id)).unwrap())
        .map(|bytes| record::decode(&bytes).unwrap().message.msg_id)
        .collect()
}

/// Sets the soft limit on the size of files this process writes.
fn limit_file_size(bytes: libc::rlim_t) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_FSIZE, &mut limit), 0);
        limit.rlim_cur = bytes.min(limit.rlim_max);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_acknowledged_after_a_torn_write_are_all_readable() {
    // SAFETY: replaces the default action (kill the process) of the signal a write past
    // the limit raises; the write then fails with EFBIG instead.
    unsafe { signal(Signal::SIGXFSZ, SigHandler::SigIgn) }.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let spool = Spool::open(dir.path(), 1 << 30).unwrap();
    spool.append(&message(0)).await.unwrap();

    let active = *segment::list_segments(dir.path()).unwrap().last().unwrap();
    let active_path = segment::segment_path(dir.path(), active);
    // The next segment cannot be created, so the writer cannot leave the torn segment
    // behind: it has to mend it where it is.
    let blocker = segment::segment_path(dir.path(), active + 1);
    std::fs::create_dir(&blocker).unwrap();
    let good = std::fs::metadata(&active_path).unwrap().len();
    limit_file_size(good + 10);
    let torn = spool.append(&message(1)).await;
    limit_file_size(libc::RLIM_INFINITY);
    assert!(torn.is_err(), "the write past the limit fails");

    for n in 2..5 {
        spool.append(&message(n)).await.unwrap();
    }
    std::fs::remove_dir(&blocker).unwrap();
    let acknowledged = ["id-0", "id-2", "id-3", "id-4"].map(String::from).to_vec();
    assert_eq!(ids_on_disk(dir.path()), acknowledged);
    assert_eq!(spool.pending(), 4);
    drop(spool);
    let reopened = Spool::open(dir.path(), 1 << 30).unwrap();
    assert_eq!(reopened.pending(), 4);
    assert_eq!(ids_on_disk(dir.path()), acknowledged);
}

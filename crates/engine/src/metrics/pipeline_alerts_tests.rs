//! Each alert rule on hand-made histories: raised when its condition holds long enough,
//! silent when it does not, with the figures in its cause.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::*;

fn sample(at: DateTime<Utc>) -> StatsSample {
    StatsSample {
        at,
        ingest_per_s: BTreeMap::new(),
        stored_per_s: 0.0,
        stored_total: 0,
        spool_pending: 0,
        writer_pending: 0,
        writer_ack_pending: 0,
        dlq_size: 0,
        stream_messages: None,
        duckdb_file_bytes: 0,
        sidecar_restarts: Some(0),
        sidecar_rss_bytes: None,
    }
}

/// `n` samples 5 s apart, each changed by `shape(index, sample)`.
fn history(n: usize, shape: impl Fn(usize, &mut StatsSample)) -> Vec<StatsSample> {
    let t0 = Utc::now() - Duration::minutes(20);
    (0..n)
        .map(|i| {
            let mut s = sample(t0 + Duration::seconds(5 * i as i64));
            shape(i, &mut s);
            s
        })
        .collect()
}

fn kinds(alerts: &[PipelineAlert]) -> Vec<AlertKind> {
    alerts.iter().map(|a| a.kind).collect()
}

#[test]
fn a_quiet_pipeline_raises_nothing() {
    assert!(alerts(&[]).is_empty());
    assert!(alerts(&history(180, |i, s| s.stored_total = i as u64)).is_empty());
}

#[test]
fn a_writer_that_stores_nothing_for_a_minute_while_events_wait_is_stuck() {
    // Storing until sample 100, then 13 samples (60 s) with 40 events waiting.
    let stuck = history(114, |i, s| {
        s.stored_total = i.min(100) as u64;
        if i >= 100 {
            s.writer_pending = 30;
            s.writer_ack_pending = 10;
        }
    });
    let found = alerts(&stuck);
    assert_eq!(kinds(&found), vec![AlertKind::StuckConsumer]);
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(
        found[0].cause.contains("65 s while 40 events wait"),
        "{}",
        found[0].cause
    );
    assert_eq!(found[0].since, stuck[100].at);
    // 50 s is not yet stuck; nothing waiting is never stuck.
    assert!(alerts(&stuck[..111]).is_empty());
    let idle = history(114, |i, s| s.stored_total = i.min(100) as u64);
    assert!(alerts(&idle).is_empty());
}

#[test]
fn a_spool_that_grows_sample_after_sample_is_an_alert_and_a_draining_one_is_not() {
    let growing = history(20, |i, s| {
        s.spool_pending = if i < 12 { 0 } else { (i as u64 - 11) * 50 }
    });
    let found = alerts(&growing);
    assert_eq!(kinds(&found), vec![AlertKind::GrowingSpool]);
    assert!(
        found[0].cause.starts_with("400 events wait in the spool"),
        "{}",
        found[0].cause
    );
    assert!(found[0].cause.contains("(400 since"), "{}", found[0].cause);
    assert_eq!(found[0].since, growing[11].at);
    let draining = history(20, |i, s| s.spool_pending = 1000 - i as u64 * 10);
    assert!(alerts(&draining).is_empty());
    let flat = history(20, |_, s| s.spool_pending = 300);
    assert!(alerts(&flat).is_empty(), "waiting but not growing");
}

#[test]
fn sidecar_restarts_in_the_window_warn_and_three_are_critical() {
    let once = history(180, |i, s| {
        s.sidecar_restarts = Some(if i >= 150 { 1 } else { 0 })
    });
    let found = alerts(&once);
    assert_eq!(kinds(&found), vec![AlertKind::SidecarRestarting]);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(
        found[0].cause.contains("restarted 1 time in"),
        "{}",
        found[0].cause
    );
    assert_eq!(found[0].since, once[150].at);
    let often = history(180, |i, s| s.sidecar_restarts = Some((i / 50) as u32));
    assert_eq!(alerts(&often)[0].severity, Severity::Critical);
    let direct = history(180, |_, s| s.sidecar_restarts = None);
    assert!(alerts(&direct).is_empty(), "no sidecar, no restarts");
}

#[test]
fn new_dead_letters_within_five_minutes_warn_and_older_ones_do_not() {
    // Five letters arrive 4 minutes before the last sample.
    let recent = history(180, |i, s| s.dlq_size = if i >= 132 { 12 } else { 7 });
    let found = alerts(&recent);
    assert_eq!(kinds(&found), vec![AlertKind::DlqGrowth]);
    assert!(
        found[0].cause.starts_with("5 new dead letters"),
        "{}",
        found[0].cause
    );
    assert!(
        found[0].cause.contains("(12 waiting)"),
        "{}",
        found[0].cause
    );
    assert_eq!(found[0].since, recent[132].at);
    let old = history(180, |i, s| s.dlq_size = if i >= 60 { 12 } else { 7 });
    assert!(alerts(&old).is_empty(), "ten minutes ago is not growth now");
}

#[test]
fn critical_alerts_come_first() {
    let both = history(180, |i, s| {
        s.dlq_size = i as u64;
        if i >= 160 {
            s.writer_pending = 5;
        }
    });
    assert_eq!(
        kinds(&alerts(&both)),
        vec![AlertKind::StuckConsumer, AlertKind::DlqGrowth]
    );
}

//! The import job: page through Tautulli's history oldest first, map each row to its
//! events, make a page's events durable in one batch (JetStream, then the writer stores
//! them like webhooks), dead-letter the rows that cannot be mapped, and save the
//! checkpoint — in that order, so a checkpoint never runs ahead of what is durable.

use chrono::{DateTime, NaiveDate, Utc};
use duckdb::params_from_iter;

use super::checkpoint::Checkpoint;
use super::history_page;
use crate::dlq::RejectedBody;
use crate::event::MediaEvent;
use crate::ingest::Ingest;
use crate::jobs::JobHandle;
use crate::persist::db::in_list;
use crate::persist::validate::validate;
use crate::persist::{Database, DbError};
use crate::setup::tautulli_client::TautulliClient;
use crate::sources::tautulli_history::{map_row, HistoryRow};

/// The dead-letter code of a history row that cannot be mapped.
pub const UNMAPPABLE_ROW: &str = "unmappable_history_row";

pub(crate) struct TautulliImport {
    pub client: TautulliClient,
    pub ingest: Ingest,
    pub db: Database,
    pub since: Option<NaiveDate>,
    pub checkpoint: Checkpoint,
    pub page_size: usize,
}

/// A page's rows, mapped.
#[derive(Default)]
struct MappedPage {
    events: Vec<MediaEvent>,
    rejected: Vec<RejectedBody>,
}

impl TautulliImport {
    pub async fn run(mut self, job: JobHandle) {
        let result = self.pages(&job).await;
        if let Err(e) = &result {
            tracing::warn!("Tautulli import stopped: {e}");
        } else if self.checkpoint.finished {
            tracing::info!(
                rows = self.checkpoint.next_start,
                rejected = self.checkpoint.rejected,
                "Tautulli import finished"
            );
        }
        job.finish(result);
    }

    /// Stores page after page while the next ones are read and mapped ahead
    /// ([`prefetch`]): reading Tautulli and storing overlap instead of taking turns.
    async fn pages(&mut self, job: &JobHandle) -> Result<(), String> {
        let mut pages = prefetch(
            self.client.clone(),
            self.since,
            self.checkpoint.next_start,
            self.page_size,
        );
        while !job.is_cancelled() {
            let Some(page) = pages.recv().await else {
                return Err("the history reader stopped".to_string());
            };
            let Fetched {
                start,
                rows,
                records_filtered,
                mapped,
            } = page?;
            self.checkpoint.total = records_filtered.max(start + rows);
            job.set_total(self.checkpoint.total);
            let rejected = mapped.rejected.len() as u64;
            let events = self.not_yet_stored(mapped.events).await?;
            let made_durable = events.len() as u64;
            let too_large = self
                .ingest
                .accept_batch(events)
                .await
                .map_err(|e| e.to_string())?;
            let mut dead = mapped.rejected;
            dead.extend(too_large.into_iter().map(|(event, large)| {
                dead_letter(
                    crate::error::codes::EVENT_TOO_LARGE,
                    format!(
                        "its {} event is {} bytes, the bus takes {}",
                        event.event_type.as_str(),
                        large.size,
                        large.limit
                    ),
                    &event.raw,
                )
            }));
            for body in dead {
                self.ingest.reject(body).await.map_err(|e| e.to_string())?;
            }
            self.checkpoint.next_start = start + rows;
            self.checkpoint.events += made_durable;
            self.checkpoint.rejected += rejected;
            self.checkpoint.finished = is_last(rows, self.page_size, start, records_filtered);
            self.save().await?;
            job.advance(rows, rejected);
            if self.checkpoint.finished {
                break;
            }
        }
        Ok(())
    }

    /// Drops the events already stored (or already dropped as duplicates): a re-import or
    /// a resumed page then sends nothing twice, and leaves no audit trail of itself.
    async fn not_yet_stored(&self, events: Vec<MediaEvent>) -> Result<Vec<MediaEvent>, String> {
        if events.is_empty() {
            return Ok(events);
        }
        let ids: Vec<String> = events.iter().map(|e| e.event_id.clone()).collect();
        let times = events.iter().map(|e| e.occurred_at);
        let span = (times.clone().min(), times.max());
        let (Some(first), Some(last)) = span else {
            return Ok(events);
        };
        let known = self
            .db
            .with_side_conn(move |conn| known_ids(conn, &ids, first, last))
            .await
            .map_err(|e| e.to_string())?;
        Ok(events
            .into_iter()
            .filter(|e| !known.contains(&e.event_id))
            .collect())
    }

    async fn save(&self) -> Result<(), String> {
        let checkpoint = self.checkpoint.clone();
        self.db
            .with_side_conn(move |conn| checkpoint.save(conn, super::SOURCE))
            .await
            .map_err(|e| e.to_string())
    }
}

/// Which of `ids` (events that happened between `first` and `last`) are stored or were
/// dropped as duplicates. An imported event's id hashes its time, so a stored event with
/// one of these ids lies in that span: the bound lets DuckDB skip every other row group.
fn known_ids(
    conn: &duckdb::Connection,
    ids: &[String],
    first: DateTime<Utc>,
    last: DateTime<Utc>,
) -> Result<std::collections::HashSet<String>, DbError> {
    let list = in_list(ids.iter().map(String::as_str));
    let sql = format!(
        "SELECT event_id FROM playback_events
         WHERE occurred_at BETWEEN ?::TIMESTAMPTZ AND ?::TIMESTAMPTZ AND event_id IN ({0})
         UNION SELECT dropped_event_id FROM dedup_audit WHERE dropped_event_id IN ({0})",
        list.sql
    );
    let mut statement = conn.prepare(&sql)?;
    let bounds = [first.to_rfc3339(), last.to_rfc3339()];
    let values = bounds.iter().chain(&list.values).chain(&list.values);
    let rows = statement.query_map(params_from_iter(values), |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A page read and mapped.
struct Fetched {
    start: u64,
    rows: u64,
    records_filtered: u64,
    mapped: MappedPage,
}

/// Pages read ahead of the store: enough that storing never waits for Tautulli, few
/// enough that a cancelled import wasted little.
const READ_AHEAD: usize = 2;

/// A short page is the end, and so is reaching the count Tautulli gave (no empty page
/// needed to learn it); rows played meanwhile wait for the next import.
fn is_last(rows: u64, page_size: usize, start: u64, records_filtered: u64) -> bool {
    rows < page_size as u64 || start + rows >= records_filtered
}

/// Reads and maps pages from `start` on a task of its own, [`READ_AHEAD`] ahead of the
/// caller, until the last page or an error (sent as the last item). Dropping the receiver
/// stops it.
fn prefetch(
    client: TautulliClient,
    since: Option<NaiveDate>,
    mut start: u64,
    page_size: usize,
) -> tokio::sync::mpsc::Receiver<Result<Fetched, String>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(READ_AHEAD);
    tokio::spawn(async move {
        loop {
            let fetched = async {
                let page = history_page::fetch(&client, since, start, page_size)
                    .await
                    .map_err(|e| e.to_string())?;
                let rows = page.rows.len() as u64;
                let records_filtered = page.records_filtered;
                // Mapping a thousand rows is CPU work: off the async workers.
                let mapped = tokio::task::spawn_blocking(move || map_page(&page.rows))
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(Fetched {
                    start,
                    rows,
                    records_filtered,
                    mapped,
                })
            }
            .await;
            let last = match &fetched {
                Ok(page) => is_last(page.rows, page_size, start, page.records_filtered),
                Err(_) => true,
            };
            if let Ok(page) = &fetched {
                start += page.rows;
            }
            if sender.send(fetched).await.is_err() || last {
                return;
            }
        }
    });
    receiver
}

fn map_page(rows: &[serde_json::Value]) -> MappedPage {
    let now = Utc::now();
    let mut page = MappedPage::default();
    for row in rows {
        match map_row(row, now) {
            Ok(HistoryRow::Playback { start, stop }) => {
                match validate(&start, now).and_then(|()| validate(&stop, now)) {
                    Ok(()) => page.events.extend([start, stop]),
                    Err(invalid) => {
                        page.rejected
                            .push(dead_letter(UNMAPPABLE_ROW, invalid.to_string(), row))
                    }
                }
            }
            // Current activity is the poller's; the next import reads it as history.
            Ok(HistoryRow::StillPlaying) => {}
            Err(why) => page
                .rejected
                .push(dead_letter(UNMAPPABLE_ROW, why.to_string(), row)),
        }
    }
    page
}

fn dead_letter(code: &str, reason: String, row: &serde_json::Value) -> RejectedBody {
    RejectedBody {
        source: super::SOURCE.to_string(),
        code: code.to_string(),
        reason: format!("history row: {reason}"),
        headers: Vec::new(),
        body: serde_json::to_vec(row).unwrap_or_default(),
        content_type: None,
        at: Utc::now(),
    }
}

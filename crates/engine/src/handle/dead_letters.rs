//! The DLQ functions both adapters call — list, groups, get, retry (one, edited, or many as a
//! job), delete, purge. A retried event is stored through the same path as the writer and leaves
//! the DLQ in the same transaction.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::page::{page, Page, PageRequest};
use super::{EngineHandle, OpError};
use crate::dlq::retry::{self, Retried, RetryError};
use crate::dlq::store::{self as dlq, DlqEntry, DlqFilter};
use crate::dlq::DlqGroup;
use crate::jobs::JobStatus;

/// Which dead letters a bulk retry covers: the listed ids, or else every entry the filter
/// matches.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(default)]
pub struct RetrySelection {
    pub ids: Option<Vec<String>>,
    pub filter: DlqFilter,
}

/// What a purge removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Purged {
    pub deleted: u64,
}

/// A replacement for a dead letter's payload before it is retried: a JSON string is taken
/// as the raw text (an edited body), anything else as the JSON to store.
#[derive(Debug, Clone, PartialEq, Deserialize, specta::Type)]
#[serde(transparent)]
pub struct RetryPayload(pub serde_json::Value);

impl RetryPayload {
    pub fn text(text: impl Into<String>) -> Self {
        Self(serde_json::Value::String(text.into()))
    }

    pub fn into_bytes(self) -> Vec<u8> {
        match self.0 {
            serde_json::Value::String(text) => text.into_bytes(),
            other => other.to_string().into_bytes(),
        }
    }
}

impl EngineHandle {
    pub async fn dlq_entries(
        &self,
        filter: DlqFilter,
        request: PageRequest,
    ) -> Result<Page<DlqEntry>, OpError> {
        let limit = request.limit()?;
        let after = request.after()?;
        let rows = self
            .database()
            .with_conn(move |conn| dlq::list(conn, &filter, after, limit + 1))
            .await?;
        Ok(page(rows, limit, |e| (e.last_failed_at, e.id.clone())))
    }

    pub async fn dlq_entry(&self, id: &str) -> Result<DlqEntry, OpError> {
        let key = id.to_string();
        self.database()
            .with_conn(move |conn| dlq::get(conn, &key))
            .await?
            .ok_or_else(|| OpError::NotFound(format!("no dead letter {id}")))
    }

    /// Retries one entry, with its payload replaced by `payload` when given.
    pub async fn dlq_retry(
        &self,
        id: &str,
        payload: Option<RetryPayload>,
    ) -> Result<Retried, OpError> {
        let key = id.to_string();
        let payload = payload.map(RetryPayload::into_bytes);
        let retried = self
            .database()
            .with_conn(move |conn| Ok(retry::retry(conn, &key, payload.as_deref(), Utc::now())))
            .await?;
        if let Ok(Retried {
            event: Some(event),
            result: retry::RetriedAs::Stored,
            ..
        }) = &retried
        {
            self.shared.live.observe(event.clone());
        }
        retried.map_err(|e| match e {
            RetryError::NotFound(_) => OpError::NotFound(e.to_string()),
            RetryError::StillFailing { code, message } => OpError::StillFailing { code, message },
            RetryError::Db(e) => OpError::Db(e),
        })
    }

    /// Retries many entries in the background; watch the returned job.
    pub async fn dlq_retry_many(&self, selection: RetrySelection) -> Result<JobStatus, OpError> {
        let ids = match selection.ids {
            Some(ids) => ids,
            None => {
                let filter = selection.filter;
                self.database()
                    .with_conn(move |conn| dlq::ids(conn, &filter))
                    .await?
            }
        };
        let job = self.jobs().start("dlq_retry", ids.len() as u64);
        let status = job.status();
        let engine = self.clone();
        self.shared.tasks.spawn("dlq retry job", async move {
            for id in ids {
                if job.is_cancelled() {
                    break;
                }
                match engine.dlq_retry(&id, None).await {
                    Ok(_) => job.advance(1, 0),
                    Err(e) => {
                        tracing::debug!("bulk retry of {id}: {e}");
                        job.advance(0, 1);
                    }
                }
            }
            job.finish(Ok(()));
        });
        Ok(status)
    }

    pub async fn dlq_delete(&self, id: &str) -> Result<(), OpError> {
        let key = id.to_string();
        let deleted = self
            .database()
            .with_conn(move |conn| dlq::delete(conn, &key))
            .await?;
        if deleted {
            Ok(())
        } else {
            Err(OpError::NotFound(format!("no dead letter {id}")))
        }
    }

    /// The entries the filter matches as groups of one source, kind and error code.
    pub async fn dlq_groups(&self, filter: DlqFilter) -> Result<Vec<DlqGroup>, OpError> {
        Ok(self
            .database()
            .with_conn(move |conn| crate::dlq::groups::groups(conn, &filter))
            .await?)
    }

    /// Deletes every entry the filter matches (all of them without one).
    pub async fn dlq_purge(&self, filter: DlqFilter) -> Result<Purged, OpError> {
        let deleted = self
            .database()
            .with_conn(move |conn| dlq::purge(conn, &filter))
            .await?;
        Ok(Purged { deleted })
    }
}

//! The read side both adapters call: event and session history, the dedup audit and its
//! restore. Every list pages by cursor (see `page.rs`).

use serde::Serialize;

use super::page::{page, Page, PageRequest};
use super::{sort_cursor, EngineHandle, OpError};
use crate::event::MediaEvent;
use crate::persist::audit::{self, DedupFilter, DedupRecord};
use crate::persist::events::{self, EventFilter};
use crate::persist::sessions::{self, SessionFilter, SortPosition};
use crate::persist::store::{self, RestoreError};
use crate::session::Session;

/// A dropped duplicate put back among the stored events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Restored {
    /// Always true: a restore that did not happen is an error, not this answer.
    pub restored: bool,
    pub event_id: String,
}

impl EngineHandle {
    pub async fn events(
        &self,
        filter: EventFilter,
        request: PageRequest,
    ) -> Result<Page<MediaEvent>, OpError> {
        let limit = request.limit()?;
        let after = request.after()?;
        let rows = self
            .database()
            .with_conn(move |conn| events::list(conn, &filter, after.as_ref(), limit + 1))
            .await?;
        Ok(page(rows, limit, |e| (e.occurred_at, e.event_id.clone())))
    }

    pub async fn event(&self, event_id: &str) -> Result<MediaEvent, OpError> {
        let id = event_id.to_string();
        self.database()
            .with_conn(move |conn| events::get(conn, &id))
            .await?
            .ok_or_else(|| OpError::NotFound(format!("no event {event_id}")))
    }

    /// A page of the history in the filter's order (newest first unless it says otherwise).
    pub async fn sessions(
        &self,
        filter: SessionFilter,
        request: PageRequest,
    ) -> Result<Page<Session>, OpError> {
        let limit = request.limit()?;
        let after = request
            .cursor
            .as_deref()
            .map(|cursor| sort_cursor::decode(&filter, cursor))
            .transpose()?;
        let (rows, filter) = self
            .database()
            .with_conn(move |conn| {
                let rows = sessions::list(conn, &filter, after.as_ref(), limit + 1)?;
                Ok((rows, filter))
            })
            .await?;
        let more = rows.len() > limit;
        let mut items = Vec::with_capacity(limit);
        let mut next_cursor = None;
        for (i, listed) in rows.into_iter().take(limit).enumerate() {
            if more && i + 1 == limit {
                let position = SortPosition {
                    value: listed.sort_value,
                    session_id: listed.session.session_id.clone(),
                };
                next_cursor = Some(sort_cursor::encode(&filter, &position));
            }
            items.push(listed.session);
        }
        Ok(Page { items, next_cursor })
    }

    pub async fn dedup_records(
        &self,
        filter: DedupFilter,
        request: PageRequest,
    ) -> Result<Page<DedupRecord>, OpError> {
        let limit = request.limit()?;
        let after = request.after()?;
        let rows = self
            .database()
            .with_conn(move |conn| audit::list(conn, filter, after, limit + 1))
            .await?;
        Ok(page(rows, limit, |r| (r.at, r.id.clone())))
    }

    /// Puts a wrongly dropped duplicate back into the stored events.
    pub async fn restore_duplicate(&self, record_id: &str) -> Result<Restored, OpError> {
        let id = record_id.to_string();
        let restored = self
            .database()
            .with_conn(move |conn| Ok(store::restore(conn, &id)))
            .await?;
        let event = restored.map_err(|e| match e {
            RestoreError::NotFound(_) => OpError::NotFound(e.to_string()),
            RestoreError::AlreadyRestored(_) => OpError::Conflict(e.to_string()),
            RestoreError::Db(e) => OpError::Db(e),
        })?;
        Ok(Restored {
            restored: true,
            event_id: event.event_id,
        })
    }
}

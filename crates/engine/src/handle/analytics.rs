//! Analytics for both adapters: the plays grouped as a chart asks, and the daily peak of
//! concurrent streams, each one DuckDB query (`crate::analytics`).

use super::EngineHandle;
use crate::analytics::{self, AnalyticsError, Concurrent, Plays, PlaysQuery, Range};

impl EngineHandle {
    pub async fn analytics_plays(&self, query: PlaysQuery) -> Result<Plays, AnalyticsError> {
        // A bad zone or limit is refused before the database is asked.
        query.range().zone()?;
        self.database()
            .with_conn(move |conn| Ok(analytics::plays::plays(conn, &query)))
            .await?
    }

    pub async fn analytics_concurrent(&self, range: Range) -> Result<Concurrent, AnalyticsError> {
        range.zone()?;
        self.database()
            .with_conn(move |conn| Ok(analytics::concurrent::concurrent(conn, &range)))
            .await?
    }
}

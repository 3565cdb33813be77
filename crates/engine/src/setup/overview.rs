//! What `GET /api/v1/setup` shows: where we listen, the webhook URLs to paste (behind the
//! API token, so they may carry their tokens), and per source whether it is connected and
//! when its newest event arrived. Secrets never appear; Tautulli's URL loses credentials.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{urls, Setup, SetupError, SetupOverview, SourceSetup, SourcesSetup, WebhookUrls};
use crate::event::Source;
use crate::persist::{Database, DbError};

impl Setup {
    pub async fn overview(&self, db: &Database) -> Result<SetupOverview, SetupError> {
        let saved = self.store.read().await?;
        let last = newest_events(db).await.unwrap_or_else(|e| {
            tracing::warn!("cannot read the newest events for the setup view: {e}");
            BTreeMap::new()
        });
        let listen = self.listen.get();
        let base = urls::listener_base(listen)?;
        let url_for = |source: Source| -> Result<String, SetupError> {
            let mut hook = urls::hook_url(&base, source.as_str())?;
            hook.query_pairs_mut()
                .append_pair("token", self.webhook_token(source)?.expose());
            Ok(hook.to_string())
        };
        let last_of = |source: Source| last.get(source.as_str()).copied();
        let tests = self.tests.borrow().clone();
        let pasted = |source: Source| SourceSetup {
            connected: last_of(source).is_some() || tests.last_at(source).is_some(),
            url: None,
            notifier_id: None,
            last_event_at: last_of(source),
            last_test_at: tests.last_at(source),
        };
        let tautulli = match &saved.tautulli {
            Some(t) => SourceSetup {
                connected: true,
                url: urls::shown_text(&t.url),
                notifier_id: Some(t.notifier_id),
                last_event_at: last_of(Source::Tautulli),
                last_test_at: tests.last_at(Source::Tautulli),
            },
            None => SourceSetup {
                connected: false,
                ..pasted(Source::Tautulli)
            },
        };
        let plex_hook = saved.plex.as_ref().and_then(|p| p.webhook_url.as_deref());
        let plex = SourceSetup {
            connected: plex_hook.is_some(),
            url: plex_hook.and_then(urls::shown_text),
            ..pasted(Source::Plex)
        };
        Ok(SetupOverview {
            listen: listen.to_string(),
            listen_locked_by: None,
            lan_addresses: crate::listen::lan_addresses(listen),
            webhook_urls: WebhookUrls {
                tautulli: url_for(Source::Tautulli)?,
                plex: url_for(Source::Plex)?,
                jellyfin: url_for(Source::Jellyfin)?,
                emby: url_for(Source::Emby)?,
            },
            sources: SourcesSetup {
                tautulli,
                plex,
                jellyfin: pasted(Source::Jellyfin),
                emby: pasted(Source::Emby),
            },
        })
    }
}

/// Per source, when its newest stored event was received.
async fn newest_events(db: &Database) -> Result<BTreeMap<String, DateTime<Utc>>, DbError> {
    db.with_conn(|conn| {
        let mut statement = conn.prepare(
            "SELECT source, epoch_ms(max(received_at)) FROM playback_events GROUP BY source",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?))
        })?;
        let mut newest = BTreeMap::new();
        for row in rows {
            let (source, millis) = row?;
            if let Some(at) = millis.and_then(DateTime::from_timestamp_millis) {
                newest.insert(source, at);
            }
        }
        Ok(newest)
    })
    .await
}

//! After a webhook token is regenerated, a connected Tautulli or Plex gets the new one in the
//! same step: webhooks sent with the old token would be refused (and lost to the user) until
//! someone pasted the new URL. Not connected: nothing to do, the user pastes it.

use super::{Setup, SetupError, TautulliConnectRequest};
use crate::event::Source;

impl Setup {
    /// Gives `source`, when it is connected, the webhook token now in force. `Ok(false)`:
    /// not connected (or a source the app cannot update itself).
    pub async fn refresh_webhook(&self, source: Source) -> Result<bool, SetupError> {
        let saved = self.store.read().await?;
        match source {
            Source::Tautulli => {
                let Some(tautulli) = saved.tautulli else {
                    return Ok(false);
                };
                // Connecting again finds our notifier and rewrites its whole config, whose
                // headers carry the token.
                self.connect_tautulli(TautulliConnectRequest {
                    url: tautulli.url,
                    api_key: tautulli.api_key.expose().to_string(),
                    callback_base: None,
                })
                .await?;
                Ok(true)
            }
            Source::Plex => {
                let Some(plex) = saved.plex else {
                    return Ok(false);
                };
                // Our URL with the old token counts as ours and is replaced, not kept.
                self.register_plex(plex.token).await?;
                Ok(true)
            }
            Source::Jellyfin | Source::Emby => Ok(false),
        }
    }
}

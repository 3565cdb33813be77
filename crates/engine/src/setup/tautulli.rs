//! Connecting Tautulli: find our webhook notifier (never anyone else's) or create one,
//! write its whole configuration, test it end to end, and remove it again.

use std::time::Instant;

use url::Url;

use super::notifier_template::{self as template, FRIENDLY_NAME, WEBHOOK_AGENT_ID};
use super::saved::SavedTautulli;
use super::tautulli_client::{NotifierRow, TautulliClient};
use super::{urls, Setup, SetupError, TautulliConnectRequest, TautulliConnected};
use super::{TautulliTestResult, TEST_WAIT};
use crate::event::Source;
use crate::secret::Secret;

const URL_EXAMPLE: &str = "http://192.168.1.5:8181";

impl Setup {
    pub async fn connect_tautulli(
        &self,
        request: TautulliConnectRequest,
    ) -> Result<TautulliConnected, SetupError> {
        let _one_at_a_time = self.tautulli_changes.lock().await;
        let base = urls::parse_base("url", URL_EXAMPLE, &request.url)?;
        let callback_base = self.callback_base(request.callback_base.as_deref()).await?;
        let hook = urls::hook_url(&callback_base, Source::Tautulli.as_str())?;
        let api_key = request.api_key.trim();
        if api_key.is_empty() {
            return Err(SetupError::TautulliUnauthorized(
                "the API key is empty".to_string(),
            ));
        }
        let api_key = Secret::new(api_key);
        let client = TautulliClient::new(&base, api_key.clone())?;
        let version = client.version().await?;

        let saved = self.store.read().await?;
        let saved_id = saved
            .tautulli
            .as_ref()
            .filter(|t| t.url == base.as_str())
            .map(|t| t.notifier_id);
        let ours = find_ours(&client, saved_id, &hook).await?;
        let (notifier_id, created) = match ours.first() {
            Some(id) => (*id, false),
            None => (client.add_notifier(WEBHOOK_AGENT_ID).await?, true),
        };
        let token = self.webhook_token(Source::Tautulli)?;
        let params = template::notifier_config(notifier_id, &hook, &token);
        if let Err(e) = client.set_notifier_config(&params).await {
            if created {
                // An empty notifier of ours would only confuse the user's list.
                if let Err(cleanup) = client.delete_notifier(notifier_id).await {
                    tracing::warn!("cannot remove the half-made Tautulli notifier: {cleanup}");
                }
            }
            return Err(e);
        }

        let given_base = request
            .callback_base
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|_| callback_base.to_string());
        let connection = SavedTautulli {
            url: base.to_string(),
            api_key,
            notifier_id,
            hook: hook.to_string(),
        };
        self.store
            .update(move |saved| {
                saved.tautulli = Some(connection);
                if given_base.is_some() {
                    saved.callback_base = given_base;
                }
            })
            .await?;
        tracing::info!(
            notifier_id,
            created,
            tautulli = %urls::shown(&base),
            hook = %hook,
            "Tautulli connected"
        );
        Ok(TautulliConnected {
            notifier_id,
            created,
            tautulli_version: version,
            hook: hook.to_string(),
        })
    }

    /// Has Tautulli send a test through our notifier and waits until it arrives.
    pub async fn test_tautulli(&self) -> Result<TautulliTestResult, SetupError> {
        let saved = self.connection().await?;
        let client = TautulliClient::new(&parse_saved(&saved.url)?, saved.api_key.clone())?;
        let token = self.webhook_token(Source::Tautulli)?;

        let mut arrivals = self.tests.subscribe();
        let seen = arrivals.borrow_and_update().count(Source::Tautulli);
        let started = Instant::now();
        let hint = |said: Option<&str>| not_received_hint(&saved.hook, self.listen.get(), said);
        match client
            .notify(
                saved.notifier_id,
                &template::headers_template(&token),
                &template::data_template(),
            )
            .await
        {
            Ok(()) => {}
            Err(SetupError::TautulliError(said)) => {
                return Err(SetupError::TestNotReceived {
                    hint: hint(Some(&said)),
                })
            }
            Err(other) => return Err(other),
        }
        let arrived = tokio::time::timeout(
            TEST_WAIT,
            arrivals.wait_for(|a| a.count(Source::Tautulli) > seen),
        )
        .await;
        match arrived {
            Ok(Ok(arrivals)) => {
                let at = arrivals
                    .by_source
                    .get(&Source::Tautulli)
                    .map_or_else(Instant::now, |arrival| arrival.at);
                let elapsed = at.saturating_duration_since(started).as_millis();
                Ok(TautulliTestResult {
                    received: true,
                    round_trip_ms: u32::try_from(elapsed).unwrap_or(u32::MAX),
                })
            }
            _ => Err(SetupError::TestNotReceived { hint: hint(None) }),
        }
    }

    /// Removes our notifier from Tautulli (every one that is ours), then forgets the
    /// connection. On failure the connection is kept so the user can try again.
    pub async fn disconnect_tautulli(&self) -> Result<(), SetupError> {
        let _one_at_a_time = self.tautulli_changes.lock().await;
        let saved = self.connection().await?;
        let client = TautulliClient::new(&parse_saved(&saved.url)?, saved.api_key.clone())?;
        let hook = parse_saved(&saved.hook)?;
        for notifier_id in find_ours(&client, Some(saved.notifier_id), &hook).await? {
            client.delete_notifier(notifier_id).await?;
        }
        self.store.update(|saved| saved.tautulli = None).await?;
        tracing::info!("Tautulli disconnected");
        Ok(())
    }

    /// A client for the saved connection (`not_connected` without one).
    pub(crate) async fn saved_tautulli_client(&self) -> Result<TautulliClient, SetupError> {
        let saved = self.connection().await?;
        TautulliClient::new(&parse_saved(&saved.url)?, saved.api_key)
    }

    async fn connection(&self) -> Result<SavedTautulli, SetupError> {
        self.store
            .read()
            .await?
            .tautulli
            .ok_or(SetupError::NotConnected("Tautulli"))
    }
}

/// Ids of our notifiers, the saved one first: webhook agents that are the saved id, point
/// at `hook`, or carry our name with a hook on a `/webhooks/tautulli` path (or a hook
/// Tautulli masks). Anything else belongs to someone else and is never touched.
async fn find_ours(
    client: &TautulliClient,
    saved_id: Option<u32>,
    hook: &Url,
) -> Result<Vec<u32>, SetupError> {
    let mut ours = Vec::new();
    let webhooks: Vec<NotifierRow> = client
        .notifiers()
        .await?
        .into_iter()
        .filter(|n| n.agent_id == WEBHOOK_AGENT_ID)
        .collect();
    if let Some(saved) = saved_id {
        if webhooks.iter().any(|n| n.id == saved) {
            ours.push(saved);
        }
    }
    for notifier in webhooks.iter().filter(|n| Some(n.id) != saved_id) {
        let config = client.notifier_config(notifier.id).await?;
        let named_ours = notifier.friendly_name.as_deref() == Some(FRIENDLY_NAME);
        if is_ours(config.hook.as_deref(), named_ours, hook) {
            ours.push(notifier.id);
        }
    }
    Ok(ours)
}

fn is_ours(installed_hook: Option<&str>, named_ours: bool, hook: &Url) -> bool {
    let installed = installed_hook
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .and_then(|h| Url::parse(h).ok());
    match installed {
        Some(installed) => {
            let same = urls::shown(&installed) == urls::shown(hook);
            let our_path = installed
                .path()
                .trim_end_matches('/')
                .ends_with("/webhooks/tautulli");
            same || (named_ours && our_path)
        }
        // Masked or empty: only the name can say.
        None => named_ours,
    }
}

fn parse_saved(text: &str) -> Result<Url, SetupError> {
    Url::parse(text)
        .map_err(|e| SetupError::Internal(format!("the saved Tautulli connection is damaged: {e}")))
}

fn not_received_hint(hook: &str, listen: std::net::SocketAddr, said: Option<&str>) -> String {
    let mut hint = format!("Tautulli was told to call {hook}");
    if let Some(said) = said {
        hint.push_str(&format!(" and reported: {}", said.trim_end_matches('.')));
    }
    hint.push_str(". ");
    if listen.ip().is_loopback() {
        hint.push_str(&format!(
            "This app listens only on {listen}: if Tautulli runs on another machine, have the \
             app listen on this machine's network address (the setup's first step, or PUT \
             /api/v1/setup/listen) and connect again with callback_base set to that address."
        ));
    } else {
        hint.push_str(
            "Check that Tautulli's machine can reach that address (firewall, LAN address) \
             and connect again with the right callback_base.",
        );
    }
    hint
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook() -> Url {
        Url::parse("http://127.0.0.1:3857/webhooks/tautulli").unwrap()
    }

    #[test]
    fn only_our_notifiers_are_ours() {
        assert!(is_ours(
            Some("http://127.0.0.1:3857/webhooks/tautulli"),
            false,
            &hook()
        ));
        // Moved to a LAN address, still our name and route.
        assert!(is_ours(
            Some("http://192.168.1.10:3857/webhooks/tautulli"),
            true,
            &hook()
        ));
        assert!(is_ours(Some("    "), true, &hook()));
        // Someone else's webhook, even one named like ours, or our route without our name.
        assert!(!is_ours(
            Some("https://discord.com/api/webhooks/1"),
            true,
            &hook()
        ));
        assert!(!is_ours(
            Some("http://10.0.0.9:3857/webhooks/tautulli"),
            false,
            &hook()
        ));
        assert!(!is_ours(None, false, &hook()));
    }

    #[test]
    fn the_hint_names_the_address_and_what_to_change() {
        let hint = not_received_hint(
            "http://127.0.0.1:3857/webhooks/tautulli",
            "127.0.0.1:3857".parse().unwrap(),
            Some("Notification failed."),
        );
        assert!(
            hint.contains("http://127.0.0.1:3857/webhooks/tautulli"),
            "{hint}"
        );
        assert!(hint.contains("callback_base"), "{hint}");
        assert!(hint.contains("reported: Notification failed. "), "{hint}");
    }
}

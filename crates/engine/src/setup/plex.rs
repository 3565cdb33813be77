//! Connecting Plex: put our webhook URL (with the Plex webhook token as `?token=`, since
//! Plex cannot send headers) on the account's plex.tv list, keeping every other URL; take
//! it off again; and sign in with a PIN so the user never pastes a token.

use url::Url;

use super::plextv_client::{PinState, PlexTv, PRODUCT};
use super::saved::SavedPlex;
use super::{urls, PlexConnectRequest, PlexPin, PlexPinStatus, PlexRegistered, Setup, SetupError};
use crate::event::Source;
use crate::secret::{generate_token, Secret};

impl Setup {
    /// Registers our webhook with `request.token`, or with the saved token when it is empty.
    pub async fn connect_plex(
        &self,
        request: PlexConnectRequest,
    ) -> Result<PlexRegistered, SetupError> {
        let token = match request.token.trim() {
            "" => self.saved_plex_token().await?,
            given => Secret::new(given),
        };
        self.register_plex(token).await
    }

    pub async fn disconnect_plex(&self) -> Result<(), SetupError> {
        let saved = self
            .store
            .read()
            .await?
            .plex
            .ok_or(SetupError::NotConnected("Plex"))?;
        let ours = self.plex_hook().await?;
        let plextv = self.plextv().await?;
        let hooks = plextv.webhooks(&saved.token).await?;
        let kept: Vec<String> = hooks
            .iter()
            .filter(|h| !is_ours(h, &ours, saved.webhook_url.as_deref()))
            .cloned()
            .collect();
        if kept.len() != hooks.len() {
            plextv.set_webhooks(&saved.token, &kept).await?;
        }
        self.store.update(|saved| saved.plex = None).await?;
        tracing::info!(removed = hooks.len() - kept.len(), "Plex webhook removed");
        Ok(())
    }

    pub async fn start_plex_pin(&self) -> Result<PlexPin, SetupError> {
        let plextv = self.plextv().await?;
        let client_id = self.plex_client_id().await?;
        let pin = plextv.create_pin().await?;
        let auth_url = format!(
            "https://app.plex.tv/auth#?clientID={}&code={}&context[device][product]={PRODUCT}",
            encode(&client_id),
            encode(&pin.code),
        );
        Ok(PlexPin {
            id: pin.id.to_string(),
            code: pin.code,
            auth_url,
        })
    }

    /// Asks plex.tv whether the PIN was approved. Once it is, the token is saved (it never
    /// leaves the app) and our webhook is registered with it.
    pub async fn check_plex_pin(&self, id: &str) -> Result<PlexPinStatus, SetupError> {
        let id: u64 = id.trim().parse().map_err(|_| {
            SetupError::BadRequest(format!("the PIN id must be digits, not {:?}", shorten(id)))
        })?;
        let plextv = self.plextv().await?;
        match plextv.pin_state(id).await? {
            PinState::Expired => Err(SetupError::PinExpired),
            PinState::Waiting => Ok(PlexPinStatus { authorized: false }),
            PinState::Authorized(token) => {
                self.register_plex(token).await?;
                Ok(PlexPinStatus { authorized: true })
            }
        }
    }

    pub(super) async fn register_plex(&self, token: Secret) -> Result<PlexRegistered, SetupError> {
        let ours = self.plex_hook().await?;
        let plextv = self.plextv().await?;
        let previous = self.store.read().await?.plex.and_then(|p| p.webhook_url);
        let hooks = plextv.webhooks(&token).await?;
        let already = hooks.iter().any(|h| h == ours.as_str());
        let count = if already {
            hooks.len()
        } else {
            // Our stale entries (an older token or address) go; everyone else's stay.
            let mut next: Vec<String> = hooks
                .into_iter()
                .filter(|h| !is_ours(h, &ours, previous.as_deref()))
                .collect();
            next.push(ours.to_string());
            plextv.set_webhooks(&token, &next).await?;
            next.len()
        };
        let webhook_url = Some(ours.to_string());
        self.store
            .update(move |saved| saved.plex = Some(SavedPlex { token, webhook_url }))
            .await?;
        tracing::info!(already, hook = %urls::shown(&ours), "Plex webhook registered");
        Ok(PlexRegistered {
            registered: true,
            already,
            webhooks: u32::try_from(count).unwrap_or(u32::MAX),
        })
    }

    /// Our webhook URL for Plex, token included.
    async fn plex_hook(&self) -> Result<Url, SetupError> {
        let base = self.callback_base(None).await?;
        let mut hook = urls::hook_url(&base, Source::Plex.as_str())?;
        hook.query_pairs_mut()
            .append_pair("token", self.webhook_token(Source::Plex)?.expose());
        Ok(hook)
    }

    async fn saved_plex_token(&self) -> Result<Secret, SetupError> {
        self.store
            .read()
            .await?
            .plex
            .map(|p| p.token)
            .ok_or(SetupError::NotConnected("Plex"))
    }

    async fn plextv(&self) -> Result<PlexTv, SetupError> {
        PlexTv::new(&self.plextv, self.plex_client_id().await?)
    }

    /// This installation's plex.tv client id, made once and kept.
    async fn plex_client_id(&self) -> Result<String, SetupError> {
        if let Some(id) = self.store.read().await?.plex_client_id {
            return Ok(id);
        }
        let fresh = format!("cartographus-{}", &generate_token().expose()[..24]);
        let saved = self
            .store
            .update(move |saved| {
                saved.plex_client_id.get_or_insert(fresh);
            })
            .await?;
        saved
            .plex_client_id
            .ok_or_else(|| SetupError::Internal("the plex.tv client id was not kept".into()))
    }
}

/// A URL on the list is ours when it is the one we would register, the one we registered
/// before, or our `/webhooks/plex` route on the same host and port with another token.
fn is_ours(listed: &str, ours: &Url, previous: Option<&str>) -> bool {
    if listed == ours.as_str() || Some(listed) == previous {
        return true;
    }
    let Ok(listed) = Url::parse(listed) else {
        return false;
    };
    listed.scheme() == ours.scheme()
        && listed.host_str() == ours.host_str()
        && listed.port_or_known_default() == ours.port_or_known_default()
        && listed.path() == ours.path()
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ours_is_our_route_on_our_address_whatever_the_token() {
        let ours = Url::parse("http://127.0.0.1:3857/webhooks/plex?token=new").unwrap();
        assert!(is_ours(ours.as_str(), &ours, None));
        assert!(is_ours(
            "http://127.0.0.1:3857/webhooks/plex?token=old",
            &ours,
            None
        ));
        assert!(is_ours(
            "http://10.0.0.2:3857/webhooks/plex?token=x",
            &ours,
            Some("http://10.0.0.2:3857/webhooks/plex?token=x")
        ));
        assert!(!is_ours("https://example.org/other-hook", &ours, None));
        assert!(!is_ours(
            "http://10.0.0.2:3857/webhooks/plex?token=x",
            &ours,
            None
        ));
    }
}

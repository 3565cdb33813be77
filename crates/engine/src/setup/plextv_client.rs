//! A small client for plex.tv's v2 API: the account's webhook list (read, and write back
//! whole — a POST replaces the list) and PIN sign-in. Every call names this app with
//! `X-Plex-Product` and its installation id with `X-Plex-Client-Identifier`.

use reqwest::{RequestBuilder, StatusCode};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::error::SetupError;
use super::http;
use super::urls;
use crate::secret::Secret;

pub const PRODUCT: &str = "Cartographus";

pub struct PlexTv {
    http: reqwest::Client,
    base: Url,
    client_id: String,
}

/// A PIN as plex.tv describes it.
pub struct Pin {
    pub id: u64,
    pub code: String,
}

pub enum PinState {
    Waiting,
    Authorized(Secret),
    Expired,
}

impl PlexTv {
    pub fn new(base: &Url, client_id: String) -> Result<Self, SetupError> {
        let base = if base.path().ends_with('/') {
            base.clone()
        } else {
            let mut with_slash = base.clone();
            with_slash.set_path(&format!("{}/", base.path()));
            with_slash
        };
        Ok(Self {
            http: http::client()?,
            base,
            client_id,
        })
    }

    pub async fn webhooks(&self, token: &Secret) -> Result<Vec<String>, SetupError> {
        let request = self.request(reqwest::Method::GET, "api/v2/user/webhooks")?;
        let (status, body) = self
            .send(request.header("X-Plex-Token", token.expose()))
            .await?;
        expect_success(status, &body)?;
        let hooks: Vec<Webhook> = serde_json::from_slice(&body).map_err(|e| {
            SetupError::PlextvError(format!("the webhook list has an unknown shape: {e}"))
        })?;
        Ok(hooks.into_iter().map(|h| h.url).collect())
    }

    /// Replaces the account's whole webhook list with `urls`.
    pub async fn set_webhooks(&self, token: &Secret, urls: &[String]) -> Result<(), SetupError> {
        let form: Vec<(&str, &str)> = urls.iter().map(|u| ("urls[]", u.as_str())).collect();
        let request = self
            .request(reqwest::Method::POST, "api/v2/user/webhooks")?
            .header("X-Plex-Token", token.expose())
            .form(&form);
        let (status, body) = self.send(request).await?;
        expect_success(status, &body)
    }

    pub async fn create_pin(&self) -> Result<Pin, SetupError> {
        let mut request = self.request(reqwest::Method::POST, "api/v2/pins")?;
        request = request.query(&[("strong", "true")]);
        let (status, body) = self.send(request).await?;
        expect_success(status, &body)?;
        let pin: PinBody = serde_json::from_slice(&body)
            .map_err(|e| SetupError::PlextvError(format!("the PIN has an unknown shape: {e}")))?;
        let id = pin.id.as_u64().ok_or_else(|| {
            SetupError::PlextvError(format!("the PIN id is not a number: {}", pin.id))
        })?;
        Ok(Pin { id, code: pin.code })
    }

    pub async fn pin_state(&self, id: u64) -> Result<PinState, SetupError> {
        let request = self.request(reqwest::Method::GET, &format!("api/v2/pins/{id}"))?;
        let (status, body) = self.send(request).await?;
        if status == StatusCode::NOT_FOUND {
            return Ok(PinState::Expired);
        }
        expect_success(status, &body)?;
        let pin: PinBody = serde_json::from_slice(&body)
            .map_err(|e| SetupError::PlextvError(format!("the PIN has an unknown shape: {e}")))?;
        Ok(match pin.auth_token.filter(|t| !t.is_empty()) {
            Some(token) => PinState::Authorized(Secret::new(token)),
            None => PinState::Waiting,
        })
    }

    fn request(&self, method: reqwest::Method, path: &str) -> Result<RequestBuilder, SetupError> {
        let url = urls::below(&self.base, path)?;
        Ok(self
            .http
            .request(method, url)
            .header("Accept", "application/json")
            .header("X-Plex-Product", PRODUCT)
            .header("X-Plex-Client-Identifier", &self.client_id))
    }

    async fn send(&self, request: RequestBuilder) -> Result<(StatusCode, Vec<u8>), SetupError> {
        let response = request
            .send()
            .await
            .map_err(|e| SetupError::PlextvUnreachable(http::describe(e)))?;
        let status = response.status();
        let body = http::read_bounded(response)
            .await
            .map_err(SetupError::PlextvUnreachable)?;
        Ok((status, body))
    }
}

fn expect_success(status: StatusCode, body: &[u8]) -> Result<(), SetupError> {
    if status == StatusCode::UNAUTHORIZED {
        return Err(SetupError::PlexUnauthorized);
    }
    if status.is_success() {
        return Ok(());
    }
    let detail = plextv_message(body);
    let pass = if status == StatusCode::FORBIDDEN {
        " (webhooks need Plex Pass)"
    } else {
        ""
    };
    Err(SetupError::PlextvError(format!(
        "HTTP {}{pass}{}",
        status.as_u16(),
        detail.map(|d| format!(": {d}")).unwrap_or_default()
    )))
}

/// plex.tv's JSON errors: `{"errors":[{"code":…,"message":"…"}]}`.
fn plextv_message(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let message = value.get("errors")?.get(0)?.get("message")?.as_str()?;
    Some(message.chars().take(200).collect())
}

#[derive(Deserialize)]
struct Webhook {
    url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PinBody {
    id: serde_json::Number,
    code: String,
    #[serde(default)]
    auth_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_their_errors() {
        assert_eq!(
            expect_success(StatusCode::UNAUTHORIZED, b"")
                .unwrap_err()
                .code(),
            "plex_unauthorized"
        );
        let err = expect_success(
            StatusCode::FORBIDDEN,
            br#"{"errors":[{"code":1,"message":"Plex Pass required"}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.code(), "plextv_error");
        assert!(err.to_string().contains("Plex Pass required"), "{err}");
        assert!(expect_success(StatusCode::CREATED, b"").is_ok());
    }
}

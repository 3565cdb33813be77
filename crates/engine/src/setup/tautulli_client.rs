//! A small client for Tautulli's API v2: `cmd` and `apikey` in the query string (Tautulli
//! also reads them from a POST form; the query works in every version), other parameters as
//! a POST form, and the envelope `{"response":{"result","message","data"}}` read whatever
//! the HTTP status says (2.17 answers every error with HTTP 400). A wrong key (HTTP 400 or
//! 401 "Invalid apikey", or that message with HTTP 200) is its own error. No error text ever
//! holds the key or the URL it travels in.

use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::error::SetupError;
use super::http;
use super::urls;
use crate::secret::Secret;

#[derive(Clone)]
pub struct TautulliClient {
    http: reqwest::Client,
    endpoint: Url,
    api_key: Secret,
    /// The base URL without credentials, for messages.
    shown: String,
}

/// One row of `get_notifiers`.
#[derive(Debug, Clone, Deserialize)]
pub struct NotifierRow {
    #[serde(deserialize_with = "lenient_u32")]
    pub id: u32,
    #[serde(deserialize_with = "lenient_u32")]
    pub agent_id: u32,
    #[serde(default)]
    pub friendly_name: Option<String>,
}

/// What we read of `get_notifier_config`.
#[derive(Debug, Clone, Default)]
pub struct NotifierConfig {
    pub hook: Option<String>,
}

impl TautulliClient {
    pub fn new(base: &Url, api_key: Secret) -> Result<Self, SetupError> {
        Ok(Self {
            http: http::client()?,
            endpoint: urls::below(base, "api/v2")?,
            api_key,
            shown: urls::shown(base),
        })
    }

    /// `get_tautulli_info`: checks the key and reads the version.
    pub async fn version(&self) -> Result<String, SetupError> {
        let data = self.call("get_tautulli_info", &[]).await?;
        Ok(data
            .get("tautulli_version")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string())
    }

    pub async fn notifiers(&self) -> Result<Vec<NotifierRow>, SetupError> {
        let data = self.call("get_notifiers", &[]).await?;
        match data {
            Value::Null => Ok(Vec::new()),
            other => serde_json::from_value(other).map_err(|e| {
                SetupError::TautulliError(format!("get_notifiers answered an unknown shape: {e}"))
            }),
        }
    }

    pub async fn notifier_config(&self, notifier_id: u32) -> Result<NotifierConfig, SetupError> {
        let id = notifier_id.to_string();
        let data = self
            .call("get_notifier_config", &[("notifier_id", &id)])
            .await?;
        let hook = data
            .get("config")
            .and_then(|config| config.get("hook"))
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(NotifierConfig { hook })
    }

    /// `add_notifier_config` for the webhook agent; returns the new notifier's id.
    pub async fn add_notifier(&self, agent_id: u32) -> Result<u32, SetupError> {
        let agent = agent_id.to_string();
        let data = self
            .call("add_notifier_config", &[("agent_id", &agent)])
            .await?;
        data.get("notifier_id").and_then(as_u32).ok_or_else(|| {
            SetupError::TautulliError("add_notifier_config answered no notifier_id".into())
        })
    }

    pub async fn set_notifier_config(&self, params: &[(String, String)]) -> Result<(), SetupError> {
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.call("set_notifier_config", &params).await.map(drop)
    }

    pub async fn delete_notifier(&self, notifier_id: u32) -> Result<(), SetupError> {
        let id = notifier_id.to_string();
        self.call("delete_notifier", &[("notifier_id", &id)])
            .await
            .map(drop)
    }

    /// Has Tautulli send `body` with the headers `subject` through the notifier now.
    pub async fn notify(
        &self,
        notifier_id: u32,
        subject: &str,
        body: &str,
    ) -> Result<(), SetupError> {
        let id = notifier_id.to_string();
        self.call(
            "notify",
            &[("notifier_id", &id), ("subject", subject), ("body", body)],
        )
        .await
        .map(drop)
    }

    /// One API call; `data` of a successful envelope.
    pub(crate) async fn call(
        &self,
        cmd: &str,
        params: &[(&str, &str)],
    ) -> Result<Value, SetupError> {
        let mut url = self.endpoint.clone();
        url.query_pairs_mut()
            .append_pair("apikey", self.api_key.expose())
            .append_pair("cmd", cmd);
        let sent = self.http.post(url).form(params).send().await;
        let response = sent.map_err(|e| self.unreachable(http::describe(e)))?;
        let status = response.status();
        let body = http::read_bounded(response)
            .await
            .map_err(|reason| self.unreachable(reason))?;
        self.read_envelope(cmd, status, &body)
    }

    fn read_envelope(
        &self,
        cmd: &str,
        status: StatusCode,
        body: &[u8],
    ) -> Result<Value, SetupError> {
        let envelope: Option<Envelope> = serde_json::from_slice::<Outer>(body)
            .ok()
            .map(|outer| outer.response);
        let message = envelope
            .as_ref()
            .and_then(|e| e.message.as_ref())
            .map(|m| self.redact(&message_text(m)));
        let says_invalid_key = message
            .as_deref()
            .is_some_and(|m| m.to_ascii_lowercase().contains("invalid apikey"));
        if status == StatusCode::UNAUTHORIZED || says_invalid_key {
            return Err(SetupError::TautulliUnauthorized(
                message.unwrap_or_else(|| format!("HTTP {}", status.as_u16())),
            ));
        }
        let Some(envelope) = envelope else {
            return Err(SetupError::TautulliError(format!(
                "HTTP {} to {cmd} without Tautulli's API answer; is {} a Tautulli address?",
                status.as_u16(),
                self.shown
            )));
        };
        if !status.is_success() {
            return Err(SetupError::TautulliError(format!(
                "HTTP {} to {cmd}: {}",
                status.as_u16(),
                message.unwrap_or_default()
            )));
        }
        if envelope.result.as_deref() != Some("success") {
            return Err(SetupError::TautulliError(format!(
                "{cmd}: {}",
                message.unwrap_or_else(|| "an error without a message".to_string())
            )));
        }
        Ok(envelope.data.unwrap_or(Value::Null))
    }

    fn unreachable(&self, reason: String) -> SetupError {
        SetupError::TautulliUnreachable {
            address: self.shown.clone(),
            reason: self.redact(&reason),
        }
    }

    /// Belt and braces: no text we pass on may contain the key.
    fn redact(&self, text: &str) -> String {
        let key = self.api_key.expose();
        if key.is_empty() {
            text.to_string()
        } else {
            text.replace(key, "***")
        }
    }
}

#[derive(Deserialize)]
struct Outer {
    response: Envelope,
}

#[derive(Deserialize)]
struct Envelope {
    result: Option<String>,
    message: Option<Value>,
    data: Option<Value>,
}

fn message_text(message: &Value) -> String {
    match message {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Tautulli writes ids as numbers, sometimes as numeric strings.
fn as_u32(value: &Value) -> Option<u32> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn lenient_u32<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let value = Value::deserialize(deserializer)?;
    as_u32(&value).ok_or_else(|| serde::de::Error::custom(format!("not an id: {value}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> TautulliClient {
        let base = Url::parse("http://user:pw@tautulli.local:8181/").unwrap();
        TautulliClient::new(&base, Secret::new("k3y")).unwrap()
    }

    #[test]
    fn a_wrong_key_is_recognised_in_each_of_tautullis_ways() {
        let c = client();
        let body = br#"{"response":{"result":"error","message":"Invalid apikey","data":null}}"#;
        for status in [
            StatusCode::BAD_REQUEST,
            StatusCode::OK,
            StatusCode::UNAUTHORIZED,
        ] {
            let err = c.read_envelope("x", status, body).unwrap_err();
            assert_eq!(err.code(), "tautulli_unauthorized", "{status}");
        }
        let err = c
            .read_envelope("x", StatusCode::UNAUTHORIZED, b"<html>no</html>")
            .unwrap_err();
        assert_eq!(err.code(), "tautulli_unauthorized");
    }

    #[test]
    fn an_error_envelope_with_http_200_is_an_error_and_never_shows_the_key() {
        let c = client();
        let body = br#"{"response":{"result":"error","message":"Unknown k3y thing","data":{}}}"#;
        let err = c.read_envelope("x", StatusCode::OK, body).unwrap_err();
        assert_eq!(err.code(), "tautulli_error");
        assert!(!err.to_string().contains("k3y"), "{err}");
        let err = c
            .read_envelope("x", StatusCode::OK, b"<html>login</html>")
            .unwrap_err();
        assert_eq!(err.code(), "tautulli_error");
        assert!(
            err.to_string().contains("http://tautulli.local:8181/"),
            "{err}"
        );
        assert!(!err.to_string().contains("pw"), "{err}");
    }

    #[test]
    fn success_returns_data() {
        let c = client();
        let body =
            br#"{"response":{"result":"success","message":null,"data":{"notifier_id":"7"}}}"#;
        let data = c.read_envelope("x", StatusCode::OK, body).unwrap();
        assert_eq!(data.get("notifier_id").and_then(as_u32), Some(7));
    }
}

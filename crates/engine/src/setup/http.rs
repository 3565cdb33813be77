//! The outbound HTTP both integrations use (Tautulli, plex.tv): bounded time, redirects
//! only within the same host (a redirect elsewhere would carry the API key along), bounded
//! answers, and transport errors described without their URL (which holds the key).

use std::time::Duration;

use reqwest::redirect;

use super::error::SetupError;

/// Answers larger than this are not read: the calls we make return a few kilobytes.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Tautulli's `notify` sends the test before it answers, so it may take a while.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

pub fn client() -> Result<reqwest::Client, SetupError> {
    let same_host_only = redirect::Policy::custom(|attempt| {
        let too_many = attempt.previous().len() >= 5;
        let same_host = attempt
            .previous()
            .first()
            .is_some_and(|first| first.host_str() == attempt.url().host_str());
        if same_host && !too_many {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(same_host_only)
        .user_agent(concat!("Cartographus/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SetupError::Internal(format!("no HTTP client: {}", describe(e))))
}

/// A transport error as text: its kind and causes, never the URL.
pub fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = if error.is_timeout() {
        "timed out".to_string()
    } else {
        error.to_string()
    };
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        cause = inner.source();
    }
    text
}

/// Reads an answer's body up to [`MAX_ANSWER_BYTES`].
pub async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(describe)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(format!(
                "the answer is larger than {MAX_ANSWER_BYTES} bytes"
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

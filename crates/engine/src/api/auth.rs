//! Access control at the edge: the API token (bearer header or `?token=`), compared in
//! constant time, and a Host check that defeats DNS rebinding while we listen on loopback.

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, HOST};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use super::error::ApiError;
use super::AppState;
use crate::secret::Secret;

/// The credential a request presents: `Authorization: Bearer …`, or `?token=` (browsers
/// cannot set headers on a WebSocket upgrade).
pub fn presented_token<'a>(headers: &'a HeaderMap, query: Option<&'a str>) -> Option<&'a str> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    bearer.or_else(|| query_param(query?, "token"))
}

pub fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

pub fn check(secret: &Secret, presented: Option<&str>) -> Result<(), ApiError> {
    match presented {
        Some(token) if secret.matches(token) => Ok(()),
        _ => Err(ApiError::unauthorized()),
    }
}

/// Middleware for every `/api/v1` route except health.
pub async fn require_api_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    check(
        &state.engine.api_token(),
        presented_token(request.headers(), request.uri().query()),
    )?;
    Ok(next.run(request).await)
}

/// While bound to loopback, only loopback host names are served: a web page on another
/// origin that rebinds its DNS name to 127.0.0.1 still sends its own name as Host.
pub async fn require_loopback_host(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if state.engine.info_ref().listen_is_loopback {
        let host = request
            .headers()
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !is_loopback_host(host) {
            return Err(ApiError::forbidden_host(host));
        }
    }
    Ok(next.run(request).await)
}

pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn bearer_wins_over_query() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(presented_token(&headers, Some("token=xyz")), Some("abc"));
        assert_eq!(
            presented_token(&HeaderMap::new(), Some("a=1&token=xyz")),
            Some("xyz")
        );
        assert_eq!(presented_token(&HeaderMap::new(), Some("a=1")), None);
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "127.0.0.1:3857",
            "localhost:3857",
            "LOCALHOST",
            "[::1]:3857",
            "127.0.0.2",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["evil.example:3857", "192.168.1.2:3857", "", "[fe80::1]:80"] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}

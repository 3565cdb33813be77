//! Access control at the edge: the API token as a bearer header (or `?token=` on the
//! WebSocket upgrade only), compared in constant time, and a Host check that defeats DNS
//! rebinding while we listen on loopback.

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, HOST};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use super::error::ApiError;
use super::AppState;
use crate::secret::Secret;

/// The bearer token of `Authorization: Bearer …`, if the request has one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The credential of a WebSocket upgrade: the bearer header, else `?token=` (browsers
/// cannot set headers on a WebSocket). No other route reads the query: a token in a URL
/// ends up in browser history, proxy logs and Referer headers.
pub fn upgrade_token<'a>(headers: &'a HeaderMap, query: Option<&'a str>) -> Option<&'a str> {
    bearer_token(headers).or_else(|| query_param(query?, "token"))
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

/// Middleware for every `/api/v1` route but health and the WebSocket, and for `/metrics`:
/// the bearer header only.
pub async fn require_api_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    check(&state.engine.api_token(), bearer_token(request.headers()))?;
    Ok(next.run(request).await)
}

/// Middleware for the WebSocket upgrade: the bearer header or `?token=`.
pub async fn require_upgrade_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    check(
        &state.engine.api_token(),
        upgrade_token(request.headers(), request.uri().query()),
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
    if state.engine.listen_is_loopback() {
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

/// A Host header (or URL authority) split into its name and port: `[::1]:80` → (`[::1]`,
/// Some(80)), `nas.local` → (`nas.local`, None). The name keeps IPv6 brackets, as URLs do.
pub fn split_host_port(host: &str) -> (&str, Option<u16>) {
    let (name, port) = if host.starts_with('[') {
        match host.find(']') {
            Some(end) => (&host[..=end], host[end + 1..].strip_prefix(':')),
            None => (host, None),
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    (name, port.and_then(|p| p.parse().ok()))
}

pub fn is_loopback_host(host: &str) -> bool {
    let (name, _) = split_host_port(host);
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn the_query_token_counts_only_for_the_upgrade() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(upgrade_token(&headers, Some("token=xyz")), Some("abc"));
        assert_eq!(
            upgrade_token(&HeaderMap::new(), Some("a=1&token=xyz")),
            Some("xyz")
        );
        assert_eq!(upgrade_token(&HeaderMap::new(), Some("a=1")), None);
        assert_eq!(bearer_token(&headers), Some("abc"));
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "127.0.0.1:3857",
            "localhost:3857",
            "LOCALHOST",
            "[::1]:3857",
            "[::1]",
            "127.0.0.2",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["evil.example:3857", "192.168.1.2:3857", "", "[fe80::1]:80"] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn hosts_split_into_name_and_port() {
        assert_eq!(split_host_port("nas.local:3857"), ("nas.local", Some(3857)));
        assert_eq!(split_host_port("nas.local"), ("nas.local", None));
        assert_eq!(split_host_port("[fe80::1]:80"), ("[fe80::1]", Some(80)));
        assert_eq!(split_host_port("[fe80::1]"), ("[fe80::1]", None));
        assert_eq!(split_host_port("10.0.0.2:x"), ("10.0.0.2", None));
    }
}

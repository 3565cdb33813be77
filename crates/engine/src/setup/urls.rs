//! Addresses in setup: the Tautulli URL and callback base a user types, the hook URLs we
//! install, and their display form without credentials.

use std::net::SocketAddr;

use url::Url;

use super::error::SetupError;

/// Parses an address the user typed: `host:port` means `http://host:port`; the scheme must
/// be http or https, a host is required, query and fragment are refused. The result ends
/// with `/`, so relative paths join below it (Tautulli under `/tautulli/` keeps its prefix).
pub fn parse_base(
    field: &'static str,
    example: &'static str,
    text: &str,
) -> Result<Url, SetupError> {
    let invalid = || SetupError::InvalidUrl { field, example };
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid());
    }
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|_| invalid())?;
    let usable = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.query().is_none()
        && url.fragment().is_none();
    if !usable {
        return Err(invalid());
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// `base` + `relative`; `base` comes from [`parse_base`], so this cannot climb above it.
pub fn below(base: &Url, relative: &str) -> Result<Url, SetupError> {
    base.join(relative)
        .map_err(|e| SetupError::Internal(format!("cannot build a URL below the base: {e}")))
}

/// Where a media server should send `source`'s webhooks, without any token.
pub fn hook_url(callback_base: &Url, source: &str) -> Result<Url, SetupError> {
    below(callback_base, &format!("webhooks/{source}"))
}

/// The URL as it may be shown: no user name, password, query (tokens travel there) or
/// fragment.
pub fn shown(url: &Url) -> String {
    let mut url = url.clone();
    // Both only fail for URLs that cannot have credentials, which is fine.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// [`shown`] for stored text; text that is not a URL is not shown at all.
pub fn shown_text(text: &str) -> Option<String> {
    Url::parse(text).ok().map(|url| shown(&url))
}

/// The listener's own address as a URL base. A wildcard listener (`0.0.0.0`) is reached
/// on this machine through loopback.
pub fn listener_base(listen: SocketAddr) -> Result<Url, SetupError> {
    let addr = crate::listen::reachable_from_here(listen);
    Url::parse(&format!("http://{addr}/"))
        .map_err(|e| SetupError::Internal(format!("the listen address is not a URL: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(text: &str) -> Result<Url, SetupError> {
        parse_base("url", "http://192.168.1.5:8181", text)
    }

    #[test]
    fn bases_gain_a_scheme_and_a_trailing_slash() {
        assert_eq!(
            base("192.168.1.5:8181").unwrap().as_str(),
            "http://192.168.1.5:8181/"
        );
        assert_eq!(
            base(" https://nas.local/tautulli ").unwrap().as_str(),
            "https://nas.local/tautulli/"
        );
        let api = below(&base("https://nas.local/tautulli").unwrap(), "api/v2").unwrap();
        assert_eq!(api.as_str(), "https://nas.local/tautulli/api/v2");
    }

    #[test]
    fn unusable_addresses_are_refused_with_the_field_name() {
        for text in [
            "",
            "ftp://host/",
            "http://",
            "http://host/?apikey=1",
            "http://host/#x",
            "not a url at all",
        ] {
            let err = base(text).unwrap_err();
            assert_eq!(err.code(), "invalid_url", "{text:?}");
            assert!(err.to_string().contains("`url`"), "{err}");
        }
    }

    #[test]
    fn shown_urls_carry_no_credentials_or_query() {
        let url = Url::parse("http://user:pw@host:1/webhooks/plex?token=abc").unwrap();
        assert_eq!(shown(&url), "http://host:1/webhooks/plex");
    }

    #[test]
    fn a_wildcard_listener_is_reached_through_loopback() {
        let base = listener_base("0.0.0.0:3857".parse().unwrap()).unwrap();
        assert_eq!(base.as_str(), "http://127.0.0.1:3857/");
        let hook = hook_url(&base, "tautulli").unwrap();
        assert_eq!(hook.as_str(), "http://127.0.0.1:3857/webhooks/tautulli");
    }
}

//! Secrets (tokens): generated from the OS RNG, compared in constant time, and never
//! printed by `Debug`, so a stray `{:?}` in a log line cannot leak one. [`redact_urls`]
//! takes the credentials out of any URL before it is shown, logged or put in an error.

use std::fmt;

use rand::RngCore;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value, for the few places that must hand it on (URLs the user asked for,
    /// the nats-server config file).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time comparison with a presented credential.
    pub fn matches(&self, presented: &str) -> bool {
        // Length is not secret (tokens have a fixed length); contents are.
        self.0.as_bytes().ct_eq(presented.as_bytes()).into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// 32 random bytes as 64 hex characters: URL-safe, so it can travel as `?token=`.
pub fn generate_token() -> Secret {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    Secret(hex::encode(bytes))
}

/// Query parameters whose value is a credential (compared case-insensitively).
const SECRET_PARAMS: [&str; 11] = [
    "token",
    "access_token",
    "auth",
    "password",
    "pass",
    "passwd",
    "secret",
    "key",
    "apikey",
    "api_key",
    "x-plex-token",
];

/// Characters that end a URL inside a sentence or a list (an error message, `NATS_URL`'s
/// comma-separated servers).
fn ends_url(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '"' | '\'' | '<' | '>' | '`' | '(' | ')')
}

/// `text` with the credentials of every URL in it replaced by `***`: the `user:password@`
/// (or `token@`) of an authority, and the value of a query parameter that names a
/// credential (`token`, `password`, `apikey`, …). Works on one URL, a comma-separated list
/// of servers, or a sentence that mentions URLs. A URL without a scheme
/// (`user:pass@host:4222`, which NATS accepts) is redacted too.
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start = None;
    for (i, c) in text.char_indices() {
        if ends_url(c) {
            if let Some(start) = word_start.take() {
                out.push_str(&redact_word(&text[start..i]));
            }
            out.push(c);
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
    if let Some(start) = word_start {
        out.push_str(&redact_word(&text[start..]));
    }
    out
}

fn redact_word(word: &str) -> String {
    let (scheme, rest) = match word.find("://") {
        Some(i) => word.split_at(i + 3),
        None => ("", word),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let mut out = String::with_capacity(word.len());
    out.push_str(scheme);
    match authority.rfind('@') {
        // The user name of `user:password@` stays (it helps and is not secret); a lone
        // `credential@` may be a token, so it goes whole.
        Some(at) => {
            if let Some((user, _)) = authority[..at].split_once(':') {
                out.push_str(user);
                out.push(':');
            }
            out.push_str("***");
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    let Some(query_start) = tail.find('?') else {
        out.push_str(tail);
        return out;
    };
    out.push_str(&tail[..=query_start]);
    let query = &tail[query_start + 1..];
    let (query, fragment) = match query.find('#') {
        Some(hash) => query.split_at(hash),
        None => (query, ""),
    };
    for (n, pair) in query.split('&').enumerate() {
        if n > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, _)) if SECRET_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(name)) => {
                out.push_str(name);
                out.push_str("=***");
            }
            _ => out.push_str(pair),
        }
    }
    out.push_str(fragment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_lone_credentials_leave_every_url() {
        assert_eq!(
            redact_urls("nats://user:secret@127.0.0.1:4222"),
            "nats://user:***@127.0.0.1:4222"
        );
        assert_eq!(
            redact_urls("nats://a:pw1@h1:4222,nats://b:pw2@h2:4222/x"),
            "nats://a:***@h1:4222,nats://b:***@h2:4222/x"
        );
        assert_eq!(
            redact_urls("tls://tok3n@[::1]:4222"),
            "tls://***@[::1]:4222"
        );
        assert_eq!(redact_urls("user:secret@nas:4222"), "user:***@nas:4222");
        // A password may itself contain '@'; all of it before the last one goes.
        assert_eq!(redact_urls("nats://u:p@ss@h:1"), "nats://u:***@h:1");
    }

    #[test]
    fn credentials_in_query_strings_are_hidden_and_the_rest_kept() {
        assert_eq!(
            redact_urls("http://nas:8181/api/v2?apikey=abc&cmd=get_activity#top"),
            "http://nas:8181/api/v2?apikey=***&cmd=get_activity#top"
        );
        assert_eq!(
            redact_urls("http://h/webhooks/plex?TOKEN=abc&x=1"),
            "http://h/webhooks/plex?TOKEN=***&x=1"
        );
        assert_eq!(
            redact_urls("https://plex.tv/api?X-Plex-Token=zz"),
            "https://plex.tv/api?X-Plex-Token=***"
        );
    }

    #[test]
    fn urls_inside_sentences_are_redacted_and_the_sentence_kept() {
        let text = "cannot connect to NATS at nats://u:hunter2@10.0.0.5:4222: timed out (\
                    retrying nats://u:hunter2@10.0.0.6:4222)";
        let redacted = redact_urls(text);
        assert!(!redacted.contains("hunter2"), "{redacted}");
        assert!(
            redacted.starts_with("cannot connect to NATS at nats://u:***@10.0.0.5:4222: timed out"),
            "{redacted}"
        );
        assert!(
            redacted.ends_with("nats://u:***@10.0.0.6:4222)"),
            "{redacted}"
        );
    }

    #[test]
    fn text_without_credentials_is_unchanged() {
        for text in [
            "",
            "sidecar on nats://127.0.0.1:4222",
            "/home/me/.local/share/cartographus/cartographus.duckdb",
            "http://[::1]:3857/api/v1/health?limit=5",
            "empty",
        ] {
            assert_eq!(redact_urls(text), text);
        }
    }

    #[test]
    fn matches_only_the_exact_value() {
        let s = Secret::new("abc123");
        assert!(s.matches("abc123"));
        assert!(!s.matches("abc124"));
        assert!(!s.matches("abc12"));
        assert!(!s.matches(""));
    }

    #[test]
    fn debug_hides_the_value() {
        let s = generate_token();
        assert!(!format!("{s:?}").contains(s.expose()));
    }
}

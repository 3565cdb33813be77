//! `NATS_URL` as people write it: one or more servers, comma-separated, each perhaps carrying
//! `user:password@` or `token@`. The client does not read credentials from a URL, so they
//! are lifted out here and handed over as options; every form of the URL we show masks them.

use url::Url;

use crate::secret::Secret;

/// What the URL itself says about authentication.
#[derive(Clone, PartialEq, Eq)]
pub enum UrlCredentials {
    UserPassword {
        user: String,
        password: Secret,
    },
    /// `nats://token@host`: a user part with no password is a token.
    Token(Secret),
}

impl std::fmt::Debug for UrlCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlCredentials::UserPassword { user, .. } => {
                write!(f, "UserPassword {{ user: {user:?}, password: *** }}")
            }
            UrlCredentials::Token(_) => write!(f, "Token(***)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NatsUrlError {
    #[error("no server in the list")]
    Empty,
    #[error("{shown} is not a server address: {reason}")]
    Invalid { shown: String, reason: String },
    #[error("the servers carry different credentials; give one user:password for all of them")]
    MixedCredentials,
}

impl NatsUrlError {
    pub fn code(&self) -> &'static str {
        match self {
            NatsUrlError::Empty => "nats_url_empty",
            NatsUrlError::Invalid { .. } => "nats_url_invalid",
            NatsUrlError::MixedCredentials => "nats_url_mixed_credentials",
        }
    }
}

/// The servers to dial (no credentials in them) and the credentials they carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatsServers {
    pub servers: Vec<String>,
    pub credentials: Option<UrlCredentials>,
    shown: String,
}

impl NatsServers {
    pub fn parse(list: &str) -> Result<Self, NatsUrlError> {
        let mut servers = Vec::new();
        let mut shown = Vec::new();
        let mut credentials: Option<UrlCredentials> = None;
        for entry in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (mut url, found) = parse_server(entry)?;
            shown.push(mask(&url));
            if let Some(found) = found {
                match &credentials {
                    Some(known) if *known != found => return Err(NatsUrlError::MixedCredentials),
                    _ => credentials = Some(found),
                }
            }
            // Infallible for URLs with a host, which parse_server guarantees.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            servers.push(url.to_string());
        }
        if servers.is_empty() {
            return Err(NatsUrlError::Empty);
        }
        Ok(Self {
            servers,
            credentials,
            shown: shown.join(","),
        })
    }

    /// The list as it may be shown: users kept, passwords and tokens masked.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

/// A server list as it may appear in a log line or an error, whether or not it parses.
pub fn redact(list: &str) -> String {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| match parse_server(entry) {
            Ok((url, _)) => mask(&url),
            Err(_) => redact_unparsed(entry),
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_server(entry: &str) -> Result<(Url, Option<UrlCredentials>), NatsUrlError> {
    let with_scheme = if entry.contains("://") {
        entry.to_string()
    } else {
        format!("nats://{entry}")
    };
    let invalid = |reason: String| NatsUrlError::Invalid {
        shown: redact_unparsed(entry),
        reason,
    };
    let url = Url::parse(&with_scheme).map_err(|e| invalid(e.to_string()))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host".to_string()));
    }
    let user = percent_decode(url.username());
    let credentials = match (user.is_empty(), url.password()) {
        (true, None) => None,
        (false, None) => Some(UrlCredentials::Token(Secret::new(user))),
        (_, Some(password)) => Some(UrlCredentials::UserPassword {
            user,
            password: Secret::new(percent_decode(password)),
        }),
    };
    Ok((url, credentials))
}

/// Keeps only what follows the last '@', which cannot be a secret.
fn redact_unparsed(entry: &str) -> String {
    match entry.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => entry.to_string(),
    }
}

fn mask(url: &Url) -> String {
    let mut shown = url.clone();
    if url.password().is_some() {
        let _ = shown.set_password(Some("***"));
    } else if !url.username().is_empty() {
        let _ = shown.set_username("***");
    }
    shown.to_string()
}

/// `%40` → `@`: a password with reserved characters must be percent-encoded in a URL.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_password_are_lifted_out_of_every_server() {
        let parsed = NatsServers::parse("nats://u:p%40ss@a:4222, nats://u:p%40ss@b:4223").unwrap();
        assert_eq!(parsed.servers, vec!["nats://a:4222", "nats://b:4223"]);
        assert_eq!(
            parsed.credentials,
            Some(UrlCredentials::UserPassword {
                user: "u".into(),
                password: Secret::new("p@ss"),
            })
        );
        assert_eq!(parsed.shown(), "nats://u:***@a:4222,nats://u:***@b:4223");
        assert!(!format!("{parsed:?}").contains("p@ss"));
        assert!(!format!("{parsed:?}").contains("p%40ss"));
    }

    #[test]
    fn a_lone_user_part_is_a_token_and_a_bare_host_gets_the_scheme() {
        let parsed = NatsServers::parse("s3cret@host:4222").unwrap();
        assert_eq!(parsed.servers, vec!["nats://host:4222"]);
        assert_eq!(
            parsed.credentials,
            Some(UrlCredentials::Token(Secret::new("s3cret")))
        );
        assert_eq!(parsed.shown(), "nats://***@host:4222");
    }

    #[test]
    fn servers_without_credentials_share_the_ones_given() {
        let parsed = NatsServers::parse("nats://u:p@a:1,nats://b:2").unwrap();
        assert_eq!(parsed.servers, vec!["nats://a:1", "nats://b:2"]);
        assert!(parsed.credentials.is_some());
        let err = NatsServers::parse("nats://u:p@a:1,nats://u:q@b:2").unwrap_err();
        assert_eq!(err, NatsUrlError::MixedCredentials);
        assert_eq!(NatsServers::parse(" , ").unwrap_err(), NatsUrlError::Empty);
    }

    #[test]
    fn redaction_never_shows_a_password_even_when_the_url_is_broken() {
        assert_eq!(redact("nats://u:pw@h:4222"), "nats://u:***@h:4222");
        let broken = redact("nats://u:pw@h:notaport");
        assert!(!broken.contains("pw"), "{broken}");
        let err = NatsServers::parse("nats://u:pw@h:notaport").unwrap_err();
        assert!(!err.to_string().contains("pw"), "{err}");
    }
}

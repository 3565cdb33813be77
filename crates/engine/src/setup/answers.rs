//! The setup calls' requests and answers, the same JSON over HTTP and over Tauri IPC.
//! Field names are the contract with the UI. Numbers are `u32` (TypeScript `number`).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SetupOverview {
    /// The HTTP listener's address.
    pub listen: String,
    /// The environment variable or flag that fixes `listen` (moving it is refused), if any.
    pub listen_locked_by: Option<String>,
    /// This machine's addresses on the network, for a `callback_base` when a media server
    /// runs elsewhere (it then needs the listener on that interface).
    pub lan_addresses: Vec<String>,
    /// Ready-to-paste webhook URLs, with their tokens.
    pub webhook_urls: WebhookUrls,
    pub sources: SourcesSetup,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct WebhookUrls {
    pub tautulli: String,
    pub plex: String,
    pub jellyfin: String,
    pub emby: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SourcesSetup {
    pub tautulli: SourceSetup,
    pub plex: SourceSetup,
    pub jellyfin: SourceSetup,
    pub emby: SourceSetup,
}

/// One source: Tautulli and Plex are connected by the wizard; Jellyfin and Emby count as
/// connected once one of their events or test notifications has arrived (their URL is
/// pasted by hand).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SourceSetup {
    pub connected: bool,
    /// Tautulli: its address; Plex: the registered hook. Never with credentials or tokens.
    pub url: Option<String>,
    /// Tautulli's id of our webhook notifier.
    pub notifier_id: Option<u32>,
    /// When the newest stored event of this source was received.
    pub last_event_at: Option<DateTime<Utc>>,
    /// When this source's last test notification arrived (since the engine started; tests
    /// are answered, never stored). Plex has no test send.
    pub last_test_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct TautulliConnectRequest {
    /// Tautulli's address, e.g. `http://192.168.1.5:8181`.
    pub url: String,
    pub api_key: String,
    /// Where Tautulli should send webhooks; default: the last one given, else the
    /// listener's own address.
    #[serde(default)]
    pub callback_base: Option<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TautulliConnected {
    pub notifier_id: u32,
    /// Whether the notifier was created now (false: ours was found and rewritten).
    pub created: bool,
    pub tautulli_version: String,
    /// The URL Tautulli calls; the token travels in a header, not here.
    pub hook: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TautulliTestResult {
    pub received: bool,
    /// From asking Tautulli to send until the notification arrived.
    pub round_trip_ms: u32,
}

#[derive(Clone, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct PlexConnectRequest {
    /// A plex.tv token; empty uses the one saved by the PIN sign-in.
    pub token: String,
}

/// The requests hold secrets: `{:?}` must not print them.
impl fmt::Debug for TautulliConnectRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TautulliConnectRequest")
            .field("url", &super::urls::shown_text(&self.url))
            .field("api_key", &"***")
            .field("callback_base", &self.callback_base)
            .finish()
    }
}

impl fmt::Debug for PlexConnectRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlexConnectRequest")
            .field("token", &"***")
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PlexRegistered {
    pub registered: bool,
    /// Our webhook was already on the account; nothing was written.
    pub already: bool,
    /// How many webhooks the account has now.
    pub webhooks: u32,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PlexPin {
    /// plex.tv's PIN id (digits), for `check_plex_pin`.
    pub id: String,
    pub code: String,
    /// Where the user signs in and approves the code.
    pub auth_url: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PlexPinStatus {
    pub authorized: bool,
}

//! The listener calls' requests and answers, the same JSON over HTTP and over Tauri IPC.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct SetListenRequest {
    /// `IP:PORT` of this machine, e.g. `192.168.1.20:3857`; a bare IP keeps the port.
    pub address: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ListenChanged {
    /// Where the app listened before.
    pub previous: String,
    /// Where it listens now.
    pub listen: String,
    /// The app's address as this machine reaches it now (`http://…/`), for a link.
    pub url: String,
    /// False when the app already listened there: nothing changed.
    pub changed: bool,
}

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct CheckListenRequest {
    /// `IP:PORT` to call; empty: where the app listens now.
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ListenCheck {
    /// What was called: `http://IP:PORT/api/v1/health`.
    pub url: String,
    /// The health verdict that came back: ok, degraded or down.
    pub status: String,
    /// From connecting to the answer.
    pub round_trip_ms: u32,
}

//! What every error an engine call can return shares: a stable snake_case code the UI and
//! scripts match on, and a transport-free kind. Each adapter turns kinds into its own terms
//! once (HTTP statuses in `api/error.rs`, the desktop's `CommandError`), so the two hosts
//! cannot answer the same failure differently. Codes used by more than one error live here.

/// Codes shared by several errors, spelled once.
pub mod codes {
    pub const NOT_FOUND: &str = "not_found";
    pub const BAD_REQUEST: &str = "bad_request";
    pub const CONFLICT: &str = "conflict";
    pub const UNAVAILABLE: &str = "unavailable";
    /// DuckDB refused a write or a read the call needed.
    pub const STORE_FAILED: &str = "store_failed";
    pub const STATS_UNAVAILABLE: &str = "stats_unavailable";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const SETTINGS_UNWRITABLE: &str = "settings_unwritable";
    /// An environment variable or flag fixes the setting.
    pub const LOCKED: &str = "locked";
    pub const PORT_IN_USE: &str = "port_in_use";
    pub const BIND_FAILED: &str = "bind_failed";
    /// An event larger than the NATS server's `max_payload`.
    pub const EVENT_TOO_LARGE: &str = "event_too_large";
    /// An event that fails validation (`persist/validate.rs`).
    pub const INVALID_EVENT: &str = "invalid_event";
    pub const SPOOL_UNWRITABLE: &str = "spool_unwritable";
    /// An event that would not encode as JSON (only a bug can cause it).
    pub const ENCODE_FAILED: &str = "encode_failed";
}

/// What sort of refusal an error is, whatever carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request itself is wrong: a bad value, an unknown parameter.
    BadRequest,
    /// It names something that does not exist.
    NotFound,
    /// It clashes with the current state (already restored, locked, not connected).
    Conflict,
    /// Understood, but what it carries still cannot be used (a dead letter that still
    /// fails, a credential a service refused).
    Unprocessable,
    /// It no longer applies (an expired sign-in code).
    Gone,
    /// A part the engine needs cannot answer now; asking again later may work.
    Unavailable,
    /// A service the engine called (Tautulli, plex.tv) failed or could not be reached.
    UpstreamFailed,
    /// What the engine waited for from a service did not come in time.
    UpstreamTimeout,
    /// A fault inside the engine.
    Internal,
    /// What was sent is larger than the engine or the bus can carry.
    TooLarge,
    /// Sent in a form the receiver never takes (a content type a source never uses).
    UnsupportedMediaType,
}

/// An error an engine call returns: its stable code and kind; the message is `Display`.
pub trait CodedError: std::error::Error + Send + Sync + 'static {
    fn code(&self) -> &str;
    fn kind(&self) -> ErrorKind;
}

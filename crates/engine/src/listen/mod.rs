//! Where the HTTP listener listens, and moving it while the engine runs: the setup wizard's
//! first step. The new address is bound before anything changes (a taken port leaves the
//! old listener serving and says so), then served, and the old listener stops gracefully.
//! The choice is kept in the settings file unless the environment or a flag fixes it.

mod addresses;
mod answers;
mod check;
mod current;
mod switch;

pub use addresses::{choose, lan_addresses, reachable_from_here};
pub use answers::{CheckListenRequest, ListenChanged, ListenCheck, SetListenRequest};
pub use check::check;
pub use current::CurrentListen;
pub use switch::{MainListener, Pending, Prepared};

use std::net::{IpAddr, SocketAddr};

use crate::error::{codes, CodedError, ErrorKind};

/// Why the listener could not move, or a check failed. Each has a stable snake_case code;
/// the HTTP status is chosen once, in `api/error.rs`. Except for `Lost`, the app keeps
/// listening where it did.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error(
        "the listen address is fixed by {0}; change it there and restart the app to listen elsewhere"
    )]
    Locked(&'static str),
    #[error("{address:?} is not an address to listen on: {reason}")]
    InvalidAddress { address: String, reason: String },
    #[error(
        "port {port} on {ip} is already in use by another program; the app keeps listening \
         where it did. Choose another port"
    )]
    PortInUse { ip: IpAddr, port: u16 },
    #[error("{ip} cannot be listened on here ({reason}); the app keeps listening where it did")]
    AddressUnavailable { ip: IpAddr, reason: String },
    #[error("cannot listen on {addr} ({reason}); the app keeps listening where it did")]
    BindFailed { addr: SocketAddr, reason: String },
    /// Moving between overlapping addresses failed and the old one could not be taken back.
    #[error(
        "the app no longer listens: {wanted} failed ({reason}) and {previous} could not be \
         taken back; restart the app"
    )]
    Lost {
        wanted: SocketAddr,
        previous: SocketAddr,
        reason: String,
    },
    #[error("the new address cannot be saved ({0}); the app keeps listening where it did")]
    NotSaved(String),
    #[error("nothing answered at {url}: {reason}")]
    Unreachable { url: String, reason: String },
}

impl ListenError {
    pub fn code(&self) -> &'static str {
        match self {
            ListenError::Locked(_) => codes::LOCKED,
            ListenError::InvalidAddress { .. } => "invalid_address",
            ListenError::PortInUse { .. } => codes::PORT_IN_USE,
            ListenError::AddressUnavailable { .. } => "address_unavailable",
            ListenError::BindFailed { .. } => codes::BIND_FAILED,
            ListenError::Lost { .. } => "listener_lost",
            ListenError::NotSaved(_) => codes::SETTINGS_UNWRITABLE,
            ListenError::Unreachable { .. } => "listen_unreachable",
        }
    }
}

/// The app keeps listening where it did on every refusal but `listener_lost`.
impl CodedError for ListenError {
    fn code(&self) -> &str {
        ListenError::code(self)
    }

    fn kind(&self) -> ErrorKind {
        match self {
            ListenError::InvalidAddress { .. } => ErrorKind::BadRequest,
            ListenError::Locked(_) | ListenError::PortInUse { .. } => ErrorKind::Conflict,
            ListenError::AddressUnavailable { .. } => ErrorKind::Unprocessable,
            ListenError::Unreachable { .. } => ErrorKind::UpstreamFailed,
            ListenError::BindFailed { .. }
            | ListenError::Lost { .. }
            | ListenError::NotSaved(_) => ErrorKind::Internal,
        }
    }
}

/// A bind failure of `addr` as the error the user sees.
fn bind_error(addr: SocketAddr, error: &std::io::Error) -> ListenError {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => ListenError::PortInUse {
            ip: addr.ip(),
            port: addr.port(),
        },
        std::io::ErrorKind::AddrNotAvailable => ListenError::AddressUnavailable {
            ip: addr.ip(),
            reason: error.to_string(),
        },
        _ => ListenError::BindFailed {
            addr,
            reason: error.to_string(),
        },
    }
}

//! The address the HTTP listener listens on now, shared by everything that depends on it:
//! the Host check (only while on loopback), the setup overview's URLs, health, `info`.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::watch;

#[derive(Clone)]
pub struct CurrentListen(Arc<watch::Sender<SocketAddr>>);

impl CurrentListen {
    pub fn new(addr: SocketAddr) -> Self {
        Self(Arc::new(watch::Sender::new(addr)))
    }

    pub fn get(&self) -> SocketAddr {
        *self.0.borrow()
    }

    /// Only this machine can connect: the Host check against DNS rebinding applies.
    pub fn is_loopback(&self) -> bool {
        self.get().ip().is_loopback()
    }

    pub(super) fn set(&self, addr: SocketAddr) {
        self.0.send_replace(addr);
    }
}

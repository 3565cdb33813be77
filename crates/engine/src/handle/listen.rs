//! Where the engine listens, on the engine handle: the address now, moving the listener
//! (bind first, save the choice, then switch) and checking an address from this machine.
//! The work itself lives in `crate::listen`.

use std::net::SocketAddr;

use tokio::net::TcpListener;

use super::EngineHandle;
use crate::health::{PartHealth, PartStatus};
use crate::listen::{
    self, CheckListenRequest, ListenChanged, ListenCheck, ListenError, Prepared, SetListenRequest,
};

impl EngineHandle {
    /// Where the main listener listens now.
    pub(crate) fn listen_addr(&self) -> SocketAddr {
        self.shared.listener.current().get()
    }

    /// Only this machine can connect (the Host check against DNS rebinding applies).
    pub(crate) fn listen_is_loopback(&self) -> bool {
        self.shared.listener.current().is_loopback()
    }

    /// The environment variable or flag that fixes the listen address, if one does.
    pub(crate) fn listen_locked_by(&self) -> Option<&'static str> {
        self.shared.listener.locked_by()
    }

    /// Moves the main listener to `request.address` (an address of this machine) without a
    /// restart. The new address is bound first: if that fails the app keeps listening where
    /// it did and the error says why. Then the choice is saved in the settings file, the
    /// new listener served and the old one stopped (its open requests finish).
    pub async fn set_listen(
        &self,
        request: SetListenRequest,
    ) -> Result<ListenChanged, ListenError> {
        let listener = &self.shared.listener;
        let wanted = listen::choose(&request.address, self.listen_addr(), listener.locked_by())?;
        let router = crate::api::router(self.clone());
        let pending = match listener.prepare(wanted, router).await {
            Ok(Prepared::Unchanged(unchanged)) => return Ok(unchanged),
            Ok(Prepared::Pending(pending)) => pending,
            Err(e) => return Err(self.lost(e)),
        };
        if let Err(e) = self.shared.setup.remember_listen(pending.wanted()).await {
            pending.abandon().await.map_err(|lost| self.lost(lost))?;
            return Err(ListenError::NotSaved(e.to_string()));
        }
        let changed = pending.commit();
        self.report_listener();
        Ok(changed)
    }

    /// Calls this app's health through `request.address` (default: where it listens now),
    /// from this machine, and says what answered.
    pub async fn check_listen(
        &self,
        request: CheckListenRequest,
    ) -> Result<ListenCheck, ListenError> {
        let current = self.listen_addr();
        let target = match request.address.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => listen::choose(text, current, None)?,
            _ => current,
        };
        listen::check(target).await
    }

    /// Serves the API on `listener` as the main listener.
    pub(super) fn serve_main(&self, listener: TcpListener) {
        self.shared
            .listener
            .serve(listener, crate::api::router(self.clone()));
    }

    /// Health's `listener` part: up, and where.
    pub(super) fn report_listener(&self) {
        self.shared.health.report(
            "listener",
            PartHealth::new(PartStatus::Up, format!("http://{}", self.listen_addr())),
        );
    }

    /// A failed move that left no listener is said in health too.
    fn lost(&self, error: ListenError) -> ListenError {
        if matches!(error, ListenError::Lost { .. }) {
            self.shared.health.report(
                "listener",
                PartHealth::new(PartStatus::Down, error.to_string()),
            );
        }
        error
    }
}

//! The setup wizard's functions on the engine handle, called alike by the HTTP API and the
//! desktop commands; the work itself lives in `crate::setup`.

use super::EngineHandle;
use crate::event::Source;
use crate::setup::{
    PlexConnectRequest, PlexPin, PlexPinStatus, PlexRegistered, SetupError, SetupOverview,
    TautulliConnectRequest, TautulliConnected, TautulliTestResult,
};

impl EngineHandle {
    pub async fn get_setup(&self) -> Result<SetupOverview, SetupError> {
        let mut overview = self.shared.setup.overview(self.database()).await?;
        overview.listen_locked_by = self.listen_locked_by().map(str::to_string);
        Ok(overview)
    }

    pub async fn connect_tautulli(
        &self,
        request: TautulliConnectRequest,
    ) -> Result<TautulliConnected, SetupError> {
        self.shared.setup.connect_tautulli(request).await
    }

    pub async fn test_tautulli(&self) -> Result<TautulliTestResult, SetupError> {
        self.shared.setup.test_tautulli().await
    }

    pub async fn disconnect_tautulli(&self) -> Result<(), SetupError> {
        self.shared.setup.disconnect_tautulli().await
    }

    pub async fn connect_plex(
        &self,
        request: PlexConnectRequest,
    ) -> Result<PlexRegistered, SetupError> {
        self.shared.setup.connect_plex(request).await
    }

    pub async fn disconnect_plex(&self) -> Result<(), SetupError> {
        self.shared.setup.disconnect_plex().await
    }

    pub async fn start_plex_pin(&self) -> Result<PlexPin, SetupError> {
        self.shared.setup.start_plex_pin().await
    }

    pub async fn check_plex_pin(&self, id: &str) -> Result<PlexPinStatus, SetupError> {
        self.shared.setup.check_plex_pin(id).await
    }

    /// A source's test notification arrived (answered, not stored); a running test waits
    /// for this.
    pub(crate) fn note_test_notification(&self, source: Source) {
        self.shared.setup.note_test_notification(source);
    }
}

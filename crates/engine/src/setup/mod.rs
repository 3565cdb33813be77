//! The setup wizard's engine side: connect Tautulli (install our webhook notifier through
//! its API, test it end to end, remove it) and Plex (register our webhook on plex.tv, PIN
//! sign-in), and describe what is connected. Both adapters call these through
//! [`EngineHandle`](crate::EngineHandle); secrets stay in `settings.json`.

mod answers;
mod error;
pub(crate) mod http;
pub mod notifier_template;
mod overview;
mod plex;
mod plextv_client;
mod saved;
mod tautulli;
pub(crate) mod tautulli_client;
mod urls;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::{watch, Mutex};
use url::Url;

pub use answers::{
    PlexConnectRequest, PlexPin, PlexPinStatus, PlexRegistered, SetupOverview, SourceSetup,
    SourcesSetup, TautulliConnectRequest, TautulliConnected, TautulliTestResult, WebhookUrls,
};
pub use error::SetupError;
pub use saved::{SavedPlex, SavedSetup, SavedTautulli};

use crate::config::Config;
use crate::event::Source;
use crate::listen::CurrentListen;
use crate::preferences::SettingsService;
use crate::secret::Secret;
use saved::SetupStore;

/// How long a Tautulli test waits for its notification after Tautulli said it sent it.
const TEST_WAIT: Duration = Duration::from_secs(10);

/// Test notifications received, per source: how many and when the last arrived.
#[derive(Debug, Clone, Default)]
struct TestArrivals {
    by_source: BTreeMap<Source, Arrival>,
}

#[derive(Debug, Clone, Copy)]
struct Arrival {
    count: u64,
    /// For measuring a round trip.
    at: Instant,
    /// For showing when.
    at_wall: DateTime<Utc>,
}

impl TestArrivals {
    fn count(&self, source: Source) -> u64 {
        self.by_source.get(&source).map_or(0, |a| a.count)
    }

    fn last_at(&self, source: Source) -> Option<DateTime<Utc>> {
        self.by_source.get(&source).map(|a| a.at_wall)
    }
}

/// The setup state the engine holds: where secrets are saved, the addresses involved, and
/// the arrivals of test notifications.
pub struct Setup {
    store: SetupStore,
    /// Where the listener listens now (it can move).
    listen: CurrentListen,
    plextv: Url,
    /// The tokens in force (a regenerated one applies at once) and the settings file.
    settings: Arc<SettingsService>,
    tests: watch::Sender<TestArrivals>,
    /// One connect or disconnect at a time: two at once would both create a notifier.
    tautulli_changes: Mutex<()>,
}

impl Setup {
    pub fn new(config: &Config, settings: Arc<SettingsService>, listen: CurrentListen) -> Self {
        Self {
            store: SetupStore::new(settings.clone()),
            listen,
            plextv: config.plextv_url.clone(),
            settings,
            tests: watch::Sender::new(TestArrivals::default()),
            tautulli_changes: Mutex::new(()),
        }
    }

    /// A test notification arrived at the webhook route (answered 2xx, not stored).
    pub fn note_test_notification(&self, source: Source) {
        let (at, at_wall) = (Instant::now(), Utc::now());
        self.tests.send_modify(|arrivals| {
            let count = arrivals.count(source) + 1;
            arrivals
                .by_source
                .insert(source, Arrival { count, at, at_wall });
        });
    }

    fn webhook_token(&self, source: Source) -> Result<Secret, SetupError> {
        self.settings.webhook_token(source.as_str()).ok_or_else(|| {
            SetupError::Internal(format!("no webhook token for {}", source.as_str()))
        })
    }

    /// The base a media server should call: the one given, else the last one saved, else
    /// the listener's own address.
    async fn callback_base(&self, given: Option<&str>) -> Result<Url, SetupError> {
        const EXAMPLE: &str = "http://192.168.1.10:3857";
        if let Some(text) = given.filter(|t| !t.trim().is_empty()) {
            return urls::parse_base("callback_base", EXAMPLE, text);
        }
        let saved = self.store.read().await?;
        match saved.callback_base {
            Some(text) => urls::parse_base("callback_base", EXAMPLE, &text),
            None => urls::listener_base(self.listen.get()),
        }
    }

    /// Keeps the listener's new address in the settings file's configuration layer, so the
    /// next start listens there too.
    pub async fn remember_listen(&self, listen: SocketAddr) -> Result<(), SetupError> {
        self.store
            .update_config(move |config| config.listen = Some(listen))
            .await
    }
}

//! The main HTTP listener as something that can move. A move binds the new address first;
//! only when that worked (and the caller has saved the choice) is the new listener served
//! and the old one told to stop: it accepts nothing more, and its requests in flight — the
//! very request that asked for the move among them — finish. Moving between addresses that
//! overlap (`127.0.0.1:3857` → `0.0.0.0:3857`) cannot bind first: there the old socket is
//! closed, the new one bound, and the old one taken back if that failed.

use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::addresses::{overlaps, reachable_from_here};
use super::{bind_error, CurrentListen, ListenChanged, ListenError};

/// How long a stopped listener may take to close its socket (it only leaves a `select!`).
const RELEASE_WAIT: Duration = Duration::from_secs(2);

pub struct MainListener {
    current: CurrentListen,
    locked_by: Option<&'static str>,
    /// The engine's stop; every server's own stop is a child of it.
    stop: CancellationToken,
    servers: Mutex<Servers>,
    /// One move at a time.
    changes: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Servers {
    current: Option<Running>,
    /// Servers told to stop that may still be finishing requests.
    draining: Vec<JoinHandle<()>>,
}

struct Running {
    stop: CancellationToken,
    task: JoinHandle<()>,
    /// Fires once the listening socket is closed.
    released: oneshot::Receiver<()>,
}

/// What a move turned out to need.
pub enum Prepared<'a> {
    /// The app already listens there.
    Unchanged(ListenChanged),
    /// The new address is bound; [`Pending::commit`] switches, [`Pending::abandon`] does not.
    Pending(Pending<'a>),
}

/// A move with its new address bound, holding off every other move until it is settled.
pub struct Pending<'a> {
    owner: &'a MainListener,
    _one_at_a_time: tokio::sync::MutexGuard<'a, ()>,
    previous: SocketAddr,
    wanted: SocketAddr,
    bound: TcpListener,
    router: Router,
    /// The previous listener was closed already, to free an overlapping address.
    released_previous: bool,
}

impl MainListener {
    /// `stop` is the engine's HTTP stop; `locked_by` names what fixes the address, if any.
    pub fn new(
        current: CurrentListen,
        locked_by: Option<&'static str>,
        stop: CancellationToken,
    ) -> Self {
        Self {
            current,
            locked_by,
            stop,
            servers: Mutex::new(Servers::default()),
            changes: tokio::sync::Mutex::new(()),
        }
    }

    pub fn current(&self) -> &CurrentListen {
        &self.current
    }

    /// The environment variable or flag that fixes the address (a move is refused).
    pub fn locked_by(&self) -> Option<&'static str> {
        self.locked_by
    }

    /// Serves `router` on `listener` from now on; a server before it is told to stop.
    pub fn serve(&self, listener: TcpListener, router: Router) {
        let stop = self.stop.child_token();
        let (released_tx, released) = oneshot::channel();
        let task = tokio::spawn(crate::api::serve_releasing(
            listener,
            router,
            crate::api::Limits::default(),
            stop.clone().cancelled_owned(),
            move || {
                let _ = released_tx.send(());
            },
        ));
        let mut servers = self.servers();
        servers.draining.retain(|task| !task.is_finished());
        if let Some(previous) = servers.current.replace(Running {
            stop,
            task,
            released,
        }) {
            previous.stop.cancel();
            servers.draining.push(previous.task);
        }
    }

    /// Binds `wanted` for a move (unless the app already listens there). On failure the app
    /// still listens where it did, except for [`ListenError::Lost`].
    pub async fn prepare(
        &self,
        wanted: SocketAddr,
        router: Router,
    ) -> Result<Prepared<'_>, ListenError> {
        let one_at_a_time = self.changes.lock().await;
        let previous = self.current.get();
        if wanted == previous {
            return Ok(Prepared::Unchanged(changed(previous, previous, false)));
        }
        let (bound, released_previous) = match TcpListener::bind(wanted).await {
            Ok(bound) => (bound, false),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && overlaps(previous, wanted) => {
                self.release_current().await;
                match TcpListener::bind(wanted).await {
                    Ok(bound) => (bound, true),
                    Err(e) => {
                        self.take_back(previous, wanted, router, &e).await?;
                        return Err(bind_error(wanted, &e));
                    }
                }
            }
            Err(e) => return Err(bind_error(wanted, &e)),
        };
        Ok(Prepared::Pending(Pending {
            owner: self,
            _one_at_a_time: one_at_a_time,
            previous,
            wanted,
            bound,
            router,
            released_previous,
        }))
    }

    /// Every server task, the current one and those still finishing: for the engine's stop.
    pub fn take_servers(&self) -> Vec<JoinHandle<()>> {
        let mut servers = self.servers();
        let mut tasks: Vec<JoinHandle<()>> = servers.draining.drain(..).collect();
        if let Some(running) = servers.current.take() {
            tasks.push(running.task);
        }
        tasks
    }

    /// Stops accepting on the current address and waits until its socket is closed.
    async fn release_current(&self) {
        let running = self.servers().current.take();
        if let Some(running) = running {
            running.stop.cancel();
            let _ = tokio::time::timeout(RELEASE_WAIT, running.released).await;
            self.servers().draining.push(running.task);
        }
    }

    /// Listens on `previous` again after a failed move between overlapping addresses.
    async fn take_back(
        &self,
        previous: SocketAddr,
        wanted: SocketAddr,
        router: Router,
        why: &std::io::Error,
    ) -> Result<(), ListenError> {
        match TcpListener::bind(previous).await {
            Ok(listener) => {
                self.serve(listener, router);
                Ok(())
            }
            Err(again) => {
                tracing::error!("the listener could not move to {wanted} ({why}) nor stay on {previous} ({again})");
                Err(ListenError::Lost {
                    wanted,
                    previous,
                    reason: why.to_string(),
                })
            }
        }
    }

    fn servers(&self) -> MutexGuard<'_, Servers> {
        self.servers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Pending<'_> {
    pub fn wanted(&self) -> SocketAddr {
        self.wanted
    }

    /// Serves the new address and stops the old listener; its open requests finish.
    pub fn commit(self) -> ListenChanged {
        let Pending {
            owner,
            previous,
            wanted,
            bound,
            router,
            ..
        } = self;
        owner.serve(bound, router);
        owner.current.set(wanted);
        tracing::info!(%previous, listen = %wanted, "the HTTP listener moved");
        changed(previous, wanted, true)
    }

    /// Keeps the old address: the new socket is closed (and the old one taken back if it
    /// had to be freed).
    pub async fn abandon(self) -> Result<(), ListenError> {
        let Pending {
            owner,
            previous,
            wanted,
            bound,
            router,
            released_previous,
            ..
        } = self;
        drop(bound);
        if released_previous {
            let why = std::io::Error::other("the move was abandoned");
            owner.take_back(previous, wanted, router, &why).await?;
        }
        Ok(())
    }
}

fn changed(previous: SocketAddr, listen: SocketAddr, changed: bool) -> ListenChanged {
    ListenChanged {
        previous: previous.to_string(),
        listen: listen.to_string(),
        url: format!("http://{}/", reachable_from_here(listen)),
        changed,
    }
}

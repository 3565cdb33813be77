//! The HTTP listener and the optional WebSocket-only port: bound before anything else starts
//! (a taken port fails fast), served until the engine's stop, then given time to finish.
//! The main listener is handed to the engine's `MainListener`, which can move it later;
//! the WebSocket-only port stays where it started.

use std::net::SocketAddr;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{EngineError, EngineHandle};
use crate::config::Config;

/// The HTTP listener and the optional WebSocket-only one, bound before anything starts.
pub(super) struct Listeners {
    main: tokio::net::TcpListener,
    pub(super) listen: SocketAddr,
    ws: Option<tokio::net::TcpListener>,
    pub(super) ws_addr: Option<SocketAddr>,
}

impl Listeners {
    pub(super) async fn bind(config: &Config) -> Result<Self, EngineError> {
        let main = bind(config.listen).await?;
        let listen = main.local_addr().map_err(|source| EngineError::Bind {
            addr: config.listen,
            source,
        })?;
        // The optional WebSocket-only port, on the same interface as the main listener.
        let ws = match config.ws_port {
            Some(port) => Some(bind(SocketAddr::new(config.listen.ip(), port)).await?),
            None => None,
        };
        let ws_addr = ws.as_ref().and_then(|l| l.local_addr().ok());
        Ok(Self {
            main,
            listen,
            ws,
            ws_addr,
        })
    }

    /// Serves the API (and the WebSocket port) until `stop`, then lets open requests end.
    /// Returns the WebSocket port's server; the main one belongs to the engine's listener.
    pub(super) fn serve(
        self,
        handle: &EngineHandle,
        stop: &CancellationToken,
    ) -> Vec<JoinHandle<()>> {
        let mut servers = Vec::new();
        if let Some(ws) = self.ws {
            let app = crate::api::ws_router(handle.clone());
            let stop = stop.clone();
            servers.push(tokio::spawn(crate::api::serve(
                ws,
                app,
                crate::api::Limits::default(),
                stop.cancelled_owned(),
            )));
        }
        handle.serve_main(self.main);
        servers
    }
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, EngineError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AddrInUse => EngineError::PortInUse {
                ip: addr.ip(),
                port: addr.port(),
            },
            _ => EngineError::Bind { addr, source },
        })
}

//! Where events enter the live view: the ingest path hands over each event it made durable
//! (published, spooled or stored directly) the moment it did, and in external mode the
//! stream feed adds what other engines published. The hub's dedup makes a second sight of
//! the same event a no-op, so the two may overlap.

use std::sync::Arc;

use super::LiveHub;
use crate::event::{MediaEvent, Origin};
use crate::metrics::{ms_since, Metrics};

#[derive(Clone)]
pub struct LiveTap {
    hub: LiveHub,
    metrics: Arc<Metrics>,
}

impl LiveTap {
    pub fn new(hub: LiveHub, metrics: Arc<Metrics>) -> Self {
        Self { hub, metrics }
    }

    /// Shows an event that was just made durable; returns whether it was news. History read
    /// back from a source (an import) is not playing now and is passed over.
    pub fn show(&self, event: MediaEvent) -> bool {
        if event.origin == Origin::Import {
            return false;
        }
        let received_at = event.received_at;
        let shown = self.hub.observe(event);
        if shown {
            self.metrics.to_live.record_ms(ms_since(received_at));
        }
        shown
    }
}

//! The live path as a client sees it: a WebSocket on `/api/v1/ws` that notes when each
//! `{"type":"event"}` message arrives, so the time from a webhook's 2xx to its event on the
//! socket can be measured.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::StreamExt;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

#[derive(Default)]
struct Seen {
    /// When each event id first arrived.
    events: HashMap<String, Instant>,
    /// Messages by type.
    types: BTreeMap<String, u64>,
    closed: Option<String>,
}

pub struct LiveFeed {
    seen: Arc<Mutex<Seen>>,
    task: JoinHandle<()>,
}

/// How the acknowledged events showed up on the socket.
pub struct Matched {
    /// 2xx to the event's message, in milliseconds (0 when the message came first).
    pub latencies_ms: Vec<f64>,
    pub missing: usize,
    pub before_ack: usize,
}

impl LiveFeed {
    pub async fn connect(url: &str) -> Result<Self, String> {
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .map_err(|e| format!("cannot open the WebSocket: {e}"))?;
        let seen = Arc::new(Mutex::new(Seen::default()));
        let shared = Arc::clone(&seen);
        let task = tokio::spawn(async move {
            let (_sink, mut stream) = socket.split();
            let closed = loop {
                let message = match stream.next().await {
                    Some(Ok(message)) => message,
                    Some(Err(e)) => break e.to_string(),
                    None => break "closed by the server".to_string(),
                };
                let at = Instant::now();
                if let Message::Text(text) = message {
                    note(&shared, text.as_str(), at);
                }
            };
            if let Ok(mut seen) = shared.lock() {
                seen.closed = Some(closed);
            }
        });
        Ok(Self { seen, task })
    }

    /// Matches acknowledged events with their messages.
    pub fn matched(&self, acked: &[(String, Instant)]) -> Matched {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let mut result = Matched {
            latencies_ms: Vec::with_capacity(acked.len()),
            missing: 0,
            before_ack: 0,
        };
        for (id, acked_at) in acked {
            match seen.events.get(id) {
                None => result.missing += 1,
                Some(at) => {
                    if at < acked_at {
                        result.before_ack += 1;
                    }
                    let ms = at.saturating_duration_since(*acked_at).as_secs_f64() * 1000.0;
                    result.latencies_ms.push(ms);
                }
            }
        }
        result
    }

    /// Waits until every acknowledged event has reached the socket, or `within` passed
    /// (events that never arrive are reported as missing by [`Self::matched`]).
    pub async fn settle(&self, acked: &[(String, Instant)], within: std::time::Duration) {
        let deadline = Instant::now() + within;
        while self.matched(acked).missing > 0 && Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// Messages received by type, and why the socket closed if it did.
    pub fn summary(&self) -> (BTreeMap<String, u64>, Option<String>) {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        (seen.types.clone(), seen.closed.clone())
    }
}

impl Drop for LiveFeed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Records one message. `data` of an event is the `MediaEvent`; a list of them is taken too.
fn note(seen: &Mutex<Seen>, text: &str, at: Instant) {
    let Ok(message) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let kind = message["type"].as_str().unwrap_or("?").to_string();
    let Ok(mut seen) = seen.lock() else {
        return;
    };
    if kind == "event" {
        let data = &message["data"];
        let events = match data.as_array() {
            Some(list) => list.iter().collect(),
            None => vec![data],
        };
        for event in events {
            if let Some(id) = event["event_id"].as_str() {
                seen.events.entry(id.to_string()).or_insert(at);
            }
        }
    }
    *seen.types.entry(kind).or_insert(0) += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_noted_once_with_their_first_arrival() {
        let seen = Mutex::new(Seen::default());
        let first = Instant::now();
        note(&seen, r#"{"type":"event","data":{"event_id":"a"}}"#, first);
        note(
            &seen,
            r#"{"type":"event","data":[{"event_id":"a"},{"event_id":"b"}]}"#,
            Instant::now(),
        );
        note(&seen, r#"{"type":"health","data":{}}"#, Instant::now());
        let seen = seen.lock().unwrap();
        assert_eq!(seen.events["a"], first);
        assert!(seen.events.contains_key("b"));
        assert_eq!(seen.types["event"], 2);
        assert_eq!(seen.types["health"], 1);
    }
}

//! The open connections of one listener: a bounded number of slots, each with its
//! [`Activity`] — when a byte last moved, whether a request is being handled — from which
//! the idle timeout and the choice of whom to close at the limit follow.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// How long a connection must have been quiet, with no request in hand, before it may be
/// closed to make room at the limit. Shorter would cut a client of a burst whose request the
/// server has not read yet; an idle or trickling connection stays quiet far longer.
const EVICTABLE_AFTER: Duration = Duration::from_secs(1);

enum Eviction {
    Asked,
    NotBefore(Instant),
    NoCandidate,
}

pub struct Connections {
    slots: Arc<Semaphore>,
    open: Mutex<HashMap<u64, Arc<Activity>>>,
    next_id: AtomicU64,
    /// The zero of every [`Activity`]'s clock.
    epoch: Instant,
}

impl Connections {
    pub fn new(max: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(max.max(1))),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }

    /// A slot for a new connection. At the limit, the quietest connection that has handled
    /// no request and moved no byte for [`EVICTABLE_AFTER`] is asked to close; until there
    /// is one, this waits for any connection to end. `None` only if the slots were closed,
    /// which nothing does.
    pub async fn admit(self: &Arc<Self>) -> Option<Slot> {
        let permit = loop {
            if let Ok(permit) = self.slots.clone().try_acquire_owned() {
                break permit;
            }
            let look_again = match self.evict_quietest() {
                // Its slot is free as soon as it has gone.
                Eviction::Asked => None,
                Eviction::NotBefore(at) => Some(at),
                // Every connection is handling a request; one may soon fall quiet.
                Eviction::NoCandidate => Some(Instant::now() + EVICTABLE_AFTER),
            };
            let freed = self.slots.clone().acquire_owned();
            match look_again {
                None => break freed.await.ok()?,
                Some(at) => tokio::select! {
                    permit = freed => break permit.ok()?,
                    () = tokio::time::sleep_until(at) => continue,
                },
            }
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(Activity::new(self.epoch));
        self.lock().insert(id, activity.clone());
        Some(Slot {
            connections: self.clone(),
            id,
            activity,
            _permit: permit,
        })
    }

    fn evict_quietest(&self) -> Eviction {
        let open = self.lock();
        let quietest = open
            .values()
            .filter(|a| !a.is_handling() && !a.evict.is_cancelled())
            // One that never carried a request first: closing a kept-alive one races with
            // its client sending the next request on it.
            .min_by_key(|a| {
                (
                    a.served.load(Ordering::Relaxed),
                    a.last_ms.load(Ordering::Relaxed),
                )
            });
        let Some(activity) = quietest else {
            return Eviction::NoCandidate;
        };
        let evictable_at = activity.last() + EVICTABLE_AFTER;
        if Instant::now() < evictable_at {
            return Eviction::NotBefore(evictable_at);
        }
        activity.evict.cancel();
        Eviction::Asked
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Activity>>> {
        // The map stays consistent even if a holder panicked: each change is one call.
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One connection's place; dropping it frees the place.
pub struct Slot {
    connections: Arc<Connections>,
    id: u64,
    activity: Arc<Activity>,
    _permit: OwnedSemaphorePermit,
}

impl Slot {
    pub fn activity(&self) -> Arc<Activity> {
        self.activity.clone()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.connections.lock().remove(&self.id);
    }
}

pub struct Activity {
    epoch: Instant,
    /// Milliseconds after `epoch` when a byte last moved or a handler last finished.
    last_ms: AtomicU64,
    handling: AtomicUsize,
    /// Whether it has carried a request.
    served: AtomicBool,
    evict: CancellationToken,
}

impl Activity {
    fn new(epoch: Instant) -> Self {
        let activity = Self {
            epoch,
            last_ms: AtomicU64::new(0),
            handling: AtomicUsize::new(0),
            served: AtomicBool::new(false),
            evict: CancellationToken::new(),
        };
        activity.touch();
        activity
    }

    fn touch(&self) {
        let ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.epoch + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }

    fn is_handling(&self) -> bool {
        self.handling.load(Ordering::Acquire) > 0
    }

    /// Marks a request as being handled until the guard is dropped.
    pub fn handling(self: &Arc<Self>) -> Handling {
        self.handling.fetch_add(1, Ordering::AcqRel);
        self.served.store(true, Ordering::Relaxed);
        Handling(self.clone())
    }

    /// Completes when the listener needs this connection's slot for a new one.
    pub async fn evicted(&self) {
        self.evict.cancelled().await
    }

    /// Completes once no byte has moved for `idle` while no request was being handled.
    pub async fn until_idle(self: Arc<Self>, idle: Duration) {
        loop {
            if self.is_handling() {
                // A handler may wait on storage for long; its end counts as activity.
                tokio::time::sleep(idle).await;
                continue;
            }
            let deadline = self.last() + idle;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A request in hand; its end counts as activity, so the idle time starts from there.
pub struct Handling(Arc<Activity>);

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.touch();
        self.0.handling.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The connection's socket, noting in its [`Activity`] every read or write that moved bytes.
pub struct ActivityIo<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S> ActivityIo<S> {
    pub fn new(inner: S, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ActivityIo<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ActivityIo<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATIENCE: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn at_the_limit_the_quietest_idle_connection_makes_room_once_quiet_long_enough() {
        let connections = Arc::new(Connections::new(2));
        let older = connections.admit().await.unwrap();
        let newer = connections.admit().await.unwrap();
        let asked = Instant::now();
        // The older one stops hearing anything; the newer keeps talking.
        let talking = {
            let newer = newer.activity();
            tokio::spawn(async move {
                loop {
                    newer.touch();
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        };
        let third = {
            let connections = connections.clone();
            tokio::spawn(async move { connections.admit().await.map(|s| s.id) })
        };
        // The older one is asked to go once quiet long enough; then the third gets its slot.
        tokio::time::timeout(PATIENCE, older.activity().evicted())
            .await
            .expect("the older connection is evicted");
        assert!(asked.elapsed() >= EVICTABLE_AFTER - Duration::from_millis(2));
        assert!(!newer.activity.evict.is_cancelled());
        talking.abort();
        drop(older);
        let id = tokio::time::timeout(PATIENCE, third)
            .await
            .expect("the third is admitted")
            .unwrap();
        assert_eq!(id, Some(2));
    }

    #[tokio::test]
    async fn a_connection_handling_a_request_is_never_evicted() {
        let connections = Arc::new(Connections::new(1));
        let busy = connections.admit().await.unwrap();
        let handling = busy.activity().handling();
        let mut waiting = {
            let connections = connections.clone();
            tokio::spawn(async move { connections.admit().await.is_some() })
        };
        // Quiet for longer than an idle connection needs to be evicted, but busy.
        let early = tokio::time::timeout(EVICTABLE_AFTER * 2, &mut waiting).await;
        assert!(early.is_err(), "no slot while the only one is busy");
        assert!(!busy.activity.evict.is_cancelled());
        drop(handling);
        drop(busy);
        let admitted = tokio::time::timeout(PATIENCE, waiting).await;
        assert!(admitted.expect("admitted once the slot is free").unwrap());
    }

    #[tokio::test]
    async fn idleness_counts_from_the_last_activity_and_not_while_handling() {
        let idle_after = Duration::from_millis(100);
        let connections = Arc::new(Connections::new(1));
        let slot = connections.admit().await.unwrap();
        let activity = slot.activity();
        let handling = activity.handling();
        let idle = activity.clone().until_idle(idle_after);
        tokio::pin!(idle);
        let early = tokio::time::timeout(idle_after * 4, &mut idle).await;
        assert!(early.is_err(), "a request in hand is not idle");
        let finished = Instant::now();
        drop(handling);
        tokio::time::timeout(PATIENCE, &mut idle)
            .await
            .expect("idle once the request is done");
        // The clock keeps whole milliseconds.
        assert!(finished.elapsed() >= idle_after - Duration::from_millis(2));
    }
}

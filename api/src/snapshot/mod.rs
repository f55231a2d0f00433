//! The process's catalogue snapshot and how it stays fresh.
//!
//! Reads of the public catalogue are answered from an immutable [`Snapshot`] with no database
//! round trip. It is replaced (never changed) when:
//! - this process writes (any successful write marks it dirty, see [`invalidate`]): the next
//!   catalogue read refreshes it first, so a process always reads its own writes;
//! - another process writes: on PostgreSQL the write's `NOTIFY` wakes [`listener`] at once;
//!   on both backends the watcher reads the catalogue's version at least every
//!   `CATALOGUE_MAX_STALENESS_MS`, which bounds staleness when a notification is lost;
//! - seats or communities change (enrolments and memberships do not bump the version: they
//!   are too frequent): the watcher reloads that volatile part on each tick and swaps only
//!   when it differs.

pub mod invalidate;
mod listener;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use persistence::catalogue::snapshot::{Snapshot, Volatile};
use persistence::{Backend, Store};
use tokio::sync::Notify;

use crate::http::rendered::Rendered;
use crate::http::{ApiError, db};

/// Rendered answers kept per snapshot, by count and by JSON bytes, before the cache starts
/// again: bounds memory when clients send many different queries (compressed copies add
/// about a fifth more).
const RENDERED_MAX: usize = 512;
const RENDERED_MAX_BYTES: usize = 16 * 1024 * 1024;

/// A snapshot and the answers rendered from it.
pub struct Live {
    pub snapshot: Snapshot,
    rendered: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    answers: HashMap<String, Arc<Rendered>>,
    bytes: usize,
}

impl Live {
    fn new(snapshot: Snapshot) -> Self {
        Self {
            snapshot,
            rendered: Mutex::new(Cache::default()),
        }
    }

    /// The answer cached under `key`, rendering it with `render` the first time.
    pub fn rendered(
        &self,
        key: &str,
        render: impl FnOnce(&Snapshot) -> Result<Rendered, ApiError>,
    ) -> Result<Arc<Rendered>, ApiError> {
        if let Some(r) = self.lock().answers.get(key) {
            return Ok(Arc::clone(r));
        }
        let r = Arc::new(render(&self.snapshot)?);
        let size = r.json_bytes().len();
        let mut cache = self.lock();
        if cache.answers.len() >= RENDERED_MAX || cache.bytes + size > RENDERED_MAX_BYTES {
            *cache = Cache::default();
        }
        cache.bytes += size;
        cache.answers.insert(key.to_owned(), Arc::clone(&r));
        Ok(r)
    }

    /// The answer cached under `key` (rendered by `render` the first time), as `req` asks
    /// for it: 304, or the body in the coding it accepts.
    pub fn respond(
        &self,
        req: &actix_web::HttpRequest,
        key: &str,
        cache_control: &'static str,
        render: impl FnOnce(&Snapshot) -> Result<Rendered, ApiError>,
    ) -> Result<actix_web::HttpResponse, ApiError> {
        Ok(self.rendered(key, render)?.respond(req, cache_control))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic while holding the lock leaves a usable map: recover it.
        self.rendered.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub struct Catalogue {
    current: ArcSwap<Live>,
    /// Writes this process has made, and how many of them the current snapshot includes:
    /// a refresh includes every write counted before it read the database.
    written: AtomicU64,
    included: AtomicU64,
    refreshing: tokio::sync::Mutex<()>,
    /// When the snapshot was last found current (or loaded): its age, for `/metrics`.
    confirmed_at: Mutex<Instant>,
    store: Store,
}

impl Catalogue {
    /// Loads the first snapshot. Blocking: call from a blocking context.
    pub fn load(store: Store) -> anyhow::Result<Self> {
        let snapshot = store.with(Snapshot::load)?;
        Ok(Self {
            current: ArcSwap::from_pointee(Live::new(snapshot)),
            written: AtomicU64::new(0),
            included: AtomicU64::new(0),
            refreshing: tokio::sync::Mutex::new(()),
            confirmed_at: Mutex::new(Instant::now()),
            store,
        })
    }

    /// Starts keeping `this` fresh: a watcher task on the current Tokio runtime and, on
    /// PostgreSQL, a listener thread. Both stop once `this` is dropped.
    pub fn watch(this: &Arc<Self>, max_staleness: Duration) {
        let wake = Arc::new(Notify::new());
        if this.store.url().backend() == Backend::Postgres {
            listener::spawn(this.store.url().clone(), Arc::downgrade(&wake));
        }
        tokio::spawn(watcher(Arc::downgrade(this), wake, max_staleness));
    }

    /// The current snapshot, refreshed first when this process has written since it was
    /// built. Should the refresh fail (the database is away), the last snapshot answers.
    pub async fn live(&self) -> Arc<Live> {
        let written = self.written.load(Ordering::Acquire);
        if self.included.load(Ordering::Acquire) < written
            && let Err(e) = self.refresh(false).await
        {
            // Readers do not queue retrying (each would wait for the pool's timeout): the
            // watcher retries on its next tick and catches up when the database returns.
            self.included.fetch_max(written, Ordering::AcqRel);
            tracing::warn!(error = %e, "catalogue snapshot refresh failed; serving the last one");
        }
        self.current.load_full()
    }

    /// The catalogue version the snapshot holds, and how long since it was last confirmed
    /// against the database.
    pub fn freshness(&self) -> (i64, Duration) {
        let confirmed = *self.confirmed_at.lock().unwrap_or_else(|e| e.into_inner());
        (self.current.load().snapshot.version, confirmed.elapsed())
    }

    /// Marks the snapshot stale: the next read refreshes it. Call after the write commits.
    pub fn mark_dirty(&self) {
        self.written.fetch_add(1, Ordering::AcqRel);
    }

    /// Checks the version and reloads what changed. A reader's refresh (`always` false) is
    /// skipped when one that began after its writes has included them meanwhile.
    async fn refresh(&self, always: bool) -> Result<(), ApiError> {
        let asked = self.written.load(Ordering::Acquire);
        let _one_at_a_time = self.refreshing.lock().await;
        if !always && self.included.load(Ordering::Acquire) >= asked {
            return Ok(());
        }
        // Every write counted now has committed: the reads below see it.
        let target = self.written.load(Ordering::Acquire);
        self.refresh_locked().await?;
        self.included.fetch_max(target, Ordering::AcqRel);
        Ok(())
    }

    async fn refresh_locked(&self) -> Result<(), ApiError> {
        let live = self.current.load_full();
        let known = live.snapshot.version;
        let fresh = db(&self.store, move |conn| {
            if persistence::catalogue::version::current(conn)? == known {
                Ok(Fresh::Volatile(Volatile::load(conn)?))
            } else {
                Ok(Fresh::All(Snapshot::load(conn)?))
            }
        })
        .await?;
        match fresh {
            Fresh::All(snapshot) => {
                tracing::debug!(version = snapshot.version, "catalogue snapshot reloaded");
                self.current.store(Arc::new(Live::new(snapshot)));
            }
            Fresh::Volatile(v) if &v != live.snapshot.volatile() => {
                let snapshot = live.snapshot.with_volatile(v);
                self.current.store(Arc::new(Live::new(snapshot)));
            }
            Fresh::Volatile(_) => {}
        }
        *self.confirmed_at.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        Ok(())
    }
}

enum Fresh {
    All(Snapshot),
    Volatile(Volatile),
}

/// Refreshes on each notification, and at least every `max_staleness`.
async fn watcher(catalogue: Weak<Catalogue>, wake: Arc<Notify>, max_staleness: Duration) {
    loop {
        let _ = tokio::time::timeout(max_staleness, wake.notified()).await;
        let Some(catalogue) = catalogue.upgrade() else {
            return;
        };
        if let Err(e) = catalogue.refresh(true).await {
            tracing::warn!(error = %e, "catalogue snapshot refresh failed; serving the last one");
        }
    }
}

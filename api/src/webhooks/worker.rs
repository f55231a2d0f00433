//! The delivery worker every API process runs: fan new events out, claim due deliveries
//! under a lease, send them concurrently, record the outcomes, and sleep until woken (by a
//! write of this process, PostgreSQL's `NOTIFY`, or the poll interval). It has a pool of its
//! own, so it can never hold a connection requests need.

use std::sync::Arc;
use std::time::Duration;

use domain::webhook::after_attempt;
use futures_util::StreamExt;
use persistence::Store;
use persistence::clock::now;
use persistence::webhooks::worker::{self, AttemptOutcome, Claim};

use super::Webhooks;
use super::send;

/// Events fanned out per transaction.
const FAN_OUT: i64 = 500;
/// Deliveries a worker has in flight at once.
const SENDS_AT_ONCE: usize = 32;
/// How much longer than a receiver's timeout a claim is held.
const LEASE_MARGIN: Duration = Duration::from_secs(30);

async fn blocking<T: Send + 'static>(
    store: &Store,
    f: impl FnOnce(&mut persistence::DbConnection) -> persistence::StoreResult<T> + Send + 'static,
) -> anyhow::Result<T> {
    let store = store.clone();
    Ok(actix_web::rt::task::spawn_blocking(move || store.with(f)).await??)
}

/// Runs until the process ends.
pub async fn run(store: Store, hooks: Arc<Webhooks>) {
    let client = match send::client(&hooks.settings) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhook delivery worker cannot start: no HTTP client");
            return;
        }
    };
    let (batch, coalesce) = (hooks.settings.batch, hooks.settings.coalesce);
    loop {
        match round(&store, &hooks, &client).await {
            Ok(Round { fanned: 0, sent: 0 }) => {
                let _ = tokio::time::timeout(hooks.settings.poll, hooks.wake.notified()).await;
                // Let the events of the next moments come along in the same round.
                tokio::time::sleep(coalesce).await;
            }
            // A full batch: a backlog, sent without pause.
            Ok(r) if r.sent as i64 >= batch => {}
            Ok(_) => tokio::time::sleep(coalesce).await,
            Err(e) => {
                tracing::warn!(error = %e, "webhook delivery round failed; retrying");
                tokio::time::sleep(hooks.settings.poll).await;
            }
        }
    }
}

/// What a round did.
struct Round {
    /// Events fanned out.
    fanned: usize,
    /// Deliveries attempted.
    sent: usize,
}

/// One round: fan out, claim, send, record.
async fn round(store: &Store, hooks: &Webhooks, client: &reqwest::Client) -> anyhow::Result<Round> {
    let mut fanned = 0;
    loop {
        let n = blocking(store, |c| worker::fan_out(c, FAN_OUT, now())).await?;
        fanned += n;
        if n < FAN_OUT as usize {
            break;
        }
    }
    let settings = &hooks.settings;
    let lease = chrono::Duration::from_std(settings.timeout + LEASE_MARGIN)?;
    let batch = settings.batch;
    let claims: Vec<Claim> = blocking(store, move |c| {
        let at = now();
        worker::claim(c, batch, at, at + lease)
    })
    .await?;
    if claims.is_empty() {
        return Ok(Round { fanned, sent: 0 });
    }
    let policy = settings.policy;
    // A few at a time, in claim order: a receiver is not flooded with hundreds of
    // connections at once, and the sends' work is spread out instead of bursting.
    let sends: Vec<_> = claims
        .iter()
        .cloned()
        .map(|c| {
            let client = client.clone();
            async move {
                let attempted_at = now();
                (attempted_at, send::attempt(&client, &c, policy).await)
            }
        })
        .collect();
    let attempts: Vec<_> = futures_util::stream::iter(sends)
        .buffered(SENDS_AT_ONCE)
        .collect()
        .await;
    let outcomes: Vec<AttemptOutcome> = claims
        .iter()
        .zip(attempts)
        .map(|(c, (attempted_at, a))| AttemptOutcome {
            delivery_id: c.delivery_id,
            endpoint_id: c.endpoint_id,
            attempted_at,
            status_code: a.status_code,
            latency_ms: a.latency_ms,
            error: a.error,
            excerpt: a.excerpt,
            next: after_attempt(
                u32::try_from(c.attempts + 1).unwrap_or(u32::MAX),
                a.response,
                jitter(),
            ),
            lease_until: c.lease_until,
        })
        .collect();
    hooks.counted(&outcomes);
    let disable_after = chrono::Duration::from_std(settings.disable_after)?;
    let disabled = blocking(store, move |c| {
        worker::record(c, &outcomes, disable_after, now())
    })
    .await?;
    for id in disabled {
        tracing::warn!(webhook = %id, "webhook endpoint disabled");
    }
    Ok(Round {
        fanned,
        sent: claims.len(),
    })
}

/// A random fraction in [0, 1), for the retry jitter.
fn jitter() -> f64 {
    let mut b = [0u8; 4];
    match getrandom::fill(&mut b) {
        Ok(()) => f64::from(u32::from_le_bytes(b)) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.5,
    }
}

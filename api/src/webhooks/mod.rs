//! Webhooks on the HTTP side: the delivery worker ([`worker`]), how an attempt is signed
//! and sent ([`send`]), and the handle requests use to wake the worker and `/metrics` uses
//! to count deliveries.

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next as Following;
use actix_web::web;
use domain::webhook::Next;
use persistence::webhooks::worker::AttemptOutcome;
use persistence::{DatabaseUrl, Store};
use prometheus::{IntCounterVec, Opts, Registry};
use tokio::sync::Notify;

use crate::config::webhooks::WebhookSettings;

pub mod payloads;
pub mod send;
pub mod worker;

/// The `application_name` of the webhook listener's connection.
pub const LISTENER_NAME: &str = "academy-webhooks-listener";

/// Shared by the worker and the requests of one process.
pub struct Webhooks {
    pub settings: WebhookSettings,
    /// Wakes the worker: a write of this process, or a `NOTIFY` of any.
    pub wake: Notify,
    /// `webhook_deliveries_total{outcome}`: delivered, retrying, failed.
    pub deliveries: IntCounterVec,
}

impl Webhooks {
    pub fn new(settings: WebhookSettings, registry: &Registry) -> anyhow::Result<Self> {
        let deliveries = IntCounterVec::new(
            Opts::new(
                "webhook_deliveries_total",
                "Delivery attempts made by this process, by outcome: delivered (2xx), retrying (failed, tried again later), failed (every attempt failed, or 410 Gone).",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(deliveries.clone()))?;
        Ok(Self {
            settings,
            wake: Notify::new(),
            deliveries,
        })
    }

    pub fn counted(&self, outcomes: &[AttemptOutcome]) {
        for o in outcomes {
            let outcome = match o.next {
                Next::Delivered => "delivered",
                Next::RetryIn(_) => "retrying",
                Next::GiveUp | Next::Gone => "failed",
            };
            self.deliveries.with_label_values(&[outcome]).inc();
        }
    }

    /// Starts this process's worker (unless `WEBHOOKS_WORKER=0`) with a pool of its own,
    /// and on PostgreSQL the thread that hears other processes' events.
    pub fn start(
        self: &Arc<Self>,
        url: &DatabaseUrl,
        pool: &persistence::PoolOptions,
    ) -> anyhow::Result<()> {
        if !self.settings.worker {
            return Ok(());
        }
        // A queue worker's connections: a database crash can only make it fan out, claim
        // or send again what it had done (deliveries are at least once), so its commits need
        // not wait for the WAL flush.
        let options = persistence::PoolOptions {
            max_size: self.settings.pool_size,
            connect_timeout: pool.connect_timeout,
            queue_worker: true,
            ..persistence::PoolOptions::default()
        };
        if url.backend() == persistence::Backend::Postgres {
            let (url, weak) = (url.clone(), Arc::downgrade(self));
            std::thread::Builder::new()
                .name("webhooks-listener".into())
                .spawn(move || {
                    persistence::db::listener::run(
                        &url,
                        (persistence::webhooks::CHANNEL, LISTENER_NAME),
                        || weak.strong_count() > 0,
                        || {
                            if let Some(w) = weak.upgrade() {
                                w.wake.notify_one();
                            }
                        },
                    )
                })?;
        }
        // Its pool is opened in the background, so that start-up never waits for it.
        let (hooks, url) = (self.clone(), url.clone());
        tokio::spawn(async move {
            loop {
                let (u, o) = (url.clone(), options.clone());
                match actix_web::rt::task::spawn_blocking(move || Store::connect(&u, &o)).await {
                    Ok(Ok(store)) => return worker::run(store, hooks).await,
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "webhook worker cannot open its pool yet")
                    }
                    Err(e) => tracing::warn!(error = %e, "webhook worker cannot open its pool yet"),
                }
                tokio::time::sleep(hooks.settings.poll.max(std::time::Duration::from_secs(1)))
                    .await;
            }
        });
        Ok(())
    }
}

/// Wakes this process's worker after every write that succeeded: the events it emitted are
/// sent at once, without waiting for a notification or the poll.
pub async fn wake_after_writes(
    req: ServiceRequest,
    next: Following<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let write = !matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
    let hooks = req.app_data::<web::Data<Webhooks>>().cloned();
    let res = next.call(req).await?;
    if write
        && res.status().is_success()
        && let Some(h) = hooks
    {
        h.wake.notify_one();
    }
    Ok(res)
}

//! `/metrics` in the Prometheus text format: request durations by route template, requests
//! in flight, SQL statements per request (the query budget), the connection pool and the
//! catalogue snapshot. Names follow OpenTelemetry's semantic conventions, with Prometheus
//! units and suffixes. One registry per application, so that two in one process (the
//! tests) never share counts. Labels are route templates and methods, never ids: the
//! number of series is bounded by the routes.

pub mod exposure;
pub mod middleware;

pub use exposure::{Gate, MetricsExposure, PATH};
pub use middleware::{current_statements, middleware};

use std::sync::Arc;
use std::time::Duration;

use persistence::db::PoolObserver;
use prometheus::{
    Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

/// OpenTelemetry's default boundaries for `http.server.request.duration`, in seconds.
const DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];
const STATEMENT_BUCKETS: [f64; 12] = [
    0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 12.0, 16.0, 32.0, 64.0,
];

pub struct Metrics {
    registry: Registry,
    pub(crate) duration: HistogramVec,
    pub(crate) in_flight: IntGauge,
    pub(crate) statements: HistogramVec,
    pool: Arc<PoolMetrics>,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    catalogue_version: IntGauge,
    catalogue_age: Gauge,
    outbox: OutboxGauges,
}

/// The outbox across every process, read at each scrape.
struct OutboxGauges {
    queued: IntGauge,
    oldest: Gauge,
    disabled: IntGauge,
    unfanned: IntGauge,
}

/// What the pool reports at each checkout.
pub struct PoolMetrics {
    wait: Histogram,
    timeouts: IntCounter,
}

impl PoolObserver for PoolMetrics {
    fn checked_out(&self, waited: Duration) {
        self.wait.observe(waited.as_secs_f64());
    }

    fn timed_out(&self, waited: Duration) {
        self.timeouts.inc();
        self.wait.observe(waited.as_secs_f64());
    }
}

impl Metrics {
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new();
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "http_server_request_duration_seconds",
                "Duration of HTTP server requests, until the response head is ready.",
            )
            .buckets(DURATION_BUCKETS.to_vec()),
            &[
                "http_route",
                "http_request_method",
                "http_response_status_code",
            ],
        )?;
        let in_flight = IntGauge::new(
            "http_server_active_requests",
            "HTTP server requests being handled now.",
        )?;
        let statements = HistogramVec::new(
            HistogramOpts::new(
                "db_client_statements_per_request",
                "SQL statements (BEGIN and COMMIT included) one HTTP request sent, by route.",
            )
            .buckets(STATEMENT_BUCKETS.to_vec()),
            &["http_route", "http_request_method"],
        )?;
        let pool = Arc::new(PoolMetrics {
            wait: Histogram::with_opts(
                HistogramOpts::new(
                    "db_client_connection_wait_time_seconds",
                    "Time a request waited to check a connection out of the pool.",
                )
                .buckets(DURATION_BUCKETS.to_vec()),
            )?,
            timeouts: IntCounter::new(
                "db_client_connection_timeouts_total",
                "Checkouts that gave up waiting for a connection (answered 503).",
            )?,
        });
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                "db_client_connection_count",
                "Connections of the pool, by state (used or idle).",
            ),
            &["db_client_connection_state"],
        )?;
        let pool_max = IntGauge::new(
            "db_client_connection_max",
            "The most connections the pool opens.",
        )?;
        let catalogue_version = IntGauge::new(
            "catalogue_snapshot_version",
            "Catalogue version this process's in-memory snapshot holds.",
        )?;
        let catalogue_age = Gauge::new(
            "catalogue_snapshot_age_seconds",
            "Seconds since this process last confirmed its catalogue snapshot against the database.",
        )?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        registry.register(Box::new(statements.clone()))?;
        registry.register(Box::new(pool.wait.clone()))?;
        registry.register(Box::new(pool.timeouts.clone()))?;
        registry.register(Box::new(pool_connections.clone()))?;
        registry.register(Box::new(pool_max.clone()))?;
        registry.register(Box::new(catalogue_version.clone()))?;
        registry.register(Box::new(catalogue_age.clone()))?;
        let outbox = OutboxGauges {
            queued: IntGauge::new(
                "webhook_deliveries_queued",
                "Deliveries not yet made, of endpoints not disabled (every process's).",
            )?,
            oldest: Gauge::new(
                "webhook_oldest_undelivered_age_seconds",
                "Age of the oldest delivery not yet made (0 when none).",
            )?,
            disabled: IntGauge::new(
                "webhook_endpoints_disabled",
                "Endpoints disabled after 410 Gone or failing too long.",
            )?,
            unfanned: IntGauge::new(
                "webhook_events_unfanned",
                "Events whose deliveries are not yet created.",
            )?,
        };
        registry.register(Box::new(outbox.queued.clone()))?;
        registry.register(Box::new(outbox.oldest.clone()))?;
        registry.register(Box::new(outbox.disabled.clone()))?;
        registry.register(Box::new(outbox.unfanned.clone()))?;
        Ok(Self {
            registry,
            duration,
            in_flight,
            statements,
            pool,
            pool_connections,
            pool_max,
            catalogue_version,
            catalogue_age,
            outbox,
        })
    }

    /// The registry, for counters kept elsewhere (the webhook worker's).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The observer to give the pool when it is built.
    pub fn pool_observer(&self) -> Arc<dyn PoolObserver> {
        self.pool.clone()
    }

    /// The text exposition, with the gauges read now.
    pub fn render(
        &self,
        pool: persistence::db::PoolState,
        catalogue: &crate::snapshot::Catalogue,
        outbox: Option<&persistence::webhooks::log::OutboxStats>,
    ) -> Result<String, prometheus::Error> {
        if let Some(outbox) = outbox {
            self.outbox.queued.set(outbox.queued);
            self.outbox.disabled.set(outbox.disabled_endpoints);
            self.outbox.unfanned.set(outbox.unfanned_events);
            let oldest = outbox.oldest_queued_at.map_or(0.0, |t| {
                (persistence::clock::now() - t).num_milliseconds().max(0) as f64 / 1000.0
            });
            self.outbox.oldest.set(oldest);
        }
        let used = pool.connections.saturating_sub(pool.idle);
        self.pool_connections
            .with_label_values(&["used"])
            .set(i64::from(used));
        self.pool_connections
            .with_label_values(&["idle"])
            .set(i64::from(pool.idle));
        self.pool_max.set(i64::from(pool.max_size));
        let (version, age) = catalogue.freshness();
        self.catalogue_version.set(version);
        self.catalogue_age.set(age.as_secs_f64());
        TextEncoder::new().encode_to_string(&self.registry.gather())
    }
}

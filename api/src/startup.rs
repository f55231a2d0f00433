//! Building and running the application: connect, migrate, seed, bind, serve.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};
use persistence::Store;
use persistence::db::PoolEvents;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::Tokens;
use crate::auth::authenticate::RevocationCache;
use crate::config::{DEVELOPMENT_JWT_SECRET, Environment, Settings, Signing};
use crate::http::body;
use crate::http::rate_limit::RateLimiters;
use crate::http::routes_table::{self, RouteTable};
use crate::metrics::{Gate, Metrics};
use crate::openapi;
use crate::routes::v1::access::tokens::TokenThrottle;
use crate::routes::v1::learning::enrolment_sync::SyncSettle;
use persistence::access::throttle::Policy;

/// Wraps an `App` in the middleware every response passes through. The last wrapped runs
/// first: compression (gzip or br, as `Accept-Encoding` asks, of every body) → request id → security headers → tracing span → metrics (and the statement count) → CORS → problem normalisation → audit of failed
/// writes → authentication → rate limit → idempotency keys → HEAD as GET → unknown query
/// parameters → catalogue invalidation by writes → waking the webhook worker after writes →
/// panic catching → handler.
#[macro_export]
macro_rules! with_middleware {
    ($app:expr, $cors:expr) => {
        $app.wrap(actix_web_lab::middleware::CatchPanic::default())
            .wrap(actix_web::middleware::from_fn(
                $crate::snapshot::invalidate::middleware,
            ))
            .wrap(actix_web::middleware::from_fn(
                $crate::webhooks::wake_after_writes,
            ))
            .wrap(actix_web::middleware::from_fn(
                $crate::http::routes_table::check_query_and_path,
            ))
            .wrap(actix_web::middleware::from_fn(
                $crate::http::head::middleware,
            ))
            .wrap(actix_web::middleware::from_fn(
                $crate::http::idempotency::middleware,
            ))
            .wrap(actix_web::middleware::from_fn(
                $crate::http::rate_limit::middleware,
            ))
            .wrap(actix_web::middleware::from_fn(
                $crate::auth::authenticate::middleware,
            ))
            .wrap(actix_web::middleware::from_fn(
                $crate::http::audit_log::middleware,
            ))
            .wrap(
                actix_web::middleware::ErrorHandlers::new()
                    .default_handler($crate::http::normalise::to_problem),
            )
            .wrap($cors)
            .wrap(actix_web::middleware::from_fn($crate::metrics::middleware))
            .wrap(tracing_actix_web::TracingLogger::<
                $crate::telemetry::RequestSpan,
            >::new())
            .wrap(actix_web::middleware::from_fn(
                $crate::http::security_headers::middleware,
            ))
            .wrap(actix_web::middleware::from_fn(
                $crate::http::request_id::middleware,
            ))
            .wrap(actix_web::middleware::Compress::default())
    };
}

/// CORS for browser front ends: only the configured origins (never `*` with credentials:
/// this API uses bearer tokens, not cookies, so it never allows credentials).
pub fn cors(origins: &[String]) -> actix_web::middleware::Condition<actix_cors::Cors> {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            "authorization",
            "content-type",
            "if-match",
            "if-none-match",
            "idempotency-key",
            "x-request-id",
        ])
        .expose_headers([
            "etag",
            "link",
            "location",
            "x-request-id",
            "retry-after",
            "ratelimit-limit",
            "ratelimit-remaining",
            "ratelimit-reset",
            "ratelimit-policy",
            "www-authenticate",
            "idempotent-replayed",
        ])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin().send_wildcard()
        } else {
            cors.allowed_origin(origin)
        };
    }
    actix_web::middleware::Condition::new(!origins.is_empty(), cors)
}

pub struct Application {
    port: u16,
    server: Server,
    /// The listener of `METRICS_ADDR`, if configured, and its port.
    metrics_server: Option<(u16, Server)>,
}

/// Connects to the database (failing fast when it is unreachable), applies migrations and
/// seeds the catalogue. Blocking: call from a blocking context.
pub fn prepare_store(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::connect(&settings.database_url, &settings.pool)?;
    let applied = store.migrate()?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "applied migrations");
    }
    let report = store.seed()?;
    tracing::info!(
        inserted = report.inserted,
        refreshed = report.refreshed,
        unchanged = report.unchanged,
        operator_edited = report.operator_edited,
        operator_deleted = report.operator_deleted,
        slug_taken = report.slug_taken,
        "catalogue seeded"
    );
    Ok(store)
}

impl Application {
    /// Prepares the store and binds `HOST:PORT` (port 0 picks a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        crate::webhooks::send::install_tls_provider();
        let metrics = web::Data::new(Metrics::new()?);
        let mut prepared = settings.clone();
        prepared.pool.events = PoolEvents::to(metrics.pool_observer());
        let (store, catalogue) = actix_web::rt::task::spawn_blocking(move || {
            let store = prepare_store(&prepared)?;
            let catalogue = crate::snapshot::Catalogue::load(store.clone())?;
            anyhow::Ok((store, catalogue))
        })
        .await??;
        let catalogue = web::Data::new(catalogue);
        crate::snapshot::Catalogue::watch(
            &catalogue.clone().into_inner(),
            settings.catalogue_max_staleness,
        );
        let hooks = std::sync::Arc::new(crate::webhooks::Webhooks::new(
            settings.webhooks.clone(),
            metrics.registry(),
        )?);
        hooks.start(&settings.database_url, &settings.pool)?;
        let hooks = web::Data::from(hooks);
        let listener = TcpListener::bind((settings.host.as_str(), settings.port)).map_err(|e| {
            anyhow::anyhow!("cannot listen on {}:{}: {e}", settings.host, settings.port)
        })?;
        let port = listener.local_addr()?.port();
        let store = web::Data::new(store);
        let metrics_server = match &settings.metrics.address {
            Some(address) => Some(metrics_listener(
                address,
                Gate::for_metrics_listener(&settings.metrics),
                (metrics.clone(), store.clone(), catalogue.clone()),
            )?),
            None => None,
        };
        let server = run(listener, (store, catalogue, metrics, hooks), &settings)?;
        Ok(Self {
            port,
            server,
            metrics_server,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the `METRICS_ADDR` listener, when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_server.as_ref().map(|(port, _)| *port)
    }

    /// Serves until SIGTERM/SIGINT, then stops gracefully (in-flight requests finish).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        match self.metrics_server {
            Some((_, metrics)) => futures_util::future::try_join(self.server, metrics)
                .await
                .map(|_| ()),
            None => self.server.await,
        }
    }
}

/// A listener that serves only `/metrics` (`METRICS_ADDR`), on one worker.
fn metrics_listener(
    address: &str,
    gate: Gate,
    (metrics, store, catalogue): (
        web::Data<Metrics>,
        web::Data<Store>,
        web::Data<crate::snapshot::Catalogue>,
    ),
) -> anyhow::Result<(u16, Server)> {
    let listener = TcpListener::bind(address)
        .map_err(|e| anyhow::anyhow!("cannot listen on METRICS_ADDR {address}: {e}"))?;
    let port = listener.local_addr()?.port();
    let gate = web::Data::new(gate);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(gate.clone())
            .app_data(metrics.clone())
            .app_data(store.clone())
            .app_data(catalogue.clone())
            .service(crate::metrics::exposure::get_metrics)
            .wrap(actix_web::middleware::from_fn(
                crate::http::request_id::middleware,
            ))
    })
    .workers(1)
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok((port, server))
}

type Shared = (
    web::Data<Store>,
    web::Data<crate::snapshot::Catalogue>,
    web::Data<Metrics>,
    web::Data<crate::webhooks::Webhooks>,
);

fn run(
    listener: TcpListener,
    (store, catalogue, metrics, hooks): Shared,
    settings: &Settings,
) -> anyhow::Result<Server> {
    let doc = openapi::document();
    let table = web::Data::new(RouteTable::from_openapi(&doc));
    let gate = web::Data::new(Gate::for_api_listener(&settings.metrics));
    let max_body = settings.max_body_bytes;
    let auth = &settings.auth;
    if auth.environment == Environment::Development {
        tracing::warn!(
            "APP_ENV=development: {} — get a first admin client with `api clients create --name admin --scopes admin`",
            match &auth.signing {
                Signing::Hs256 { secret } if secret == DEVELOPMENT_JWT_SECRET.as_bytes() =>
                    "tokens are signed with the embedded development key, which anyone can read; set JWT_SECRET and APP_ENV=production before going live",
                _ => "development mode",
            }
        );
    }
    let tokens = web::Data::new(Tokens::new(auth)?);
    let revocations = web::Data::new(RevocationCache::new(auth.revocation_check));
    let limiters = web::Data::new(RateLimiters::new(&settings.rate_limits));
    let throttle = web::Data::new(TokenThrottle(Policy {
        max_failures: auth.max_token_failures,
        window: chrono::Duration::from_std(auth.failure_window)
            .unwrap_or(chrono::Duration::minutes(5)),
    }));
    let origins = settings.cors_origins.clone();
    let settle = web::Data::new(SyncSettle(settings.sync_settle));
    let import_limits = web::Data::new(settings.imports);
    let reports = web::Data::new(settings.reports);
    let mut server = HttpServer::new(move || {
        let app = App::new()
            .into_utoipa_app()
            .app_data(store.clone())
            .app_data(catalogue.clone())
            .app_data(metrics.clone())
            .app_data(hooks.clone())
            .app_data(gate.clone())
            .app_data(table.clone())
            .app_data(tokens.clone())
            .app_data(revocations.clone())
            .app_data(limiters.clone())
            .app_data(throttle.clone())
            .app_data(settle.clone())
            .app_data(import_limits.clone())
            .app_data(reports.clone())
            .app_data(body::json_config(max_body))
            .app_data(web::PayloadConfig::new(max_body))
            .app_data(body::path_config())
            .configure(crate::routes::configure)
            .into_app()
            .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", doc.clone()))
            .route(
                "/docs",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header(("Location", "/docs/"))
                        .finish()
                }),
            )
            .default_service(web::to(routes_table::fallback));
        with_middleware!(app, cors(&origins))
    })
    .shutdown_timeout(10)
    .listen(listener)?;
    if let Some(workers) = settings.workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}

#[cfg(test)]
mod tests {
    use actix_web::{App, HttpResponse, test, web};

    async fn boom() -> HttpResponse {
        let v: Vec<u8> = Vec::new();
        // An index out of bounds: a bug in a handler.
        HttpResponse::Ok().body(format!("{}", v[3]))
    }

    #[actix_web::test]
    async fn a_panicking_handler_gives_a_500_problem_without_internals() {
        let app = test::init_service(with_middleware!(
            App::new().route("/boom", web::get().to(boom)),
            super::cors(&[])
        ))
        .await;
        let req = test::TestRequest::get()
            .uri("/boom")
            .insert_header(("X-Request-Id", "r-1"))
            .to_request();
        // The error escapes the service; the server renders its response, as here.
        let res = match test::try_call_service(&app, req).await {
            Ok(res) => res.into_parts().1.map_into_boxed_body(),
            Err(e) => e.error_response(),
        };
        assert_eq!(res.status(), 500);
        assert_eq!(
            res.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
        assert_eq!(res.headers().get("x-request-id").unwrap(), "r-1");
        let bytes = actix_web::body::to_bytes(res.into_body()).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["status"], 500);
        assert_eq!(body["request_id"], "r-1");
        assert_eq!(body["instance"], "/boom");
        let text = body.to_string();
        assert!(
            !text.contains("index out of bounds") && !text.contains("startup.rs"),
            "{text}"
        );
    }
}

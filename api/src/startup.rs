//! Building and running the application: connect, migrate, seed, bind, serve.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use actix_web_lab::middleware::CatchPanic;
use persistence::Store;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::http::routes_table::{self, RouteTable};
use crate::http::{body, normalise, request_id};
use crate::openapi;
use crate::telemetry::RequestSpan;

pub struct Application {
    port: u16,
    server: Server,
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
        "catalogue seeded"
    );
    Ok(store)
}

impl Application {
    /// Prepares the store and binds `HOST:PORT` (port 0 picks a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let prepared = settings.clone();
        let store = actix_web::rt::task::spawn_blocking(move || prepare_store(&prepared)).await??;
        let listener = TcpListener::bind((settings.host.as_str(), settings.port)).map_err(|e| {
            anyhow::anyhow!("cannot listen on {}:{}: {e}", settings.host, settings.port)
        })?;
        let port = listener.local_addr()?.port();
        let server = run(listener, store, &settings)?;
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM/SIGINT, then stops gracefully (in-flight requests finish).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn run(listener: TcpListener, store: Store, settings: &Settings) -> anyhow::Result<Server> {
    let doc = openapi::document();
    let table = web::Data::new(RouteTable::from_openapi(&doc));
    let store = web::Data::new(store);
    let max_body = settings.max_body_bytes;
    let mut server = HttpServer::new(move || {
        App::new()
            .into_utoipa_app()
            .app_data(store.clone())
            .app_data(table.clone())
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
            .default_service(web::to(routes_table::fallback))
            // Middleware: the last wrapped runs first.
            .wrap(CatchPanic::default())
            .wrap(ErrorHandlers::new().default_handler(normalise::to_problem))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(from_fn(request_id::middleware))
    })
    .shutdown_timeout(10)
    .listen(listener)?;
    if let Some(workers) = settings.workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}

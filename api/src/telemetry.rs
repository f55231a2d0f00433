//! Logging: one subscriber (text or JSON), one span per request carrying method, route,
//! status, latency and request id, and panics logged inside that span.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;
use crate::http::request_id::RequestId;

/// Installs the global subscriber (`RUST_LOG` filters, default `info`). Safe to call twice.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
    install_panic_hook();
}

/// Logs a panic's message and location as an error event of the current (request) span,
/// so it carries the request id. The response is a 500 problem (see `CatchPanic`).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_owned());
        tracing::error!(panic.message = %message, panic.location = %location, "handler panicked");
    }));
}

struct Started(Instant);

/// The request's route template (`/api/v1/people/{id}`), matched once for the span and the
/// metrics.
#[derive(Clone)]
pub struct RouteTemplate(pub String);

impl RouteTemplate {
    /// The template of `req`'s route, as the span recorded it (or matched now).
    pub fn of(req: &ServiceRequest) -> String {
        req.extensions()
            .get::<Self>()
            .map(|r| r.0.clone())
            .unwrap_or_else(|| {
                req.match_pattern()
                    .unwrap_or_else(|| "unmatched".to_owned())
            })
    }
}

/// Root span of every request.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        request.extensions_mut().insert(Started(Instant::now()));
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        request
            .extensions_mut()
            .insert(RouteTemplate(route.clone()));
        // The route, not the path: a path may carry a staff number (`/people/by-ref/…`).
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            route = %route,
            status = tracing::field::Empty,
            db_statements = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, latency, problem, statements) = match outcome {
            Ok(res) => (
                res.status().as_u16(),
                res.request()
                    .extensions()
                    .get::<Started>()
                    .map(|s| s.0.elapsed().as_secs_f64() * 1000.0),
                res.response()
                    .extensions()
                    .get::<crate::http::problem::ProblemType>()
                    .map(|p| p.0.clone()),
                res.response()
                    .extensions()
                    .get::<crate::metrics::middleware::Statements>()
                    .map(|s| s.0),
            ),
            Err(e) => (
                e.as_response_error().status_code().as_u16(),
                None,
                None,
                None,
            ),
        };
        span.record("status", status);
        if let Some(n) = statements {
            span.record("db_statements", n);
        }
        span.in_scope(|| {
            tracing::info!(
                status,
                latency_ms = latency.unwrap_or_default(),
                problem_type = problem.as_deref().unwrap_or_default(),
                db_statements = statements.unwrap_or_default(),
                "request completed"
            )
        });
    }
}

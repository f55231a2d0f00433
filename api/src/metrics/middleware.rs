//! Measures every request: duration by route template, method and status; requests in
//! flight; and the SQL statements it sent, which also go into its log span.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, web};
use persistence::db::statements::StatementCount;

use super::Metrics;

tokio::task_local! {
    static STATEMENTS: StatementCount;
}

/// The statement counter of the request this task serves, if any (`http::db` counts into it).
pub fn current_statements() -> Option<StatementCount> {
    STATEMENTS.try_with(Clone::clone).ok()
}

/// How many SQL statements a request sent (a response extension, for the request log).
#[derive(Debug, Clone, Copy)]
pub struct Statements(pub u32);

struct InFlight(prometheus::IntGauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// OpenTelemetry's rule for `http.request.method`: the known methods, others as `_OTHER`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "_OTHER",
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(metrics) = req.app_data::<web::Data<Metrics>>().cloned() else {
        return next.call(req).await;
    };
    let started = Instant::now();
    metrics.in_flight.inc();
    let _in_flight = InFlight(metrics.in_flight.clone());
    // The template, not the path: bounded, and free of ids and staff numbers.
    let route = crate::telemetry::RouteTemplate::of(&req);
    let method = method_label(req.method());
    let count = StatementCount::default();
    let outcome = STATEMENTS.scope(count.clone(), next.call(req)).await;
    let status = match &outcome {
        Ok(res) => res.status(),
        Err(e) => e.as_response_error().status_code(),
    };
    let statements = count.get();
    metrics
        .duration
        .with_label_values(&[route.as_str(), method, status.as_str()])
        .observe(started.elapsed().as_secs_f64());
    metrics
        .statements
        .with_label_values(&[route.as_str(), method])
        .observe(f64::from(statements));
    let mut res = outcome?;
    res.response_mut()
        .extensions_mut()
        .insert(Statements(statements));
    Ok(res)
}

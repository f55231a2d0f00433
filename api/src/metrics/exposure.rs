//! Who may read `/metrics`. Not public by default: with `METRICS_TOKEN` the API's listener
//! serves it to `Authorization: Bearer <METRICS_TOKEN>`; with `METRICS_ADDR` a listener of
//! its own serves it (to be kept off the public network) and the API's listener does not.

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, get, web};
use persistence::Store;
use sha2::{Digest, Sha256};

use super::Metrics;
use crate::http::ApiError;
use crate::http::problem::Problem;
use crate::snapshot::Catalogue;

pub const PATH: &str = "/metrics";

/// How `/metrics` is exposed (`METRICS_TOKEN`, `METRICS_ADDR`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MetricsExposure {
    /// The scraper's bearer token; `None` on the API's listener: not served there.
    pub token: Option<String>,
    /// `HOST:PORT` of a listener that serves only `/metrics`.
    pub address: Option<String>,
}

impl std::fmt::Debug for MetricsExposure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsExposure")
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("address", &self.address)
            .finish()
    }
}

/// What one listener demands before it answers `/metrics`.
#[derive(Clone)]
pub enum Gate {
    /// Not served on this listener.
    Closed,
    /// The scraper's token (its SHA-256: compared without revealing the token by timing).
    Token([u8; 32]),
    /// A listener of its own, reachable only where the operator bound it.
    Open,
}

impl Gate {
    pub fn for_api_listener(exposure: &MetricsExposure) -> Self {
        match (&exposure.address, &exposure.token) {
            (None, Some(t)) => Self::Token(Sha256::digest(t.as_bytes()).into()),
            _ => Self::Closed,
        }
    }

    pub fn for_metrics_listener(exposure: &MetricsExposure) -> Self {
        match &exposure.token {
            Some(t) => Self::Token(Sha256::digest(t.as_bytes()).into()),
            None => Self::Open,
        }
    }

    fn admits(&self, req: &HttpRequest) -> Result<(), ApiError> {
        match self {
            Self::Open => Ok(()),
            Self::Closed => Err(ApiError::not_found(
                "metrics are not served on this listener (see METRICS_TOKEN and METRICS_ADDR)",
            )),
            Self::Token(expected) => {
                let offered = req
                    .headers()
                    .get(AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.split_once(' '))
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map(|(_, token)| Sha256::digest(token.trim().as_bytes()));
                match offered {
                    Some(d) if d.as_slice() == expected => Ok(()),
                    _ => Err(ApiError::WithHeaders(
                        Box::new(Problem::typed(
                            StatusCode::UNAUTHORIZED,
                            "unauthorized",
                            "Unauthorized",
                            "metrics need `Authorization: Bearer <METRICS_TOKEN>`",
                        )),
                        vec![(WWW_AUTHENTICATE, "Bearer realm=\"metrics\"".to_owned())],
                    )),
                }
            }
        }
    }
}

/// Metrics in the Prometheus text format (version 0.0.4): request durations by route,
/// requests in flight, SQL statements per request, the connection pool, the catalogue
/// snapshot and the webhook outbox. Not public: needs `METRICS_TOKEN`, or is served on `METRICS_ADDR` instead.
#[utoipa::path(
    tag = "operations",
    security(("metrics_token" = [])),
    responses(
        (status = 200, description = "The metrics, in the Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).",
            content_type = "text/plain", body = String),
        (status = 401, response = crate::openapi::problems::Unauthorized),
        (status = 404, response = crate::openapi::problems::NotFound),
    )
)]
#[get("/metrics")]
pub async fn get_metrics(
    req: HttpRequest,
    gate: web::Data<Gate>,
    metrics: web::Data<Metrics>,
    store: web::Data<Store>,
    catalogue: web::Data<Catalogue>,
) -> Result<HttpResponse, ApiError> {
    gate.admits(&req)?;
    // The outbox's gauges keep their last values while the database cannot be read.
    let outbox = crate::http::db(&store, persistence::webhooks::log::stats)
        .await
        .ok();
    let text = metrics
        .render(store.pool_state(), &catalogue, outbox.as_ref())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("encoding metrics: {e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, prometheus::TEXT_FORMAT))
        .body(text))
}

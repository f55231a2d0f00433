//! The Workforce Transformation Academy HTTP API: actix-web handlers, the OpenAPI contract,
//! start-up and configuration. Queries live in `persistence`; rules in `domain`.

pub mod auth;
pub mod bootstrap;
pub mod config;
pub mod csv_import;
pub mod http;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod snapshot;
pub mod startup;
pub mod telemetry;
pub mod webhooks;

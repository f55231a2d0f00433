//! Every route of the API. Register handlers only through `configure` (utoipa-actix-web),
//! so each one is in the contract.

pub mod health;
pub mod v1;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::get_liveness)
        .service(health::get_readiness)
        .service(crate::metrics::exposure::get_metrics)
        .service(utoipa_actix_web::scope("/api/v1").configure(v1::configure));
}

//! Version 1 of the API, under `/api/v1`.

pub mod priorities;
pub mod programme_dto;
pub mod programmes;
pub mod taxonomy;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(priorities::list)
        .service(priorities::get)
        .service(taxonomy::get)
        .service(programmes::list)
        .service(programmes::get);
}

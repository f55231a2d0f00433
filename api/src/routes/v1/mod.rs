//! Version 1 of the API, under `/api/v1`.

pub mod audit;
pub mod clients;
pub mod oauth;
pub mod organisation_dto;
pub mod organisations;
pub mod priorities;
pub mod programme_dto;
pub mod programme_input;
pub mod programme_writes;
pub mod programmes;
pub mod taxonomy;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(priorities::list)
        .service(priorities::get)
        .service(taxonomy::get)
        .service(programmes::list)
        .service(programmes::get)
        .service(programme_writes::create)
        .service(programme_writes::update)
        .service(programme_writes::remove)
        .service(organisations::list)
        .service(organisations::get)
        .service(organisations::create)
        .service(organisations::update)
        .service(clients::create)
        .service(clients::list)
        .service(clients::get)
        .service(clients::update)
        .service(clients::rotate_secret)
        .service(audit::list)
        .service(oauth::token);
}

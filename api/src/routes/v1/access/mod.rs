//! Who may call: organisations, API clients and their tokens, and the audit trail.

pub mod audit;
pub mod clients;
pub mod organisation_dto;
pub mod organisations;
pub mod tokens;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(organisations::list_organisations)
        .service(organisations::get_organisation)
        .service(organisations::create_organisation)
        .service(organisations::update_organisation)
        .service(clients::create_client)
        .service(clients::list_clients)
        .service(clients::get_client)
        .service(clients::update_client)
        .service(clients::rotate_client_secret)
        .service(audit::list_audit_events)
        .service(tokens::issue_token);
}

//! Webhooks: endpoints (`endpoints`), their delivery logs (`deliveries`).

pub mod deliveries;
pub mod endpoints;
pub mod webhook_dto;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(endpoints::list_webhooks)
        .service(endpoints::create_webhook)
        .service(endpoints::get_webhook)
        .service(endpoints::update_webhook)
        .service(endpoints::delete_webhook)
        .service(endpoints::rotate_webhook_secret)
        .service(endpoints::ping_webhook)
        .service(deliveries::list_webhook_deliveries)
        .service(deliveries::get_webhook_delivery)
        .service(deliveries::retry_webhook_delivery)
        .service(deliveries::replay_webhook);
}

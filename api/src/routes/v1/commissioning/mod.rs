//! Commissioning and co-creation: partners' requests (and the academy's decisions on them),
//! the cohorts run for them, the dialogue on each, and organisations' learning needs.

pub mod decisions;
pub mod messages;
pub mod needs;
pub mod request_cohorts;
pub mod request_dto;
pub mod requests;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(requests::create_commissioning_request)
        .service(requests::list_commissioning_requests)
        .service(requests::get_commissioning_request)
        .service(decisions::review_commissioning_request)
        .service(decisions::agree_commissioning_request)
        .service(decisions::decline_commissioning_request)
        .service(decisions::withdraw_commissioning_request)
        .service(messages::post_commissioning_message)
        .service(messages::list_commissioning_messages)
        .service(request_cohorts::create_request_cohort)
        .service(request_cohorts::link_request_cohort)
        .service(needs::create_learning_need)
        .service(needs::list_learning_needs)
        .service(needs::get_learning_need)
        .service(needs::delete_learning_need);
}

//! Version 1 of the API, under `/api/v1`, in the same four areas as `persistence`:
//! `catalogue` (programmes, priorities, taxonomy), `access` (organisations, clients, tokens,
//! audit), `learning` (people, cohorts, enrolments, imports) and `communities`. Each area's
//! `configure` registers its handlers; a handler's file is named after the resource or concept
//! it serves (`/people/{id}/memberships` is with the other memberships).

pub mod access;
pub mod catalogue;
pub mod commissioning;
pub mod communities;
pub mod learning;
pub mod reports;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    catalogue::configure(cfg);
    access::configure(cfg);
    learning::configure(cfg);
    communities::configure(cfg);
    webhooks::configure(cfg);
    commissioning::configure(cfg);
    reports::configure(cfg);
}

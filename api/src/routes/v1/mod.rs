//! Version 1 of the API, under `/api/v1`.

pub mod audit;
pub mod clients;
pub mod cohort_dto;
pub mod cohorts;
pub mod communities;
pub mod community_attendance;
pub mod community_calendar;
pub mod community_members;
pub mod community_resources;
pub mod community_sessions;
pub mod enrolment_dto;
pub mod enrolments;
pub mod imports;
pub mod oauth;
pub mod organisation_dto;
pub mod organisations;
pub mod people;
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
        .service(people::create)
        .service(people::list)
        .service(people::get)
        .service(people::by_ref)
        .service(people::update)
        .service(people::erase)
        .service(cohorts::create)
        .service(cohorts::of_programme)
        .service(cohorts::list)
        .service(cohorts::get)
        .service(cohorts::update)
        .service(cohorts::open)
        .service(cohorts::start)
        .service(cohorts::complete)
        .service(cohorts::cancel)
        .service(cohorts::create_session)
        .service(cohorts::list_sessions)
        .service(enrolments::enrol)
        .service(enrolments::of_cohort)
        .service(enrolments::list)
        .service(enrolments::export)
        .service(enrolments::get)
        .service(enrolments::withdraw)
        .service(enrolments::complete)
        .service(enrolments::not_complete)
        .service(enrolments::record_attendance)
        .service(enrolments::attendance)
        .service(imports::import_people)
        .service(imports::import_enrolments)
        .service(communities::list)
        .service(communities::get)
        .service(communities::create)
        .service(communities::update)
        .service(community_members::members)
        .service(community_members::join)
        .service(community_members::leave)
        .service(community_members::of_person)
        .service(community_members::move_between)
        .service(community_sessions::create)
        .service(community_sessions::list)
        .service(community_sessions::cancel)
        .service(community_sessions::calendar)
        .service(community_calendar::feed)
        .service(community_attendance::record)
        .service(community_resources::add)
        .service(community_resources::list)
        .service(community_attendance::commitment)
        .service(oauth::token);
}

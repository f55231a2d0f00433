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
    cfg.service(priorities::list_priorities)
        .service(priorities::get_priority)
        .service(taxonomy::get_taxonomy)
        .service(programmes::list_programmes)
        .service(programmes::get_programme)
        .service(programme_writes::create_programme)
        .service(programme_writes::update_programme)
        .service(programme_writes::delete_programme)
        .service(organisations::list_organisations)
        .service(organisations::get_organisation)
        .service(organisations::create_organisation)
        .service(organisations::update_organisation)
        .service(clients::create_client)
        .service(clients::list_clients)
        .service(clients::get_client)
        .service(clients::update_client)
        .service(clients::rotate_client_secret)
        .service(audit::list_audit_events)
        .service(people::create_person)
        .service(people::list_people)
        .service(people::get_person)
        .service(people::get_person_by_ref)
        .service(people::update_person)
        .service(people::erase_person)
        .service(cohorts::create_cohort)
        .service(cohorts::list_programme_cohorts)
        .service(cohorts::list_cohorts)
        .service(cohorts::get_cohort)
        .service(cohorts::update_cohort)
        .service(cohorts::open_cohort)
        .service(cohorts::start_cohort)
        .service(cohorts::complete_cohort)
        .service(cohorts::cancel_cohort)
        .service(cohorts::create_cohort_session)
        .service(cohorts::list_cohort_sessions)
        .service(enrolments::create_enrolment)
        .service(enrolments::list_cohort_enrolments)
        .service(enrolments::list_enrolments)
        .service(enrolments::export_enrolments)
        .service(enrolments::get_enrolment)
        .service(enrolments::withdraw_enrolment)
        .service(enrolments::complete_enrolment)
        .service(enrolments::not_complete_enrolment)
        .service(enrolments::record_session_attendance)
        .service(enrolments::get_session_attendance)
        .service(imports::import_people)
        .service(imports::import_cohort_enrolments)
        .service(communities::list_communities)
        .service(communities::get_community)
        .service(communities::create_community)
        .service(communities::update_community)
        .service(community_members::list_community_members)
        .service(community_members::add_community_member)
        .service(community_members::remove_community_member)
        .service(community_members::list_person_memberships)
        .service(community_members::move_person_membership)
        .service(community_sessions::create_community_session)
        .service(community_sessions::list_community_sessions)
        .service(community_sessions::cancel_community_session)
        .service(community_sessions::list_sessions)
        .service(community_calendar::get_community_calendar)
        .service(community_attendance::record_community_attendance)
        .service(community_resources::add_community_resource)
        .service(community_resources::list_community_resources)
        .service(community_attendance::get_person_commitment)
        .service(oauth::issue_token);
}

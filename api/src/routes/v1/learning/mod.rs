//! Learning: people (staff of partner organisations), cohorts and their sessions,
//! enrolments, attendance registers, the HR pull and CSV imports.

pub mod cohort_dto;
pub mod cohort_sessions;
pub mod cohorts;
pub mod enrolment_dto;
pub mod enrolment_export;
pub mod enrolment_sync;
pub mod enrolments;
pub mod imports;
pub mod people;
pub mod person_dto;
pub mod register;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(people::create_person)
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
        .service(cohort_sessions::create_cohort_session)
        .service(cohort_sessions::list_cohort_sessions)
        .service(enrolments::create_enrolment)
        .service(enrolments::list_cohort_enrolments)
        .service(enrolment_sync::list_enrolments)
        .service(enrolment_export::export_enrolments)
        .service(enrolments::get_enrolment)
        .service(enrolments::withdraw_enrolment)
        .service(enrolments::complete_enrolment)
        .service(enrolments::not_complete_enrolment)
        .service(register::record_session_attendance)
        .service(register::get_session_attendance)
        .service(imports::import_people)
        .service(imports::import_cohort_enrolments);
}

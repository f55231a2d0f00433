//! Communities of Practice: the communities, their members, sessions (and the calendar
//! across them), attendance and commitment, and shared resources.

pub mod attendance;
pub mod calendar_feed;
pub mod community;
pub mod memberships;
pub mod resources;
pub mod sessions;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(community::list_communities)
        .service(community::get_community)
        .service(community::create_community)
        .service(community::update_community)
        .service(memberships::list_community_members)
        .service(memberships::add_community_member)
        .service(memberships::remove_community_member)
        .service(memberships::list_person_memberships)
        .service(memberships::move_person_membership)
        .service(sessions::create_community_session)
        .service(sessions::list_community_sessions)
        .service(sessions::cancel_community_session)
        .service(sessions::list_sessions)
        .service(calendar_feed::get_community_calendar)
        .service(attendance::record_community_attendance)
        .service(resources::add_community_resource)
        .service(resources::list_community_resources)
        .service(attendance::get_person_commitment);
}

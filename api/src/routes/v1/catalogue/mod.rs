//! The public catalogue: priorities, taxonomy and programmes (reads are public, writes are
//! the academy's).

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
        .service(programme_writes::delete_programme);
}

//! A successful write of what the snapshot shows (programmes, cohorts and their enrolments,
//! people, whose erasure frees seats, communities and memberships) marks this process's
//! catalogue snapshot stale, so the next catalogue read refreshes it first: a client reads
//! its own writes from the process that took them (a programme edit, a new cohort, an
//! enrolment that takes a seat). Other writes (tokens, clients, organisations) do not. One version read and
//! a reload of what changed; other processes learn of catalogue writes by notification or
//! within `CATALOGUE_MAX_STALENESS_MS`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

use super::Catalogue;

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    const SHOWN: [&str; 5] = [
        "/api/v1/programmes",
        "/api/v1/cohorts",
        "/api/v1/enrolments",
        "/api/v1/people",
        "/api/v1/communities",
    ];
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && SHOWN.iter().any(|p| req.path().starts_with(p));
    let catalogue = writes
        .then(|| req.app_data::<web::Data<Catalogue>>().cloned())
        .flatten();
    let res = next.call(req).await?;
    if let Some(c) = catalogue
        && res.status().is_success()
    {
        c.mark_dirty();
    }
    Ok(res)
}

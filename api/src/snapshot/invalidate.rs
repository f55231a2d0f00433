//! Any successful write marks this process's catalogue snapshot stale, so the next catalogue
//! read refreshes it first: a client reads its own writes from the process that took them
//! (a programme edit, a new cohort, an enrolment that takes a seat). One version read and
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
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
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

//! The attendance register of a cohort session: recorded by the academy or the learners'
//! organisations, read back as far as the caller may see.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use persistence::Store;
use persistence::learning::cohort_sessions;
use uuid::Uuid;

use super::enrolment_dto::{AttendanceMark, Register};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::path_ids::{CohortId, CohortSessionId, OrNotFound};
use crate::http::{ApiError, db};
use crate::openapi::problems::Conflict;

/// Record the register of a session: the attendance of each listed enrolment (present,
/// absent or excused), replacing what was recorded for them. All or nothing.
#[utoipa::path(
    tag = "enrolments",
    request_body = Register,
    params(CohortId, CohortSessionId),
    security(("oauth2" = ["enrolments:write"]), ("bearer" = ["enrolments:write"])),
    responses(
        (status = 200, description = "The register as recorded (the part the caller may see).", body = Register),
        (status = 409, response = Conflict),
    )
)]
#[put("/cohorts/{id}/sessions/{session_id}/attendance")]
pub async fn record_session_attendance(
    auth: Authorized<scope::EnrolmentsWrite>,
    cohort: CohortId,
    session: CohortSessionId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<Register>,
) -> Result<HttpResponse, ApiError> {
    let (cohort_id, session_id) = (cohort.id, session.id);
    let marks: Vec<_> = body
        .into_inner()
        .records
        .into_iter()
        .map(|m| (m.enrolment_id, m.status))
        .collect();
    let (visibility, audit) = (auth.principal.visibility(), audit_entry(&req));
    let register = db(&store, move |conn| {
        cohort_sessions::record(conn, cohort_id, session_id, &marks, visibility, &audit)
    })
    .await
    .or_not_found(session.missing_in(&cohort))?;
    Ok(HttpResponse::Ok().json(to_register(register)))
}

/// The register of a session (the part the caller may see).
#[utoipa::path(
    tag = "enrolments",
    params(CohortId, CohortSessionId),
    security(("oauth2" = ["enrolments:read"]), ("bearer" = ["enrolments:read"])),
    responses(
        (status = 200, description = "The register.", body = Register),
    )
)]
#[get("/cohorts/{id}/sessions/{session_id}/attendance")]
pub async fn get_session_attendance(
    auth: Authorized<scope::EnrolmentsRead>,
    cohort: CohortId,
    session: CohortSessionId,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let (cohort_id, session_id) = (cohort.id, session.id);
    let visibility = auth.principal.visibility();
    let register = db(&store, move |conn| {
        cohort_sessions::register(conn, cohort_id, session_id, visibility)
    })
    .await
    .or_not_found(session.missing_in(&cohort))?;
    Ok(HttpResponse::Ok().json(to_register(register)))
}

fn to_register(rows: Vec<(Uuid, domain::AttendanceStatus)>) -> Register {
    Register {
        records: rows
            .into_iter()
            .map(|(enrolment_id, status)| AttendanceMark {
                enrolment_id,
                status,
            })
            .collect(),
    }
}

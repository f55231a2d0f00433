//! Enrolments: enrol (seat, waitlist or refusal), read, withdraw, complete. A client of an
//! organisation sees only its own people's enrolments. The HR pull and export are in
//! `enrolment_sync`; attendance registers in `register`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::EnrolmentStatus;
use persistence::Store;
use persistence::learning::enrolments::{self, EnrolmentRecord};
use persistence::visibility::Visibility;
use serde::Serialize;
use utoipa::ToSchema;

use super::cohorts::find as find_cohort;
use super::enrolment_dto::{EnrolmentCreate, EnrolmentDto, Outcome};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::path_ids::{CohortId, EnrolmentId, OrNotFound};
use crate::http::{ApiError, db, respond};

/// The one enrolment lookup: the enrolment the path names if the caller may see it, or the
/// 404 naming it.
async fn find(
    store: &Store,
    enrolment: &EnrolmentId,
    visibility: Visibility,
) -> Result<EnrolmentRecord, ApiError> {
    let id = enrolment.id;
    db(store, move |conn| enrolments::get(conn, id, visibility))
        .await
        .or_not_found(enrolment.missing())
}

/// Enrol a person on a cohort: a seat while seats remain, otherwise a place on the waitlist.
///
/// 409 when the cohort is not open, it is full and has no waitlist, or the person is already
/// enrolled or waitlisted on it. Capacity holds however many requests arrive at once, on
/// however many API processes: the seat count and the insert share one transaction under the
/// cohort's lock.
#[utoipa::path(
    tag = "enrolments",
    request_body = EnrolmentCreate,
    params(CohortId),
    security(("oauth2" = ["enrolments:write"]), ("bearer" = ["enrolments:write"])),
    responses(
        (status = 201, description = "Enrolled, or waitlisted with a position.", body = EnrolmentDto,
            headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/cohorts/{id}/enrolments")]
pub async fn create_enrolment(
    auth: Authorized<scope::EnrolmentsWrite>,
    cohort: CohortId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<EnrolmentCreate>,
) -> Result<HttpResponse, ApiError> {
    let (cohort_id, person_id) = (cohort.id, body.person_id);
    let (visibility, audit) = (auth.principal.visibility(), audit_entry(&req));
    let record = db(&store, move |conn| {
        enrolments::enrol(conn, cohort_id, person_id, visibility, &audit)
    })
    .await
    .or_not_found(format!(
        "no cohort '{cohort_id}', or no person '{person_id}' you may enrol"
    ))?;
    Ok(respond::created(
        format!("/api/v1/enrolments/{}", record.id),
        record.id,
        record.version,
        &EnrolmentDto::from(record),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": []}))]
pub struct CohortEnrolments {
    /// In the order people joined; waitlisted ones carry their position.
    pub data: Vec<EnrolmentDto>,
}

/// The enrolments of a cohort (a partner organisation's client sees its own people's).
#[utoipa::path(
    tag = "enrolments",
    params(CohortId),
    security(("oauth2" = ["enrolments:read"]), ("bearer" = ["enrolments:read"])),
    responses(
        (status = 200, description = "The cohort's enrolments.", body = CohortEnrolments),
    )
)]
#[get("/cohorts/{id}/enrolments")]
pub async fn list_cohort_enrolments(
    auth: Authorized<scope::EnrolmentsRead>,
    cohort: CohortId,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let cohort = find_cohort(&store, &cohort).await?;
    let (id, visibility) = (cohort.id, auth.principal.visibility());
    let rows = db(&store, move |conn| {
        enrolments::of_cohort(conn, id, visibility)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CohortEnrolments {
        data: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Get one enrolment.
#[utoipa::path(
    tag = "enrolments",
    params(EnrolmentId),
    security(("oauth2" = ["enrolments:read"]), ("bearer" = ["enrolments:read"])),
    responses(
        (status = 200, description = "The enrolment.", body = EnrolmentDto, headers(("ETag" = String))),
    )
)]
#[get("/enrolments/{id}")]
pub async fn get_enrolment(
    auth: Authorized<scope::EnrolmentsRead>,
    enrolment: EnrolmentId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let record = find(&store, &enrolment, auth.principal.visibility()).await?;
    Ok(respond::conditional(
        &req,
        record.id,
        record.version,
        &EnrolmentDto::from(record),
    ))
}

/// Moves the enrolment to `to` (with the outcome date the body gives, if any), or answers
/// 409 naming its current status.
async fn transition(
    auth: Authorized<scope::EnrolmentsWrite>,
    enrolment: EnrolmentId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
    to: EnrolmentStatus,
) -> Result<HttpResponse, ApiError> {
    let outcome = outcome_of(&body)?;
    let (id, visibility, audit) = (enrolment.id, auth.principal.visibility(), audit_entry(&req));
    let record = db(&store, move |conn| {
        enrolments::transition(conn, id, to, outcome, visibility, &audit)
    })
    .await
    .or_not_found(enrolment.missing())?;
    Ok(respond::resource(
        record.id,
        record.version,
        &EnrolmentDto::from(record),
    ))
}

/// Withdraw an enrolled or waitlisted person. A freed seat goes to the first person waiting, in the same transaction.
#[utoipa::path(
    tag = "enrolments",
    request_body(content = Option<Outcome>, description = "For `complete` and `not-complete`: the outcome date (today when absent)."),
    params(EnrolmentId),
    security(("oauth2" = ["enrolments:write"]), ("bearer" = ["enrolments:write"])),
    responses(
        (status = 200, description = "The enrolment in its new state.", body = EnrolmentDto, headers(("ETag" = String))),
    )
)]
#[post("/enrolments/{id}/withdraw")]
pub async fn withdraw_enrolment(
    auth: Authorized<scope::EnrolmentsWrite>,
    enrolment: EnrolmentId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    transition(
        auth,
        enrolment,
        req,
        store,
        body,
        EnrolmentStatus::Withdrawn,
    )
    .await
}

/// Record that an enrolled person completed the programme.
#[utoipa::path(
    tag = "enrolments",
    request_body(content = Option<Outcome>, description = "For `complete` and `not-complete`: the outcome date (today when absent)."),
    params(EnrolmentId),
    security(("oauth2" = ["enrolments:write"]), ("bearer" = ["enrolments:write"])),
    responses(
        (status = 200, description = "The enrolment in its new state.", body = EnrolmentDto, headers(("ETag" = String))),
    )
)]
#[post("/enrolments/{id}/complete")]
pub async fn complete_enrolment(
    auth: Authorized<scope::EnrolmentsWrite>,
    enrolment: EnrolmentId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    transition(
        auth,
        enrolment,
        req,
        store,
        body,
        EnrolmentStatus::Completed,
    )
    .await
}

/// Record that an enrolled person took part but did not complete.
#[utoipa::path(
    tag = "enrolments",
    request_body(content = Option<Outcome>, description = "For `complete` and `not-complete`: the outcome date (today when absent)."),
    params(EnrolmentId),
    security(("oauth2" = ["enrolments:write"]), ("bearer" = ["enrolments:write"])),
    responses(
        (status = 200, description = "The enrolment in its new state.", body = EnrolmentDto, headers(("ETag" = String))),
    )
)]
#[post("/enrolments/{id}/not-complete")]
pub async fn not_complete_enrolment(
    auth: Authorized<scope::EnrolmentsWrite>,
    enrolment: EnrolmentId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    transition(
        auth,
        enrolment,
        req,
        store,
        body,
        EnrolmentStatus::NotCompleted,
    )
    .await
}

/// The optional body of a transition: nothing, or `{"outcome_date": "YYYY-MM-DD"}` parsed
/// strictly (a date that does not parse is a 400, never silently today).
fn outcome_of(body: &[u8]) -> Result<Option<chrono::NaiveDate>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    // `null` is "no outcome given", as the contract's nullable body says.
    let date = serde_json::from_slice::<Option<Outcome>>(body)
        .map(|o| o.and_then(|o| o.outcome_date))
        .map_err(crate::http::body::deserialize_problem)?;
    if date.is_some_and(|d| !domain::validation::date_in_range(d)) {
        let mut errors = domain::ValidationErrors::new();
        errors.add("outcome_date", domain::validation::date_range_message());
        return Err(crate::http::error::unprocessable(errors));
    }
    Ok(date)
}

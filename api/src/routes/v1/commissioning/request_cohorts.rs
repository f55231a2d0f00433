//! The cohorts the academy runs for an agreed request: created from it, pre-filled with
//! its programme, organisation, priorities, expected learners and window, or linked.

use actix_web::{HttpRequest, HttpResponse, post, put, web};
use domain::commissioning::{RequestedCohort, cohort_programme};
use domain::{CohortInput, CohortSpec};
use persistence::Store;
use persistence::commissioning::cohorts;
use persistence::learning::cohorts::CohortWrite;
use persistence::visibility::Visibility;
use serde::Deserialize;
use utoipa::ToSchema;

use super::request_dto::CommissioningRequestDto;
use super::requests::find;
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{CommissioningRequestId, LinkedCohortId, OrNotFound};
use crate::http::{ApiError, db, respond};
use crate::routes::v1::learning::cohort_dto::CohortDto;

/// A cohort for a request: every field defaults from the request (`label` from its title
/// or programme, `capacity` from the expected learners, dates from its window).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "Ward handovers, spring 2027", "start_date": "2027-04-12", "end_date": "2027-06-30"}))]
pub struct RequestCohortCreate {
    /// Needed for a co-creation brief: the programme made for it (id or slug).
    #[schema(value_type = Option<String>, example = "vital-signs")]
    pub programme: Option<String>,
    #[schema(value_type = Option<crate::openapi::rules::Name>)]
    pub label: Option<String>,
    #[schema(value_type = Option<crate::openapi::rules::Day>)]
    pub start_date: Option<chrono::NaiveDate>,
    #[schema(value_type = Option<crate::openapi::rules::Day>)]
    pub end_date: Option<chrono::NaiveDate>,
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub capacity: Option<i64>,
    pub waitlist_enabled: Option<bool>,
    #[schema(value_type = Option<domain::DeliveryMode>)]
    pub delivery_mode: Option<String>,
    #[schema(value_type = Option<crate::openapi::rules::Location>)]
    pub location: Option<String>,
    #[schema(value_type = Option<crate::openapi::rules::LinkOrBlank>)]
    pub joining_link: Option<String>,
}

/// Run a cohort for an agreed request (the academy): a `planned` cohort of the request's
/// programme, commissioned by its organisation, serving its priorities, linked to it.
#[utoipa::path(
    tag = "commissioning",
    request_body = RequestCohortCreate,
    params(CommissioningRequestId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 201, description = "Created and linked.", body = CohortDto, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/commissioning-requests/{id}/cohorts")]
pub async fn create_request_cohort(
    _access: Authorized<scope::CohortsWrite>,
    request: CommissioningRequestId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<RequestCohortCreate>,
) -> Result<HttpResponse, ApiError> {
    let r = find(&store, &request, Visibility::All).await?;
    // Before the body is weighed; the store checks it again under the request's lock.
    r.status
        .runs_cohorts()
        .map_err(|e| ApiError::from(persistence::StoreError::refused(e)))?;
    let b = body.into_inner();
    let key = cohort_programme(b.programme, r.programme_id.map(|p| p.to_string()))
        .map_err(unprocessable)?;
    let programme = db(&store, move |conn| {
        persistence::commissioning::published(conn, &key, "programme")
    })
    .await?;
    let requested = RequestedCohort {
        title: r.title.clone(),
        window: r.window,
        expected_learners: r.expected_learners,
        delivery_mode: r.delivery_mode.clone(),
        location: r.location.clone(),
        priorities: r.priorities.clone(),
    };
    let given = CohortInput {
        label: b.label,
        start_date: b.start_date,
        end_date: b.end_date,
        capacity: b.capacity,
        waitlist_enabled: b.waitlist_enabled,
        delivery_mode: b.delivery_mode,
        location: b.location,
        joining_link: b.joining_link,
    };
    let (given, priorities) = requested.fill(
        given,
        programme.programme.title(),
        programme.programme.priorities(),
    );
    let spec = CohortSpec::parse(given).map_err(unprocessable)?;
    let (request_id, programme_id, organisation, audit) =
        (r.id, programme.id, r.organisation_id, audit_entry(&req));
    let cohort = db(&store, move |conn| {
        let w = CohortWrite {
            spec: &spec,
            commissioning_organisation_id: Some(organisation),
            priorities: &priorities,
        };
        cohorts::create(conn, request_id, programme_id, &w, &audit)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/cohorts/{}", cohort.id),
        cohort.id,
        cohort.version,
        &CohortDto::from(cohort),
    ))
}

/// Link an existing cohort, commissioned by the requesting organisation, to an agreed
/// request (the academy). Linking it again changes nothing. A request is delivered when a
/// linked cohort has completed and every other has completed or was cancelled.
#[utoipa::path(
    tag = "commissioning",
    params(CommissioningRequestId, LinkedCohortId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 200, description = "The request with the cohort linked.", body = CommissioningRequestDto, headers(("ETag" = String))),
        (status = 409, response = crate::openapi::problems::Conflict),
    )
)]
#[put("/commissioning-requests/{id}/cohorts/{cohort_id}")]
pub async fn link_request_cohort(
    _access: Authorized<scope::CohortsWrite>,
    request: CommissioningRequestId,
    cohort: LinkedCohortId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    find(&store, &request, Visibility::All).await?;
    let (id, cohort_id, audit) = (request.id, cohort.id, audit_entry(&req));
    let record = db(&store, move |conn| {
        cohorts::link(conn, id, cohort_id, &audit)
    })
    .await
    .or_not_found(cohort.missing())?;
    Ok(respond::resource(
        record.id,
        record.version,
        &CommissioningRequestDto::from(record),
    ))
}

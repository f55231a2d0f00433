//! Cohorts: public to read (dates and seats), `cohorts:write` to run.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::{CohortSpec, CohortStatus, Priority, ValidationErrors, Vocabulary};
use persistence::Store;
use persistence::learning::cohorts::{self, CohortFilter, CohortRecord, CohortWrite};
use uuid::Uuid;

use super::cohort_dto::{
    CohortCreate, CohortDto, CohortList, CohortPatch, CohortQuery, ProgrammeCohortQuery,
    priority_set,
};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{CohortId, OrNotFound, ProgrammeRef};
use crate::http::problem::ProblemField;
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, etag, paging, respond};
use crate::openapi::problems::Conflict;
use crate::routes::v1::catalogue::programmes;

/// The one cohort lookup: the cohort the path names, or the 404 naming it.
pub async fn find(store: &Store, cohort: &CohortId) -> Result<CohortRecord, ApiError> {
    let id = cohort.id;
    db(store, move |conn| cohorts::get(conn, id))
        .await
        .or_not_found(cohort.missing())
}

/// Schedule a cohort of a programme (status `planned`).
#[utoipa::path(
    tag = "cohorts",
    request_body = CohortCreate,
    params(ProgrammeRef),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 201, description = "Created.", body = CohortDto, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/programmes/{id_or_slug}/cohorts")]
pub async fn create_cohort(
    _access: Authorized<scope::CohortsWrite>,
    programme: ProgrammeRef,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<CohortCreate>,
) -> Result<HttpResponse, ApiError> {
    let programme = programmes::find(&store, programme.as_str()).await?;
    let (programme_id, programme_priorities) =
        (programme.id, programme.programme.priorities().clone());
    let body = body.into_inner();
    let spec = CohortSpec::parse(body.input());
    let mut errors = spec.as_ref().err().cloned().unwrap_or_default();
    let priorities = match &body.priorities {
        Some(p) if !p.is_empty() => priority_set("priorities", p, &mut errors),
        _ => programme_priorities,
    };
    let spec = match spec {
        Ok(spec) if errors.is_empty() => spec,
        _ => return Err(unprocessable(errors)),
    };
    let (organisation, audit) = (body.commissioning_organisation_id, audit_entry(&req));
    let record = db(&store, move |conn| {
        let w = CohortWrite {
            spec: &spec,
            commissioning_organisation_id: organisation,
            priorities: &priorities,
        };
        cohorts::create(conn, programme_id, &w, &audit)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/cohorts/{}", record.id),
        record.id,
        record.version,
        &CohortDto::from(record),
    ))
}

fn parse_list(
    q: CohortQuery,
    programme_ids: Vec<Uuid>,
) -> Result<(CohortFilter, i64, Option<persistence::Cursor>), ApiError> {
    let mut e: Vec<ProblemField> = Vec::new();
    let mut statuses = Vec::new();
    for s in &q.status {
        match CohortStatus::parse(s) {
            Ok(s) => statuses.push(s),
            Err(err) => e.push(ProblemField {
                field: "status".into(),
                message: err.to_string(),
            }),
        }
    }
    let mut priorities = Vec::new();
    for p in &q.priority {
        match Priority::parse(p) {
            Ok(p) => priorities.push(p),
            Err(err) => e.push(ProblemField {
                field: "priority".into(),
                message: err.to_string(),
            }),
        }
    }
    let filter = CohortFilter {
        programme_ids,
        statuses,
        starts_after: paging::date("starts_after", q.starts_after.as_deref(), &mut e),
        organisation_id: paging::uuid("organisation", q.organisation.as_deref(), &mut e),
        priorities,
    };
    let limit = paging::limit(q.limit.as_deref(), &mut e);
    let cursor = paging::cursor(q.cursor.as_deref(), &mut e, cohorts::decode_cursor);
    if e.is_empty() {
        Ok((filter, limit, cursor))
    } else {
        Err(invalid_query(e))
    }
}

async fn respond_list(
    req: &HttpRequest,
    store: &Store,
    filter: CohortFilter,
    limit: i64,
    cursor: Option<persistence::Cursor>,
) -> Result<HttpResponse, ApiError> {
    let page = db(store, move |conn| {
        cohorts::list(conn, &filter, limit, cursor.as_ref())
    })
    .await?;
    Ok(respond::listed(req, page.next_cursor, |next_cursor| {
        CohortList {
            data: page.items.into_iter().map(Into::into).collect(),
            next_cursor,
        }
    }))
}

/// List cohorts, by start date, with their seat counts.
#[utoipa::path(
    tag = "cohorts",
    params(CohortQuery),
    responses(
        (status = 200, description = "One page of cohorts.", body = CohortList),
    )
)]
#[get("/cohorts")]
pub async fn list_cohorts(
    req: HttpRequest,
    store: web::Data<Store>,
    StrictQuery(q): StrictQuery<CohortQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut ids = Vec::new();
    for p in &q.programme {
        ids.push(programmes::filter_id(&store, p).await?);
    }
    let (filter, limit, cursor) = parse_list(q, ids)?;
    respond_list(&req, &store, filter, limit, cursor).await
}

/// List the cohorts of one programme.
#[utoipa::path(
    tag = "cohorts",
    params(ProgrammeRef, ProgrammeCohortQuery),
    responses(
        (status = 200, description = "One page of the programme's cohorts.", body = CohortList),
    )
)]
#[get("/programmes/{id_or_slug}/cohorts")]
pub async fn list_programme_cohorts(
    req: HttpRequest,
    programme: ProgrammeRef,
    store: web::Data<Store>,
    StrictQuery(q): StrictQuery<ProgrammeCohortQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = programmes::find(&store, programme.as_str()).await?.id;
    let (filter, limit, cursor) = parse_list(q.0, vec![id])?;
    respond_list(&req, &store, filter, limit, cursor).await
}

/// Get one cohort with its seat counts.
#[utoipa::path(
    tag = "cohorts",
    params(CohortId),
    responses(
        (status = 200, description = "The cohort.", body = CohortDto, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the `ETag` in `If-None-Match`."),
    )
)]
#[get("/cohorts/{id}")]
pub async fn get_cohort(
    cohort: CohortId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let record = find(&store, &cohort).await?;
    Ok(respond::conditional(
        &req,
        record.id,
        record.version,
        &CohortDto::from(record),
    ))
}

/// Change a cohort (JSON merge patch; `If-Match` required). Capacity may not drop below the
/// number enrolled (409); added seats go to the waitlist in order.
#[utoipa::path(
    tag = "cohorts",
    request_body(content = CohortPatch, content_type = "application/merge-patch+json"),
    params(CohortId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 200, description = "The cohort as changed.", body = CohortDto, headers(("ETag" = String))),
        (status = 409, response = Conflict),
    )
)]
#[patch("/cohorts/{id}")]
pub async fn update_cohort(
    _access: Authorized<scope::CohortsWrite>,
    cohort: CohortId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: crate::http::merge_patch::MergePatch<CohortPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = etag::if_match(&req)?;
    let current = find(&store, &cohort).await?;
    let version = precondition.check(current.id, current.version)?;
    let patch = body.into_inner();
    let spec = CohortSpec::parse(patch.apply(current.spec.to_input()));
    let mut errors: ValidationErrors = spec.as_ref().err().cloned().unwrap_or_default();
    let priorities = match &patch.priorities {
        Some(p) => priority_set("priorities", p, &mut errors),
        None => current.priorities.clone(),
    };
    let spec = match spec {
        Ok(spec) if errors.is_empty() => spec,
        _ => return Err(unprocessable(errors)),
    };
    let organisation = patch
        .commissioning_organisation_id
        .unwrap_or(current.commissioning_organisation_id);
    let (id, audit) = (current.id, audit_entry(&req));
    let record = db(&store, move |conn| {
        let w = CohortWrite {
            spec: &spec,
            commissioning_organisation_id: organisation,
            priorities: &priorities,
        };
        cohorts::update(conn, id, version, &w, &audit)
    })
    .await?;
    Ok(respond::resource(
        record.id,
        record.version,
        &CohortDto::from(record),
    ))
}

/// Moves the cohort to `to`, or answers 409 naming its current status.
async fn transition(
    req: HttpRequest,
    store: web::Data<Store>,
    cohort: CohortId,
    to: CohortStatus,
) -> Result<HttpResponse, ApiError> {
    let current = find(&store, &cohort).await?;
    let (id, audit) = (current.id, audit_entry(&req));
    let record = db(&store, move |conn| {
        cohorts::transition(conn, id, to, &audit)
    })
    .await?;
    Ok(respond::resource(
        record.id,
        record.version,
        &CohortDto::from(record),
    ))
}

/// Open a planned cohort for enrolment.
#[utoipa::path(
    tag = "cohorts",
    params(CohortId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 200, description = "The cohort in its new state.", body = CohortDto, headers(("ETag" = String))),
    )
)]
#[post("/cohorts/{id}/open")]
pub async fn open_cohort(
    _access: Authorized<scope::CohortsWrite>,
    cohort: CohortId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    transition(req, store, cohort, CohortStatus::Open).await
}

/// Start an open cohort (it is running).
#[utoipa::path(
    tag = "cohorts",
    params(CohortId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 200, description = "The cohort in its new state.", body = CohortDto, headers(("ETag" = String))),
    )
)]
#[post("/cohorts/{id}/start")]
pub async fn start_cohort(
    _access: Authorized<scope::CohortsWrite>,
    cohort: CohortId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    transition(req, store, cohort, CohortStatus::Running).await
}

/// Complete a running cohort.
#[utoipa::path(
    tag = "cohorts",
    params(CohortId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 200, description = "The cohort in its new state.", body = CohortDto, headers(("ETag" = String))),
    )
)]
#[post("/cohorts/{id}/complete")]
pub async fn complete_cohort(
    _access: Authorized<scope::CohortsWrite>,
    cohort: CohortId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    transition(req, store, cohort, CohortStatus::Completed).await
}

/// Cancel a cohort that has not ended; every live enrolment is cancelled with it.
#[utoipa::path(
    tag = "cohorts",
    params(CohortId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 200, description = "The cohort in its new state.", body = CohortDto, headers(("ETag" = String))),
    )
)]
#[post("/cohorts/{id}/cancel")]
pub async fn cancel_cohort(
    _access: Authorized<scope::CohortsWrite>,
    cohort: CohortId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    transition(req, store, cohort, CohortStatus::Cancelled).await
}

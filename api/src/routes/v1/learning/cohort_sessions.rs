//! The sessions of a cohort: scheduled by the academy, public to read. Their attendance
//! registers are in `register`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::cohort_session::{CohortSession, CohortSessionInput};
use persistence::Store;
use persistence::learning::cohort_sessions;
use serde::Serialize;
use utoipa::ToSchema;

use super::cohort_dto::{SessionCreate, SessionDto};
use super::cohorts::find;
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::CohortId;
use crate::http::{ApiError, db};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": []}))]
pub struct SessionList {
    pub data: Vec<SessionDto>,
}

/// Schedule a session of a cohort.
#[utoipa::path(
    tag = "cohorts",
    request_body = SessionCreate,
    params(CohortId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 201, description = "Created.", body = SessionDto, headers(("Location" = String))),
    )
)]
#[post("/cohorts/{id}/sessions")]
pub async fn create_cohort_session(
    _access: Authorized<scope::CohortsWrite>,
    cohort: CohortId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<SessionCreate>,
) -> Result<HttpResponse, ApiError> {
    let cohort = find(&store, &cohort).await?;
    let b = body.into_inner();
    let session = CohortSession::parse(CohortSessionInput {
        title: b.title,
        starts_at: b.starts_at.map(|t| t.naive_utc()),
        duration_minutes: b.duration_minutes,
    })
    .map_err(unprocessable)?;
    let (cohort_id, audit) = (cohort.id, audit_entry(&req));
    let row = db(&store, move |conn| {
        cohort_sessions::create(conn, cohort_id, &session, &audit)
    })
    .await?;
    let location = format!("/api/v1/cohorts/{cohort_id}/sessions/{}", row.id.0);
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(SessionDto::from(row)))
}

/// The sessions of a cohort, in time order.
#[utoipa::path(
    tag = "cohorts",
    params(CohortId),
    responses(
        (status = 200, description = "The sessions.", body = SessionList),
    )
)]
#[get("/cohorts/{id}/sessions")]
pub async fn list_cohort_sessions(
    cohort: CohortId,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let cohort = find(&store, &cohort).await?;
    let id = cohort.id;
    let rows = db(&store, move |conn| cohort_sessions::of_cohort(conn, id)).await?;
    Ok(HttpResponse::Ok().json(SessionList {
        data: rows.into_iter().map(Into::into).collect(),
    }))
}

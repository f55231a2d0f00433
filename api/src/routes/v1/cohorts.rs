//! Cohorts: public to read (dates and seats), `cohorts:write` to run.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::{CohortSpec, CohortStatus, Priority, ValidationErrors, Vocabulary};
use persistence::Store;
use persistence::catalogue::programmes::{self, ProgrammeKey};
use persistence::learning::cohorts::{self, CohortFilter, CohortRecord, CohortWrite};
use persistence::learning::sessions;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::cohort_dto::{
    CohortCreate, CohortDto, CohortPatch, SessionCreate, SessionDto, priority_set,
};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::problem::ProblemField;
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, etag, paging, respond};
use crate::openapi::problems::{Conflict, Unprocessable};
use crate::openapi::rules::PriorityRefInput;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CohortQuery {
    /// Programme id(s) or slug(s).
    #[serde(default)]
    #[param(value_type = Option<Vec<String>>, explode, style = Form)]
    pub programme: Vec<String>,
    #[serde(default)]
    #[param(value_type = Option<Vec<CohortStatus>>, explode, style = Form)]
    pub status: Vec<String>,
    /// Only cohorts starting after this date (YYYY-MM-DD).
    #[param(value_type = Option<crate::openapi::rules::Day>)]
    pub starts_after: Option<String>,
    /// The commissioning organisation.
    #[param(value_type = Option<Uuid>)]
    pub organisation: Option<String>,
    /// Leeds priority code(s) or slug(s).
    #[serde(default)]
    #[param(value_type = Option<Vec<PriorityRefInput>>, explode, style = Form)]
    pub priority: Vec<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

/// Filters of one programme's cohorts: those of `GET /cohorts`, the programme in the path.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct ProgrammeCohortQuery(pub CohortQuery);

impl IntoParams for ProgrammeCohortQuery {
    fn into_params(
        place: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        crate::http::query::without(CohortQuery::into_params(place), &["programme"])
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct CohortList {
    /// By start date.
    pub data: Vec<CohortDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": []}))]
pub struct SessionList {
    pub data: Vec<SessionDto>,
}

pub async fn programme_id(
    store: &Store,
    raw: &str,
) -> Result<(Uuid, std::collections::BTreeSet<Priority>), ApiError> {
    let key = ProgrammeKey::parse(raw);
    let record = db(store, move |conn| programmes::get(conn, &key))
        .await
        .map_err(|e| match e {
            ApiError::Problem(p) if p.status == 404 => {
                ApiError::not_found(format!("no programme has id or slug '{raw}'"))
            }
            other => other,
        })?;
    Ok((record.id, record.programme.priorities().clone()))
}

/// The id of a programme named in a list filter. A slug or id that no programme has gives
/// the nil id, which nothing carries: a filter on a programme that does not exist matches
/// nothing, as a filter on any other value that nobody has.
pub async fn programme_filter(store: &Store, raw: &str) -> Result<Uuid, ApiError> {
    match programme_id(store, raw).await {
        Ok((id, _)) => Ok(id),
        Err(e) if e.is_not_found() => Ok(Uuid::nil()),
        Err(e) => Err(e),
    }
}

pub async fn find(store: &Store, raw: &str) -> Result<CohortRecord, ApiError> {
    let missing = || ApiError::not_found(format!("no cohort has id '{raw}'"));
    let id = Uuid::parse_str(raw).map_err(|_| missing())?;
    db(store, move |conn| cohorts::get(conn, id))
        .await
        .map_err(|e| match e {
            ApiError::Problem(p) if p.status == 404 => missing(),
            other => other,
        })
}

/// Schedule a cohort of a programme (status `planned`).
#[utoipa::path(
    tag = "cohorts",
    request_body = CohortCreate,
    params(("id_or_slug" = String, Path, description = "The programme's id or slug.")),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 201, description = "Created.", body = CohortDto, headers(("Location" = String), ("ETag" = String))),
        (status = 422, response = Unprocessable),
    )
)]
#[post("/programmes/{id_or_slug}/cohorts")]
pub async fn create_cohort(
    auth: Authorized<scope::CohortsWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: Json<CohortCreate>,
) -> Result<HttpResponse, ApiError> {
    let _ = auth;
    let (programme_id, programme_priorities) = programme_id(&store, &path).await?;
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
        ids.push(programme_filter(&store, p).await?);
    }
    let (filter, limit, cursor) = parse_list(q, ids)?;
    respond_list(&req, &store, filter, limit, cursor).await
}

/// List the cohorts of one programme.
#[utoipa::path(
    tag = "cohorts",
    params(("id_or_slug" = String, Path, description = "The programme's id or slug."), ProgrammeCohortQuery),
    responses(
        (status = 200, description = "One page of the programme's cohorts.", body = CohortList),
    )
)]
#[get("/programmes/{id_or_slug}/cohorts")]
pub async fn list_programme_cohorts(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
    StrictQuery(q): StrictQuery<ProgrammeCohortQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = programme_id(&store, &path).await?.0;
    let (filter, limit, cursor) = parse_list(q.0, vec![id])?;
    respond_list(&req, &store, filter, limit, cursor).await
}

/// Get one cohort with its seat counts.
#[utoipa::path(
    tag = "cohorts",
    params(("id" = Uuid, Path, description = "The cohort's id.")),
    responses(
        (status = 200, description = "The cohort.", body = CohortDto, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the `ETag` in `If-None-Match`."),
    )
)]
#[get("/cohorts/{id}")]
pub async fn get_cohort(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = find(&store, &path).await?;
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
    params(
        ("id" = Uuid, Path, description = "The cohort's id."),
    ),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 200, description = "The cohort as changed.", body = CohortDto, headers(("ETag" = String))),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    )
)]
#[patch("/cohorts/{id}")]
pub async fn update_cohort(
    auth: Authorized<scope::CohortsWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: crate::http::merge_patch::MergePatch<CohortPatch>,
) -> Result<HttpResponse, ApiError> {
    let _ = auth;
    let precondition = etag::if_match(&req)?;
    let current = find(&store, &path).await?;
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

async fn transition(
    req: HttpRequest,
    store: web::Data<Store>,
    raw: String,
    to: CohortStatus,
) -> Result<HttpResponse, ApiError> {
    let current = find(&store, &raw).await?;
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

macro_rules! cohort_action {
    ($fn:ident, $path:literal, $to:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "cohorts",
            params(("id" = Uuid, Path, description = "The cohort's id.")),
            security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
            responses(
                (status = 200, description = "The cohort in its new state.", body = CohortDto, headers(("ETag" = String))),
                (status = 409, response = Conflict),
            )
        )]
        #[post($path)]
        pub async fn $fn(
            auth: Authorized<scope::CohortsWrite>,
            req: HttpRequest,
            store: web::Data<Store>,
            path: web::Path<String>,
        ) -> Result<HttpResponse, ApiError> {
            let _ = auth;
            transition(req, store, path.into_inner(), $to).await
        }
    };
}

cohort_action!(
    open_cohort,
    "/cohorts/{id}/open",
    CohortStatus::Open,
    "Open a planned cohort for enrolment."
);
cohort_action!(
    start_cohort,
    "/cohorts/{id}/start",
    CohortStatus::Running,
    "Start an open cohort (it is running)."
);
cohort_action!(
    complete_cohort,
    "/cohorts/{id}/complete",
    CohortStatus::Completed,
    "Complete a running cohort."
);
cohort_action!(
    cancel_cohort,
    "/cohorts/{id}/cancel",
    CohortStatus::Cancelled,
    "Cancel a cohort that has not ended; every live enrolment is cancelled with it."
);

/// Schedule a session of a cohort.
#[utoipa::path(
    tag = "cohorts",
    request_body = SessionCreate,
    params(("id" = Uuid, Path, description = "The cohort's id.")),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 201, description = "Created.", body = SessionDto, headers(("Location" = String))),
        (status = 422, response = Unprocessable),
    )
)]
#[post("/cohorts/{id}/sessions")]
pub async fn create_cohort_session(
    auth: Authorized<scope::CohortsWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: Json<SessionCreate>,
) -> Result<HttpResponse, ApiError> {
    let _ = auth;
    let cohort = find(&store, &path).await?;
    let b = body.into_inner();
    let mut e = ValidationErrors::new();
    let too_long = b.title.as_ref().is_some_and(|t| t.chars().count() > 200);
    let title = b
        .title
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if title.is_none() || too_long {
        e.add("title", "is required, at most 200 characters");
    }
    match b.starts_at {
        None => e.add(
            "starts_at",
            "is required (RFC 3339, e.g. 2027-03-01T09:30:00Z)",
        ),
        Some(t) if !domain::validation::date_in_range(t.date_naive()) => {
            e.add("starts_at", domain::validation::date_range_message())
        }
        Some(_) => {}
    }
    if !b.duration_minutes.is_some_and(|d| (1..=1440).contains(&d)) {
        e.add(
            "duration_minutes",
            "must be a whole number of minutes from 1 to 1440",
        );
    }
    let (Some(title), Some(starts_at), Some(minutes), true) =
        (title, b.starts_at, b.duration_minutes, e.is_empty())
    else {
        return Err(unprocessable(e));
    };
    let (cohort_id, audit) = (cohort.id, audit_entry(&req));
    let starts = starts_at.naive_utc();
    let session = db(&store, move |conn| {
        sessions::create(conn, cohort_id, &title, starts, minutes, &audit)
    })
    .await?;
    let location = format!("/api/v1/cohorts/{cohort_id}/sessions/{}", session.id.0);
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(SessionDto::from(session)))
}

/// The sessions of a cohort, in time order.
#[utoipa::path(
    tag = "cohorts",
    params(("id" = Uuid, Path, description = "The cohort's id.")),
    responses(
        (status = 200, description = "The sessions.", body = SessionList),
    )
)]
#[get("/cohorts/{id}/sessions")]
pub async fn list_cohort_sessions(
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let cohort = find(&store, &path).await?;
    let id = cohort.id;
    let rows = db(&store, move |conn| sessions::of_cohort(conn, id)).await?;
    Ok(HttpResponse::Ok().json(SessionList {
        data: rows.into_iter().map(Into::into).collect(),
    }))
}

//! Partner organisations: public to read, admin to write.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::Organisation;
use persistence::Store;
use persistence::access::organisations::{self, OrganisationRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::organisation_dto::{OrganisationCreate, OrganisationDto, OrganisationPatch};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{OrNotFound, OrganisationId};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, etag, paging, respond};
use crate::openapi::problems::Conflict;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Case-insensitive text in the name.
    #[param(value_type = Option<String>, example = "leeds")]
    pub q: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [{"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "name": "Leeds Teaching Hospitals NHS Trust",
    "kind": "nhs_trust", "ods_code": "RR8", "status": "active", "version": 1,
    "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}], "next_cursor": null}))]
pub struct OrganisationList {
    pub data: Vec<OrganisationDto>,
    pub next_cursor: Option<String>,
}

/// The one organisation lookup: the organisation the path names, or the 404 naming it.
async fn find(
    store: &Store,
    organisation: &OrganisationId,
) -> Result<OrganisationRecord, ApiError> {
    let id = organisation.id;
    db(store, move |conn| organisations::get(conn, id))
        .await
        .or_not_found(organisation.missing())
}

/// List partner organisations, by name.
#[utoipa::path(
    tag = "organisations",
    params(OrganisationQuery),
    responses(
        (status = 200, description = "One page of organisations.", body = OrganisationList),
    )
)]
#[get("/organisations")]
pub async fn list_organisations(
    req: HttpRequest,
    store: web::Data<Store>,
    StrictQuery(query): StrictQuery<OrganisationQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Vec::new();
    let limit = paging::limit(query.limit.as_deref(), &mut e);
    let cursor = paging::cursor(
        query.cursor.as_deref(),
        &mut e,
        organisations::decode_cursor,
    );
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    let q = query
        .q
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty());
    let page = db(&store, move |conn| {
        organisations::list(conn, q.as_deref(), limit, cursor.as_ref())
    })
    .await?;
    Ok(respond::listed(&req, page.next_cursor, |next_cursor| {
        OrganisationList {
            data: page.items.into_iter().map(Into::into).collect(),
            next_cursor,
        }
    }))
}

/// Get one organisation.
#[utoipa::path(
    tag = "organisations",
    params(OrganisationId),
    responses(
        (status = 200, description = "The organisation.", body = OrganisationDto, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the `ETag` in `If-None-Match`."),
    )
)]
#[get("/organisations/{id}")]
pub async fn get_organisation(
    req: HttpRequest,
    store: web::Data<Store>,
    organisation: OrganisationId,
) -> Result<HttpResponse, ApiError> {
    let record = find(&store, &organisation).await?;
    Ok(respond::conditional(
        &req,
        record.id,
        record.version,
        &OrganisationDto::from(record),
    ))
}

/// Add a partner organisation.
#[utoipa::path(
    tag = "organisations",
    request_body = OrganisationCreate,
    security(("oauth2" = ["admin"]), ("bearer" = ["admin"])),
    responses(
        (status = 201, description = "Created.", body = OrganisationDto,
            headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/organisations")]
pub async fn create_organisation(
    _access: Authorized<scope::Admin>,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<OrganisationCreate>,
) -> Result<HttpResponse, ApiError> {
    let organisation = Organisation::parse(body.into_inner().into()).map_err(unprocessable)?;
    let audit = audit_entry(&req);
    let record = db(&store, move |conn| {
        organisations::create(conn, &organisation, &audit)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/organisations/{}", record.id),
        record.id,
        record.version,
        &OrganisationDto::from(record),
    ))
}

/// Change an organisation (JSON merge patch; `If-Match` required).
#[utoipa::path(
    tag = "organisations",
    request_body(content = OrganisationPatch, content_type = "application/merge-patch+json"),
    params(OrganisationId),
    security(("oauth2" = ["admin"]), ("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The organisation as changed.", body = OrganisationDto, headers(("ETag" = String))),
        (status = 409, response = Conflict),
    )
)]
#[patch("/organisations/{id}")]
pub async fn update_organisation(
    _access: Authorized<scope::Admin>,
    req: HttpRequest,
    store: web::Data<Store>,
    organisation: OrganisationId,
    body: crate::http::merge_patch::MergePatch<OrganisationPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = etag::if_match(&req)?;
    let current = find(&store, &organisation).await?;
    let id = current.id;
    let version = precondition.check(current.id, current.version)?;
    let organisation =
        Organisation::parse(body.into_inner().apply(current.organisation.to_input()))
            .map_err(unprocessable)?;
    let audit = audit_entry(&req);
    let record = db(&store, move |conn| {
        organisations::update(conn, id, version, &organisation, &audit)
    })
    .await?;
    Ok(respond::resource(
        record.id,
        record.version,
        &OrganisationDto::from(record),
    ))
}

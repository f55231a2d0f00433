//! Catalogue writes: create, change (with `If-Match`) and remove programmes.

use actix_web::{HttpRequest, HttpResponse, delete, patch, post, web};
use domain::Programme;
use persistence::Store;
use persistence::catalogue::programme_writes::{self, Removal};

use super::programme_dto::ProgrammeDto;
use super::programme_input::{ProgrammeCreate, ProgrammePatch};
use super::programmes::{as_shown, find};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::ProgrammeRef;
use crate::http::{ApiError, db, etag, respond};
use crate::openapi::problems::Conflict;
use crate::snapshot::Catalogue;

/// Add a programme to the catalogue (a draft unless `status` says otherwise).
#[utoipa::path(
    tag = "catalogue",
    request_body = ProgrammeCreate,
    security(("oauth2" = ["catalogue:write"]), ("bearer" = ["catalogue:write"])),
    responses(
        (status = 201, description = "Created.", body = ProgrammeDto, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/programmes")]
pub async fn create_programme(
    _access: Authorized<scope::CatalogueWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<ProgrammeCreate>,
) -> Result<HttpResponse, ApiError> {
    let programme = Programme::parse(body.into_inner().into()).map_err(unprocessable)?;
    let audit = audit_entry(&req);
    let record = db(&store, move |conn| {
        programme_writes::create(conn, &programme, &audit)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/programmes/{}", record.id),
        record.id,
        record.version,
        // A new programme has no cohorts yet.
        &ProgrammeDto::new(record, &[]),
    ))
}

/// Change a programme (JSON merge patch; `If-Match` required). Retire it with `{"status": "retired"}`.
#[utoipa::path(
    tag = "catalogue",
    request_body(content = ProgrammePatch, content_type = "application/merge-patch+json"),
    params(ProgrammeRef),
    security(("oauth2" = ["catalogue:write"]), ("bearer" = ["catalogue:write"])),
    responses(
        (status = 200, description = "The programme as changed.", body = ProgrammeDto, headers(("ETag" = String))),
        (status = 409, response = Conflict),
    )
)]
#[patch("/programmes/{id_or_slug}")]
pub async fn update_programme(
    _access: Authorized<scope::CatalogueWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    catalogue: web::Data<Catalogue>,
    programme: ProgrammeRef,
    body: crate::http::merge_patch::MergePatch<ProgrammePatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = etag::if_match(&req)?;
    let current = find(&store, programme.as_str()).await?;
    let version = precondition.check(current.id, current.version)?;
    let programme = Programme::parse(body.into_inner().apply(current.programme.to_input()))
        .map_err(unprocessable)?;
    let (id, audit) = (current.id, audit_entry(&req));
    let record = db(&store, move |conn| {
        programme_writes::update(conn, id, version, &programme, &audit)
    })
    .await?;
    let (id, version) = (record.id, record.version);
    let shown = as_shown(&catalogue, record).await?;
    Ok(respond::resource(id, version, &shown))
}

/// Remove a programme: deleted when nothing refers to it; retired (200, with the programme)
/// when it has cohorts. `If-Match` is honoured when sent.
#[utoipa::path(
    tag = "catalogue",
    params(
        ProgrammeRef,
        ("If-Match" = Option<String>, Header, description = "Delete only if this is still the current version."),
    ),
    security(("oauth2" = ["catalogue:write"]), ("bearer" = ["catalogue:write"])),
    responses(
        (status = 200, description = "It has cohorts: retired instead.", body = ProgrammeDto, headers(("ETag" = String))),
        (status = 204, description = "Deleted."),
    )
)]
#[delete("/programmes/{id_or_slug}")]
pub async fn delete_programme(
    _access: Authorized<scope::CatalogueWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    catalogue: web::Data<Catalogue>,
    programme: ProgrammeRef,
) -> Result<HttpResponse, ApiError> {
    let current = find(&store, programme.as_str()).await?;
    let expected = etag::if_match_when_sent(&req, current.id, current.version)?;
    let (id, audit) = (current.id, audit_entry(&req));
    match db(&store, move |conn| {
        programme_writes::remove(conn, id, expected, &audit)
    })
    .await?
    {
        Removal::Deleted => Ok(HttpResponse::NoContent().finish()),
        Removal::Retired(record) => {
            let (id, version) = (record.id, record.version);
            let shown = as_shown(&catalogue, *record).await?;
            Ok(respond::resource(id, version, &shown))
        }
    }
}

//! People: staff of partner organisations, and citizens or experts by experience. A client of
//! an organisation reads and writes only that organisation's people; anyone else's answer 404.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use domain::{Person, PersonInput};
use persistence::Store;
use persistence::learning::people::{self, PeopleFilter, PersonRecord};
use persistence::visibility::Visibility;

use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{OrNotFound, OrganisationId, PersonId, StaffNumber};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, etag, paging, respond};
use crate::openapi::problems::Conflict;

use super::person_dto::{PeopleList, PeopleQuery, PersonCreate, PersonDto, PersonPatch};

/// The one person lookup: the person the path names if the caller may see them, or the 404
/// naming the id.
pub async fn find(
    store: &Store,
    person: &PersonId,
    visibility: Visibility,
) -> Result<PersonRecord, ApiError> {
    let id = person.id;
    db(store, move |conn| people::get(conn, id, visibility))
        .await
        .or_not_found(person.missing())
}

/// Add a person.
#[utoipa::path(
    tag = "people",
    request_body = PersonCreate,
    security(("oauth2" = ["people:write"]), ("bearer" = ["people:write"])),
    responses(
        (status = 201, description = "Created.", body = PersonDto, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/people")]
pub async fn create_person(
    auth: Authorized<scope::PeopleWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<PersonCreate>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let mut e = domain::ValidationErrors::new();
    let organisation_id = auth
        .principal
        .organisation_for(b.organisation_id, false, &mut e);
    if !e.is_empty() {
        return Err(unprocessable(e));
    }
    let person = Person::parse(PersonInput {
        given_name: b.given_name,
        family_name: b.family_name,
        email: b.email,
        has_organisation: organisation_id.is_some(),
        job_role: b.job_role,
        external_ref: b.external_ref,
        expert_by_experience: b.expert_by_experience,
    })
    .map_err(unprocessable)?;
    let audit = audit_entry(&req);
    let record = db(&store, move |conn| {
        people::create(conn, organisation_id, &person, &audit)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/people/{}", record.id),
        record.id,
        record.version,
        &PersonDto::from(record),
    ))
}

/// List people, in change order; use `updated_since` for delta sync.
#[utoipa::path(
    tag = "people",
    params(PeopleQuery),
    security(("oauth2" = ["people:read"]), ("bearer" = ["people:read"])),
    responses(
        (status = 200, description = "One page of people.", body = PeopleList),
    )
)]
#[get("/people")]
pub async fn list_people(
    auth: Authorized<scope::PeopleRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    settle: web::Data<super::enrolment_sync::SyncSettle>,
    StrictQuery(q): StrictQuery<PeopleQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Vec::new();
    let filter = PeopleFilter {
        organisation_id: paging::uuid("organisation_id", q.organisation_id.as_deref(), &mut e),
        external_ref: q.external_ref,
        email: q.email,
        updated_since: paging::instant("updated_since", q.updated_since.as_deref(), &mut e),
        settled_before: super::enrolment_sync::settled_before(&store, settle.0).await?,
    };
    let limit = paging::limit(q.limit.as_deref(), &mut e);
    let cursor = paging::cursor(q.cursor.as_deref(), &mut e, people::decode_cursor);
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    let visibility = auth.principal.visibility();
    let page = db(&store, move |conn| {
        people::list(conn, &filter, visibility, limit, cursor.as_ref())
    })
    .await?;
    Ok(respond::listed(&req, page.next_cursor, |next_cursor| {
        PeopleList {
            data: page.items.into_iter().map(Into::into).collect(),
            next_cursor,
        }
    }))
}

/// Get one person.
#[utoipa::path(
    tag = "people",
    params(PersonId),
    security(("oauth2" = ["people:read"]), ("bearer" = ["people:read"])),
    responses(
        (status = 200, description = "The person.", body = PersonDto, headers(("ETag" = String))),
    )
)]
#[get("/people/{id}")]
pub async fn get_person(
    auth: Authorized<scope::PeopleRead>,
    person: PersonId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let record = find(&store, &person, auth.principal.visibility()).await?;
    Ok(respond::conditional(
        &req,
        record.id,
        record.version,
        &PersonDto::from(record),
    ))
}

/// Find a person by their employer's staff number.
#[utoipa::path(
    tag = "people",
    params(
        OrganisationId,
        StaffNumber,
    ),
    security(("oauth2" = ["people:read"]), ("bearer" = ["people:read"])),
    responses(
        (status = 200, description = "The person.", body = PersonDto, headers(("ETag" = String))),
    )
)]
#[get("/organisations/{id}/people/by-ref/{external_ref}")]
pub async fn get_person_by_ref(
    auth: Authorized<scope::PeopleRead>,
    organisation: OrganisationId,
    req: HttpRequest,
    store: web::Data<Store>,
    reference: StaffNumber,
) -> Result<HttpResponse, ApiError> {
    let reference = reference.as_str().to_owned();
    let (organisation_id, visibility) = (organisation.id, auth.principal.visibility());
    let r = reference.clone();
    let record = db(&store, move |conn| {
        people::by_ref(conn, organisation_id, &r, visibility)
    })
    .await
    .or_not_found(format!(
        "no person of organisation '{organisation_id}' has reference '{reference}'"
    ))?;
    Ok(respond::conditional(
        &req,
        record.id,
        record.version,
        &PersonDto::from(record),
    ))
}

/// Change a person (JSON merge patch; `If-Match` required).
#[utoipa::path(
    tag = "people",
    request_body(content = PersonPatch, content_type = "application/merge-patch+json"),
    params(PersonId),
    security(("oauth2" = ["people:write"]), ("bearer" = ["people:write"])),
    responses(
        (status = 200, description = "The person as changed.", body = PersonDto, headers(("ETag" = String))),
        (status = 409, response = Conflict),
    )
)]
#[patch("/people/{id}")]
pub async fn update_person(
    auth: Authorized<scope::PeopleWrite>,
    person: PersonId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: crate::http::merge_patch::MergePatch<PersonPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = etag::if_match(&req)?;
    let current = find(&store, &person, auth.principal.visibility()).await?;
    let version = precondition.check(current.id, current.version)?;
    let Some(person) = current.person.as_ref() else {
        return Err(
            persistence::StoreError::StateConflict("the person has been erased".into()).into(),
        );
    };
    let mut input = person.to_input(current.organisation_id.is_some());
    let b = body.into_inner();
    if let Some(v) = b.given_name {
        input.given_name = Some(v);
    }
    if let Some(v) = b.family_name {
        input.family_name = Some(v);
    }
    if let Some(v) = b.email {
        input.email = Some(v);
    }
    if let Some(v) = b.job_role {
        input.job_role = v;
    }
    if let Some(v) = b.external_ref {
        input.external_ref = v;
    }
    if let Some(v) = b.expert_by_experience {
        input.expert_by_experience = v;
    }
    let person = Person::parse(input).map_err(unprocessable)?;
    let (id, org, audit) = (current.id, current.organisation_id, audit_entry(&req));
    let record = db(&store, move |conn| {
        people::update(conn, id, version, org, &person, &audit)
    })
    .await?;
    Ok(respond::resource(
        record.id,
        record.version,
        &PersonDto::from(record),
    ))
}

/// Erase a person (GDPR): personal fields are blanked for good; enrolment and attendance
/// counts stay, anonymous; delta sync reports the erasure.
#[utoipa::path(
    tag = "people",
    params(PersonId),
    security(("oauth2" = ["people:write"]), ("bearer" = ["people:write"])),
    responses(
        (status = 204, description = "Erased (or already erased)."),
    )
)]
#[delete("/people/{id}")]
pub async fn erase_person(
    auth: Authorized<scope::PeopleWrite>,
    person: PersonId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let (id, visibility, audit) = (person.id, auth.principal.visibility(), audit_entry(&req));
    db(&store, move |conn| {
        people::erase(conn, id, visibility, &audit)
    })
    .await
    .or_not_found(person.missing())?;
    Ok(HttpResponse::NoContent().finish())
}

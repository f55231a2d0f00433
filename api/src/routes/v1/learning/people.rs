//! People: staff of partner organisations, and citizens or experts by experience. A client of
//! an organisation reads and writes only that organisation's people; anyone else's answer 404.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use domain::{Person, PersonInput};
use persistence::Store;
use persistence::learning::people::{self, PeopleFilter, PersonRecord};
use persistence::visibility::Visibility;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::merge_patch::nullable;
use crate::http::path_ids::{OrNotFound, OrganisationId, PersonId, StaffNumber};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, etag, paging, respond};
use crate::openapi::problems::{Conflict, Unprocessable};
use crate::openapi::rules::{Email, ExternalRef, JobRole, PersonName};

/// A person. After erasure (GDPR) every personal field is null and `erased` is true; the
/// record stays so that enrolment and attendance counts survive.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-0000-7000-8000-000000000001",
    "given_name": "Aisha", "family_name": "Khan", "email": "aisha.khan@nhs.net", "job_role": "Staff nurse",
    "external_ref": "LTH-004211", "expert_by_experience": false, "erased": false, "version": 1,
    "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct PersonDto {
    pub id: Uuid,
    /// Null for citizens and experts by experience who belong to no organisation.
    pub organisation_id: Option<Uuid>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// Lower-cased; unique.
    pub email: Option<String>,
    pub job_role: Option<String>,
    /// The employer's staff number; unique within the organisation.
    pub external_ref: Option<String>,
    pub expert_by_experience: bool,
    /// True once the person's personal data has been erased.
    pub erased: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PersonRecord> for PersonDto {
    fn from(r: PersonRecord) -> Self {
        let p = r.person.as_ref();
        Self {
            id: r.id,
            organisation_id: r.organisation_id,
            given_name: p.map(|p| p.given_name().to_owned()),
            family_name: p.map(|p| p.family_name().to_owned()),
            email: p.map(|p| p.email().as_str().to_owned()),
            job_role: p.and_then(|p| p.job_role().map(str::to_owned)),
            external_ref: p.and_then(|p| p.external_ref().map(|r| r.as_str().to_owned())),
            expert_by_experience: r.expert_by_experience,
            erased: r.erased_at.is_some(),
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"given_name": "Aisha", "family_name": "Khan", "email": "aisha.khan@nhs.net",
    "organisation_id": "0193a1b4-0000-7000-8000-000000000001", "job_role": "Staff nurse", "external_ref": "LTH-004211"}))]
pub struct PersonCreate {
    #[schema(value_type = PersonName)]
    pub given_name: Option<String>,
    #[schema(value_type = PersonName)]
    pub family_name: Option<String>,
    /// Unique among people (erased people free theirs).
    #[schema(value_type = Email)]
    pub email: Option<String>,
    /// The employer; a partner organisation's client may only use its own (the default).
    pub organisation_id: Option<Uuid>,
    #[schema(value_type = Option<JobRole>)]
    pub job_role: Option<String>,
    /// Needs an organisation.
    #[schema(value_type = Option<ExternalRef>)]
    pub external_ref: Option<String>,
    #[serde(default)]
    #[schema(default = false)]
    pub expert_by_experience: bool,
}

/// Changes to a person (JSON merge patch).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"job_role": "Ward manager"}))]
pub struct PersonPatch {
    #[schema(value_type = PersonName, required = false)]
    pub given_name: Option<String>,
    #[schema(value_type = PersonName, required = false)]
    pub family_name: Option<String>,
    #[schema(value_type = Email, required = false)]
    pub email: Option<String>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<JobRole>)]
    pub job_role: Option<Option<String>>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<ExternalRef>)]
    pub external_ref: Option<Option<String>>,
    #[schema(value_type = bool, required = false)]
    pub expert_by_experience: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    #[param(value_type = Option<Uuid>)]
    pub organisation_id: Option<String>,
    /// The employer's staff number.
    pub external_ref: Option<String>,
    pub email: Option<String>,
    /// Only people changed (or erased) at or after this instant (RFC 3339), for delta sync.
    #[param(value_type = Option<crate::openapi::rules::Instant>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct PeopleList {
    /// In change order (`updated_at`, then id); erased people appear as tombstones.
    pub data: Vec<PersonDto>,
    pub next_cursor: Option<String>,
}

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
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
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
    let organisation_id = match (auth.principal.visibility(), b.organisation_id) {
        (Visibility::Organisation(own), None) => Some(own),
        (Visibility::Organisation(own), Some(o)) if o != own => {
            let mut e = domain::ValidationErrors::new();
            e.add("organisation_id", "no organisation has this id");
            return Err(unprocessable(e));
        }
        (_, o) => o,
    };
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
        (status = 422, response = Unprocessable),
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

impl crate::http::merge_patch::Nullable for PersonPatch {
    const NULLABLE: &'static [&'static str] = &["job_role", "external_ref"];
}

//! Joining and leaving Communities of Practice, and a person's memberships.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use domain::community::MemberRole;
use domain::{ValidationErrors, Vocabulary};
use persistence::Store;
use persistence::communities::memberships::{self, MembershipRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{CommunityRef, MemberId, OrNotFound, PersonId};
use crate::http::{ApiError, db};
use crate::openapi::rules::CommunityKey;

/// One person's membership of one community; `left_at` is null while it lasts.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-0000-7000-8000-0000000000aa",
    "community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "community_slug": "facilitation",
    "person_id": "0193a1b4-0000-7000-8000-0000000000dd", "role": "ics_lead",
    "joined_at": "2026-11-23T09:00:00Z", "left_at": null}))]
pub struct MembershipDto {
    pub id: Uuid,
    pub community_id: Uuid,
    pub community_slug: String,
    pub person_id: Uuid,
    pub role: MemberRole,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
}

impl From<MembershipRecord> for MembershipDto {
    fn from(r: MembershipRecord) -> Self {
        Self {
            id: r.id,
            community_id: r.community_id,
            community_slug: r.community_slug,
            person_id: r.person_id,
            role: r.role,
            joined_at: r.joined_at.and_utc(),
            left_at: r.left_at.map(|t| t.and_utc()),
        }
    }
}

/// Someone joining a community.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"person_id": "0193a1b4-0000-7000-8000-0000000000dd", "role": "ics_lead"}))]
pub struct MembershipCreate {
    pub person_id: Uuid,
    #[schema(value_type = Option<MemberRole>, default = "member")]
    pub role: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [{"id": "0193a1b4-0000-7000-8000-0000000000aa",
    "community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "community_slug": "facilitation",
    "person_id": "0193a1b4-0000-7000-8000-0000000000dd", "role": "member",
    "joined_at": "2026-11-23T09:00:00Z", "left_at": null}]}))]
pub struct MembershipList {
    /// Current and past memberships, in the order they began.
    pub data: Vec<MembershipDto>,
}

/// Moving from one community to another.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from": "facilitation", "to": "innovation-and-improvement"}))]
pub struct MembershipMove {
    /// The community left: id or slug.
    #[schema(value_type = CommunityKey)]
    pub from: String,
    /// The community joined: id or slug (not the one left).
    #[schema(value_type = CommunityKey)]
    pub to: String,
    /// The role in `to`.
    #[schema(value_type = Option<MemberRole>, default = "member")]
    pub role: Option<String>,
}

/// The membership that ended and the one that began.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "left": {"id": "0193a1b4-0000-7000-8000-0000000000aa",
        "community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "community_slug": "facilitation",
        "person_id": "0193a1b4-0000-7000-8000-0000000000dd", "role": "member",
        "joined_at": "2026-01-10T09:00:00Z", "left_at": "2026-11-23T09:00:00Z"},
    "joined": {"id": "0193a1b4-0000-7000-8000-0000000000ab",
        "community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8c", "community_slug": "innovation-and-improvement",
        "person_id": "0193a1b4-0000-7000-8000-0000000000dd", "role": "member",
        "joined_at": "2026-11-23T09:00:00Z", "left_at": null}}))]
pub struct MembershipMoved {
    pub left: MembershipDto,
    pub joined: MembershipDto,
}

fn role_of(raw: Option<&str>) -> Result<MemberRole, ApiError> {
    match raw {
        None => Ok(MemberRole::Member),
        Some(raw) => MemberRole::parse(raw).map_err(|e| {
            let mut errors = ValidationErrors::new();
            errors.add("role", e.to_string());
            unprocessable(errors)
        }),
    }
}

/// Add a person to a community.
///
/// Anyone may belong to any number of communities. A partner organisation's client adds its
/// own people; admin anyone, including citizen representatives who belong to no organisation.
/// 409 when the person is already a member or the community is closed.
#[utoipa::path(
    tag = "communities",
    request_body = MembershipCreate,
    params(CommunityRef),
    security(("oauth2" = ["memberships:write"]), ("bearer" = ["memberships:write"])),
    responses(
        (status = 201, description = "Joined.", body = MembershipDto, headers(("Location" = String))),
    )
)]
#[post("/communities/{id_or_slug}/members")]
pub async fn add_community_member(
    auth: Authorized<scope::MembershipsWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    community: CommunityRef,
    body: Json<MembershipCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let role = role_of(body.role.as_deref())?;
    let person = body.person_id;
    let (visibility, audit) = (auth.principal.visibility(), audit_entry(&req));
    let lookup = community.as_str().to_owned();
    let record = db(&store, move |conn| {
        memberships::join(conn, &lookup, person, role, visibility, &audit)
    })
    .await
    .or_not_found(format!(
        "no community '{}', or no person '{person}' you may add",
        community.as_str()
    ))?;
    Ok(HttpResponse::Created()
        .insert_header((
            LOCATION,
            format!("/api/v1/people/{}/memberships", record.person_id),
        ))
        .json(MembershipDto::from(record)))
}

/// Remove a person from a community (they may rejoin; the history is kept).
#[utoipa::path(
    tag = "communities",
    params(
        CommunityRef,
        MemberId,
    ),
    security(("oauth2" = ["memberships:write"]), ("bearer" = ["memberships:write"])),
    responses(
        (status = 204, description = "Left."),
    )
)]
#[delete("/communities/{id_or_slug}/members/{person_id}")]
pub async fn remove_community_member(
    auth: Authorized<scope::MembershipsWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    community: CommunityRef,
    member: MemberId,
) -> Result<HttpResponse, ApiError> {
    let person = member.id;
    let (visibility, audit) = (auth.principal.visibility(), audit_entry(&req));
    let lookup = community.as_str().to_owned();
    db(&store, move |conn| {
        memberships::leave(conn, &lookup, person, visibility, &audit)
    })
    .await
    .or_not_found(format!(
        "person '{person}' is not a current member of community '{}' that you may see",
        community.as_str()
    ))?;
    Ok(HttpResponse::NoContent().finish())
}

/// A person's memberships, current and past.
#[utoipa::path(
    tag = "communities",
    params(PersonId),
    security(("oauth2" = ["people:read"]), ("bearer" = ["people:read"])),
    responses(
        (status = 200, description = "Their memberships, in the order they began.", body = MembershipList),
    )
)]
#[get("/people/{id}/memberships")]
pub async fn list_person_memberships(
    auth: Authorized<scope::PeopleRead>,
    store: web::Data<Store>,
    person: PersonId,
) -> Result<HttpResponse, ApiError> {
    let (raw, person) = (person.missing(), person.id);
    let visibility = auth.principal.visibility();
    let rows = db(&store, move |conn| {
        memberships::of_person(conn, person, visibility)
    })
    .await
    .or_not_found(raw)?;
    Ok(HttpResponse::Ok().json(MembershipList {
        data: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Move a person from one community to another in one step.
///
/// Leaves `from` and joins `to` atomically ("move between these as their skill sets
/// evolve"): if either half fails, neither happens.
#[utoipa::path(
    tag = "communities",
    request_body = MembershipMove,
    params(PersonId),
    security(("oauth2" = ["memberships:write"]), ("bearer" = ["memberships:write"])),
    responses(
        (status = 200, description = "Moved.", body = MembershipMoved),
    )
)]
#[post("/people/{id}/memberships/move")]
pub async fn move_person_membership(
    auth: Authorized<scope::MembershipsWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    person: PersonId,
    body: Json<MembershipMove>,
) -> Result<HttpResponse, ApiError> {
    let person = person.id;
    let MembershipMove { from, to, role } = body.into_inner();
    let role = role_of(role.as_deref())?;
    let (visibility, audit) = (auth.principal.visibility(), audit_entry(&req));
    let message = format!(
        "no person '{person}' you may see who is a current member of '{from}', or no community '{to}'"
    );
    let (left, joined) = db(&store, move |conn| {
        memberships::move_between(conn, person, &from, &to, role, visibility, &audit)
    })
    .await
    .or_not_found(message)?;
    Ok(HttpResponse::Ok().json(MembershipMoved {
        left: left.into(),
        joined: joined.into(),
    }))
}

/// The current members of a community.
///
/// Member lists are private: admin sees every member, a partner organisation's client only
/// its own people; everyone else sees the community's `member_count`.
#[utoipa::path(
    tag = "communities",
    params(CommunityRef),
    security(("oauth2" = ["people:read"]), ("bearer" = ["people:read"])),
    responses(
        (status = 200, description = "Current members the caller may see, in the order they joined.", body = MembershipList),
    )
)]
#[get("/communities/{id_or_slug}/members")]
pub async fn list_community_members(
    auth: Authorized<scope::PeopleRead>,
    store: web::Data<Store>,
    community: CommunityRef,
) -> Result<HttpResponse, ApiError> {
    let (visibility, lookup) = (auth.principal.visibility(), community.as_str().to_owned());
    let rows = db(&store, move |conn| {
        memberships::current(conn, &lookup, visibility)
    })
    .await
    .or_not_found(community.missing())?;
    Ok(HttpResponse::Ok().json(MembershipList {
        data: rows.into_iter().map(Into::into).collect(),
    }))
}

//! A community's shared resources: the prospectus's "repository of resources".

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::community::ResourceKind;
use domain::community_session::NewResource;
use persistence::Store;
use persistence::communities::resources::{self, ResourceRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{CommunityRef, OrNotFound};
use crate::http::{ApiError, db};
use crate::openapi::rules::{ResourceTitle, WebLink};

/// A shared resource.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-0000-7000-8000-0000000000ff",
    "community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "title": "Claims, concerns and issues: a facilitation tool",
    "link": "https://example.org/tools/claims-concerns-issues", "kind": "tool",
    "added_by": "0193a1b4-0000-7000-8000-000000000001", "added_at": "2026-11-23T09:00:00Z"}))]
pub struct ResourceDto {
    pub id: Uuid,
    pub community_id: Uuid,
    pub title: String,
    pub link: String,
    #[schema(value_type = ResourceKind)]
    pub kind: String,
    /// The API client that added it.
    pub added_by: Option<Uuid>,
    pub added_at: DateTime<Utc>,
}

impl From<ResourceRecord> for ResourceDto {
    fn from(r: ResourceRecord) -> Self {
        Self {
            id: r.id.0,
            community_id: r.community_id.0,
            title: r.title,
            link: r.link,
            kind: r.kind,
            added_by: r.added_by.map(|c| c.0),
            added_at: r.added_at.and_utc(),
        }
    }
}

/// A resource to share.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Claims, concerns and issues: a facilitation tool",
    "link": "https://example.org/tools/claims-concerns-issues", "kind": "tool"}))]
pub struct ResourceCreate {
    #[schema(value_type = ResourceTitle)]
    pub title: Option<String>,
    #[schema(value_type = WebLink)]
    pub link: Option<String>,
    #[schema(value_type = ResourceKind)]
    pub kind: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": []}))]
pub struct ResourceList {
    /// Newest first.
    pub data: Vec<ResourceDto>,
}

/// Share a resource with a community.
#[utoipa::path(
    tag = "communities",
    request_body = ResourceCreate,
    params(CommunityRef),
    security(("oauth2" = ["communities:write"]), ("bearer" = ["communities:write"])),
    responses(
        (status = 201, description = "Shared.", body = ResourceDto, headers(("Location" = String))),
    )
)]
#[post("/communities/{id_or_slug}/resources")]
pub async fn add_community_resource(
    auth: Authorized<scope::CommunitiesWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    community: CommunityRef,
    body: Json<ResourceCreate>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let new = NewResource::parse(b.title, b.link, b.kind).map_err(unprocessable)?;
    let (client, audit, lookup) = (
        auth.principal.client_id,
        audit_entry(&req),
        community.as_str().to_owned(),
    );
    let record = db(&store, move |conn| {
        resources::add(conn, &lookup, &new, Some(client), &audit)
    })
    .await
    .or_not_found(community.missing())?;
    Ok(HttpResponse::Created()
        .insert_header((
            LOCATION,
            format!("/api/v1/communities/{}/resources", community.as_str()),
        ))
        .json(ResourceDto::from(record)))
}

/// A community's shared resources, newest first. Anyone may read them.
#[utoipa::path(
    tag = "communities",
    params(CommunityRef),
    responses(
        (status = 200, description = "The resources.", body = ResourceList),
    )
)]
#[get("/communities/{id_or_slug}/resources")]
pub async fn list_community_resources(
    store: web::Data<Store>,
    community: CommunityRef,
) -> Result<HttpResponse, ApiError> {
    let lookup = community.as_str().to_owned();
    let rows = db(&store, move |conn| resources::of_community(conn, &lookup))
        .await
        .or_not_found(community.missing())?;
    Ok(HttpResponse::Ok().json(ResourceList {
        data: rows.into_iter().map(Into::into).collect(),
    }))
}

//! API clients (admin only): create, list, change, revoke, rotate secrets. A secret is shown
//! once, when created or rotated; only its argon2 hash is kept.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use domain::{ClientInput, ClientSpec, ClientStatus, Scope, ValidationErrors, Vocabulary};
use persistence::Store;
use persistence::access::clients::{self, ClientRecord};
use persistence::access::organisations;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::principal::{audit_entry, scope};
use crate::auth::{Authorized, secret};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{ClientId, OrNotFound};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, etag, paging, respond};
use crate::openapi::rules::{Name, Scopes};

/// An API client (never its secret).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "name": "Leeds Teaching Hospitals HR",
    "organisation_id": "0193a1b4-0000-7000-8000-000000000001", "scopes": ["enrolments:read", "people:read"],
    "status": "active", "last_token_at": null, "version": 1,
    "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct ClientDto {
    /// The `client_id` of the token endpoint.
    pub id: Uuid,
    pub name: String,
    /// The organisation whose data it may see; null for academy clients.
    pub organisation_id: Option<Uuid>,
    pub scopes: Vec<Scope>,
    pub status: ClientStatus,
    /// When it last obtained a token.
    pub last_token_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ClientRecord> for ClientDto {
    fn from(r: ClientRecord) -> Self {
        Self {
            id: r.id,
            name: r.spec.name().to_owned(),
            organisation_id: r.organisation_id,
            scopes: r.spec.scopes().iter().collect(),
            status: r.spec.status(),
            last_token_at: r.last_token_at.map(|t| t.and_utc()),
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// A client with its secret: shown once, store it now.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"client": {"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "name": "Leeds Teaching Hospitals HR",
    "organisation_id": null, "scopes": ["admin"], "status": "active", "last_token_at": null, "version": 1,
    "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"},
    "client_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "client_secret": "wtxa_cs_3q2-7wEvr…"}))]
pub struct ClientCredentials {
    pub client: ClientDto,
    pub client_id: Uuid,
    pub client_secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Leeds Teaching Hospitals HR", "organisation_id": "0193a1b4-0000-7000-8000-000000000001",
    "scopes": ["people:read", "enrolments:read"]}))]
pub struct ClientCreate {
    #[schema(value_type = Name)]
    pub name: Option<String>,
    /// The organisation whose people and enrolments it may see; absent for academy clients.
    pub organisation_id: Option<Uuid>,
    #[serde(default)]
    #[schema(value_type = Scopes, required = true)]
    pub scopes: Vec<String>,
}

/// Changes to a client (JSON merge patch). `status: revoked` stops its tokens within 60 s;
/// narrowing its scopes stops tokens issued with the old ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "revoked"}))]
pub struct ClientPatch {
    #[schema(value_type = Name, required = false)]
    pub name: Option<String>,
    /// Narrowing the scopes ends the client's tokens.
    #[schema(value_type = Scopes, required = false)]
    pub scopes: Option<Vec<String>>,
    /// `revoked` ends the client's tokens at once.
    #[schema(value_type = ClientStatus, required = false)]
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientQuery {
    /// Only the clients of this organisation.
    #[param(value_type = Option<Uuid>)]
    pub organisation_id: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct ClientList {
    pub data: Vec<ClientDto>,
    pub next_cursor: Option<String>,
}

async fn find(store: &Store, client: &ClientId) -> Result<ClientRecord, ApiError> {
    let id = client.id;
    db(store, move |conn| clients::get(conn, id))
        .await
        .or_not_found(client.missing())
}

async fn new_secret() -> Result<(String, String), ApiError> {
    web::block(secret::generate)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?
        .map_err(ApiError::Internal)
}

/// Create an API client; the response carries its secret, once.
#[utoipa::path(
    tag = "access",
    request_body = ClientCreate,
    security(("oauth2" = ["admin"]), ("bearer" = ["admin"])),
    responses(
        (status = 201, description = "Created; `client_secret` is shown only now.", body = ClientCredentials,
            headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/clients")]
pub async fn create_client(
    _access: Authorized<scope::Admin>,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<ClientCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let spec = ClientSpec::parse(ClientInput {
        name: body.name,
        has_organisation: body.organisation_id.is_some(),
        scopes: body.scopes,
        status: None,
    });
    let organisation_id = body.organisation_id;
    let known = match organisation_id {
        Some(o) => db(&store, move |conn| organisations::exists(conn, o)).await?,
        None => true,
    };
    let spec = match (spec, known) {
        (Ok(spec), true) => spec,
        (result, known) => {
            let mut errors = result.err().unwrap_or_else(ValidationErrors::new);
            if !known {
                errors.add("organisation_id", "no organisation has this id");
            }
            return Err(unprocessable(errors));
        }
    };
    let (client_secret, hash) = new_secret().await?;
    let audit = audit_entry(&req);
    let record = db(&store, move |conn| {
        clients::create(conn, &spec, organisation_id, &hash, &audit)
    })
    .await?;
    let (id, version) = (record.id, record.version);
    Ok(respond::created(
        format!("/api/v1/clients/{id}"),
        id,
        version,
        &ClientCredentials {
            client: record.into(),
            client_id: id,
            client_secret,
        },
    ))
}

/// List API clients.
#[utoipa::path(
    tag = "access",
    params(ClientQuery),
    security(("oauth2" = ["admin"]), ("bearer" = ["admin"])),
    responses(
        (status = 200, description = "One page of clients, oldest first.", body = ClientList),
    )
)]
#[get("/clients")]
pub async fn list_clients(
    _access: Authorized<scope::Admin>,
    req: HttpRequest,
    store: web::Data<Store>,
    StrictQuery(query): StrictQuery<ClientQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Vec::new();
    let limit = paging::limit(query.limit.as_deref(), &mut e);
    let cursor = paging::cursor(query.cursor.as_deref(), &mut e, clients::decode_cursor);
    let organisation_id = paging::uuid("organisation_id", query.organisation_id.as_deref(), &mut e);
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    let page = db(&store, move |conn| {
        clients::list(conn, organisation_id, limit, cursor.as_ref())
    })
    .await?;
    Ok(respond::listed(&req, page.next_cursor, |next_cursor| {
        ClientList {
            data: page.items.into_iter().map(Into::into).collect(),
            next_cursor,
        }
    }))
}

/// Get one API client.
#[utoipa::path(
    tag = "access",
    params(ClientId),
    security(("oauth2" = ["admin"]), ("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The client.", body = ClientDto, headers(("ETag" = String))),
    )
)]
#[get("/clients/{id}")]
pub async fn get_client(
    _access: Authorized<scope::Admin>,
    req: HttpRequest,
    store: web::Data<Store>,
    client: ClientId,
) -> Result<HttpResponse, ApiError> {
    let record = find(&store, &client).await?;
    Ok(respond::conditional(
        &req,
        record.id,
        record.version,
        &ClientDto::from(record),
    ))
}

/// Change an API client: rename, change scopes, revoke (`If-Match` required).
#[utoipa::path(
    tag = "access",
    request_body(content = ClientPatch, content_type = "application/merge-patch+json"),
    params(ClientId),
    security(("oauth2" = ["admin"]), ("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The client as changed.", body = ClientDto, headers(("ETag" = String))),
    )
)]
#[patch("/clients/{id}")]
pub async fn update_client(
    _access: Authorized<scope::Admin>,
    req: HttpRequest,
    store: web::Data<Store>,
    client: ClientId,
    body: crate::http::merge_patch::MergePatch<ClientPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = etag::if_match(&req)?;
    let current = find(&store, &client).await?;
    let version = precondition.check(current.id, current.version)?;
    let body = body.into_inner();
    let spec = ClientSpec::parse(ClientInput {
        name: body.name.or_else(|| Some(current.spec.name().to_owned())),
        has_organisation: current.organisation_id.is_some(),
        scopes: body.scopes.unwrap_or_else(|| {
            current
                .spec
                .scopes()
                .iter()
                .map(|s| s.value().to_owned())
                .collect()
        }),
        status: body
            .status
            .or_else(|| Some(current.spec.status().value().to_owned())),
    })
    .map_err(unprocessable)?;
    let (id, audit) = (current.id, audit_entry(&req));
    let record = db(&store, move |conn| {
        clients::update(conn, id, version, &spec, &audit)
    })
    .await?;
    Ok(respond::resource(
        record.id,
        record.version,
        &ClientDto::from(record),
    ))
}

/// Replace a client's secret. The old secret, and tokens issued with it, stop working.
#[utoipa::path(
    tag = "access",
    params(ClientId),
    security(("oauth2" = ["admin"]), ("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The new secret, shown only now.", body = ClientCredentials, headers(("ETag" = String))),
    )
)]
#[post("/clients/{id}/rotate-secret")]
pub async fn rotate_client_secret(
    _access: Authorized<scope::Admin>,
    req: HttpRequest,
    store: web::Data<Store>,
    client: ClientId,
) -> Result<HttpResponse, ApiError> {
    let current = find(&store, &client).await?;
    let (client_secret, hash) = new_secret().await?;
    let (id, audit) = (current.id, audit_entry(&req));
    let record = db(&store, move |conn| {
        clients::rotate_secret(conn, id, &hash, &audit)
    })
    .await?;
    let version = record.version;
    Ok(respond::resource(
        id,
        version,
        &ClientCredentials {
            client: record.into(),
            client_id: id,
            client_secret,
        },
    ))
}

impl crate::http::merge_patch::Nullable for ClientPatch {
    const NULLABLE: &'static [&'static str] = &[];
}

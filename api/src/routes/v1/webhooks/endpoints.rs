//! `/webhooks`: a client registers, reads, changes, rotates the secret of, pings and removes
//! the endpoints its organisation's events are sent to (scope `webhooks:manage`).

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use domain::webhook::{EndpointSpec, UrlPolicy, forbidden_address};
use persistence::Store;
use persistence::webhooks::endpoints::{self, EndpointRecord};
use persistence::webhooks::log;
use serde::Deserialize;
use utoipa::IntoParams;

use super::webhook_dto::{
    DeliveryDto, RotatedSecret, WebhookCreate, WebhookDto, WebhookList, WebhookPatch,
    WebhookWithSecret,
};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::config::webhooks::WebhookSettings;
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::merge_patch::MergePatch;
use crate::http::path_ids::{OrNotFound, WebhookId};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, etag, paging, respond};
use crate::openapi::problems::Conflict;
use crate::webhooks::Webhooks;
use crate::webhooks::send::new_secret;

/// The one endpoint lookup, scoped to the caller: the endpoint, or the 404 naming it.
pub async fn find(
    store: &Store,
    webhook: &WebhookId,
    visibility: persistence::visibility::Visibility,
) -> Result<EndpointRecord, ApiError> {
    let id = webhook.id;
    db(store, move |conn| endpoints::get(conn, id, visibility))
        .await
        .or_not_found(webhook.missing())
}

/// The endpoint's description, checked: in production its host must resolve, and only to
/// public addresses (checked again at every connection).
async fn checked(
    input: domain::webhook::EndpointInput,
    settings: &WebhookSettings,
    current: Option<domain::webhook::EndpointStatus>,
) -> Result<EndpointSpec, ApiError> {
    let spec = EndpointSpec::parse(input, settings.policy, current).map_err(unprocessable)?;
    if settings.policy == UrlPolicy::PublicHttpsOnly
        && let Some(host) = spec.url.host()
    {
        let found: Vec<_> = match tokio::net::lookup_host((host.as_str(), 443)).await {
            Ok(addrs) => addrs.collect(),
            Err(_) => Vec::new(),
        };
        let problem = if found.is_empty() {
            Some(format!("the host '{host}' cannot be resolved"))
        } else if found.iter().any(|a| forbidden_address(a.ip())) {
            Some(format!(
                "the host '{host}' resolves to a loopback, private, link-local or metadata address"
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            let mut e = domain::ValidationErrors::new();
            e.add("url", message);
            return Err(unprocessable(e));
        }
    }
    Ok(spec)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookQuery {
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

/// List the endpoints of the caller's organisation (every endpoint, for the academy), oldest first.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookQuery),
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses((status = 200, description = "One page of endpoints.", body = WebhookList)),
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    auth: Authorized<scope::WebhooksManage>,
    req: HttpRequest,
    store: web::Data<Store>,
    StrictQuery(query): StrictQuery<WebhookQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Vec::new();
    let limit = paging::limit(query.limit.as_deref(), &mut e);
    let cursor = paging::cursor(query.cursor.as_deref(), &mut e, endpoints::decode_cursor);
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    let visibility = auth.principal.visibility();
    let page = db(&store, move |conn| {
        endpoints::list(conn, visibility, limit, cursor.as_ref())
    })
    .await?;
    Ok(respond::listed(&req, page.next_cursor, |next_cursor| {
        WebhookList {
            data: page.items.into_iter().map(Into::into).collect(),
            next_cursor,
        }
    }))
}

/// Register an endpoint. The answer carries its signing secret, shown this once.
#[utoipa::path(
    tag = "webhooks",
    request_body = WebhookCreate,
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses(
        (status = 201, description = "Registered; keep the secret.", body = WebhookWithSecret,
            headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    auth: Authorized<scope::WebhooksManage>,
    req: HttpRequest,
    store: web::Data<Store>,
    hooks: web::Data<Webhooks>,
    body: Json<WebhookCreate>,
) -> Result<HttpResponse, ApiError> {
    let spec = checked(body.into_inner().into(), &hooks.settings, None).await?;
    let secret = new_secret().map_err(ApiError::Internal)?;
    let owner = (
        auth.principal.client_id,
        auth.principal
            .organisation_id
            .filter(|_| !auth.principal.is_admin()),
    );
    let (audit, kept) = (audit_entry(&req), secret.clone());
    let record = db(&store, move |conn| {
        endpoints::create(conn, owner, &spec, &kept, &audit)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/webhooks/{}", record.id),
        record.id,
        record.version,
        &WebhookWithSecret {
            webhook: record.into(),
            secret,
        },
    ))
}

/// Get one endpoint (never its secret).
#[utoipa::path(
    tag = "webhooks",
    params(WebhookId),
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "The endpoint.", body = WebhookDto, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the `ETag` in `If-None-Match`."),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    auth: Authorized<scope::WebhooksManage>,
    req: HttpRequest,
    store: web::Data<Store>,
    webhook: WebhookId,
) -> Result<HttpResponse, ApiError> {
    let record = find(&store, &webhook, auth.principal.visibility()).await?;
    Ok(respond::conditional(
        &req,
        record.id,
        record.version,
        &WebhookDto::from(record),
    ))
}

/// Change an endpoint (JSON merge patch; `If-Match` required): its URL, types, description,
/// or status (`paused` holds deliveries, `active` resumes or re-enables).
#[utoipa::path(
    tag = "webhooks",
    request_body(content = WebhookPatch, content_type = "application/merge-patch+json"),
    params(WebhookId),
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "The endpoint as changed.", body = WebhookDto, headers(("ETag" = String))),
        (status = 409, response = Conflict),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    auth: Authorized<scope::WebhooksManage>,
    req: HttpRequest,
    store: web::Data<Store>,
    hooks: web::Data<Webhooks>,
    webhook: WebhookId,
    body: MergePatch<WebhookPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = etag::if_match(&req)?;
    let visibility = auth.principal.visibility();
    let current = find(&store, &webhook, visibility).await?;
    let version = precondition.check(current.id, current.version)?;
    let input = body.into_inner().apply(current.spec.to_input());
    let spec = checked(input, &hooks.settings, Some(current.spec.status)).await?;
    let (id, audit) = (current.id, audit_entry(&req));
    let record = db(&store, move |conn| {
        endpoints::update(conn, id, version, &spec, visibility, &audit)
    })
    .await?;
    Ok(respond::resource(
        record.id,
        record.version,
        &WebhookDto::from(record),
    ))
}

/// Remove an endpoint with its delivery log. `If-Match` is honoured when sent.
#[utoipa::path(
    tag = "webhooks",
    params(
        WebhookId,
        ("If-Match" = Option<String>, Header, description = "Delete only if this is still the current version."),
    ),
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses((status = 204, description = "Removed.")),
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    auth: Authorized<scope::WebhooksManage>,
    req: HttpRequest,
    store: web::Data<Store>,
    webhook: WebhookId,
) -> Result<HttpResponse, ApiError> {
    let visibility = auth.principal.visibility();
    let current = find(&store, &webhook, visibility).await?;
    let expected = etag::if_match_when_sent(&req, current.id, current.version)?;
    let (id, audit) = (current.id, audit_entry(&req));
    db(&store, move |conn| {
        endpoints::delete(conn, id, expected, visibility, &audit)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replace the signing secret. The new one is shown this once; for 24 hours deliveries are
/// signed with both (two `v1,` signatures in `webhook-signature`), so the receiver can switch.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookId),
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses((status = 200, description = "The new secret.", body = RotatedSecret)),
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    auth: Authorized<scope::WebhooksManage>,
    req: HttpRequest,
    store: web::Data<Store>,
    hooks: web::Data<Webhooks>,
    webhook: WebhookId,
) -> Result<HttpResponse, ApiError> {
    let visibility = auth.principal.visibility();
    let current = find(&store, &webhook, visibility).await?;
    let secret = new_secret().map_err(ApiError::Internal)?;
    let overlap = chrono::Duration::from_std(hooks.settings.rotation_overlap)
        .map_err(|e| ApiError::Internal(e.into()))?;
    let until = persistence::clock::now() + overlap;
    let (id, audit, kept) = (current.id, audit_entry(&req), secret.clone());
    db(&store, move |conn| {
        endpoints::rotate_secret(conn, id, &kept, until, visibility, &audit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RotatedSecret {
        secret,
        previous_secret_expires_at: until.and_utc(),
    }))
}

/// Send a `webhook.ping` to the endpoint now (whatever it subscribes to).
#[utoipa::path(
    tag = "webhooks",
    params(WebhookId),
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses((status = 202, description = "Queued; follow it in the delivery log.", body = DeliveryDto)),
)]
#[post("/webhooks/{id}/ping")]
pub async fn ping_webhook(
    auth: Authorized<scope::WebhooksManage>,
    req: HttpRequest,
    store: web::Data<Store>,
    webhook: WebhookId,
) -> Result<HttpResponse, ApiError> {
    let current = find(&store, &webhook, auth.principal.visibility()).await?;
    let (id, audit) = (current.id, audit_entry(&req));
    let delivery = db(&store, move |conn| log::ping(conn, id, &audit)).await?;
    Ok(HttpResponse::Accepted().json(DeliveryDto::from(delivery)))
}

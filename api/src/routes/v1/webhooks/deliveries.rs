//! `/webhooks/{id}/deliveries`: the endpoint's delivery log, a retry now, a replay.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::Vocabulary;
use domain::webhook::{DeliveryStatus, EventType};
use persistence::Store;
use persistence::webhooks::log::{self, DeliveryFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use super::endpoints::find;
use super::webhook_dto::{DeliveryDto, DeliveryList, ReplayQueued, ReplayRequest};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::path_ids::{DeliveryId, OrNotFound, WebhookId};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, paging, respond};
use crate::webhooks::Webhooks;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only deliveries in this state.
    #[param(value_type = Option<DeliveryStatus>)]
    pub status: Option<String>,
    /// Only deliveries of this event type.
    #[param(value_type = Option<EventType>)]
    pub event_type: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

/// The endpoint's deliveries, newest first, each with every attempt: when, the status the
/// receiver answered, how long it took, the error, and up to 1 KiB of its answer.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookId, DeliveryQuery),
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses((status = 200, description = "One page of deliveries.", body = DeliveryList)),
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    auth: Authorized<scope::WebhooksManage>,
    req: HttpRequest,
    store: web::Data<Store>,
    webhook: WebhookId,
    StrictQuery(query): StrictQuery<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let endpoint = find(&store, &webhook, auth.principal.visibility()).await?;
    let mut e = Vec::new();
    let filter = DeliveryFilter {
        status: paging::parsed(
            "status",
            query.status.as_deref(),
            DeliveryStatus::parse,
            &mut e,
        ),
        event_type: paging::parsed(
            "event_type",
            query.event_type.as_deref(),
            EventType::parse,
            &mut e,
        ),
    };
    let limit = paging::limit(query.limit.as_deref(), &mut e);
    let cursor = paging::cursor(query.cursor.as_deref(), &mut e, log::decode_cursor);
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    let id = endpoint.id;
    let page = db(&store, move |conn| {
        log::list(conn, id, &filter, limit, cursor.as_ref())
    })
    .await?;
    Ok(respond::listed(&req, page.next_cursor, |next_cursor| {
        DeliveryList {
            data: page.items.into_iter().map(Into::into).collect(),
            next_cursor,
        }
    }))
}

/// One delivery and its attempts.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookId, DeliveryId),
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses((status = 200, description = "The delivery.", body = DeliveryDto)),
)]
#[get("/webhooks/{id}/deliveries/{delivery_id}")]
pub async fn get_webhook_delivery(
    auth: Authorized<scope::WebhooksManage>,
    store: web::Data<Store>,
    webhook: WebhookId,
    delivery: DeliveryId,
) -> Result<HttpResponse, ApiError> {
    let endpoint = find(&store, &webhook, auth.principal.visibility()).await?;
    let (id, delivery_id) = (endpoint.id, delivery.id);
    let record = db(&store, move |conn| log::get(conn, id, delivery_id))
        .await
        .or_not_found(delivery.missing_in(&webhook))?;
    Ok(HttpResponse::Ok().json(DeliveryDto::from(record)))
}

/// Try the delivery again now, with the same `webhook-id` (a delivered one is sent again).
#[utoipa::path(
    tag = "webhooks",
    params(WebhookId, DeliveryId),
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses((status = 202, description = "Due now.", body = DeliveryDto)),
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/retry")]
pub async fn retry_webhook_delivery(
    auth: Authorized<scope::WebhooksManage>,
    req: HttpRequest,
    store: web::Data<Store>,
    webhook: WebhookId,
    delivery: DeliveryId,
) -> Result<HttpResponse, ApiError> {
    let endpoint = find(&store, &webhook, auth.principal.visibility()).await?;
    let (id, delivery_id, audit) = (endpoint.id, delivery.id, audit_entry(&req));
    let record = db(&store, move |conn| {
        log::retry(conn, id, delivery_id, &audit)
    })
    .await
    .or_not_found(delivery.missing_in(&webhook))?;
    Ok(HttpResponse::Accepted().json(DeliveryDto::from(record)))
}

/// Send again every event of a time range that the endpoint hears and subscribes to (each
/// with its own `webhook-id`, so a receiver that has it already can tell). One call looks at
/// the range's first 10,000 events at most; `next_from` says where to go on.
#[utoipa::path(
    tag = "webhooks",
    params(WebhookId),
    request_body = ReplayRequest,
    security(("oauth2" = ["webhooks:manage"]), ("bearer" = ["webhooks:manage"])),
    responses((status = 202, description = "Queued.", body = ReplayQueued)),
)]
#[post("/webhooks/{id}/replay")]
pub async fn replay_webhook(
    auth: Authorized<scope::WebhooksManage>,
    req: HttpRequest,
    store: web::Data<Store>,
    hooks: web::Data<Webhooks>,
    webhook: WebhookId,
    body: Json<ReplayRequest>,
) -> Result<HttpResponse, ApiError> {
    let range = body.into_inner();
    if range.to <= range.from {
        let mut e = domain::ValidationErrors::new();
        e.add("to", "must be after from");
        return Err(crate::http::error::unprocessable(e));
    }
    let endpoint = find(&store, &webhook, auth.principal.visibility()).await?;
    let (range, limit, audit) = (
        (range.from.naive_utc(), range.to.naive_utc()),
        hooks.settings.replay_limit,
        audit_entry(&req),
    );
    let (queued, next_from) = db(&store, move |conn| {
        log::replay(conn, &endpoint, range, limit, &audit)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(ReplayQueued {
        queued: i64::try_from(queued).unwrap_or(i64::MAX),
        next_from: next_from.map(|t| t.and_utc()),
    }))
}

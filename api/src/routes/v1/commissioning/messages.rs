//! The co-creation dialogue on a request, between its organisation and the academy.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use persistence::Store;
use persistence::commissioning::messages::{self, Author};

use super::request_dto::{
    CommissioningMessageCreate, CommissioningMessageDto, CommissioningMessageList, PageQuery,
};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{CommissioningRequestId, OrNotFound};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, paging, respond};

/// Post a message on a request (text; links only http or https). Sends
/// `commissioning.message_posted` (without the text).
#[utoipa::path(
    tag = "commissioning",
    request_body = CommissioningMessageCreate,
    params(CommissioningRequestId),
    security(("oauth2" = ["commissioning:write"]), ("bearer" = ["commissioning:write"])),
    responses(
        (status = 201, description = "Posted.", body = CommissioningMessageDto, headers(("Location" = String))),
    )
)]
#[post("/commissioning-requests/{id}/messages")]
pub async fn post_commissioning_message(
    auth: Authorized<scope::CommissioningWrite>,
    request: CommissioningRequestId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<CommissioningMessageCreate>,
) -> Result<HttpResponse, ApiError> {
    let text = domain::commissioning::message(body.into_inner().text).map_err(unprocessable)?;
    let author = Author {
        client_id: auth.principal.client_id,
        organisation_id: auth.principal.organisation_id,
    };
    let (id, visibility, audit) = (request.id, auth.principal.visibility(), audit_entry(&req));
    let message = db(&store, move |conn| {
        messages::post(conn, id, visibility, author, &text, &audit)
    })
    .await
    .or_not_found(request.missing())?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/commissioning-requests/{id}/messages"),
        ))
        .json(CommissioningMessageDto::from(message)))
}

/// A request's messages, oldest first.
#[utoipa::path(
    tag = "commissioning",
    params(CommissioningRequestId, PageQuery),
    security(("oauth2" = ["commissioning:read"]), ("bearer" = ["commissioning:read"])),
    responses(
        (status = 200, description = "One page of messages.", body = CommissioningMessageList),
    )
)]
#[get("/commissioning-requests/{id}/messages")]
pub async fn list_commissioning_messages(
    auth: Authorized<scope::CommissioningRead>,
    request: CommissioningRequestId,
    req: HttpRequest,
    store: web::Data<Store>,
    StrictQuery(q): StrictQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Vec::new();
    let limit = paging::limit(q.limit.as_deref(), &mut e);
    let cursor = paging::cursor(q.cursor.as_deref(), &mut e, messages::decode_cursor);
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    let (id, visibility) = (request.id, auth.principal.visibility());
    let page = db(&store, move |conn| {
        messages::list(conn, id, visibility, limit, cursor.as_ref())
    })
    .await
    .or_not_found(request.missing())?;
    Ok(respond::listed(&req, page.next_cursor, |next_cursor| {
        CommissioningMessageList {
            data: page.items.into_iter().map(Into::into).collect(),
            next_cursor,
        }
    }))
}

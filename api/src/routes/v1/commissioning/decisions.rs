//! A request's life: the academy reviews, agrees or declines it (a decision carries a
//! reason); the partner (or the academy for it) withdraws it before a decision. A refused
//! change is 409 naming the current state. `delivered` follows, by itself, from the cohorts.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use domain::commissioning::{self, Actor, RequestStatus, TransitionRefused};
use persistence::Store;
use persistence::commissioning::requests;

use super::request_dto::{CommissioningRequestDto, Decision};
use crate::auth::Authorized;
use crate::auth::principal::{Principal, audit_entry, scope};
use crate::http::error::unprocessable;
use crate::http::path_ids::{CommissioningRequestId, OrNotFound};
use crate::http::problem::Problem;
use crate::http::{ApiError, db, respond};

/// The reason an optional body gives (none, `{}` or `null`: none).
fn reason_of(body: &[u8]) -> Result<Option<String>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(crate::http::body::deserialize_problem)?;
    if value.is_null() {
        return Ok(None);
    }
    let d: Decision = crate::http::body::typed(value)?;
    Ok(d.reason)
}

/// The wrong party for a change: 403 (a partner cannot hold the academy's scope, so this
/// guards the rule should scopes ever change).
fn forbidden(r: TransitionRefused) -> ApiError {
    Problem::typed(
        StatusCode::FORBIDDEN,
        "forbidden",
        "Forbidden",
        r.to_string(),
    )
    .into()
}

async fn transition(
    principal: &Principal,
    request: CommissioningRequestId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
    to: RequestStatus,
) -> Result<HttpResponse, ApiError> {
    let actor = match principal.organisation_id {
        Some(_) => Actor::Partner,
        None => Actor::Academy,
    };
    commissioning::check_actor(to, actor).map_err(forbidden)?;
    let reason = commissioning::reason(to, reason_of(&body)?).map_err(unprocessable)?;
    let (id, visibility, audit) = (request.id, principal.visibility(), audit_entry(&req));
    let record = db(&store, move |conn| {
        requests::transition(conn, id, to, actor, reason.as_deref(), visibility, &audit)
    })
    .await
    .or_not_found(request.missing())?;
    Ok(respond::resource(
        record.id,
        record.version,
        &CommissioningRequestDto::from(record),
    ))
}

/// Take a submitted request into review (the academy).
#[utoipa::path(
    tag = "commissioning",
    request_body(content = Option<Decision>, description = "Optional: a note on the review."),
    params(CommissioningRequestId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 200, description = "The request in its new state.", body = CommissioningRequestDto, headers(("ETag" = String))),
    )
)]
#[post("/commissioning-requests/{id}/review")]
pub async fn review_commissioning_request(
    auth: Authorized<scope::CohortsWrite>,
    request: CommissioningRequestId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    transition(
        &auth.principal,
        request,
        req,
        store,
        body,
        RequestStatus::InReview,
    )
    .await
}

/// Agree a request under review (the academy); cohorts can then be run for it.
#[utoipa::path(
    tag = "commissioning",
    request_body(content = Option<Decision>, description = "The reason for the decision (required)."),
    params(CommissioningRequestId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 200, description = "The request in its new state.", body = CommissioningRequestDto, headers(("ETag" = String))),
    )
)]
#[post("/commissioning-requests/{id}/agree")]
pub async fn agree_commissioning_request(
    auth: Authorized<scope::CohortsWrite>,
    request: CommissioningRequestId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    transition(
        &auth.principal,
        request,
        req,
        store,
        body,
        RequestStatus::Agreed,
    )
    .await
}

/// Decline a request under review (the academy).
#[utoipa::path(
    tag = "commissioning",
    request_body(content = Option<Decision>, description = "The reason for the decision (required)."),
    params(CommissioningRequestId),
    security(("oauth2" = ["cohorts:write"]), ("bearer" = ["cohorts:write"])),
    responses(
        (status = 200, description = "The request in its new state.", body = CommissioningRequestDto, headers(("ETag" = String))),
    )
)]
#[post("/commissioning-requests/{id}/decline")]
pub async fn decline_commissioning_request(
    auth: Authorized<scope::CohortsWrite>,
    request: CommissioningRequestId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    transition(
        &auth.principal,
        request,
        req,
        store,
        body,
        RequestStatus::Declined,
    )
    .await
}

/// Withdraw the organisation's request before a decision (the requesting organisation's client).
#[utoipa::path(
    tag = "commissioning",
    request_body(content = Option<Decision>, description = "Optional: why it is withdrawn."),
    params(CommissioningRequestId),
    security(("oauth2" = ["commissioning:write"]), ("bearer" = ["commissioning:write"])),
    responses(
        (status = 200, description = "The request in its new state.", body = CommissioningRequestDto, headers(("ETag" = String))),
    )
)]
#[post("/commissioning-requests/{id}/withdraw")]
pub async fn withdraw_commissioning_request(
    auth: Authorized<scope::CommissioningWrite>,
    request: CommissioningRequestId,
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    transition(
        &auth.principal,
        request,
        req,
        store,
        body,
        RequestStatus::Withdrawn,
    )
    .await
}

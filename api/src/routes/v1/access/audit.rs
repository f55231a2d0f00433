//! `GET /api/v1/audit`: the audit log, newest first (admin only).

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use persistence::Store;
use persistence::access::audit::{self, AuditFilter, AuditRecord, Outcome};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::http::problem::ProblemField;
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, paging, respond};
use crate::openapi::rules::AuditOutcome;

/// One recorded event. Ids only: no secrets, no personal data.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "occurred_at": "2026-11-23T09:00:00.123456Z",
    "client_id": "0193a1b4-0000-7000-8000-00000000000a", "organisation_id": null, "action": "programme.update",
    "resource_type": "programme", "resource_id": "0193a1b4-0000-7000-8000-0000000000aa",
    "request_id": "0193a1b4-5f6e-7c3d-9a2b-000000000001", "outcome": "success", "status": 200}))]
pub struct AuditEventDto {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The client that made the request (the one attempted, for failed token requests).
    pub client_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// `<resource>.<verb>`, e.g. `programme.create`, `client.rotate_secret`, `token.issue`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub request_id: String,
    #[schema(value_type = AuditOutcome)]
    pub outcome: String,
    /// The HTTP status of the response.
    pub status: u16,
}

impl From<AuditRecord> for AuditEventDto {
    fn from(r: AuditRecord) -> Self {
        let e = r.entry;
        Self {
            id: r.id,
            occurred_at: r.occurred_at.and_utc(),
            client_id: e.client_id,
            organisation_id: e.organisation_id,
            action: e.action,
            resource_type: e.resource_type,
            resource_id: e.resource_id,
            request_id: e.request_id,
            outcome: e.outcome.as_str().to_owned(),
            status: e.status,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct AuditList {
    pub data: Vec<AuditEventDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    #[param(value_type = Option<Uuid>)]
    pub client_id: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub organisation_id: Option<String>,
    /// e.g. `programme.update`.
    pub action: Option<String>,
    /// e.g. `programme`, `client`, `organisation`.
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    #[param(value_type = Option<AuditOutcome>)]
    pub outcome: Option<String>,
    /// Events at or after this instant (RFC 3339).
    #[param(value_type = Option<crate::openapi::rules::Instant>)]
    pub since: Option<String>,
    /// Events before this instant (RFC 3339).
    #[param(value_type = Option<crate::openapi::rules::Instant>)]
    pub until: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

/// Read the audit log, newest first.
#[utoipa::path(
    tag = "access",
    params(AuditQuery),
    security(("oauth2" = ["admin"]), ("bearer" = ["admin"])),
    responses(
        (status = 200, description = "One page of events.", body = AuditList),
    )
)]
#[get("/audit")]
pub async fn list_audit_events(
    _access: Authorized<scope::Admin>,
    req: HttpRequest,
    store: web::Data<Store>,
    StrictQuery(q): StrictQuery<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Vec::new();
    let outcome = q.outcome.as_deref().and_then(|raw| {
        let parsed = Outcome::parse(raw);
        if parsed.is_none() {
            e.push(ProblemField {
                field: "outcome".into(),
                message: format!(
                    "unknown value '{raw}'; expected one of: success, denied, failure"
                ),
            });
        }
        parsed
    });
    let filter = AuditFilter {
        client_id: paging::uuid("client_id", q.client_id.as_deref(), &mut e),
        organisation_id: paging::uuid("organisation_id", q.organisation_id.as_deref(), &mut e),
        action: q.action,
        resource_type: q.resource_type,
        resource_id: q.resource_id,
        outcome,
        since: paging::instant("since", q.since.as_deref(), &mut e),
        until: paging::instant("until", q.until.as_deref(), &mut e),
    };
    let limit = paging::limit(q.limit.as_deref(), &mut e);
    let cursor = paging::cursor(q.cursor.as_deref(), &mut e, audit::decode_cursor);
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    let page = db(&store, move |conn| {
        audit::list(conn, &filter, limit, cursor.as_ref())
    })
    .await?;
    Ok(respond::listed(&req, page.next_cursor, |next_cursor| {
        AuditList {
            data: page.items.into_iter().map(Into::into).collect(),
            next_cursor,
        }
    }))
}

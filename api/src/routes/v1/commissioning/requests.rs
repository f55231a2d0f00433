//! Commissioning requests: a partner asks, for its own organisation, for a programme or
//! for something co-created; the academy reviews and decides. Another organisation's
//! request is 404.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::commissioning::{Brief, BriefInput, RequestStatus};
use domain::{DeliveryMode, SystemLevel, ValidationErrors, Vocabulary};
use persistence::Store;
use persistence::commissioning::request_rows::{self, RequestRecord};
use persistence::commissioning::requests::{self, RequestFilter, RequestWrite};
use persistence::visibility::Visibility;

use super::request_dto::{
    CommissioningRequestCreate, CommissioningRequestDto, CommissioningRequestList,
    CommissioningRequestQuery,
};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{CommissioningRequestId, OrNotFound};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, paging, respond};
use crate::routes::v1::learning::cohort_dto::priority_set;

/// The one request lookup: the request the path names if the caller may see it.
pub async fn find(
    store: &Store,
    request: &CommissioningRequestId,
    visibility: Visibility,
) -> Result<RequestRecord, ApiError> {
    let id = request.id;
    db(store, move |conn| request_rows::get(conn, id, visibility))
        .await
        .or_not_found(request.missing())
}

fn parse(
    b: CommissioningRequestCreate,
    caller: &crate::auth::Principal,
) -> Result<RequestWrite, ValidationErrors> {
    let brief = Brief::parse(BriefInput {
        programme: b.programme,
        title: b.title,
        needs: b.needs,
        expected_learners: b.expected_learners,
        staff_groups: b.staff_groups.unwrap_or_default(),
        window_from: b.window_from,
        window_to: b.window_to,
        workplace_context: b.workplace_context,
    });
    let mut e = ValidationErrors::new();
    let organisation_id = caller.organisation_for(b.organisation_id, true, &mut e);
    if let Err(b) = &brief {
        e.extend(b);
    }
    let priorities = priority_set("priorities", b.priorities.as_deref().unwrap_or(&[]), &mut e);
    let system_level = b
        .system_level
        .and_then(|l| e.check("system_level", SystemLevel::parse(&l)));
    let delivery_mode = b
        .delivery_mode
        .and_then(|m| e.check("delivery_mode", DeliveryMode::parse(&m)));
    let location = domain::commissioning::location(&mut e, b.location);
    match (brief, organisation_id) {
        (Ok(brief), Some(organisation_id)) if e.is_empty() => Ok(RequestWrite {
            organisation_id,
            brief,
            priorities,
            system_level,
            delivery_mode,
            location,
            contact_person_id: b.contact_person_id,
            submitted_by: caller.client_id,
        }),
        _ => Err(e),
    }
}

/// Submit a commissioning request, or a co-creation brief.
///
/// A partner's client submits for its own organisation; an academy client names the
/// organisation. Either a published `programme` (id or slug), or a co-creation brief: a
/// `title` and the `needs`. The contact is a person of the requesting organisation. It
/// starts `submitted`; `commissioning.submitted` is sent.
#[utoipa::path(
    tag = "commissioning",
    request_body = CommissioningRequestCreate,
    security(("oauth2" = ["commissioning:write"]), ("bearer" = ["commissioning:write"])),
    responses(
        (status = 201, description = "Submitted.", body = CommissioningRequestDto, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/commissioning-requests")]
pub async fn create_commissioning_request(
    auth: Authorized<scope::CommissioningWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<CommissioningRequestCreate>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let w = parse(b, &auth.principal).map_err(unprocessable)?;
    let audit = audit_entry(&req);
    let record = db(&store, move |conn| requests::create(conn, &w, &audit)).await?;
    Ok(respond::created(
        format!("/api/v1/commissioning-requests/{}", record.id),
        record.id,
        record.version,
        &CommissioningRequestDto::from(record),
    ))
}

/// List commissioning requests, in change order: an organisation's client sees its own.
#[utoipa::path(
    tag = "commissioning",
    params(CommissioningRequestQuery),
    security(("oauth2" = ["commissioning:read"]), ("bearer" = ["commissioning:read"])),
    responses(
        (status = 200, description = "One page of requests.", body = CommissioningRequestList),
    )
)]
#[get("/commissioning-requests")]
pub async fn list_commissioning_requests(
    auth: Authorized<scope::CommissioningRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    StrictQuery(q): StrictQuery<CommissioningRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Vec::new();
    let status = paging::parsed("status", q.status.as_deref(), RequestStatus::parse, &mut e);
    let priority = paging::parsed(
        "priority",
        q.priority.as_deref(),
        domain::Priority::parse,
        &mut e,
    );
    let mut filter = RequestFilter {
        status,
        organisation_id: paging::uuid("organisation_id", q.organisation_id.as_deref(), &mut e),
        programme_id: None,
        priority,
        updated_since: paging::instant("updated_since", q.updated_since.as_deref(), &mut e),
        settled_before: None,
    };
    let limit = paging::limit(q.limit.as_deref(), &mut e);
    let cursor = paging::cursor(q.cursor.as_deref(), &mut e, requests::decode_cursor);
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    if let Some(key) = q.programme {
        // A programme that does not exist matches nothing, as any filter value nobody has.
        filter.programme_id = Some(
            crate::routes::v1::catalogue::programmes::find(&store, &key)
                .await
                .or_none()?
                .map_or(uuid::Uuid::nil(), |p| p.id),
        );
    }
    let visibility = auth.principal.visibility();
    let page = db(&store, move |conn| {
        requests::list(conn, &filter, visibility, limit, cursor.as_ref())
    })
    .await?;
    Ok(respond::listed(&req, page.next_cursor, |next_cursor| {
        CommissioningRequestList {
            data: page.items.into_iter().map(Into::into).collect(),
            next_cursor,
        }
    }))
}

/// Get one commissioning request.
#[utoipa::path(
    tag = "commissioning",
    params(CommissioningRequestId),
    security(("oauth2" = ["commissioning:read"]), ("bearer" = ["commissioning:read"])),
    responses(
        (status = 200, description = "The request.", body = CommissioningRequestDto, headers(("ETag" = String))),
    )
)]
#[get("/commissioning-requests/{id}")]
pub async fn get_commissioning_request(
    auth: Authorized<scope::CommissioningRead>,
    request: CommissioningRequestId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let record = find(&store, &request, auth.principal.visibility()).await?;
    Ok(respond::conditional(
        &req,
        record.id,
        record.version,
        &CommissioningRequestDto::from(record),
    ))
}

//! Learning needs: an organisation's, per year (priority, system level, staff group,
//! headcount, optionally the programme that would meet it). Another organisation's is 404.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use domain::commissioning::{Need, NeedInput};
use domain::{Priority, SystemLevel, ValidationErrors};
use persistence::Store;
use persistence::commissioning::needs::{self, NeedFilter, NeedRecord, NeedWrite};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{LearningNeedId, OrNotFound};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, paging, respond};
use crate::openapi::rules::PriorityRefInput;
use crate::routes::v1::catalogue::programme_dto::PriorityRef;
use crate::routes::v1::catalogue::programme_input::PriorityInput;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-0000-7000-8000-0000000000bb",
    "year": 2027, "priority": {"code": 6, "slug": "learning-together", "title": "Learning together"},
    "system_level": "micro", "staff_group": "Healthcare support workers", "headcount": 120, "programme_id": null,
    "notes": null, "created_at": "2026-12-03T09:00:00Z", "updated_at": "2026-12-03T09:00:00Z",
    "deleted_at": null}))]
pub struct LearningNeedDto {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub year: i32,
    pub priority: PriorityRef,
    #[schema(value_type = SystemLevel)]
    pub system_level: String,
    pub staff_group: String,
    pub headcount: i32,
    /// The programme that would meet it, if named.
    pub programme_id: Option<Uuid>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When it was deleted: set only on the tombstones a delta sync (`updated_since`) lists.
    pub deleted_at: Option<DateTime<Utc>>,
}

impl TryFrom<NeedRecord> for LearningNeedDto {
    type Error = ApiError;
    fn try_from(n: NeedRecord) -> Result<Self, ApiError> {
        let priority = Priority::from_code(i64::from(n.priority_code)).ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!("learning need {}: priority", n.id.0))
        })?;
        Ok(Self {
            id: n.id.0,
            organisation_id: n.organisation_id.0,
            year: n.year,
            priority: priority.into(),
            system_level: n.system_level,
            staff_group: n.staff_group,
            headcount: n.headcount,
            programme_id: n.programme_id.map(|p| p.0),
            notes: n.notes,
            created_at: n.created_at.and_utc(),
            updated_at: n.updated_at.and_utc(),
            deleted_at: n.deleted_at.map(|d| d.and_utc()),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2027, "priority": "learning-together", "system_level": "micro",
    "staff_group": "Healthcare support workers", "headcount": 120}))]
pub struct LearningNeedCreate {
    /// A partner's client records its own organisation's (leave it out); an academy client
    /// names one.
    pub organisation_id: Option<Uuid>,
    #[schema(value_type = i32, minimum = 2020, maximum = 2100)]
    pub year: Option<i32>,
    #[schema(value_type = PriorityRefInput)]
    pub priority: Option<PriorityInput>,
    #[schema(value_type = SystemLevel)]
    pub system_level: Option<String>,
    #[schema(value_type = crate::openapi::rules::StaffGroup)]
    pub staff_group: Option<String>,
    #[schema(value_type = i64, minimum = 1, maximum = 100000)]
    pub headcount: Option<i64>,
    /// A published programme (id or slug) that would meet it.
    #[schema(value_type = Option<String>, example = "vital-signs")]
    pub programme: Option<String>,
    #[schema(value_type = Option<crate::openapi::rules::NeedNotes>)]
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LearningNeedQuery {
    #[param(value_type = Option<i32>, minimum = 2020, maximum = 2100)]
    pub year: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub organisation_id: Option<String>,
    /// A Leeds priority's code or slug.
    #[param(value_type = Option<crate::openapi::rules::PriorityRefInput>)]
    pub priority: Option<String>,
    #[param(value_type = Option<crate::openapi::rules::Instant>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct LearningNeedList {
    /// In change order (`updated_at`, then id).
    pub data: Vec<LearningNeedDto>,
    pub next_cursor: Option<String>,
}

/// Record a learning need. Sends `learning_need.recorded`.
#[utoipa::path(
    tag = "commissioning",
    request_body = LearningNeedCreate,
    security(("oauth2" = ["commissioning:write"]), ("bearer" = ["commissioning:write"])),
    responses(
        (status = 201, description = "Recorded.", body = LearningNeedDto, headers(("Location" = String))),
    )
)]
#[post("/learning-needs")]
pub async fn create_learning_need(
    auth: Authorized<scope::CommissioningWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<LearningNeedCreate>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let mut e = ValidationErrors::new();
    let organisation_id = auth
        .principal
        .organisation_for(b.organisation_id, true, &mut e);
    let need = Need::parse(NeedInput {
        year: b.year,
        priority: b.priority.map(PriorityInput::raw),
        system_level: b.system_level,
        staff_group: b.staff_group,
        headcount: b.headcount,
        notes: b.notes,
    });
    if let Err(n) = &need {
        e.extend(n);
    }
    let (Ok(need), Some(organisation_id), true) = (need, organisation_id, e.is_empty()) else {
        return Err(unprocessable(e));
    };
    let w = NeedWrite {
        organisation_id,
        need,
        programme: b.programme,
    };
    let audit = audit_entry(&req);
    let record = db(&store, move |conn| needs::create(conn, &w, &audit)).await?;
    let dto = LearningNeedDto::try_from(record)?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/learning-needs/{}", dto.id),
        ))
        .json(dto))
}

/// List learning needs, in change order: an organisation's client sees its own. With
/// `updated_since` (delta sync) the list includes the tombstones of deleted needs.
#[utoipa::path(
    tag = "commissioning",
    params(LearningNeedQuery),
    security(("oauth2" = ["commissioning:read"]), ("bearer" = ["commissioning:read"])),
    responses(
        (status = 200, description = "One page of needs.", body = LearningNeedList),
    )
)]
#[get("/learning-needs")]
pub async fn list_learning_needs(
    auth: Authorized<scope::CommissioningRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    StrictQuery(q): StrictQuery<LearningNeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Vec::new();
    let filter = NeedFilter {
        year: paging::parsed("year", q.year.as_deref(), year, &mut e),
        organisation_id: paging::uuid("organisation_id", q.organisation_id.as_deref(), &mut e),
        priority: paging::parsed("priority", q.priority.as_deref(), Priority::parse, &mut e),
        programme_id: None,
        updated_since: paging::instant("updated_since", q.updated_since.as_deref(), &mut e),
    };
    let limit = paging::limit(q.limit.as_deref(), &mut e);
    let cursor = paging::cursor(q.cursor.as_deref(), &mut e, needs::decode_cursor);
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    let visibility = auth.principal.visibility();
    let page = db(&store, move |conn| {
        needs::list(conn, &filter, visibility, limit, cursor.as_ref())
    })
    .await?;
    let data = page
        .items
        .into_iter()
        .map(LearningNeedDto::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(respond::listed(&req, page.next_cursor, |next_cursor| {
        LearningNeedList { data, next_cursor }
    }))
}

/// A year as a query gives it: 2020 to 2100.
pub fn year(raw: &str) -> Result<i32, domain::UnknownValue> {
    raw.parse::<i32>()
        .ok()
        .filter(|y| domain::commissioning::NEED_YEARS.contains(y))
        .ok_or_else(|| domain::UnknownValue {
            given: raw.to_owned(),
            allowed: vec!["a year from 2020 to 2100"],
        })
}

/// Get one learning need.
#[utoipa::path(
    tag = "commissioning",
    params(LearningNeedId),
    security(("oauth2" = ["commissioning:read"]), ("bearer" = ["commissioning:read"])),
    responses(
        (status = 200, description = "The need.", body = LearningNeedDto),
    )
)]
#[get("/learning-needs/{id}")]
pub async fn get_learning_need(
    auth: Authorized<scope::CommissioningRead>,
    need: LearningNeedId,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let (id, visibility) = (need.id, auth.principal.visibility());
    let record = db(&store, move |conn| needs::get(conn, id, visibility))
        .await
        .or_not_found(need.missing())?;
    Ok(HttpResponse::Ok().json(LearningNeedDto::try_from(record)?))
}

/// Delete a learning need recorded in error. It leaves a tombstone (`deleted_at` set) that
/// only a delta sync (`updated_since`) lists; reads and reports no longer see it.
#[utoipa::path(
    tag = "commissioning",
    params(LearningNeedId),
    security(("oauth2" = ["commissioning:write"]), ("bearer" = ["commissioning:write"])),
    responses(
        (status = 204, description = "Deleted."),
    )
)]
#[delete("/learning-needs/{id}")]
pub async fn delete_learning_need(
    auth: Authorized<scope::CommissioningWrite>,
    need: LearningNeedId,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let (id, visibility, audit) = (need.id, auth.principal.visibility(), audit_entry(&req));
    db(&store, move |conn| {
        needs::delete(conn, id, visibility, &audit)
    })
    .await
    .or_not_found(need.missing())?;
    Ok(HttpResponse::NoContent().finish())
}

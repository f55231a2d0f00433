//! Attendance at community sessions, and the time a person gives across communities.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{AttendanceStatus, ValidationErrors, Vocabulary};
use persistence::Store;
use persistence::communities::attendance;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{CommunityRef, CommunitySessionId, MemberId, OrNotFound, PersonId};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, paging};
use crate::openapi::problems::Conflict;

/// A member's attendance at a session.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "present"}))]
pub struct CommunityAttendanceInput {
    #[schema(value_type = AttendanceStatus)]
    pub status: Option<String>,
}

/// Attendance as recorded.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"session_id": "0193a1b4-0000-7000-8000-0000000000ee",
    "person_id": "0193a1b4-0000-7000-8000-0000000000dd", "status": "present",
    "recorded_at": "2027-01-14T16:05:00Z"}))]
pub struct CommunityAttendanceDto {
    pub session_id: Uuid,
    pub person_id: Uuid,
    pub status: AttendanceStatus,
    pub recorded_at: DateTime<Utc>,
}

/// Record (or correct) a member's attendance at a community session.
///
/// The person must have been a member of the community when the session took place (422 on
/// `person_id` otherwise); a cancelled session takes no attendance (409). A partner
/// organisation's client records its own people's.
#[utoipa::path(
    tag = "communities",
    request_body = CommunityAttendanceInput,
    params(
        CommunityRef,
        CommunitySessionId,
        MemberId,
    ),
    security(("oauth2" = ["memberships:write"]), ("bearer" = ["memberships:write"])),
    responses(
        (status = 200, description = "Recorded.", body = CommunityAttendanceDto),
        (status = 409, response = Conflict),
    )
)]
#[put("/communities/{id_or_slug}/sessions/{session_id}/attendance/{person_id}")]
pub async fn record_community_attendance(
    auth: Authorized<scope::MembershipsWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    community: CommunityRef,
    session: CommunitySessionId,
    member: MemberId,
    body: Json<CommunityAttendanceInput>,
) -> Result<HttpResponse, ApiError> {
    let (session_id, person_id) = (session.id, member.id);
    let status = match body
        .into_inner()
        .status
        .as_deref()
        .map(AttendanceStatus::parse)
    {
        Some(Ok(s)) => s,
        other => {
            let mut e = ValidationErrors::new();
            let message = match other {
                Some(Err(err)) => err.to_string(),
                _ => "is required: one of present, absent, excused".to_owned(),
            };
            e.add("status", message);
            return Err(unprocessable(e));
        }
    };
    let (visibility, audit, lookup) = (
        auth.principal.visibility(),
        audit_entry(&req),
        community.as_str().to_owned(),
    );
    let recorded_at = db(&store, move |conn| {
        attendance::record(
            conn, &lookup, session_id, person_id, status, visibility, &audit,
        )
    })
    .await
    .or_not_found(format!(
        "no session '{session_id}' in community '{}', or no person '{person_id}' you may see",
        community.as_str()
    ))?;
    Ok(HttpResponse::Ok().json(CommunityAttendanceDto {
        session_id,
        person_id,
        status,
        recorded_at: recorded_at.and_utc(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommitmentQuery {
    /// First day counted (inclusive); twelve months before `to` when absent.
    #[param(value_type = Option<crate::openapi::rules::Day>, example = "2027-01-01")]
    pub from: Option<String>,
    /// Last day counted (inclusive); today when absent.
    #[param(value_type = Option<crate::openapi::rules::Day>, example = "2027-12-31")]
    pub to: Option<String>,
}

/// Time given in one community.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
    "community_slug": "facilitation", "sessions": 3, "minutes": 360}))]
pub struct CommunityTimeDto {
    pub community_id: Uuid,
    pub community_slug: String,
    pub sessions: i64,
    pub minutes: i64,
}

/// The time a person gives to communities over a period.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"person_id": "0193a1b4-0000-7000-8000-0000000000dd",
    "from": "2027-01-01", "to": "2027-12-31", "sessions": 5, "minutes": 600, "hours": 10.0,
    "communities": [{"community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
        "community_slug": "facilitation", "sessions": 3, "minutes": 360}]}))]
pub struct CommitmentDto {
    pub person_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Sessions attended (present) that were not cancelled.
    pub sessions: i64,
    pub minutes: i64,
    pub hours: f64,
    /// Per community, by slug.
    pub communities: Vec<CommunityTimeDto>,
}

/// The sessions and hours a person gave across all their communities.
///
/// Counts sessions, not cancelled, at which they were recorded present, starting between
/// `from` and `to` (inclusive, UTC days): what a member, or their manager, sees of the time
/// they give.
#[utoipa::path(
    tag = "communities",
    params(PersonId, CommitmentQuery),
    security(("oauth2" = ["people:read"]), ("bearer" = ["people:read"])),
    responses(
        (status = 200, description = "Their commitment over the period.", body = CommitmentDto),
    )
)]
#[get("/people/{id}/commitment")]
pub async fn get_person_commitment(
    auth: Authorized<scope::PeopleRead>,
    store: web::Data<Store>,
    person: PersonId,
    StrictQuery(query): StrictQuery<CommitmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Vec::new();
    let Some(period) = paging::period(query.from.as_deref(), query.to.as_deref(), false, &mut e)
    else {
        return Err(invalid_query(e));
    };
    let person_id = person.id;
    let visibility = auth.principal.visibility();
    let (start, end) = (period.start, period.end);
    let rows = db(&store, move |conn| {
        attendance::commitment(conn, person_id, start, end, visibility)
    })
    .await
    .or_not_found(person.missing())?;
    let (sessions, minutes) = rows
        .iter()
        .fold((0, 0), |(s, m), r| (s + r.sessions, m + r.minutes));
    Ok(HttpResponse::Ok().json(CommitmentDto {
        person_id,
        from: period.from,
        to: period.to,
        sessions,
        minutes,
        hours: minutes as f64 / 60.0,
        communities: rows
            .into_iter()
            .map(|r| CommunityTimeDto {
                community_id: r.community_id,
                community_slug: r.community_slug,
                sessions: r.sessions,
                minutes: r.minutes,
            })
            .collect(),
    }))
}

//! A community's sessions, scheduled under its commitment (at most six in any twelve
//! months, two hours each, unless the community says otherwise).

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::ValidationErrors;
use domain::community::SessionFormat;
use domain::community_session::{NewSession, SessionInput};
use persistence::Store;
use persistence::communities::community;
use persistence::communities::sessions::{self, SessionRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{CommunityRef, CommunitySessionId, OrNotFound};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, paging};
use crate::openapi::rules::{LinkOrBlank, SessionTitle, Venue};

/// A community session.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-0000-7000-8000-0000000000ee",
    "community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "title": "Facilitating across boundaries",
    "starts_at": "2027-01-14T14:00:00Z", "duration_minutes": 120, "format": "virtual",
    "location": null, "joining_link": "https://meet.example.org/cop-facilitation",
    "cancelled_at": null, "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct CommunitySessionDto {
    pub id: Uuid,
    pub community_id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    #[schema(value_type = SessionFormat)]
    pub format: String,
    pub location: Option<String>,
    pub joining_link: Option<String>,
    /// Set once cancelled; a cancelled session no longer counts against the commitment.
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SessionRecord> for CommunitySessionDto {
    fn from(r: SessionRecord) -> Self {
        Self {
            id: r.id.0,
            community_id: r.community_id.0,
            title: r.title,
            starts_at: r.starts_at.and_utc(),
            duration_minutes: r.duration_minutes,
            format: r.format,
            location: r.location,
            joining_link: r.joining_link,
            cancelled_at: r.cancelled_at.map(|t| t.and_utc()),
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// A session to schedule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Facilitating across boundaries", "starts_at": "2027-01-14T14:00:00Z",
    "duration_minutes": 120, "format": "virtual", "joining_link": "https://meet.example.org/cop-facilitation"}))]
pub struct CommunitySessionCreate {
    #[schema(value_type = SessionTitle)]
    pub title: Option<String>,
    /// At most the community's `max_sessions_per_year` in any twelve months (422).
    #[schema(value_type = crate::openapi::rules::Instant)]
    pub starts_at: Option<DateTime<Utc>>,
    /// At most the community's `commitment.max_session_minutes` (422).
    #[schema(value_type = u32, minimum = 1, maximum = 480)]
    pub duration_minutes: Option<u32>,
    #[schema(value_type = SessionFormat)]
    pub format: Option<String>,
    /// Where an in-person or hybrid session meets.
    #[schema(value_type = Option<Venue>)]
    pub location: Option<String>,
    /// A link for a virtual or hybrid session.
    #[schema(value_type = Option<LinkOrBlank>)]
    pub joining_link: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": []}))]
pub struct CommunitySessionList {
    /// In time order, cancelled ones included.
    pub data: Vec<CommunitySessionDto>,
}

fn parse(b: CommunitySessionCreate) -> Result<NewSession, ValidationErrors> {
    NewSession::parse(SessionInput {
        title: b.title,
        starts_at: b.starts_at.map(|t| t.naive_utc()),
        duration_minutes: b.duration_minutes,
        format: b.format,
        location: b.location,
        joining_link: b.joining_link,
    })
}

/// Schedule a community session.
///
/// The commitment rule: no more than the community's maximum sessions in any rolling twelve
/// months, and none longer than its maximum length. A breach is a 422 naming the field; for
/// a full window it lists the sessions that already fill it. Cancelled sessions don't count.
#[utoipa::path(
    tag = "communities",
    request_body = CommunitySessionCreate,
    params(CommunityRef),
    security(("oauth2" = ["communities:write"]), ("bearer" = ["communities:write"])),
    responses(
        (status = 201, description = "Scheduled.", body = CommunitySessionDto, headers(("Location" = String))),
    )
)]
#[post("/communities/{id_or_slug}/sessions")]
pub async fn create_community_session(
    _access: Authorized<scope::CommunitiesWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    community: CommunityRef,
    body: Json<CommunitySessionCreate>,
) -> Result<HttpResponse, ApiError> {
    let new = parse(body.into_inner()).map_err(unprocessable)?;
    let (audit, lookup) = (audit_entry(&req), community.as_str().to_owned());
    let session = db(&store, move |conn| {
        sessions::create(conn, &lookup, &new, &audit)
    })
    .await
    .or_not_found(community.missing())?;
    Ok(HttpResponse::Created()
        .insert_header((
            LOCATION,
            format!("/api/v1/communities/{}/sessions", community.as_str()),
        ))
        .json(CommunitySessionDto::from(session)))
}

/// A community's sessions, in time order (cancelled ones included).
#[utoipa::path(
    tag = "communities",
    params(CommunityRef),
    responses(
        (status = 200, description = "The sessions.", body = CommunitySessionList),
    )
)]
#[get("/communities/{id_or_slug}/sessions")]
pub async fn list_community_sessions(
    store: web::Data<Store>,
    community: CommunityRef,
) -> Result<HttpResponse, ApiError> {
    let lookup = community.as_str().to_owned();
    let rows = db(&store, move |conn| sessions::of_community(conn, &lookup))
        .await
        .or_not_found(community.missing())?;
    Ok(HttpResponse::Ok().json(CommunitySessionList {
        data: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Cancel a session, freeing its slot in the commitment window.
#[utoipa::path(
    tag = "communities",
    params(
        CommunityRef,
        CommunitySessionId,
    ),
    security(("oauth2" = ["communities:write"]), ("bearer" = ["communities:write"])),
    responses(
        (status = 200, description = "Cancelled.", body = CommunitySessionDto),
    )
)]
#[post("/communities/{id_or_slug}/sessions/{session_id}/cancel")]
pub async fn cancel_community_session(
    _access: Authorized<scope::CommunitiesWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    community: CommunityRef,
    session: CommunitySessionId,
) -> Result<HttpResponse, ApiError> {
    let (audit, key, id) = (audit_entry(&req), community.as_str().to_owned(), session.id);
    let cancelled = db(&store, move |conn| sessions::cancel(conn, &key, id, &audit))
        .await
        .or_not_found(session.missing_in(&community))?;
    Ok(HttpResponse::Ok().json(CommunitySessionDto::from(cancelled)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// First day (inclusive, UTC); today when absent.
    #[param(value_type = Option<crate::openapi::rules::Day>, example = "2027-01-01")]
    pub from: Option<String>,
    /// Last day (inclusive, UTC); twelve months after `from` when absent.
    #[param(value_type = Option<crate::openapi::rules::Day>, example = "2027-12-31")]
    pub to: Option<String>,
    /// Only this community's sessions: id or slug.
    #[param(value_type = Option<String>, example = "facilitation")]
    pub community: Option<String>,
}

/// A session on the calendar, with its community's slug.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"community_slug": "facilitation", "id": "0193a1b4-0000-7000-8000-0000000000ee",
    "community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "title": "Facilitating across boundaries",
    "starts_at": "2027-01-14T14:00:00Z", "duration_minutes": 120, "format": "virtual",
    "location": null, "joining_link": "https://meet.example.org/cop-facilitation",
    "cancelled_at": null, "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct CalendarEntry {
    pub community_slug: String,
    #[serde(flatten)]
    pub session: CommunitySessionDto,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": []}))]
pub struct Calendar {
    /// In time order, cancelled ones included.
    pub data: Vec<CalendarEntry>,
}

/// The calendar of sessions across all communities.
#[utoipa::path(
    tag = "communities",
    params(CalendarQuery),
    responses(
        (status = 200, description = "Sessions in the period, in time order.", body = Calendar),
    )
)]
#[get("/sessions")]
pub async fn list_sessions(
    store: web::Data<Store>,
    StrictQuery(query): StrictQuery<CalendarQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Vec::new();
    let Some(period) = paging::period(query.from.as_deref(), query.to.as_deref(), true, &mut e)
    else {
        return Err(invalid_query(e));
    };
    // A community that does not exist matches nothing, as any filter value nobody has.
    let community_id = match query.community {
        None => None,
        Some(key) => Some(
            db(&store, move |conn| community::get(conn, &key))
                .await
                .or_none()?
                .map_or(Uuid::nil(), |c| c.id),
        ),
    };
    let rows = db(&store, move |conn| {
        sessions::calendar(conn, period.start, period.end, community_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Calendar {
        data: rows
            .into_iter()
            .map(|(s, slug)| CalendarEntry {
                community_slug: slug,
                session: s.into(),
            })
            .collect(),
    }))
}

//! Communities of Practice: read access to the portfolio's communities and the state of
//! their tripartite leadership.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use domain::community::{
    Community, CommunityInput, CommunityKind, CommunityStatus, JoinPolicy, MemberRole,
};
use domain::taxonomy::VenusStem;
use persistence::Store;
use persistence::communities::community::{self, CommunityRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::error::unprocessable;
use crate::http::path_ids::{CommunityRef, OrNotFound};
use crate::http::problem::ProblemField;
use crate::http::query::invalid_query;
use crate::http::rendered::Rendered;
use crate::http::{ApiError, StrictQuery, db, etag, respond};
use crate::openapi::problems::Conflict;
use crate::openapi::rules::{Name, Purpose, Slug};
use crate::snapshot::Catalogue;

/// How often and how long a community meets.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"max_sessions_per_year": 6, "max_session_minutes": 120}))]
pub struct CommitmentLimits {
    /// At most this many sessions in any twelve months (the prospectus: six).
    pub max_sessions_per_year: u32,
    /// At most this long a session, in minutes (the prospectus: two hours).
    pub max_session_minutes: u32,
}

/// A Community of Practice.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "slug": "facilitation",
    "name": "Facilitation Community of Practice",
    "purpose": "A network of facilitators of learning, development, improvement and innovation.",
    "kind": "venus_stem", "stem": "facilitation", "status": "forming", "join_policy": "open",
    "commitment": {"max_sessions_per_year": 6, "max_session_minutes": 120},
    "member_count": 0, "leadership_complete": false,
    "missing_leadership": ["ics_lead", "citizen_representative", "system_leader"],
    "version": 1, "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct CommunityDto {
    pub id: Uuid,
    /// Stable URL name; accepted wherever the id is.
    pub slug: String,
    pub name: String,
    pub purpose: String,
    pub kind: CommunityKind,
    /// The Venus model stem of a `venus_stem` community; null for topic communities.
    pub stem: Option<VenusStem>,
    pub status: CommunityStatus,
    pub join_policy: JoinPolicy,
    pub commitment: CommitmentLimits,
    /// Current members, leaders included.
    pub member_count: i64,
    /// Whether someone holds each of the three leadership roles (ICS lead, citizen
    /// representative / expert by experience, system leader / innovator).
    pub leadership_complete: bool,
    /// The leadership roles nobody holds.
    pub missing_leadership: Vec<MemberRole>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CommunityRecord> for CommunityDto {
    fn from(r: CommunityRecord) -> Self {
        let c = &r.community;
        let commitment = c.commitment();
        Self {
            id: r.id,
            slug: c.slug().as_str().to_owned(),
            name: c.name().to_owned(),
            purpose: c.purpose().to_owned(),
            kind: c.kind(),
            stem: c.stem(),
            status: c.status(),
            join_policy: c.join_policy(),
            commitment: CommitmentLimits {
                max_sessions_per_year: commitment.max_sessions_per_year,
                max_session_minutes: commitment.max_session_minutes,
            },
            member_count: r.member_count,
            leadership_complete: r.missing_leadership.is_empty(),
            missing_leadership: r.missing_leadership,
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [{"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "slug": "facilitation",
    "name": "Facilitation Community of Practice",
    "purpose": "A network of facilitators of learning, development, improvement and innovation.",
    "kind": "venus_stem", "stem": "facilitation", "status": "forming", "join_policy": "open",
    "commitment": {"max_sessions_per_year": 6, "max_session_minutes": 120},
    "member_count": 0, "leadership_complete": false,
    "missing_leadership": ["ics_lead", "citizen_representative", "system_leader"],
    "version": 1, "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}]}))]
pub struct CommunityList {
    /// Every matching community, by name.
    pub data: Vec<CommunityDto>,
}

/// The `leadership` filter: is the community's tripartite leadership complete?
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadershipFilter {
    Complete,
    Incomplete,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommunityQuery {
    /// `incomplete`: only communities with a leadership role nobody holds (those recruiting
    /// leaders); `complete`: only those whose three leadership roles are all held.
    #[param(value_type = Option<LeadershipFilter>, inline, example = "incomplete")]
    pub leadership: Option<String>,
}

/// List the Communities of Practice, by name.
///
/// Few enough to return in one response, so not paginated. Anyone may read them. Carries an
/// `ETag` (`If-None-Match` → 304) and may be cached publicly for a minute.
#[utoipa::path(
    tag = "communities",
    params(CommunityQuery),
    responses(
        (status = 200, description = "Every matching community, by name.", body = CommunityList,
            headers(("ETag" = String))),
    )
)]
#[get("/communities")]
pub async fn list_communities(
    req: HttpRequest,
    catalogue: web::Data<Catalogue>,
    StrictQuery(query): StrictQuery<CommunityQuery>,
) -> Result<HttpResponse, ApiError> {
    let complete = match query.leadership.as_deref() {
        None => None,
        Some("complete") => Some(true),
        Some("incomplete") => Some(false),
        Some(other) => {
            return Err(invalid_query(vec![ProblemField {
                field: "leadership".into(),
                message: format!("must be one of: complete, incomplete; got '{other}'"),
            }]));
        }
    };
    let live = catalogue.live().await;
    let key = format!("communities?{complete:?}");
    live.respond(&req, &key, respond::PUBLIC_MAX_AGE, |snapshot| {
        let list = CommunityList {
            data: snapshot
                .communities(complete)
                .into_iter()
                .cloned()
                .map(Into::into)
                .collect(),
        };
        Rendered::json(&list, etag::of_bytes, None)
    })
}

/// Get one community by id or slug.
#[utoipa::path(
    tag = "communities",
    params(CommunityRef),
    responses(
        (status = 200, description = "The community.", body = CommunityDto, headers(("ETag" = String))),
    )
)]
#[get("/communities/{id_or_slug}")]
pub async fn get_community(
    req: HttpRequest,
    catalogue: web::Data<Catalogue>,
    community: CommunityRef,
) -> Result<HttpResponse, ApiError> {
    let live = catalogue.live().await;
    let record = live
        .snapshot
        .community(community.as_str())
        .ok_or_else(|| ApiError::not_found(community.missing()))?;
    let (id, version) = (record.id, record.version);
    // Its member count and leadership change without a new version: the tag names them too.
    live.respond(&req, &format!("community:{id}"), "no-cache", |_| {
        Rendered::json(
            &CommunityDto::from(record.clone()),
            |bytes| etag::derived(id, version, bytes),
            None,
        )
    })
}

/// A new community.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Health and Wellbeing Community of Practice", "slug": "health-and-wellbeing",
    "purpose": "Supporting the health and wellbeing of the Leeds health and care workforce.", "kind": "topic"}))]
pub struct CommunityCreate {
    #[schema(value_type = Name)]
    pub name: Option<String>,
    /// Derived from the name when absent.
    #[schema(value_type = Option<Slug>)]
    pub slug: Option<String>,
    #[schema(value_type = Purpose)]
    pub purpose: Option<String>,
    /// `venus_stem` when a `stem` is given, else `topic`, when absent.
    #[schema(value_type = Option<CommunityKind>)]
    pub kind: Option<String>,
    /// Required for a `venus_stem` community.
    #[schema(value_type = Option<VenusStem>)]
    pub stem: Option<String>,
    #[schema(value_type = Option<CommunityStatus>, default = "forming")]
    pub status: Option<String>,
    /// "People are free to join".
    #[schema(value_type = Option<JoinPolicy>, default = "open")]
    pub join_policy: Option<String>,
    /// Sessions in any twelve months (the prospectus: six).
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 52, default = 6)]
    pub max_sessions_per_year: Option<i64>,
    /// Longest session (the prospectus: two hours).
    #[schema(value_type = Option<i64>, minimum = 15, maximum = 480, default = 120)]
    pub max_session_minutes: Option<i64>,
}

/// Create a community.
#[utoipa::path(
    tag = "communities",
    request_body = CommunityCreate,
    security(("oauth2" = ["communities:write"]), ("bearer" = ["communities:write"])),
    responses(
        (status = 201, description = "Created.", body = CommunityDto, headers(("Location" = String))),
    )
)]
#[post("/communities")]
pub async fn create_community(
    _access: Authorized<scope::CommunitiesWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    body: Json<CommunityCreate>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let community = Community::parse(CommunityInput {
        name: b.name,
        slug: b.slug,
        purpose: b.purpose,
        kind: b.kind,
        stem: b.stem,
        status: b.status,
        join_policy: b.join_policy,
        max_sessions_per_year: b.max_sessions_per_year,
        max_session_minutes: b.max_session_minutes,
    })
    .map_err(unprocessable)?;
    let audit = audit_entry(&req);
    let record = db(&store, move |conn| {
        community::create(conn, &community, None, &audit)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/communities/{}", record.id)))
        .json(CommunityDto::from(record)))
}

/// Changes to a community (JSON merge patch): only the fields present change; `stem: null`
/// removes the stem (of a topic community).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "active", "max_sessions_per_year": 4}))]
pub struct CommunityPatch {
    #[schema(value_type = Name, required = false)]
    pub name: Option<String>,
    #[schema(value_type = Slug, required = false)]
    pub slug: Option<String>,
    #[schema(value_type = Purpose, required = false)]
    pub purpose: Option<String>,
    #[schema(value_type = CommunityKind, required = false)]
    pub kind: Option<String>,
    /// `null` removes it (a topic community's).
    #[serde(default, deserialize_with = "crate::http::merge_patch::nullable")]
    #[schema(value_type = Option<VenusStem>)]
    pub stem: Option<Option<String>>,
    #[schema(value_type = CommunityStatus, required = false)]
    pub status: Option<String>,
    #[schema(value_type = JoinPolicy, required = false)]
    pub join_policy: Option<String>,
    #[schema(value_type = i64, required = false, minimum = 1, maximum = 52)]
    pub max_sessions_per_year: Option<i64>,
    #[schema(value_type = i64, required = false, minimum = 15, maximum = 480)]
    pub max_session_minutes: Option<i64>,
}

impl crate::http::merge_patch::Nullable for CommunityPatch {
    const NULLABLE: &'static [&'static str] = &["stem"];
}

impl CommunityPatch {
    fn apply(self, mut input: CommunityInput) -> CommunityInput {
        input.name = self.name.or(input.name);
        input.slug = self.slug.or(input.slug);
        input.purpose = self.purpose.or(input.purpose);
        input.kind = self.kind.or(input.kind);
        if let Some(stem) = self.stem {
            input.stem = stem;
        }
        input.status = self.status.or(input.status);
        input.join_policy = self.join_policy.or(input.join_policy);
        input.max_sessions_per_year = self.max_sessions_per_year.or(input.max_sessions_per_year);
        input.max_session_minutes = self.max_session_minutes.or(input.max_session_minutes);
        input
    }
}

/// Change a community (JSON merge patch; `If-Match` required).
///
/// Lowering the commitment does not remove sessions already scheduled; it applies to those
/// scheduled afterwards.
#[utoipa::path(
    tag = "communities",
    request_body(content = CommunityPatch, content_type = "application/merge-patch+json"),
    params(CommunityRef),
    security(("oauth2" = ["communities:write"]), ("bearer" = ["communities:write"])),
    responses(
        (status = 200, description = "The community as changed.", body = CommunityDto, headers(("ETag" = String))),
        (status = 409, response = Conflict),
    )
)]
#[patch("/communities/{id_or_slug}")]
pub async fn update_community(
    _access: Authorized<scope::CommunitiesWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    community: CommunityRef,
    body: crate::http::merge_patch::MergePatch<CommunityPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = etag::if_match(&req)?;
    let lookup = community.as_str().to_owned();
    let current = db(&store, move |conn| community::get(conn, &lookup))
        .await
        .or_not_found(community.missing())?;
    let version = precondition.check(current.id, current.version)?;
    let changed = Community::parse(body.into_inner().apply(current.community.to_input()))
        .map_err(unprocessable)?;
    let (id, audit) = (current.id, audit_entry(&req));
    let record = db(&store, move |conn| {
        community::update(conn, id, version, &changed, &audit)
    })
    .await?;
    Ok(respond::resource(
        record.id,
        record.version,
        &CommunityDto::from(record),
    ))
}

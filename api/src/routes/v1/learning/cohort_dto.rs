//! JSON shapes of cohorts and sessions.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{CohortInput, CohortStatus, DeliveryMode, Priority};
use persistence::learning::cohort_sessions::SessionRow;
use persistence::learning::cohorts::CohortRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::merge_patch::nullable;
use crate::openapi::rules::PriorityRefInput;
use crate::openapi::rules::{
    CohortPriorities, Day, Instant, LinkOrBlank, Location, Name, SessionTitle,
};
use crate::routes::v1::catalogue::programme_dto::PriorityRef;
use crate::routes::v1::catalogue::programme_input::PriorityInput;

/// A cohort of a programme, with its seats.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "programme_id": "0193a1b4-0000-7000-8000-0000000000aa",
    "label": "Leeds spring 2027", "start_date": "2027-03-01", "end_date": "2027-08-31", "capacity": 20, "enrolled": 18,
    "waitlisted": 0, "finished": 0, "seats_left": 2, "waitlist_enabled": true, "delivery_mode": "blended",
    "location": "St James's University Hospital", "joining_link": null, "commissioning_organisation_id": null,
    "priorities": [{"code": 6, "slug": "learning-together", "title": "Learning together"}], "status": "open",
    "version": 3, "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct CohortDto {
    pub id: Uuid,
    pub programme_id: Uuid,
    pub label: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub capacity: i64,
    /// People holding a seat.
    pub enrolled: i64,
    /// People waiting for one.
    pub waitlisted: i64,
    /// People who completed (or did not complete): their seats stay used.
    pub finished: i64,
    pub seats_left: i64,
    pub waitlist_enabled: bool,
    pub delivery_mode: DeliveryMode,
    pub location: Option<String>,
    pub joining_link: Option<String>,
    /// The organisation that commissioned this cohort, if any.
    pub commissioning_organisation_id: Option<Uuid>,
    /// Leeds workforce priorities this cohort serves (the programme's unless set).
    pub priorities: Vec<PriorityRef>,
    pub status: CohortStatus,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CohortRecord> for CohortDto {
    fn from(r: CohortRecord) -> Self {
        let s = &r.spec;
        Self {
            id: r.id,
            programme_id: r.programme_id,
            label: s.label().to_owned(),
            start_date: s.start_date(),
            end_date: s.end_date(),
            capacity: s.capacity(),
            enrolled: r.seats.enrolled,
            waitlisted: r.seats.waitlisted,
            finished: r.seats.finished,
            seats_left: (s.capacity() - r.seats.taken()).max(0),
            waitlist_enabled: s.waitlist_enabled(),
            delivery_mode: s.delivery_mode(),
            location: s.location().map(str::to_owned),
            joining_link: s.joining_link().map(str::to_owned),
            commissioning_organisation_id: r.commissioning_organisation_id,
            priorities: r
                .priorities
                .iter()
                .copied()
                .map(PriorityRef::from)
                .collect(),
            status: r.status,
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// A new cohort. `status` starts `planned`; `priorities` default to the programme's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "Leeds spring 2027", "start_date": "2027-03-01", "end_date": "2027-08-31",
    "capacity": 20, "delivery_mode": "blended", "location": "St James's University Hospital"}))]
pub struct CohortCreate {
    #[schema(value_type = Name)]
    pub label: Option<String>,
    #[schema(value_type = Day)]
    pub start_date: Option<NaiveDate>,
    /// Not before `start_date`.
    #[schema(value_type = Day)]
    pub end_date: Option<NaiveDate>,
    #[schema(value_type = i64, minimum = 1, maximum = 10000)]
    pub capacity: Option<i64>,
    /// People beyond capacity join a waitlist.
    #[schema(default = true)]
    pub waitlist_enabled: Option<bool>,
    #[schema(value_type = DeliveryMode)]
    pub delivery_mode: Option<String>,
    #[schema(value_type = Option<Location>)]
    pub location: Option<String>,
    /// A link to join online.
    #[schema(value_type = Option<LinkOrBlank>)]
    pub joining_link: Option<String>,
    pub commissioning_organisation_id: Option<Uuid>,
    /// The programme's when absent or empty.
    #[schema(value_type = Option<CohortPriorities>)]
    pub priorities: Option<Vec<PriorityInput>>,
}

impl CohortCreate {
    pub fn input(&self) -> CohortInput {
        CohortInput {
            label: self.label.clone(),
            start_date: self.start_date,
            end_date: self.end_date,
            capacity: self.capacity,
            waitlist_enabled: self.waitlist_enabled,
            delivery_mode: self.delivery_mode.clone(),
            location: self.location.clone(),
            joining_link: self.joining_link.clone(),
        }
    }
}

/// Changes to a cohort (JSON merge patch). Its status changes through the
/// `open`, `start`, `complete` and `cancel` actions.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"capacity": 24}))]
pub struct CohortPatch {
    #[schema(value_type = Name, required = false)]
    pub label: Option<String>,
    #[schema(value_type = Day, required = false)]
    pub start_date: Option<NaiveDate>,
    /// Not before the start date.
    #[schema(value_type = Day, required = false)]
    pub end_date: Option<NaiveDate>,
    /// Not below the seats already taken (409).
    #[schema(value_type = i64, required = false, minimum = 1, maximum = 10000)]
    pub capacity: Option<i64>,
    #[schema(value_type = bool, required = false)]
    pub waitlist_enabled: Option<bool>,
    #[schema(value_type = DeliveryMode, required = false)]
    pub delivery_mode: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Location>)]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<LinkOrBlank>)]
    pub joining_link: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub commissioning_organisation_id: Option<Option<Uuid>>,
    /// Replaces the cohort's priorities (`[]`: none).
    #[schema(value_type = CohortPriorities, required = false)]
    pub priorities: Option<Vec<PriorityInput>>,
}

impl CohortPatch {
    pub fn apply(&self, mut i: CohortInput) -> CohortInput {
        if let Some(v) = &self.label {
            i.label = Some(v.clone());
        }
        if let Some(v) = self.start_date {
            i.start_date = Some(v);
        }
        if let Some(v) = self.end_date {
            i.end_date = Some(v);
        }
        if let Some(v) = self.capacity {
            i.capacity = Some(v);
        }
        if let Some(v) = self.waitlist_enabled {
            i.waitlist_enabled = Some(v);
        }
        if let Some(v) = &self.delivery_mode {
            i.delivery_mode = Some(v.clone());
        }
        if let Some(v) = &self.location {
            i.location = v.clone();
        }
        if let Some(v) = &self.joining_link {
            i.joining_link = v.clone();
        }
        i
    }
}

/// Priority inputs as a set, or the field errors of the unknown ones.
pub fn priority_set(
    field: &str,
    inputs: &[PriorityInput],
    errors: &mut domain::ValidationErrors,
) -> BTreeSet<Priority> {
    let mut set = BTreeSet::new();
    for (i, p) in inputs.iter().enumerate() {
        if let Some(p) = errors.check(format!("{field}[{i}]"), Priority::parse(&p.clone().raw())) {
            set.insert(p);
        }
    }
    set
}

/// A session of a cohort.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "cohort_id": "0193a1b4-0000-7000-8000-0000000000cc",
    "title": "Workshop 1: culture", "starts_at": "2027-03-01T09:30:00Z", "duration_minutes": 360,
    "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct SessionDto {
    pub id: Uuid,
    pub cohort_id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SessionRow> for SessionDto {
    fn from(s: SessionRow) -> Self {
        Self {
            id: s.id.0,
            cohort_id: s.cohort_id.0,
            title: s.title,
            starts_at: s.starts_at.and_utc(),
            duration_minutes: s.duration_minutes,
            created_at: s.created_at.and_utc(),
            updated_at: s.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Workshop 1: culture", "starts_at": "2027-03-01T09:30:00Z", "duration_minutes": 360}))]
pub struct SessionCreate {
    #[schema(value_type = SessionTitle)]
    pub title: Option<String>,
    #[schema(value_type = Instant)]
    pub starts_at: Option<DateTime<Utc>>,
    #[schema(value_type = i32, minimum = 1, maximum = 1440)]
    pub duration_minutes: Option<i32>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CohortQuery {
    /// Programme id(s) or slug(s).
    #[serde(default)]
    #[param(value_type = Option<Vec<String>>, explode, style = Form)]
    pub programme: Vec<String>,
    #[serde(default)]
    #[param(value_type = Option<Vec<CohortStatus>>, explode, style = Form)]
    pub status: Vec<String>,
    /// Only cohorts starting after this date (YYYY-MM-DD).
    #[param(value_type = Option<crate::openapi::rules::Day>)]
    pub starts_after: Option<String>,
    /// The commissioning organisation.
    #[param(value_type = Option<Uuid>)]
    pub organisation: Option<String>,
    /// Leeds priority code(s) or slug(s).
    #[serde(default)]
    #[param(value_type = Option<Vec<PriorityRefInput>>, explode, style = Form)]
    pub priority: Vec<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

/// Filters of one programme's cohorts: those of `GET /cohorts`, the programme in the path.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct ProgrammeCohortQuery(pub CohortQuery);

impl IntoParams for ProgrammeCohortQuery {
    fn into_params(
        place: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        crate::http::query::without(CohortQuery::into_params(place), &["programme"])
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct CohortList {
    /// By start date.
    pub data: Vec<CohortDto>,
    pub next_cursor: Option<String>,
}

impl crate::http::merge_patch::Nullable for CohortPatch {
    const NULLABLE: &'static [&'static str] =
        &["location", "joining_link", "commissioning_organisation_id"];
}

//! JSON shapes of programmes and the programme list.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    Availability, CohortStatus, DeliveryMode, DurationUnit, Priority, ProgrammeStatus, Strand,
    SystemLevel, Theme, VenusStem, Vocabulary,
};
use persistence::catalogue::programme_rows::ProgrammeRecord;
use persistence::catalogue::programmes::Facets;
use persistence::catalogue::snapshot::NextCohort;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A priority as a programme refers to it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": 3, "slug": "working-across-organisations", "title": "Working Across Organisations"}))]
pub struct PriorityRef {
    pub code: u8,
    pub slug: &'static str,
    pub title: &'static str,
}

impl From<Priority> for PriorityRef {
    fn from(p: Priority) -> Self {
        Self {
            code: p.code(),
            slug: p.slug(),
            title: p.title(),
        }
    }
}

/// How long a programme lasts and how often it meets: a length, a cadence, or both.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"min": 6, "max": 12, "unit": "months", "cadence": "1 day a month", "summary": "6–12 months, 1 day a month"}))]
pub struct DurationDto {
    /// Shortest length, in `unit`s; null when only a cadence is known.
    pub min: Option<u32>,
    /// Longest length (equal to `min` for a fixed length).
    pub max: Option<u32>,
    pub unit: Option<DurationUnit>,
    /// How often it meets, e.g. "1 day a month", "annually".
    pub cadence: Option<String>,
    /// Human summary, e.g. "6–12 months, 1 day a month".
    pub summary: String,
}

/// An upcoming cohort as a catalogue card shows it: when it starts and how many seats are
/// left. Seats are counted within `CATALOGUE_MAX_STALENESS_MS` (a second by default); the
/// cohort itself (`/api/v1/cohorts/{id}`) is always exact.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "label": "Leeds spring 2027", "status": "open",
    "start_date": "2027-03-01", "end_date": "2027-08-31", "delivery_mode": "blended", "capacity": 20, "seats_left": 2,
    "waitlist_enabled": true, "commissioning_organisation_id": null}))]
pub struct NextCohortDto {
    pub id: Uuid,
    pub label: String,
    /// `planned` (announced) or `open` (taking enrolments).
    pub status: CohortStatus,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub delivery_mode: DeliveryMode,
    pub capacity: i64,
    pub seats_left: i64,
    /// Whether a full cohort still takes people onto its waitlist.
    pub waitlist_enabled: bool,
    /// The organisation that commissioned it (its staff fill it), if any.
    pub commissioning_organisation_id: Option<Uuid>,
}

impl From<&NextCohort> for NextCohortDto {
    fn from(c: &NextCohort) -> Self {
        Self {
            id: c.id,
            label: c.label.clone(),
            status: c.status,
            start_date: c.start_date,
            end_date: c.end_date,
            delivery_mode: c.delivery_mode,
            capacity: c.capacity,
            seats_left: c.seats_left,
            waitlist_enabled: c.waitlist_enabled,
            commissioning_organisation_id: c.commissioning_organisation_id,
        }
    }
}

/// A programme of the academy's portfolio.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
    "slug": "champions4change",
    "title": "Champions4Change Programme",
    "theme": "facilitation",
    "level": "micro",
    "strand": "team_research",
    "what": "This programme develops confidence to make improvements based on evidence and research capabilities",
    "summary": "This programme develops confidence to make improvements based on evidence and research capabilities",
    "how": "1) Supporting staff to initiate improvements to practice through the use of research and evidence-based practice. …",
    "who": "Open to students, service users and all interested in influencing change at a local level through research",
    "when": null,
    "duration": {"min": 12, "max": 12, "unit": "months", "cadence": "1 day a month", "summary": "12 months, 1 day a month"},
    "delivery_mode": "face_to_face",
    "availability": "commissioned",
    "delivery_partners": [],
    "stems": ["practice_development", "innovation_and_improvement"],
    "priorities": [{"code": 2, "slug": "growing-and-developing-registrants", "title": "Growing and Developing Registrants"}],
    "status": "published",
    "next_cohorts": [],
    "version": 1,
    "created_at": "2026-11-23T09:00:00Z",
    "updated_at": "2026-11-23T09:00:00Z"
}))]
pub struct ProgrammeDto {
    pub id: Uuid,
    /// URL name; accepted in place of the id.
    pub slug: String,
    pub title: String,
    pub theme: Theme,
    pub level: SystemLevel,
    /// The prospectus strand: the heading of its theme × level cell (labels in `/taxonomy`).
    pub strand: Strand,
    /// What the programme is.
    pub what: String,
    /// A short summary for cards: the first sentence of `what`, or its first words up to
    /// 160 characters ending in `…`.
    pub summary: String,
    /// How it is delivered.
    pub how: Option<String>,
    /// Who it is for.
    pub who: Option<String>,
    /// When it runs, as the prospectus says.
    pub when: Option<String>,
    pub duration: Option<DurationDto>,
    /// `null`: the prospectus does not say (show "not stated", not a guess).
    pub delivery_mode: Option<DeliveryMode>,
    /// `null`: the prospectus does not say whether it is commissioned, on demand or scheduled.
    pub availability: Option<Availability>,
    /// Organisations delivering it with the academy.
    pub delivery_partners: Vec<String>,
    /// Venus model stems it develops.
    pub stems: Vec<VenusStem>,
    /// Leeds workforce priorities it serves, in code order.
    pub priorities: Vec<PriorityRef>,
    pub status: ProgrammeStatus,
    /// Its next planned or open cohorts (at most three), soonest first.
    pub next_cohorts: Vec<NextCohortDto>,
    /// Incremented by every change of the programme (not of its cohorts).
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProgrammeDto {
    /// The programme `r` with its next cohorts.
    pub fn new(r: ProgrammeRecord, next_cohorts: &[NextCohort]) -> Self {
        let p = &r.programme;
        Self {
            id: r.id,
            slug: p.slug().to_string(),
            title: p.title().to_owned(),
            theme: p.theme(),
            level: p.level(),
            strand: p.strand(),
            summary: p.summary(),
            what: p.what().to_owned(),
            how: p.how().map(str::to_owned),
            who: p.who().map(str::to_owned),
            when: p.when().map(str::to_owned),
            duration: p.duration().map(|d| DurationDto {
                min: d.min(),
                max: d.max(),
                unit: d.unit(),
                cadence: d.cadence().map(str::to_owned),
                summary: d.summary(),
            }),
            delivery_mode: p.delivery_mode(),
            availability: p.availability(),
            delivery_partners: p.partners().to_vec(),
            stems: p.stems().iter().copied().collect(),
            priorities: p
                .priorities()
                .iter()
                .copied()
                .map(PriorityRef::from)
                .collect(),
            status: p.status(),
            next_cohorts: next_cohorts.iter().map(NextCohortDto::from).collect(),
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// How many programmes matching the current filter carry one facet value.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"value": "facilitation", "label": "Facilitation of Workforce Transformation", "count": 6}))]
pub struct FacetCount {
    /// The value to pass to the facet's filter parameter.
    pub value: String,
    pub label: String,
    pub count: i64,
}

/// Counts per value of each facet, over all pages. Disjunctive: a facet counts the programmes
/// matching every *other* filter, ignoring its own, so after `theme=facilitation` the theme
/// facet still says how many each other theme would add (an OR choice), while the level,
/// stem, priority, delivery mode, availability and strand facets count within the
/// facilitation programmes. A programme whose delivery mode or availability is not stated
/// counts under no value of that facet. Every value is listed, zeros included, so a front end can draw its filters.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "theme": [{"value": "facilitation", "label": "Facilitation of Workforce Transformation", "count": 2}],
    "level": [{"value": "micro", "label": "Micro — team development", "count": 2}],
    "stem": [{"value": "innovation_and_improvement", "label": "Innovation and Improvement", "count": 2}],
    "priority": [{"value": "learning-together", "label": "Learning together", "count": 2}],
    "delivery_mode": [{"value": "blended", "label": "Blended (online and face to face)", "count": 1}],
    "availability": [{"value": "commissioned", "label": "Commissioned", "count": 2}],
    "strand": [{"value": "team_facilitation", "label": "Facilitation learning, development, improvement, knowledge translation across teams (link workers, champions)", "count": 2}]
}))]
pub struct ProgrammeFacets {
    pub theme: Vec<FacetCount>,
    pub level: Vec<FacetCount>,
    pub stem: Vec<FacetCount>,
    /// Values are priority slugs (the filter also accepts codes).
    pub priority: Vec<FacetCount>,
    pub delivery_mode: Vec<FacetCount>,
    pub availability: Vec<FacetCount>,
    pub strand: Vec<FacetCount>,
}

fn counts<T: Vocabulary>(v: Vec<(T, i64)>) -> Vec<FacetCount> {
    v.into_iter()
        .map(|(t, count)| FacetCount {
            value: t.value().to_owned(),
            label: t.label().to_owned(),
            count,
        })
        .collect()
}

impl From<Facets> for ProgrammeFacets {
    fn from(f: Facets) -> Self {
        Self {
            theme: counts(f.themes),
            level: counts(f.levels),
            stem: counts(f.stems),
            delivery_mode: counts(f.delivery_modes),
            availability: counts(f.availabilities),
            strand: counts(f.strands),
            priority: f
                .priorities
                .into_iter()
                .map(|(p, count)| FacetCount {
                    value: p.slug().to_owned(),
                    label: p.title().to_owned(),
                    count,
                })
                .collect(),
        }
    }
}

/// One page of programmes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "data": [{"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "slug": "vital-signs", "title": "VITAL Signs: Developing teams to initiate what matters to people in your organisation",
              "theme": "facilitation", "level": "micro", "strand": "team_facilitation", "what": "This is a co-designed programme …", "summary": "This is a co-designed programme …", "how": null, "who": null, "when": null, "duration": null,
              "delivery_mode": "blended", "availability": "commissioned", "delivery_partners": [], "stems": ["innovation_and_improvement", "culture_change"],
              "priorities": [{"code": 6, "slug": "learning-together", "title": "Learning together"}], "status": "published", "next_cohorts": [], "version": 1,
              "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}],
    "next_cursor": "eyJzIjoidGl0bGUiLCJrIjoidml0YWwgc2lnbnMiLCJpIjoiMDE5M2ExYjQtNWY2ZS03YzNkLTlhMmItMWM0ZDVlNmY3YThiIn0",
    "total": 2,
    "facets": {"theme": [], "level": [], "stem": [], "priority": [], "delivery_mode": [], "availability": [], "strand": []}
}))]
pub struct ProgrammeList {
    pub data: Vec<ProgrammeDto>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// How many programmes match the filters, across all pages.
    pub total: i64,
    pub facets: ProgrammeFacets,
}

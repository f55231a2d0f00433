//! JSON bodies that create and change programmes. Values stay raw here: the domain checks
//! them and answers field by field (422), so a bad enum value is reported like any rule.

use domain::{
    Availability, DeliveryMode, DurationInput, DurationUnit, ProgrammeInput, ProgrammeStatus,
    SystemLevel, Theme,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::merge_patch::nullable;
use crate::openapi::rules::{Cadence, Partners, Priorities, Prose, Slug, Stems, Title};

/// How long a programme runs: a length (`min`–`max` `unit`s), a cadence, or both. `max` and
/// `unit` need `min`, `min` needs `unit`, and `max` is not less than `min`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"min": 6, "max": 12, "unit": "months", "cadence": "1 day a month"}))]
pub struct DurationBody {
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub min: Option<i64>,
    /// Equal to `min` when absent.
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub max: Option<i64>,
    #[schema(value_type = Option<DurationUnit>)]
    pub unit: Option<String>,
    /// E.g. "1 day a month": at most 100 characters, not blank.
    #[schema(value_type = Option<Cadence>)]
    pub cadence: Option<String>,
}

impl From<DurationBody> for DurationInput {
    fn from(d: DurationBody) -> Self {
        Self {
            min: d.min,
            max: d.max,
            unit: d.unit,
            cadence: d.cadence,
        }
    }
}

/// A priority code (`6`) or slug (`"learning-together"`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
#[schema(example = json!("learning-together"))]
pub enum PriorityInput {
    Code(i64),
    Slug(String),
}

impl PriorityInput {
    /// As the domain parses it: a code or a slug.
    pub fn raw(self) -> String {
        match self {
            Self::Code(c) => c.to_string(),
            Self::Slug(s) => s,
        }
    }
}

/// A new programme. `slug` is derived from the title when absent; `status` is `draft`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Compassionate Leadership for Care Homes",
    "theme": "leadership", "level": "meso",
    "what": "A programme for registered managers of care homes …",
    "who": "Registered managers and deputies",
    "duration": {"min": 3, "max": 3, "unit": "months", "cadence": "1 day a month"},
    "delivery_mode": "blended", "availability": "commissioned",
    "delivery_partners": ["Care England"],
    "stems": ["leadership", "culture_change"],
    "priorities": [6, "improving-health-and-wellbeing"]
}))]
pub struct ProgrammeCreate {
    /// Lower-case words joined by hyphens, not shaped like a UUID; derived from the title
    /// when absent.
    #[schema(value_type = Option<Slug>)]
    pub slug: Option<String>,
    #[schema(value_type = Title)]
    pub title: Option<String>,
    #[schema(value_type = Theme)]
    pub theme: Option<String>,
    #[schema(value_type = SystemLevel)]
    pub level: Option<String>,
    /// What the programme is and does.
    #[schema(value_type = Prose)]
    pub what: Option<String>,
    #[schema(value_type = Option<Prose>)]
    pub how: Option<String>,
    #[schema(value_type = Option<Prose>)]
    pub who: Option<String>,
    #[schema(value_type = Option<Prose>)]
    pub when: Option<String>,
    pub duration: Option<DurationBody>,
    /// Leave out (or `null`) when it is not stated.
    #[schema(value_type = Option<DeliveryMode>)]
    pub delivery_mode: Option<String>,
    /// Leave out (or `null`) when it is not stated.
    #[schema(value_type = Option<Availability>)]
    pub availability: Option<String>,
    /// At most 20, each named once (ignoring case).
    #[serde(default)]
    #[schema(value_type = Partners)]
    pub delivery_partners: Vec<String>,
    /// At least one; each once.
    #[serde(default)]
    #[schema(value_type = Stems, required = true)]
    pub stems: Vec<String>,
    /// At least one (a priority named twice, by code and slug, counts once).
    #[serde(default)]
    #[schema(value_type = Priorities, required = true)]
    pub priorities: Vec<PriorityInput>,
    #[schema(value_type = Option<ProgrammeStatus>, default = "draft")]
    pub status: Option<String>,
}

impl From<ProgrammeCreate> for ProgrammeInput {
    fn from(c: ProgrammeCreate) -> Self {
        Self {
            slug: c.slug,
            title: c.title,
            theme: c.theme,
            level: c.level,
            what: c.what,
            how: c.how,
            who: c.who,
            when: c.when,
            duration: c.duration.map(Into::into),
            delivery_mode: c.delivery_mode,
            availability: c.availability,
            partners: c.delivery_partners,
            stems: c.stems,
            priorities: c.priorities.into_iter().map(PriorityInput::raw).collect(),
            status: c.status,
        }
    }
}

/// Changes to a programme (JSON merge patch): absent fields are kept, `null` clears an
/// optional one, lists are replaced whole.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "retired"}))]
pub struct ProgrammePatch {
    #[schema(value_type = Slug, required = false)]
    pub slug: Option<String>,
    #[schema(value_type = Title, required = false)]
    pub title: Option<String>,
    #[schema(value_type = Theme, required = false)]
    pub theme: Option<String>,
    #[schema(value_type = SystemLevel, required = false)]
    pub level: Option<String>,
    #[schema(value_type = Prose, required = false)]
    pub what: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Prose>)]
    pub how: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Prose>)]
    pub who: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Prose>)]
    pub when: Option<Option<String>>,
    /// Replaced whole; `null` removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DurationBody>)]
    pub duration: Option<Option<DurationBody>>,
    /// `null`: not stated.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DeliveryMode>)]
    pub delivery_mode: Option<Option<String>>,
    /// `null`: not stated.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Availability>)]
    pub availability: Option<Option<String>>,
    #[schema(value_type = Partners, required = false)]
    pub delivery_partners: Option<Vec<String>>,
    #[schema(value_type = Stems, required = false)]
    pub stems: Option<Vec<String>>,
    #[schema(value_type = Priorities, required = false)]
    pub priorities: Option<Vec<PriorityInput>>,
    #[schema(value_type = ProgrammeStatus, required = false)]
    pub status: Option<String>,
}

impl ProgrammePatch {
    pub fn apply(self, mut i: ProgrammeInput) -> ProgrammeInput {
        fn set<T>(slot: &mut T, v: Option<T>) {
            if let Some(v) = v {
                *slot = v;
            }
        }
        set(&mut i.slug, self.slug.map(Some));
        set(&mut i.title, self.title.map(Some));
        set(&mut i.theme, self.theme.map(Some));
        set(&mut i.level, self.level.map(Some));
        set(&mut i.what, self.what.map(Some));
        set(&mut i.how, self.how);
        set(&mut i.who, self.who);
        set(&mut i.when, self.when);
        set(&mut i.duration, self.duration.map(|d| d.map(Into::into)));
        set(&mut i.delivery_mode, self.delivery_mode);
        set(&mut i.availability, self.availability);
        set(&mut i.partners, self.delivery_partners);
        set(&mut i.stems, self.stems);
        set(
            &mut i.priorities,
            self.priorities
                .map(|p| p.into_iter().map(PriorityInput::raw).collect()),
        );
        set(&mut i.status, self.status.map(Some));
        i
    }
}

impl crate::http::merge_patch::Nullable for ProgrammePatch {
    const NULLABLE: &'static [&'static str] = &["how", "who", "when", "duration"];
}

//! JSON bodies that create and change programmes. Values stay raw here: the domain checks
//! them and answers field by field (422), so a bad enum value is reported like any rule.

use domain::{
    Availability, DeliveryMode, DurationInput, DurationUnit, ProgrammeInput, ProgrammeStatus,
    SystemLevel, Theme, VenusStem,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::organisation_dto::nullable;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"min": 6, "max": 12, "unit": "months", "cadence": "1 day a month"}))]
pub struct DurationBody {
    pub min: Option<i64>,
    /// Equal to `min` when absent.
    pub max: Option<i64>,
    #[schema(value_type = Option<DurationUnit>)]
    pub unit: Option<String>,
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
    fn raw(self) -> String {
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
    pub slug: Option<String>,
    pub title: Option<String>,
    #[schema(value_type = Theme)]
    pub theme: Option<String>,
    #[schema(value_type = SystemLevel)]
    pub level: Option<String>,
    pub what: Option<String>,
    pub how: Option<String>,
    pub who: Option<String>,
    pub when: Option<String>,
    pub duration: Option<DurationBody>,
    #[schema(value_type = DeliveryMode)]
    pub delivery_mode: Option<String>,
    #[schema(value_type = Availability)]
    pub availability: Option<String>,
    #[serde(default)]
    pub delivery_partners: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Vec<VenusStem>)]
    pub stems: Vec<String>,
    #[serde(default)]
    pub priorities: Vec<PriorityInput>,
    #[schema(value_type = Option<ProgrammeStatus>)]
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
    pub slug: Option<String>,
    pub title: Option<String>,
    #[schema(value_type = Option<Theme>)]
    pub theme: Option<String>,
    #[schema(value_type = Option<SystemLevel>)]
    pub level: Option<String>,
    pub what: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub how: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub who: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub when: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DurationBody>)]
    pub duration: Option<Option<DurationBody>>,
    #[schema(value_type = Option<DeliveryMode>)]
    pub delivery_mode: Option<String>,
    #[schema(value_type = Option<Availability>)]
    pub availability: Option<String>,
    pub delivery_partners: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<VenusStem>>)]
    pub stems: Option<Vec<String>>,
    pub priorities: Option<Vec<PriorityInput>>,
    #[schema(value_type = Option<ProgrammeStatus>)]
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
        set(&mut i.delivery_mode, self.delivery_mode.map(Some));
        set(&mut i.availability, self.availability.map(Some));
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

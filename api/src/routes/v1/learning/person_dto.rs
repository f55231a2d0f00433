//! What a person looks like on the wire: the resource, its create and merge-patch bodies,
//! the list filters.

use chrono::{DateTime, Utc};
use persistence::learning::people::PersonRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::merge_patch::nullable;
use crate::openapi::rules::{Email, ExternalRef, JobRole, PersonName};

/// A person. After erasure (GDPR) every personal field is null and `erased` is true; the
/// record stays so that enrolment and attendance counts survive.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-0000-7000-8000-000000000001",
    "given_name": "Aisha", "family_name": "Khan", "email": "aisha.khan@nhs.net", "job_role": "Staff nurse",
    "external_ref": "LTH-004211", "expert_by_experience": false, "erased": false, "version": 1,
    "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct PersonDto {
    pub id: Uuid,
    /// Null for citizens and experts by experience who belong to no organisation.
    pub organisation_id: Option<Uuid>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// Lower-cased; unique.
    pub email: Option<String>,
    pub job_role: Option<String>,
    /// The employer's staff number; unique within the organisation.
    pub external_ref: Option<String>,
    pub expert_by_experience: bool,
    /// True once the person's personal data has been erased.
    pub erased: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PersonRecord> for PersonDto {
    fn from(r: PersonRecord) -> Self {
        let p = r.person.as_ref();
        Self {
            id: r.id,
            organisation_id: r.organisation_id,
            given_name: p.map(|p| p.given_name().to_owned()),
            family_name: p.map(|p| p.family_name().to_owned()),
            email: p.map(|p| p.email().as_str().to_owned()),
            job_role: p.and_then(|p| p.job_role().map(str::to_owned)),
            external_ref: p.and_then(|p| p.external_ref().map(|r| r.as_str().to_owned())),
            expert_by_experience: r.expert_by_experience,
            erased: r.erased_at.is_some(),
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"given_name": "Aisha", "family_name": "Khan", "email": "aisha.khan@nhs.net",
    "organisation_id": "0193a1b4-0000-7000-8000-000000000001", "job_role": "Staff nurse", "external_ref": "LTH-004211"}))]
pub struct PersonCreate {
    #[schema(value_type = PersonName)]
    pub given_name: Option<String>,
    #[schema(value_type = PersonName)]
    pub family_name: Option<String>,
    /// Unique among people (erased people free theirs).
    #[schema(value_type = Email)]
    pub email: Option<String>,
    /// The employer; a partner organisation's client may only use its own (the default).
    pub organisation_id: Option<Uuid>,
    #[schema(value_type = Option<JobRole>)]
    pub job_role: Option<String>,
    /// Needs an organisation.
    #[schema(value_type = Option<ExternalRef>)]
    pub external_ref: Option<String>,
    #[serde(default)]
    #[schema(default = false)]
    pub expert_by_experience: bool,
}

/// Changes to a person (JSON merge patch).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"job_role": "Ward manager"}))]
pub struct PersonPatch {
    #[schema(value_type = PersonName, required = false)]
    pub given_name: Option<String>,
    #[schema(value_type = PersonName, required = false)]
    pub family_name: Option<String>,
    #[schema(value_type = Email, required = false)]
    pub email: Option<String>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<JobRole>)]
    pub job_role: Option<Option<String>>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<ExternalRef>)]
    pub external_ref: Option<Option<String>>,
    #[schema(value_type = bool, required = false)]
    pub expert_by_experience: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    #[param(value_type = Option<Uuid>)]
    pub organisation_id: Option<String>,
    /// The employer's staff number.
    pub external_ref: Option<String>,
    pub email: Option<String>,
    /// Only people changed (or erased) at or after this instant (RFC 3339), for delta sync.
    #[param(value_type = Option<crate::openapi::rules::Instant>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct PeopleList {
    /// In change order (`updated_at`, then id); erased people appear as tombstones.
    pub data: Vec<PersonDto>,
    pub next_cursor: Option<String>,
}

impl crate::http::merge_patch::Nullable for PersonPatch {
    const NULLABLE: &'static [&'static str] = &["job_role", "external_ref"];
}

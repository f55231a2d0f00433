//! JSON shapes of organisations.

use chrono::{DateTime, Utc};
use domain::{OrganisationInput, OrganisationKind, OrganisationStatus};
use persistence::access::organisations::OrganisationRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::openapi::rules::{Name, OdsCode};
use uuid::Uuid;

/// A partner organisation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "name": "Leeds Teaching Hospitals NHS Trust",
    "kind": "nhs_trust", "ods_code": "RR8", "status": "active", "version": 1,
    "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct OrganisationDto {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
    /// NHS Organisation Data Service code, upper case; null when it has none.
    pub ods_code: Option<String>,
    pub status: OrganisationStatus,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<OrganisationRecord> for OrganisationDto {
    fn from(r: OrganisationRecord) -> Self {
        let o = &r.organisation;
        Self {
            id: r.id,
            name: o.name().to_owned(),
            kind: o.kind(),
            ods_code: o.ods_code().map(|c| c.as_str().to_owned()),
            status: o.status(),
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// A new organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Harrogate and District NHS Foundation Trust", "kind": "nhs_trust", "ods_code": "RCD"}))]
pub struct OrganisationCreate {
    /// Unique, ignoring case.
    #[schema(value_type = Name)]
    pub name: Option<String>,
    #[schema(value_type = OrganisationKind)]
    pub kind: Option<String>,
    /// Unique.
    #[schema(value_type = Option<OdsCode>)]
    pub ods_code: Option<String>,
    #[schema(value_type = Option<OrganisationStatus>, default = "active")]
    pub status: Option<String>,
}

impl From<OrganisationCreate> for OrganisationInput {
    fn from(c: OrganisationCreate) -> Self {
        Self {
            name: c.name,
            kind: c.kind,
            ods_code: c.ods_code,
            status: c.status,
        }
    }
}

/// Changes to an organisation (JSON merge patch): absent fields are kept, `null` clears an
/// optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "inactive"}))]
pub struct OrganisationPatch {
    #[schema(value_type = Name, required = false)]
    pub name: Option<String>,
    #[schema(value_type = OrganisationKind, required = false)]
    pub kind: Option<String>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "crate::http::merge_patch::nullable")]
    #[schema(value_type = Option<OdsCode>)]
    pub ods_code: Option<Option<String>>,
    #[schema(value_type = OrganisationStatus, required = false)]
    pub status: Option<String>,
}

impl OrganisationPatch {
    pub fn apply(self, mut input: OrganisationInput) -> OrganisationInput {
        if let Some(n) = self.name {
            input.name = Some(n);
        }
        if let Some(k) = self.kind {
            input.kind = Some(k);
        }
        if let Some(c) = self.ods_code {
            input.ods_code = c;
        }
        if let Some(s) = self.status {
            input.status = Some(s);
        }
        input
    }
}

impl crate::http::merge_patch::Nullable for OrganisationPatch {
    const NULLABLE: &'static [&'static str] = &["ods_code"];
}

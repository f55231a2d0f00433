//! JSON shapes of commissioning requests and their messages.

use chrono::{DateTime, NaiveDate, Utc};
use domain::commissioning::RequestStatus;
use domain::{DeliveryMode, SystemLevel};
use persistence::commissioning::messages::MessageRecord;
use persistence::commissioning::request_rows::RequestRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::openapi::rules::{CohortPriorities, Day};
use crate::routes::v1::catalogue::programme_dto::PriorityRef;
use crate::routes::v1::catalogue::programme_input::PriorityInput;

/// A partner's request for a programme, or a co-creation brief.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
    "organisation_id": "0193a1b4-0000-7000-8000-0000000000bb", "programme_id": null,
    "title": "Compassionate handovers on older people's wards", "needs": "A half-day for ward teams on handovers with families.",
    "priorities": [{"code": 6, "slug": "learning-together", "title": "Learning together"}],
    "system_level": "micro", "expected_learners": 40, "staff_groups": ["Nursing", "Allied health professionals"],
    "window_from": "2027-04-01", "window_to": "2027-09-30", "delivery_mode": "face_to_face", "location": "St James's University Hospital",
    "workplace_context": "Three wards with high agency use.", "contact_person_id": null, "status": "submitted",
    "status_reason": null, "decided_at": null, "cohort_ids": [], "version": 1,
    "created_at": "2026-12-03T09:00:00Z", "updated_at": "2026-12-03T09:00:00Z"}))]
pub struct CommissioningRequestDto {
    pub id: Uuid,
    /// The requesting organisation.
    pub organisation_id: Uuid,
    /// The programme asked for; `null` for a co-creation brief.
    pub programme_id: Option<Uuid>,
    /// A co-creation brief's title.
    pub title: Option<String>,
    /// A co-creation brief's account of what is needed.
    pub needs: Option<String>,
    /// The Leeds priorities it would serve.
    pub priorities: Vec<PriorityRef>,
    #[schema(value_type = Option<SystemLevel>)]
    pub system_level: Option<String>,
    pub expected_learners: Option<i32>,
    pub staff_groups: Vec<String>,
    /// The preferred window's first day.
    pub window_from: Option<NaiveDate>,
    /// The preferred window's last day.
    pub window_to: Option<NaiveDate>,
    #[schema(value_type = Option<DeliveryMode>)]
    pub delivery_mode: Option<String>,
    pub location: Option<String>,
    pub workplace_context: Option<String>,
    /// A person of the requesting organisation; `null` once they are erased.
    pub contact_person_id: Option<Uuid>,
    pub status: RequestStatus,
    /// The reason given when it entered its current state (`null` when none was); once
    /// delivered, the agreement's.
    pub status_reason: Option<String>,
    /// When it was agreed or declined.
    pub decided_at: Option<DateTime<Utc>>,
    /// The cohorts run for it, oldest link first.
    pub cohort_ids: Vec<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<RequestRecord> for CommissioningRequestDto {
    fn from(r: RequestRecord) -> Self {
        Self {
            id: r.id,
            organisation_id: r.organisation_id,
            programme_id: r.programme_id,
            title: r.title,
            needs: r.needs,
            priorities: r.priorities.into_iter().map(PriorityRef::from).collect(),
            system_level: r.system_level,
            expected_learners: r.expected_learners,
            staff_groups: r.staff_groups,
            window_from: r.window.map(|w| w.0),
            window_to: r.window.map(|w| w.1),
            delivery_mode: r.delivery_mode,
            location: r.location,
            workplace_context: r.workplace_context,
            contact_person_id: r.contact_person_id,
            status: r.status,
            status_reason: r.status_reason,
            decided_at: r.decided_at.map(|t| t.and_utc()),
            cohort_ids: r.cohort_ids,
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// A new request: a `programme`, or a co-creation brief (`title` and `needs`), not both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Compassionate handovers on older people's wards",
    "needs": "A half-day for ward teams on handovers with families.", "priorities": ["learning-together"],
    "system_level": "micro", "expected_learners": 40, "staff_groups": ["Nursing"],
    "window_from": "2027-04-01", "window_to": "2027-09-30", "delivery_mode": "face_to_face"}))]
pub struct CommissioningRequestCreate {
    /// The organisation asking: a partner's client asks for its own (leave it out); an
    /// academy client names one.
    pub organisation_id: Option<Uuid>,
    /// A published programme, by id or slug.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200, example = "vital-signs")]
    pub programme: Option<String>,
    #[schema(value_type = Option<crate::openapi::rules::Name>)]
    pub title: Option<String>,
    /// What is needed (at most 4,000 characters).
    #[schema(value_type = Option<crate::openapi::rules::BriefText>)]
    pub needs: Option<String>,
    #[schema(value_type = Option<CohortPriorities>)]
    pub priorities: Option<Vec<PriorityInput>>,
    #[schema(value_type = Option<SystemLevel>)]
    pub system_level: Option<String>,
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub expected_learners: Option<i64>,
    /// At most 20 staff groups.
    #[schema(value_type = Option<Vec<crate::openapi::rules::StaffGroup>>, max_items = 20)]
    pub staff_groups: Option<Vec<String>>,
    /// With `window_to`.
    #[schema(value_type = Option<Day>)]
    pub window_from: Option<NaiveDate>,
    /// With `window_from`, not before it.
    #[schema(value_type = Option<Day>)]
    pub window_to: Option<NaiveDate>,
    #[schema(value_type = Option<DeliveryMode>)]
    pub delivery_mode: Option<String>,
    /// Where its cohorts would meet (a cohort's location, which it becomes).
    #[schema(value_type = Option<crate::openapi::rules::Place>)]
    pub location: Option<String>,
    /// The workplace it is for (at most 4,000 characters).
    #[schema(value_type = Option<crate::openapi::rules::BriefText>)]
    pub workplace_context: Option<String>,
    /// A person of the requesting organisation.
    pub contact_person_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommissioningRequestQuery {
    #[param(value_type = Option<RequestStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub organisation_id: Option<String>,
    /// A programme's id or slug.
    pub programme: Option<String>,
    /// A Leeds priority's code or slug.
    #[param(value_type = Option<crate::openapi::rules::PriorityRefInput>)]
    pub priority: Option<String>,
    /// Only requests changed at or after this instant (RFC 3339).
    #[param(value_type = Option<crate::openapi::rules::Instant>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct CommissioningRequestList {
    /// In change order (`updated_at`, then id).
    pub data: Vec<CommissioningRequestDto>,
    pub next_cursor: Option<String>,
}

/// A decision's (or withdrawal's) reason: required to agree or decline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Agreed with the ward managers: two cohorts in the spring."}))]
pub struct Decision {
    /// 2 to 2,000 characters.
    #[schema(value_type = Option<crate::openapi::rules::Reason>)]
    pub reason: Option<String>,
}

/// A message of the dialogue on a request.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "request_id": "0193a1b4-0000-7000-8000-0000000000cc",
    "author_client_id": "0193a1b4-0000-7000-8000-0000000000dd", "author_organisation_id": null,
    "text": "Could the sessions run on the wards? See https://example.org/plan", "created_at": "2026-12-03T09:00:00Z"}))]
pub struct CommissioningMessageDto {
    pub id: Uuid,
    pub request_id: Uuid,
    pub author_client_id: Uuid,
    /// `null` when the academy wrote it.
    pub author_organisation_id: Option<Uuid>,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl From<MessageRecord> for CommissioningMessageDto {
    fn from(m: MessageRecord) -> Self {
        Self {
            id: m.id.0,
            request_id: m.request_id.0,
            author_client_id: m.author_client_id.0,
            author_organisation_id: m.author_organisation_id.map(|o| o.0),
            text: m.text,
            created_at: m.created_at.and_utc(),
        }
    }
}

/// A message to post: text only (links must be http or https).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Could the sessions run on the wards? See https://example.org/plan"}))]
pub struct CommissioningMessageCreate {
    /// 1 to 4,000 characters.
    #[schema(value_type = crate::openapi::rules::BriefText)]
    pub text: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct CommissioningMessageList {
    /// Oldest first.
    pub data: Vec<CommissioningMessageDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

//! The payloads of the events, for the contract's `webhooks` section: each is
//! `{"type", "timestamp", "data"}` (Standard Webhooks), with thin `data` — ids, statuses,
//! timestamps and an `href` to fetch the resource, never names or emails.

use chrono::{DateTime, NaiveDate, Utc};
use domain::webhook::EventType;
use domain::{CohortStatus, EnrolmentStatus, ProgrammeStatus, Vocabulary};
use serde::Serialize;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::{
    ContentBuilder, PathsBuilder, Ref, Required, ResponseBuilder, ResponsesBuilder,
};
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "cohort_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "person_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "person_external_ref": "EMP-00001", "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "status": "enrolled", "updated_at": "2026-12-02T09:00:00Z", "href": "/api/v1/enrolments/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"}))]
pub struct EnrolmentEventData {
    pub id: Uuid,
    pub cohort_id: Uuid,
    pub person_id: Uuid,
    /// The person's employer's staff number, as it is now (null once erased).
    pub person_external_ref: Option<String>,
    pub organisation_id: Option<Uuid>,
    pub status: EnrolmentStatus,
    pub updated_at: DateTime<Utc>,
    #[schema(example = "/api/v1/enrolments/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b")]
    pub href: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "programme_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "commissioning_organisation_id": null, "status": "open", "start_date": "2027-03-01", "end_date": "2027-06-30", "capacity": 20, "updated_at": "2026-12-02T09:00:00Z", "href": "/api/v1/cohorts/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"}))]
pub struct CohortEventData {
    pub id: Uuid,
    pub programme_id: Uuid,
    pub commissioning_organisation_id: Option<Uuid>,
    pub status: CohortStatus,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub capacity: i64,
    pub updated_at: DateTime<Utc>,
    pub href: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "erased_at": "2026-12-02T09:00:00Z", "href": "/api/v1/people/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"}))]
pub struct PersonErasedData {
    pub id: Uuid,
    pub organisation_id: Option<Uuid>,
    pub erased_at: DateTime<Utc>,
    pub href: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "slug": "vital-signs", "status": "published", "updated_at": "2026-12-02T09:00:00Z", "href": "/api/v1/programmes/vital-signs"}))]
pub struct ProgrammeEventData {
    pub id: Uuid,
    pub slug: String,
    pub status: ProgrammeStatus,
    pub updated_at: DateTime<Utc>,
    pub href: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "status": "scheduled", "starts_at": "2027-01-12T14:00:00Z", "updated_at": "2026-12-02T09:00:00Z", "href": "/api/v1/communities/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b/sessions"}))]
pub struct CommunitySessionEventData {
    pub id: Uuid,
    pub community_id: Uuid,
    #[schema(example = "scheduled")]
    pub status: String,
    pub starts_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub href: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "programme_id": null, "status": "submitted", "updated_at": "2026-12-02T09:00:00Z", "href": "/api/v1/commissioning-requests/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"}))]
pub struct CommissioningEventData {
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// `null` for a co-creation brief.
    pub programme_id: Option<Uuid>,
    pub status: domain::commissioning::RequestStatus,
    pub updated_at: DateTime<Utc>,
    pub href: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "author_organisation_id": null, "created_at": "2026-12-02T09:00:00Z", "href": "/api/v1/commissioning-requests/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b/messages"}))]
pub struct CommissioningMessageEventData {
    /// The message's id (its text is not sent: fetch it).
    pub id: Uuid,
    pub request_id: Uuid,
    /// The requesting organisation.
    pub organisation_id: Uuid,
    /// The author's organisation; `null` when the academy wrote it.
    pub author_organisation_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub href: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "year": 2027, "priority": 6, "programme_id": null, "created_at": "2026-12-02T09:00:00Z", "href": "/api/v1/learning-needs/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"}))]
pub struct LearningNeedEventData {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub year: i32,
    /// The Leeds priority's code.
    #[schema(minimum = 1, maximum = 7)]
    pub priority: u8,
    pub programme_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub href: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"webhook_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "href": "/api/v1/webhooks/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"}))]
pub struct PingData {
    pub webhook_id: Uuid,
    pub href: String,
}

macro_rules! event {
    ($name:ident, $data:ty, $doc:literal, $t:literal, $ex:tt) => {
        #[doc = $doc]
        #[derive(Serialize, ToSchema)]
        #[schema(example = json!({"type": $t, "timestamp": "2026-12-02T09:00:00Z", "data": $ex}))]
        pub struct $name {
            #[serde(rename = "type")]
            pub event_type: EventType,
            /// When it happened.
            pub timestamp: DateTime<Utc>,
            pub data: $data,
        }
    };
}

event!(EnrolmentEvent, EnrolmentEventData, "An enrolment's event (`enrolment.*`).", "enrolment.created", {"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "cohort_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "person_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "person_external_ref": "EMP-00001", "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "status": "enrolled", "updated_at": "2026-12-02T09:00:00Z", "href": "/api/v1/enrolments/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"});
event!(CohortEvent, CohortEventData, "A cohort's event (`cohort.*`).", "cohort.opened", {"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "programme_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "commissioning_organisation_id": null, "status": "open", "start_date": "2027-03-01", "end_date": "2027-06-30", "capacity": 20, "updated_at": "2026-12-02T09:00:00Z", "href": "/api/v1/cohorts/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"});
event!(PersonErasedEvent, PersonErasedData, "`person.erased`.", "person.erased", {"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "erased_at": "2026-12-02T09:00:00Z", "href": "/api/v1/people/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"});
event!(ProgrammeEvent, ProgrammeEventData, "`programme.published`, `programme.retired`.", "programme.published", {"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "slug": "vital-signs", "status": "published", "updated_at": "2026-12-02T09:00:00Z", "href": "/api/v1/programmes/vital-signs"});
event!(CommunitySessionEvent, CommunitySessionEventData, "`community.session.*`.", "community.session.scheduled", {"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "community_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "status": "scheduled", "starts_at": "2027-01-12T14:00:00Z", "updated_at": "2026-12-02T09:00:00Z", "href": "/api/v1/communities/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b/sessions"});
event!(CommissioningEvent, CommissioningEventData, "`commissioning.submitted`, `commissioning.status_changed`.", "commissioning.submitted", {"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "programme_id": null, "status": "submitted", "updated_at": "2026-12-02T09:00:00Z", "href": "/api/v1/commissioning-requests/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"});
event!(CommissioningMessageEvent, CommissioningMessageEventData, "`commissioning.message_posted`.", "commissioning.message_posted", {"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "author_organisation_id": null, "created_at": "2026-12-02T09:00:00Z", "href": "/api/v1/commissioning-requests/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b/messages"});
event!(LearningNeedEvent, LearningNeedEventData, "`learning_need.recorded`.", "learning_need.recorded", {"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "year": 2027, "priority": 6, "programme_id": null, "created_at": "2026-12-02T09:00:00Z", "href": "/api/v1/learning-needs/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"});
event!(PingEvent, PingData, "`webhook.ping`.", "webhook.ping", {"webhook_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "href": "/api/v1/webhooks/0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"});

/// The payload component of each event type.
fn schema_of(t: EventType) -> &'static str {
    use EventType::*;
    match t {
        EnrolmentCreated
        | EnrolmentPromoted
        | EnrolmentWithdrawn
        | EnrolmentCompleted
        | EnrolmentNotCompleted
        | EnrolmentCancelled => "EnrolmentEvent",
        CohortOpened | CohortStarted | CohortCompleted | CohortCancelled | CohortUpdated => {
            "CohortEvent"
        }
        PersonErased => "PersonErasedEvent",
        CommunitySessionScheduled | CommunitySessionCancelled => "CommunitySessionEvent",
        ProgrammePublished | ProgrammeRetired => "ProgrammeEvent",
        CommissioningSubmitted | CommissioningStatusChanged => "CommissioningEvent",
        CommissioningMessagePosted => "CommissioningMessageEvent",
        LearningNeedRecorded => "LearningNeedEvent",
        WebhookPing => "PingEvent",
    }
}

fn header(name: &str, description: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(
            utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::Type::String),
        ))
        .build()
}

/// Adds the payload components and one `webhooks` entry per event type.
pub fn document(doc: &mut utoipa::openapi::OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in [
        ("EnrolmentEventData", EnrolmentEventData::schema()),
        ("CohortEventData", CohortEventData::schema()),
        ("PersonErasedData", PersonErasedData::schema()),
        ("ProgrammeEventData", ProgrammeEventData::schema()),
        (
            "CommunitySessionEventData",
            CommunitySessionEventData::schema(),
        ),
        ("PingData", PingData::schema()),
        ("CommissioningEventData", CommissioningEventData::schema()),
        (
            "CommissioningMessageEventData",
            CommissioningMessageEventData::schema(),
        ),
        ("LearningNeedEventData", LearningNeedEventData::schema()),
        ("CommissioningEvent", CommissioningEvent::schema()),
        (
            "CommissioningMessageEvent",
            CommissioningMessageEvent::schema(),
        ),
        ("LearningNeedEvent", LearningNeedEvent::schema()),
        ("EnrolmentEvent", EnrolmentEvent::schema()),
        ("CohortEvent", CohortEvent::schema()),
        ("PersonErasedEvent", PersonErasedEvent::schema()),
        ("ProgrammeEvent", ProgrammeEvent::schema()),
        ("CommunitySessionEvent", CommunitySessionEvent::schema()),
        ("PingEvent", PingEvent::schema()),
    ] {
        components.schemas.insert(name.to_owned(), schema);
    }
    let mut paths = PathsBuilder::new();
    for t in EventType::all() {
        let operation = OperationBuilder::new()
            .operation_id(Some(format!("webhook_{}", t.value().replace('.', "_"))))
            .summary(Some(t.label()))
            .description(Some(format!(
                "Sent as `POST` to each endpoint that hears `{}`. Verify `webhook-signature` over `webhook-id.webhook-timestamp.body` with the endpoint's secret (Standard Webhooks); `webhook-id` stays the same across retries: use it to ignore a repeat. Answer 2xx within 15 s; 410 disables the endpoint; 429 and 503 may carry `Retry-After` (seconds).",
                t.value()
            )))
            .tag("webhooks")
            .parameter(header("webhook-id", "The event's id: the idempotency key, the same on every attempt."))
            .parameter(header("webhook-timestamp", "Unix seconds of this attempt; refuse one far from your clock."))
            .parameter(header("webhook-signature", "`v1,<base64 HMAC-SHA256>`, space separated: two during a secret's rotation."))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name(schema_of(*t)))).build())
                    .build(),
            ))
            .responses(
                ResponsesBuilder::new()
                    .response("2XX", ResponseBuilder::new().description("Received."))
                    .response("410", ResponseBuilder::new().description("Gone: send no more; the endpoint is disabled."))
                    .build(),
            )
            .build();
        paths = paths.path(t.value(), PathItem::new(HttpMethod::Post, operation));
    }
    doc.webhooks = Some(paths.build());
}

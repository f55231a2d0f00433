//! JSON shapes of webhook endpoints and their deliveries.

use chrono::{DateTime, NaiveDateTime, Utc};
use domain::webhook::{DeliveryStatus, EndpointInput, EndpointStatus, EventType};
use persistence::webhooks::endpoints::EndpointRecord;
use persistence::webhooks::log::{AttemptRecord, DeliveryRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::openapi::rules::{WebhookDescription, WebhookUrl};

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// An endpoint events are sent to, signed per Standard Webhooks. Its secret is shown only
/// when it is created and when it is rotated.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "url": "https://hr.example.org/hooks/wtxa",
    "event_types": ["enrolment.created", "enrolment.promoted"], "description": "HR system", "status": "active",
    "disabled_reason": null, "disabled_at": null, "failing_since": null, "previous_secret_expires_at": null,
    "organisation_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8c", "version": 1,
    "created_at": "2026-12-02T09:00:00Z", "updated_at": "2026-12-02T09:00:00Z"}))]
pub struct WebhookDto {
    pub id: Uuid,
    pub url: String,
    /// The types it receives; empty: every type its owner may see.
    pub event_types: Vec<EventType>,
    pub description: Option<String>,
    pub status: EndpointStatus,
    /// Why the academy disabled it (410 Gone, or failing for too long).
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// Since when every attempt has failed; null after a success.
    pub failing_since: Option<DateTime<Utc>>,
    /// After a rotation, until when deliveries are also signed with the previous secret.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// Whose events it hears; null for the academy's endpoints (every event).
    pub organisation_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<EndpointRecord> for WebhookDto {
    fn from(r: EndpointRecord) -> Self {
        Self {
            id: r.id,
            url: r.spec.url.as_str().to_owned(),
            event_types: r.spec.event_types,
            description: r.spec.description,
            status: r.spec.status,
            disabled_reason: r.disabled_reason,
            disabled_at: r.disabled_at.map(utc),
            failing_since: r.failing_since.map(utc),
            previous_secret_expires_at: r.previous_secret_until.map(utc),
            organisation_id: r.organisation_id,
            version: r.version,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        }
    }
}

/// An endpoint with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "url": "https://hr.example.org/hooks/wtxa", "event_types": [], "description": null, "status": "active", "disabled_reason": null, "disabled_at": null, "failing_since": null, "previous_secret_expires_at": null, "organisation_id": null, "version": 1, "created_at": "2026-12-02T09:00:00Z", "updated_at": "2026-12-02T09:00:00Z", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}))]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookDto,
    /// `whsec_` and the base64 of 32 random bytes: the key of the HMAC-SHA256 signatures.
    /// Keep it: it is never shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

/// A new endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://hr.example.org/hooks/wtxa", "event_types": ["enrolment.created", "enrolment.promoted"], "description": "HR system"}))]
pub struct WebhookCreate {
    /// `https`, to a public address (`http` and private addresses only when the server runs
    /// with `WEBHOOKS_ALLOW_INSECURE=1`).
    #[schema(value_type = WebhookUrl)]
    pub url: Option<String>,
    /// Leave out or empty for every type the client's organisation may see.
    #[schema(value_type = Option<Vec<EventType>>)]
    pub event_types: Option<Vec<String>>,
    #[schema(value_type = Option<WebhookDescription>)]
    pub description: Option<String>,
    /// `active` (the default) or `paused`.
    #[schema(value_type = Option<EndpointStatus>, default = "active")]
    pub status: Option<String>,
}

impl From<WebhookCreate> for EndpointInput {
    fn from(c: WebhookCreate) -> Self {
        Self {
            url: c.url,
            event_types: c.event_types,
            description: c.description,
            status: c.status,
        }
    }
}

/// Changes to an endpoint (JSON merge patch). `status: paused` stops deliveries (they wait);
/// `active` resumes them, and re-enables a disabled endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "paused"}))]
pub struct WebhookPatch {
    #[schema(value_type = WebhookUrl, required = false)]
    pub url: Option<String>,
    #[schema(value_type = Vec<EventType>, required = false)]
    pub event_types: Option<Vec<String>>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "crate::http::merge_patch::nullable")]
    #[schema(value_type = Option<WebhookDescription>)]
    pub description: Option<Option<String>>,
    #[schema(value_type = EndpointStatus, required = false)]
    pub status: Option<String>,
}

impl WebhookPatch {
    pub fn apply(self, mut input: EndpointInput) -> EndpointInput {
        if let Some(u) = self.url {
            input.url = Some(u);
        }
        if let Some(t) = self.event_types {
            input.event_types = Some(t);
        }
        if let Some(d) = self.description {
            input.description = d;
        }
        if let Some(s) = self.status {
            input.status = Some(s);
        }
        input
    }
}

impl crate::http::merge_patch::Nullable for WebhookPatch {
    const NULLABLE: &'static [&'static str] = &["description"];
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct WebhookList {
    pub data: Vec<WebhookDto>,
    pub next_cursor: Option<String>,
}

/// The new secret after a rotation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "previous_secret_expires_at": "2026-12-03T09:00:00Z"}))]
pub struct RotatedSecret {
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
    /// Until then deliveries carry two signatures, by the new and the previous secret.
    pub previous_secret_expires_at: DateTime<Utc>,
}

/// One attempt of a delivery.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"attempted_at": "2026-12-02T09:00:01Z", "status_code": 503, "latency_ms": 84, "error": "the receiver answered 503", "response_excerpt": "busy"}))]
pub struct AttemptDto {
    pub attempted_at: DateTime<Utc>,
    /// The receiver's status; null when it did not answer.
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<String>,
    /// At most 1 KiB of the receiver's answer.
    pub response_excerpt: Option<String>,
}

impl From<AttemptRecord> for AttemptDto {
    fn from(a: AttemptRecord) -> Self {
        Self {
            attempted_at: utc(a.attempted_at),
            status_code: a.status_code,
            latency_ms: a.latency_ms,
            error: a.error,
            response_excerpt: a.response_excerpt,
        }
    }
}

/// One event's delivery to the endpoint: its state and every attempt.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "webhook_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "event_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "event_type": "enrolment.promoted", "status": "pending", "next_attempt_at": "2026-12-02T09:00:06Z", "delivered_at": null, "created_at": "2026-12-02T09:00:00Z", "updated_at": "2026-12-02T09:00:01Z", "attempts": [{"attempted_at": "2026-12-02T09:00:01Z", "status_code": 503, "latency_ms": 84, "error": "the receiver answered 503", "response_excerpt": "busy"}]}))]
pub struct DeliveryDto {
    pub id: Uuid,
    pub webhook_id: Uuid,
    /// The `webhook-id` header: the same on every attempt.
    pub event_id: Uuid,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    /// When it is tried next, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Oldest first.
    pub attempts: Vec<AttemptDto>,
}

impl From<DeliveryRecord> for DeliveryDto {
    fn from(d: DeliveryRecord) -> Self {
        Self {
            id: d.id,
            webhook_id: d.endpoint_id,
            event_id: d.event_id,
            event_type: domain::Vocabulary::parse(&d.event_type).unwrap_or(EventType::WebhookPing),
            status: d.status,
            next_attempt_at: d.next_attempt_at.map(utc),
            delivered_at: d.delivered_at.map(utc),
            created_at: utc(d.created_at),
            updated_at: utc(d.updated_at),
            attempts: d.attempts.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct DeliveryList {
    pub data: Vec<DeliveryDto>,
    pub next_cursor: Option<String>,
}

/// A time range of events to send again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from": "2026-12-01T00:00:00Z", "to": "2026-12-02T00:00:00Z"}))]
pub struct ReplayRequest {
    /// Events that occurred at or after this instant…
    pub from: DateTime<Utc>,
    /// …and before this one.
    pub to: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"queued": 42, "next_from": null}))]
pub struct ReplayQueued {
    /// Deliveries queued: one per event of the range the endpoint hears.
    pub queued: i64,
    /// When the range holds more than one call replays (10,000 events), the instant to
    /// replay from next (with the same `to`); `null` when the range is done. An event at
    /// that very instant may be sent twice: its `webhook-id` tells.
    pub next_from: Option<DateTime<Utc>>,
}

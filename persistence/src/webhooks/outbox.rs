//! The transactional outbox: an event row is inserted by the transaction (or the single
//! statement) that makes the change it reports, so a rolled-back change emits nothing and a
//! committed one always does. Payloads are thin: ids, statuses, timestamps and a link; the
//! person's `external_ref` is read when the event is sent (so an erased person's never is).

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use domain::Vocabulary;
use domain::webhook::{Audience, EventType};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::clock::now;
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::learning::cohorts::CohortRecord;
use crate::schema::webhook_events;
use crate::sql_types::DbUuid;

/// An event about to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub event_type: EventType,
    pub audience: Audience<Uuid>,
    /// The person it concerns, whose current `external_ref` goes into the payload.
    pub person_id: Option<Uuid>,
    /// The payload's `data` (ids, statuses, timestamps, `href`).
    pub data: Value,
}

/// An instant as the API writes it (RFC 3339, UTC).
pub fn instant(at: NaiveDateTime) -> Value {
    json!(Utc.from_utc_datetime(&at))
}

fn of_organisation(organisation: Option<Uuid>) -> Audience<Uuid> {
    organisation.map_or(Audience::Academy, Audience::Organisation)
}

impl Event {
    /// About one enrolment: heard by its person's organisation (and the academy).
    pub fn enrolment_parts(
        event_type: EventType,
        id: Uuid,
        cohort_id: Uuid,
        person_id: Uuid,
        organisation_id: Option<Uuid>,
        status: &str,
        at: NaiveDateTime,
    ) -> Self {
        Self {
            event_type,
            audience: of_organisation(organisation_id),
            person_id: Some(person_id),
            data: json!({
                "id": id,
                "cohort_id": cohort_id,
                "person_id": person_id,
                "organisation_id": organisation_id,
                "status": status,
                "updated_at": instant(at),
                "href": format!("/api/v1/enrolments/{id}"),
            }),
        }
    }

    /// About a cohort: public, unless an organisation commissioned it (then it and the
    /// academy hear it).
    pub fn cohort(event_type: EventType, c: &CohortRecord) -> Self {
        Self {
            event_type,
            audience: c
                .commissioning_organisation_id
                .map_or(Audience::Public, Audience::Organisation),
            person_id: None,
            data: json!({
                "id": c.id,
                "programme_id": c.programme_id,
                "commissioning_organisation_id": c.commissioning_organisation_id,
                "status": c.status.value(),
                "start_date": c.spec.start_date(),
                "end_date": c.spec.end_date(),
                "capacity": c.spec.capacity(),
                "updated_at": instant(c.updated_at),
                "href": format!("/api/v1/cohorts/{}", c.id),
            }),
        }
    }

    /// A person was erased: only the id remains.
    pub fn person_erased(id: Uuid, organisation_id: Option<Uuid>, at: NaiveDateTime) -> Self {
        Self {
            event_type: EventType::PersonErased,
            audience: of_organisation(organisation_id),
            person_id: None,
            data: json!({
                "id": id,
                "organisation_id": organisation_id,
                "erased_at": instant(at),
                "href": format!("/api/v1/people/{id}"),
            }),
        }
    }

    /// A programme of the public catalogue.
    pub fn programme(
        event_type: EventType,
        id: Uuid,
        slug: &str,
        status: &str,
        at: NaiveDateTime,
    ) -> Self {
        Self {
            event_type,
            audience: Audience::Public,
            person_id: None,
            data: json!({
                "id": id,
                "slug": slug,
                "status": status,
                "updated_at": instant(at),
                "href": format!("/api/v1/programmes/{slug}"),
            }),
        }
    }

    /// A community session (communities are public).
    pub fn community_session(
        event_type: EventType,
        id: Uuid,
        community_id: Uuid,
        starts_at: NaiveDateTime,
        at: NaiveDateTime,
    ) -> Self {
        let status = if event_type == EventType::CommunitySessionCancelled {
            "cancelled"
        } else {
            "scheduled"
        };
        Self {
            event_type,
            audience: Audience::Public,
            person_id: None,
            data: json!({
                "id": id,
                "community_id": community_id,
                "status": status,
                "starts_at": instant(starts_at),
                "updated_at": instant(at),
                "href": format!("/api/v1/communities/{community_id}/sessions"),
            }),
        }
    }
}

/// How an audience is stored: its kind and organisation.
pub fn audience_columns(audience: Audience<Uuid>) -> (&'static str, Option<DbUuid>) {
    match audience {
        Audience::Public => ("public", None),
        Audience::Organisation(o) => ("organisation", Some(DbUuid(o))),
        Audience::Academy => ("academy", None),
    }
}

/// The audience a stored event row names.
pub fn audience_of(kind: &str, organisation: Option<DbUuid>) -> Audience<Uuid> {
    match (kind, organisation) {
        ("public", _) => Audience::Public,
        ("organisation", Some(o)) => Audience::Organisation(o.0),
        _ => Audience::Academy,
    }
}

/// Writes `events` in the caller's transaction ([`crate::insert_rows`]). On
/// PostgreSQL the insert's trigger notifies every process's delivery worker at commit.
pub fn emit(conn: &mut DbConnection, events: &[Event]) -> StoreResult<()> {
    let at = now();
    let rows: Vec<_> = events
        .iter()
        .map(|e| {
            let (audience, organisation) = audience_columns(e.audience);
            (
                webhook_events::id.eq(DbUuid(Uuid::now_v7())),
                webhook_events::event_type.eq(e.event_type.value()),
                webhook_events::occurred_at.eq(at),
                webhook_events::audience.eq(audience),
                webhook_events::organisation_id.eq(organisation),
                webhook_events::person_id.eq(e.person_id.map(DbUuid)),
                webhook_events::data.eq(e.data.to_string()),
            )
        })
        .collect();
    crate::insert_rows!(conn, webhook_events::table, rows);
    Ok(())
}

/// Writes one event.
pub fn emit_one(conn: &mut DbConnection, event: Event) -> StoreResult<()> {
    emit(conn, std::slice::from_ref(&event))
}

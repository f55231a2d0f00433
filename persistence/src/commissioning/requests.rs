//! Commissioning requests: submitted by a partner for its own organisation, moved through
//! review by the academy, withdrawn by the partner before a decision, delivered once the
//! cohorts run for it have completed. Every change is audited and announced.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::commissioning::{Actor, Ask, Brief, RequestStatus};
use domain::webhook::{Audience, EventType};
use domain::{DeliveryMode, Priority, SystemLevel, Vocabulary};
use serde_json::json;
use uuid::Uuid;

use super::request_rows::{RequestRecord, RequestRow, get, lock, records};
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError, Page, timestamp_key};
use crate::schema::{
    cohorts, commissioning_request_cohorts as links, commissioning_request_priorities as rp,
    commissioning_requests as r,
};
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;
use crate::webhooks::{self, Event, outbox::instant};

/// What a new request is made of, checked by the domain.
#[derive(Debug, Clone)]
pub struct RequestWrite {
    pub organisation_id: Uuid,
    pub brief: Brief,
    pub priorities: BTreeSet<Priority>,
    pub system_level: Option<SystemLevel>,
    pub delivery_mode: Option<DeliveryMode>,
    pub location: Option<String>,
    pub contact_person_id: Option<Uuid>,
    /// The client that submitted it.
    pub submitted_by: Uuid,
}

/// A request's event: heard by its organisation's endpoints and the academy's. Thin: ids,
/// status and a link, never the brief's text or the contact.
pub(crate) fn event(event_type: EventType, c: &RequestRecord) -> Event {
    Event {
        event_type,
        audience: Audience::Organisation(c.organisation_id),
        person_id: None,
        data: json!({
            "id": c.id,
            "organisation_id": c.organisation_id,
            "programme_id": c.programme_id,
            "status": c.status.value(),
            "updated_at": instant(c.updated_at),
            "href": format!("/api/v1/commissioning-requests/{}", c.id),
        }),
    }
}

fn contact_of(
    conn: &mut DbConnection,
    organisation_id: Uuid,
    person: Option<Uuid>,
) -> StoreResult<Option<DbUuid>> {
    let Some(id) = person else {
        return Ok(None);
    };
    match crate::learning::people::get(conn, id, Visibility::Organisation(organisation_id)) {
        Ok(p) if p.erased_at.is_none() => Ok(Some(DbUuid(id))),
        Ok(_) | Err(StoreError::NotFound) => Err(StoreError::Invalid(
            "contact_person_id".into(),
            "no person of the requesting organisation has this id".into(),
        )),
        Err(e) => Err(e),
    }
}

pub fn create(
    conn: &mut DbConnection,
    w: &RequestWrite,
    audit: &AuditEntry,
) -> StoreResult<RequestRecord> {
    conn.transaction(|conn| {
        if !crate::access::organisations::exists(conn, w.organisation_id)? {
            return Err(StoreError::Invalid(
                "organisation_id".into(),
                "no organisation has this id".into(),
            ));
        }
        let (programme_id, title, needs) = match &w.brief.ask {
            Ask::Programme(key) => (
                Some(DbUuid(super::published_programme(conn, key, "programme")?)),
                None,
                None,
            ),
            Ask::CoCreation { title, needs } => (None, Some(title.as_str()), Some(needs.as_str())),
        };
        let contact = contact_of(conn, w.organisation_id, w.contact_person_id)?;
        let id = DbUuid(Uuid::now_v7());
        let at = now();
        let b = &w.brief;
        let staff_groups = serde_json::to_string(&b.staff_groups).unwrap_or_else(|_| "[]".into());
        diesel::insert_into(r::table)
            .values((
                r::id.eq(id),
                r::organisation_id.eq(DbUuid(w.organisation_id)),
                r::programme_id.eq(programme_id),
                r::title.eq(title),
                r::needs.eq(needs),
                r::system_level.eq(w.system_level.map(|l| l.value())),
                r::expected_learners.eq(b
                    .expected_learners
                    .map(|n| i32::try_from(n).unwrap_or(i32::MAX))),
                r::staff_groups.eq(staff_groups),
                r::window_from.eq(b.window.map(|w| w.from)),
                r::window_to.eq(b.window.map(|w| w.to)),
                r::delivery_mode.eq(w.delivery_mode.map(|m| m.value())),
                r::location.eq(w.location.as_deref()),
                r::workplace_context.eq(b.workplace_context.as_deref()),
                r::contact_person_id.eq(contact),
                r::status.eq(RequestStatus::Submitted.value()),
                r::submitted_by.eq(DbUuid(w.submitted_by)),
                r::created_at.eq(at),
                r::updated_at.eq(at),
            ))
            .execute(conn)?;
        for p in &w.priorities {
            diesel::insert_into(rp::table)
                .values((
                    rp::request_id.eq(id),
                    rp::priority_code.eq(i32::from(p.code())),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            &audit.succeeded(
                "commissioning_request.create",
                "commissioning_request",
                Some(id.0.to_string()),
                201,
            ),
        )?;
        let record = get(conn, id.0, Visibility::All)?;
        webhooks::emit_one(conn, event(EventType::CommissioningSubmitted, &record))?;
        Ok(record)
    })
}

/// The statuses of the cohorts linked to a request.
pub(crate) fn linked_statuses(
    conn: &mut DbConnection,
    id: Uuid,
) -> StoreResult<Vec<domain::CohortStatus>> {
    links::table
        .inner_join(cohorts::table)
        .filter(links::request_id.eq(DbUuid(id)))
        .select(cohorts::status)
        .load::<String>(conn)?
        .iter()
        .map(|s| domain::CohortStatus::parse(s).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
}

/// Moves the request to `to` as `actor` asks, with the decision's `reason`; a refusal is
/// the state machine's ([`crate::Refused::Commissioning`]).
pub fn transition(
    conn: &mut DbConnection,
    id: Uuid,
    to: RequestStatus,
    actor: Actor,
    reason: Option<&str>,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<RequestRecord> {
    conn.transaction(|conn| {
        lock(conn, id)?;
        let current = get(conn, id, visibility)?;
        let linked = linked_statuses(conn, id)?;
        let next = current
            .status
            .transition(to, actor, &linked)
            .map_err(StoreError::refused)?;
        write_status(conn, &current, next, reason, audit)
    })
}

/// Writes a new status (the state machine has allowed it), audits and announces it.
pub(crate) fn write_status(
    conn: &mut DbConnection,
    current: &RequestRecord,
    next: RequestStatus,
    reason: Option<&str>,
    audit: &AuditEntry,
) -> StoreResult<RequestRecord> {
    let at = now();
    let decided_at = if next.needs_reason() {
        Some(at)
    } else {
        current.decided_at
    };
    diesel::update(r::table.filter(r::id.eq(DbUuid(current.id))))
        .set((
            r::status.eq(next.value()),
            r::status_reason.eq(next.reason_kept(reason, current.status_reason.as_deref())),
            r::decided_at.eq(decided_at),
            r::updated_at.eq(at),
            r::version.eq(r::version + 1),
        ))
        .execute(conn)?;
    let action = match next {
        RequestStatus::InReview => "review",
        RequestStatus::Agreed => "agree",
        RequestStatus::Declined => "decline",
        RequestStatus::Withdrawn => "withdraw",
        RequestStatus::Delivered => "deliver",
        RequestStatus::Submitted => "submit",
    };
    audit::record(
        conn,
        &audit.succeeded(
            &format!("commissioning_request.{action}"),
            "commissioning_request",
            Some(current.id.to_string()),
            200,
        ),
    )?;
    let record = get(conn, current.id, Visibility::All)?;
    webhooks::emit_one(conn, event(EventType::CommissioningStatusChanged, &record))?;
    Ok(record)
}

/// Erasing a person removes them as the contact of every request that names them; the
/// requests stay, each change audited (in the erasure's transaction).
pub(crate) fn forget_contact(
    conn: &mut DbConnection,
    person_id: Uuid,
    at: NaiveDateTime,
    audit: &AuditEntry,
) -> StoreResult<()> {
    let changed: Vec<DbUuid> =
        diesel::update(r::table.filter(r::contact_person_id.eq(DbUuid(person_id))))
            .set((
                r::contact_person_id.eq(None::<DbUuid>),
                r::updated_at.eq(at),
                r::version.eq(r::version + 1),
            ))
            .returning(r::id)
            .get_results(conn)?;
    for id in changed {
        audit::record(
            conn,
            &audit.succeeded(
                "commissioning_request.contact_erased",
                "commissioning_request",
                Some(id.0.to_string()),
                200,
            ),
        )?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub status: Option<RequestStatus>,
    pub organisation_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    pub priority: Option<Priority>,
    pub updated_since: Option<NaiveDateTime>,
    /// Rows changed at or after this instant are left for the next call.
    pub settled_before: Option<NaiveDateTime>,
}

pub const SORT: &str = "updated_at";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    page::decode_timestamp_cursor(raw, SORT)
}

/// Requests in change order (`updated_at`, id), as the caller may see them.
pub fn list(
    conn: &mut DbConnection,
    f: &RequestFilter,
    visibility: Visibility,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<RequestRecord>> {
    let mut q = r::table.select(r::all_columns).into_boxed::<MultiBackend>();
    if let Visibility::Organisation(own) = visibility {
        q = q.filter(r::organisation_id.eq(DbUuid(own)));
    }
    if let Some(s) = f.status {
        q = q.filter(r::status.eq(s.value()));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(r::organisation_id.eq(DbUuid(o)));
    }
    if let Some(p) = f.programme_id {
        q = q.filter(r::programme_id.eq(DbUuid(p)));
    }
    if let Some(p) = f.priority {
        q = q.filter(
            r::id.eq_any(
                rp::table
                    .filter(rp::priority_code.eq(i32::from(p.code())))
                    .select(rp::request_id),
            ),
        );
    }
    if let Some(s) = f.updated_since {
        q = q.filter(r::updated_at.ge(s));
    }
    if let Some(s) = f.settled_before {
        q = q.filter(r::updated_at.lt(s));
    }
    if let Some(c) = after {
        let key = c.timestamp()?;
        q = q.filter(crate::after_cursor!(r::updated_at, r::id, key, c));
    }
    let rows: Vec<RequestRow> = q
        .order((r::updated_at.asc(), r::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    let items = records(conn, rows)?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: SORT.into(),
        key: timestamp_key(last.updated_at),
        id: last.id,
    }))
}

//! What an endpoint's owner sees and does with its deliveries: the log of each delivery and
//! its attempts, a retry now, a replay of a time range, a ping; and the counts `/metrics`
//! shows.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::Vocabulary;
use domain::webhook::{DeliveryStatus, EndpointStatus, EventType};
use serde_json::json;
use uuid::Uuid;

use super::worker::{insert_pending, pending};
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError, Page};
use crate::schema::{
    webhook_attempts as a, webhook_deliveries as d, webhook_endpoints as e, webhook_events as ev,
};
use crate::sql_types::DbUuid;

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AttemptRecord {
    pub delivery_id: DbUuid,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<String>,
    pub response_excerpt: Option<String>,
}

/// One event's delivery to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub status: DeliveryStatus,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Oldest first.
    pub attempts: Vec<AttemptRecord>,
}

type Row = (
    DbUuid,
    DbUuid,
    DbUuid,
    String,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    NaiveDateTime,
    NaiveDateTime,
);

#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub status: Option<DeliveryStatus>,
    pub event_type: Option<EventType>,
}

pub const SORT: &str = "-created_at";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    page::decode_timestamp_cursor(raw, SORT)
}

type Boxed = d::BoxedQuery<
    'static,
    MultiBackend,
    (
        crate::sql_types::PortableUuid,
        crate::sql_types::PortableUuid,
        crate::sql_types::PortableUuid,
        diesel::sql_types::Text,
        diesel::sql_types::Text,
        diesel::sql_types::Nullable<diesel::sql_types::Timestamp>,
        diesel::sql_types::Nullable<diesel::sql_types::Timestamp>,
        diesel::sql_types::Timestamp,
        diesel::sql_types::Timestamp,
    ),
>;

fn query() -> Boxed {
    d::table
        .select((
            d::id,
            d::endpoint_id,
            d::event_id,
            ev::table
                .filter(ev::id.eq(d::event_id))
                .select(ev::event_type)
                .single_value()
                .assume_not_null(),
            d::status,
            d::next_attempt_at,
            d::delivered_at,
            d::created_at,
            d::updated_at,
        ))
        .into_boxed()
}

fn with_attempts(conn: &mut DbConnection, rows: Vec<Row>) -> StoreResult<Vec<DeliveryRecord>> {
    let ids: Vec<DbUuid> = rows.iter().map(|r| r.0).collect();
    let attempts: Vec<AttemptRecord> = a::table
        .filter(a::delivery_id.eq_any(&ids))
        .order((a::attempted_at.asc(), a::id.asc()))
        .select((
            a::delivery_id,
            a::attempted_at,
            a::status_code,
            a::latency_ms,
            a::error,
            a::response_excerpt,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let status =
                DeliveryStatus::parse(&r.4).map_err(|x| StoreError::Corrupt(x.to_string()))?;
            Ok(DeliveryRecord {
                id: r.0.0,
                endpoint_id: r.1.0,
                event_id: r.2.0,
                event_type: r.3,
                status,
                next_attempt_at: r.5,
                delivered_at: r.6,
                created_at: r.7,
                updated_at: r.8,
                attempts: attempts
                    .iter()
                    .filter(|x| x.delivery_id == r.0)
                    .cloned()
                    .collect(),
            })
        })
        .collect()
}

/// The endpoint's deliveries, newest first (the endpoint's visibility is the caller's to check).
pub fn list(
    conn: &mut DbConnection,
    endpoint_id: Uuid,
    filter: &DeliveryFilter,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<DeliveryRecord>> {
    let mut q = query().filter(d::endpoint_id.eq(DbUuid(endpoint_id)));
    if let Some(s) = filter.status {
        q = q.filter(d::status.eq(s.value()));
    }
    if let Some(t) = filter.event_type {
        q = q.filter(
            d::event_id.eq_any(
                ev::table
                    .filter(ev::event_type.eq(t.value()))
                    .select(ev::id),
            ),
        );
    }
    if let Some(c) = after {
        let t = c.timestamp()?;
        q = q.filter(
            d::created_at
                .lt(t)
                .or(d::created_at.eq(t).and(d::id.lt(DbUuid(c.id)))),
        );
    }
    let rows: Vec<Row> = q
        .order((d::created_at.desc(), d::id.desc()))
        .limit(limit + 1)
        .load(conn)?;
    let items = with_attempts(conn, rows)?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: SORT.into(),
        key: page::timestamp_key(last.created_at),
        id: last.id,
    }))
}

pub fn get(conn: &mut DbConnection, endpoint_id: Uuid, id: Uuid) -> StoreResult<DeliveryRecord> {
    let row: Row = query()
        .filter(d::endpoint_id.eq(DbUuid(endpoint_id)))
        .filter(d::id.eq(DbUuid(id)))
        .first(conn)?;
    with_attempts(conn, vec![row])?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Makes the delivery due now, whatever its state (a delivered one is sent again, with the
/// same `webhook-id`); the schedule goes on from its attempts so far.
pub fn retry(
    conn: &mut DbConnection,
    endpoint_id: Uuid,
    id: Uuid,
    audit: &AuditEntry,
) -> StoreResult<DeliveryRecord> {
    conn.transaction(|conn| {
        let at = now();
        let n = diesel::update(
            d::table
                .filter(d::endpoint_id.eq(DbUuid(endpoint_id)))
                .filter(d::id.eq(DbUuid(id))),
        )
        .set((
            d::status.eq(DeliveryStatus::Pending.value()),
            d::next_attempt_at.eq(Some(at)),
            d::lease_until.eq(None::<NaiveDateTime>),
            d::updated_at.eq(at),
        ))
        .execute(conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record(
            conn,
            &audit.succeeded(
                "webhook.delivery.retry",
                "webhook_delivery",
                Some(id.to_string()),
                202,
            ),
        )?;
        get(conn, endpoint_id, id)
    })
}

/// Sends again the events of `[from, to)` the endpoint hears and subscribes to, as new
/// deliveries (each with its event's `webhook-id`), the first `limit` events of the range
/// at most; returns how many were queued and, when the range holds more, the instant to
/// replay from next.
pub fn replay(
    conn: &mut DbConnection,
    endpoint: &super::endpoints::EndpointRecord,
    (from, to): (NaiveDateTime, NaiveDateTime),
    limit: i64,
    audit: &AuditEntry,
) -> StoreResult<(usize, Option<NaiveDateTime>)> {
    conn.transaction(|conn| {
        let mut events: Vec<(DbUuid, String, String, Option<DbUuid>, NaiveDateTime)> = ev::table
            .filter(ev::occurred_at.ge(from))
            .filter(ev::occurred_at.lt(to))
            .filter(ev::fanned_out.eq(true))
            .filter(ev::event_type.ne(EventType::WebhookPing.value()))
            .order((ev::occurred_at.asc(), ev::id.asc()))
            .select((
                ev::id,
                ev::event_type,
                ev::audience,
                ev::organisation_id,
                ev::occurred_at,
            ))
            .limit(limit + 1)
            .load(conn)?;
        let rest = (events.len() as i64 > limit)
            .then(|| events.pop().map(|e| e.4))
            .flatten();
        let at = now();
        let rows: Vec<_> = events
            .into_iter()
            .filter(|(_, t, audience, organisation, _)| {
                EventType::parse(t).is_ok_and(|t| endpoint.spec.wants(t))
                    && super::outbox::audience_of(audience, *organisation)
                        .includes(endpoint.organisation_id.as_ref())
            })
            .map(|(id, ..)| pending(Uuid::now_v7(), DbUuid(endpoint.id), id, at))
            .collect();
        let n = insert_pending(conn, rows)?;
        audit::record(
            conn,
            &audit.succeeded(
                "webhook.replay",
                "webhook",
                Some(endpoint.id.to_string()),
                202,
            ),
        )?;
        Ok((n, rest))
    })
}

/// Queues a `webhook.ping` for the endpoint alone; returns its delivery.
pub fn ping(
    conn: &mut DbConnection,
    endpoint_id: Uuid,
    audit: &AuditEntry,
) -> StoreResult<DeliveryRecord> {
    conn.transaction(|conn| {
        let (event, at) = (DbUuid(Uuid::now_v7()), now());
        diesel::insert_into(ev::table)
            .values((
                ev::id.eq(event),
                ev::event_type.eq(EventType::WebhookPing.value()),
                ev::occurred_at.eq(at),
                ev::audience.eq("academy"),
                ev::data.eq(json!({"webhook_id": endpoint_id, "href": format!("/api/v1/webhooks/{endpoint_id}")}).to_string()),
                ev::fanned_out.eq(true),
            ))
            .execute(conn)?;
        let id = Uuid::now_v7();
        insert_pending(conn, vec![pending(id, DbUuid(endpoint_id), event, at)])?;
        audit::record(conn, &audit.succeeded("webhook.ping", "webhook", Some(endpoint_id.to_string()), 202))?;
        get(conn, endpoint_id, id)
    })
}

/// What `/metrics` shows of the outbox, across every process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxStats {
    /// Deliveries not yet made (pending), of endpoints not disabled.
    pub queued: i64,
    /// When the oldest of them was created.
    pub oldest_queued_at: Option<NaiveDateTime>,
    pub disabled_endpoints: i64,
    /// Events whose deliveries are not yet created.
    pub unfanned_events: i64,
}

pub fn stats(conn: &mut DbConnection) -> StoreResult<OutboxStats> {
    let (queued, oldest): (i64, Option<NaiveDateTime>) = d::table
        .inner_join(e::table)
        .filter(d::status.eq(DeliveryStatus::Pending.value()))
        .filter(e::status.ne(EndpointStatus::Disabled.value()))
        .select((diesel::dsl::count_star(), diesel::dsl::min(d::created_at)))
        .first(conn)?;
    let disabled_endpoints = e::table
        .filter(e::status.eq(EndpointStatus::Disabled.value()))
        .count()
        .get_result(conn)?;
    let unfanned_events = ev::table
        .filter(ev::fanned_out.eq(false))
        .count()
        .get_result(conn)?;
    Ok(OutboxStats {
        queued,
        oldest_queued_at: oldest,
        disabled_endpoints,
        unfanned_events,
    })
}

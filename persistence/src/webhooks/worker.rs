//! What the delivery workers of every process share through the database: fanning events
//! out to the endpoints that may hear them, claiming due deliveries under a lease
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's one writer at a time), and recording
//! how each attempt ended.

use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use domain::Vocabulary;
use domain::webhook::{DeliveryStatus, EndpointStatus, EventType};
use uuid::Uuid;

use super::outbox::audience_of;
pub use super::outcomes::{AttemptOutcome, GONE, record};
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{
    api_client_scopes, api_clients, people, webhook_deliveries as d, webhook_endpoints as e,
    webhook_events as ev,
};
use crate::sql_types::{DbUuid, PortableUuid};

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = PortableUuid)]
    id: DbUuid,
}

#[derive(QueryableByName)]
struct Unfanned {
    #[diesel(sql_type = PortableUuid)]
    id: DbUuid,
    #[diesel(sql_type = Text)]
    event_type: String,
    #[diesel(sql_type = Text)]
    audience: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<PortableUuid>)]
    organisation_id: Option<DbUuid>,
}

/// Creates the deliveries of up to `limit` new events (one per endpoint, not disabled, that
/// may hear the event and subscribes to its type), in one transaction; returns how many
/// events it took. Endpoints registered before this runs hear the events.
pub fn fan_out(conn: &mut DbConnection, limit: i64, at: NaiveDateTime) -> StoreResult<usize> {
    conn.transaction(|conn| {
        let events: Vec<Unfanned> = match conn {
            DbConnection::Postgresql(pg) => diesel::sql_query(
                "UPDATE webhook_events SET fanned_out = TRUE WHERE id IN ( \
                     SELECT id FROM webhook_events WHERE NOT fanned_out \
                     ORDER BY occurred_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, event_type, audience, organisation_id",
            )
            .bind::<BigInt, _>(limit)
            .load(pg)?,
            DbConnection::Sqlite(lite) => diesel::sql_query(
                "UPDATE webhook_events SET fanned_out = 1 WHERE id IN ( \
                     SELECT id FROM webhook_events WHERE fanned_out = 0 \
                     ORDER BY occurred_at, id LIMIT ?) \
                 RETURNING id, event_type, audience, organisation_id",
            )
            .bind::<BigInt, _>(limit)
            .load(lite)?,
        };
        if events.is_empty() {
            return Ok(0);
        }
        let endpoints: Vec<(DbUuid, Option<DbUuid>, String)> = e::table
            .filter(e::status.ne(EndpointStatus::Disabled.value()))
            // Only endpoints whose client may still manage them: active, with the scope.
            .filter(
                e::client_id.eq_any(
                    api_clients::table
                        .filter(api_clients::status.eq(domain::ClientStatus::Active.value()))
                        .select(api_clients::id),
                ),
            )
            .filter(
                e::client_id.eq_any(
                    api_client_scopes::table
                        .filter(api_client_scopes::scope.eq_any([
                            domain::Scope::WebhooksManage.value(),
                            domain::Scope::Admin.value(),
                        ]))
                        .select(api_client_scopes::client_id),
                ),
            )
            .select((e::id, e::organisation_id, e::event_types))
            .load(conn)?;
        let mut rows = Vec::new();
        for event in &events {
            let Ok(event_type) = EventType::parse(&event.event_type) else {
                continue;
            };
            let audience = audience_of(&event.audience, event.organisation_id);
            for (endpoint, organisation, types) in &endpoints {
                let wants =
                    types.is_empty() || types.split_whitespace().any(|t| t == event_type.value());
                if wants && audience.includes(organisation.map(|o| o.0).as_ref()) {
                    rows.push(pending(Uuid::now_v7(), *endpoint, event.id, at));
                }
            }
        }
        insert_pending(conn, rows)?;
        Ok(events.len())
    })
}

type PendingRow = (
    diesel::dsl::Eq<d::id, DbUuid>,
    diesel::dsl::Eq<d::endpoint_id, DbUuid>,
    diesel::dsl::Eq<d::event_id, DbUuid>,
    diesel::dsl::Eq<d::status, &'static str>,
    diesel::dsl::Eq<d::next_attempt_at, Option<NaiveDateTime>>,
    diesel::dsl::Eq<d::created_at, NaiveDateTime>,
    diesel::dsl::Eq<d::updated_at, NaiveDateTime>,
);

/// A new delivery, due at once.
pub(super) fn pending(id: Uuid, endpoint: DbUuid, event: DbUuid, at: NaiveDateTime) -> PendingRow {
    (
        d::id.eq(DbUuid(id)),
        d::endpoint_id.eq(endpoint),
        d::event_id.eq(event),
        d::status.eq(DeliveryStatus::Pending.value()),
        d::next_attempt_at.eq(Some(at)),
        d::created_at.eq(at),
        d::updated_at.eq(at),
    )
}

pub(super) fn insert_pending(conn: &mut DbConnection, rows: Vec<PendingRow>) -> StoreResult<usize> {
    Ok(crate::insert_rows!(conn, d::table, rows))
}

/// A delivery a worker holds, with what it needs to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub delivery_id: Uuid,
    pub endpoint_id: Uuid,
    /// Attempts made before this one.
    pub attempts: i32,
    /// The `webhook-id`: the event's id, the same on every attempt and every endpoint.
    pub event_id: Uuid,
    pub event_type: String,
    pub occurred_at: NaiveDateTime,
    /// The payload's `data`, as stored.
    pub data: String,
    /// The person's current `external_ref`, when the event concerns one.
    pub person_ref: Option<String>,
    pub url: String,
    pub secret: String,
    /// The secret before the last rotation, while it still signs.
    pub previous_secret: Option<String>,
    /// The lease this claim holds: its outcome is recorded only while the lease is still
    /// this one (not taken over by another worker after it ended, nor cleared by a retry).
    pub lease_until: NaiveDateTime,
}

type ClaimRow = (
    DbUuid,
    DbUuid,
    i32,
    DbUuid,
    String,
    NaiveDateTime,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<NaiveDateTime>,
);

/// Leases up to `limit` due deliveries of active endpoints until `lease_until`, oldest due
/// first: none is held by two workers at once, and one whose worker died is due again
/// once its lease ends.
pub fn claim(
    conn: &mut DbConnection,
    limit: i64,
    at: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> StoreResult<Vec<Claim>> {
    // To the microsecond, as both databases store it, so that the outcome can match it.
    let lease_until = lease_until.trunc_subsecs(6);
    let rows = conn.transaction(|conn| {
        crate::db::by_index(conn)?;
        let ids = lease(conn, limit, at, lease_until)?;
        claimed_rows(conn, &ids)
    })?;
    Ok(rows
        .into_iter()
        .map(|r| Claim {
            delivery_id: r.0.0,
            endpoint_id: r.1.0,
            attempts: r.2,
            event_id: r.3.0,
            event_type: r.4,
            occurred_at: r.5,
            data: r.6,
            person_ref: r.7,
            url: r.8,
            secret: r.9,
            previous_secret: r.10.filter(|_| r.11.is_some_and(|until| until > at)),
            lease_until,
        })
        .collect())
}

/// Leases the due deliveries; their ids.
fn lease(
    conn: &mut DbConnection,
    limit: i64,
    at: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> StoreResult<Vec<DbUuid>> {
    const DUE: &str = "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         WHERE d.status = 'pending' AND d.next_attempt_at <= {at} \
         AND (d.lease_until IS NULL OR d.lease_until < {at}) AND e.status = 'active' \
         ORDER BY d.next_attempt_at, d.id LIMIT {limit}";
    let ids: Vec<Claimed> = match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(format!(
            "UPDATE webhook_deliveries SET lease_until = $1 WHERE id IN ({} FOR UPDATE OF d SKIP LOCKED) RETURNING id",
            DUE.replace("{at}", "$2").replace("{limit}", "$3")
        ))
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(at)
        .bind::<BigInt, _>(limit)
        .load(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query(format!(
            "UPDATE webhook_deliveries SET lease_until = ?1 WHERE id IN ({}) RETURNING id",
            DUE.replace("{at}", "?2").replace("{limit}", "?3")
        ))
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(at)
        .bind::<BigInt, _>(limit)
        .load(lite)?,
    };
    Ok(ids.into_iter().map(|c| c.id).collect())
}

/// What the worker needs to send the leased deliveries, oldest due first.
fn claimed_rows(conn: &mut DbConnection, ids: &[DbUuid]) -> StoreResult<Vec<ClaimRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(d::table
        .inner_join(ev::table)
        .inner_join(e::table)
        .left_join(people::table.on(ev::person_id.eq(people::id.nullable())))
        .filter(d::id.eq_any(ids))
        .order((d::next_attempt_at.asc(), d::id.asc()))
        .select((
            d::id,
            d::endpoint_id,
            d::attempts,
            ev::id,
            ev::event_type,
            ev::occurred_at,
            ev::data,
            people::external_ref.nullable(),
            e::url,
            e::secret,
            e::previous_secret,
            e::previous_secret_until,
        ))
        .load(conn)?)
}

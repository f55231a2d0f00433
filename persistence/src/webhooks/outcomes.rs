//! Recording how a batch of attempts ended: each attempt, each delivery's new state (on
//! PostgreSQL one `UPDATE … FROM unnest(…)` for the whole batch), and each endpoint's run
//! of failures, disabling the endpoints that answered 410 or failed for too long.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Array, Integer, Nullable, Text, Timestamp};
use domain::Vocabulary;
use domain::webhook::{DeliveryStatus, EndpointStatus, Next};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{webhook_attempts as a, webhook_deliveries as d, webhook_endpoints as e};
use crate::sql_types::DbUuid;

/// How one attempt ended, and what the schedule says follows.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptOutcome {
    pub delivery_id: Uuid,
    pub endpoint_id: Uuid,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<u16>,
    pub latency_ms: i32,
    pub error: Option<String>,
    /// At most 1 KiB of the receiver's answer.
    pub excerpt: Option<String>,
    pub next: Next,
    /// The claim's lease ([`super::worker::Claim::lease_until`]).
    pub lease_until: NaiveDateTime,
}

/// Why an endpoint was disabled.
pub const GONE: &str = "the receiver answered 410 Gone: it asked for no more deliveries";

/// Records a batch of attempts in one transaction: each attempt, its delivery's new state,
/// and its endpoint's run of failures — disabling an endpoint that answered 410 or has
/// failed for `disable_after` without a success. Returns the endpoints it disabled.
///
/// A delivery deleted meanwhile (with its endpoint) is skipped, so the rest of the batch is
/// recorded; a delivery whose lease is no longer the claim's keeps the state its new holder
/// gives it (its attempt is still logged).
pub fn record(
    conn: &mut DbConnection,
    outcomes: &[AttemptOutcome],
    disable_after: Duration,
    at: NaiveDateTime,
) -> StoreResult<Vec<Uuid>> {
    conn.transaction(|conn| {
        crate::db::by_index(conn)?;
        let ids: Vec<DbUuid> = outcomes.iter().map(|o| DbUuid(o.delivery_id)).collect();
        let remaining = d::table.filter(d::id.eq_any(&ids)).select(d::id);
        // On PostgreSQL the rows are locked against deletion until the attempts are in.
        let remaining: Vec<DbUuid> = match conn {
            DbConnection::Postgresql(pg) => remaining.for_key_share().load(pg)?,
            DbConnection::Sqlite(lite) => remaining.load(lite)?,
        };
        let outcomes: Vec<&AttemptOutcome> = outcomes
            .iter()
            .filter(|o| remaining.contains(&DbUuid(o.delivery_id)))
            .collect();
        let attempts: Vec<_> = outcomes
            .iter()
            .map(|o| {
                (
                    a::id.eq(DbUuid(Uuid::now_v7())),
                    a::delivery_id.eq(DbUuid(o.delivery_id)),
                    a::attempted_at.eq(o.attempted_at),
                    a::status_code.eq(o.status_code.map(i32::from)),
                    a::latency_ms.eq(o.latency_ms),
                    a::error.eq(o.error.clone()),
                    a::response_excerpt.eq(o.excerpt.clone()),
                )
            })
            .collect();
        crate::insert_rows!(&mut *conn, a::table, attempts);
        let (mut succeeded, mut failed, mut gone) = (Vec::new(), Vec::new(), Vec::new());
        let mut rows = Vec::with_capacity(outcomes.len());
        for o in outcomes {
            let (status, next_at) = match o.next {
                Next::Delivered => (DeliveryStatus::Delivered, None),
                Next::RetryIn(s) => (
                    DeliveryStatus::Pending,
                    Some(o.attempted_at + Duration::milliseconds((s * 1000.0) as i64)),
                ),
                Next::GiveUp | Next::Gone => (DeliveryStatus::Failed, None),
            };
            match o.next {
                Next::Delivered => succeeded.push(DbUuid(o.endpoint_id)),
                Next::Gone => gone.push(DbUuid(o.endpoint_id)),
                _ => failed.push(DbUuid(o.endpoint_id)),
            }
            rows.push(Settled { o, status, next_at });
        }
        settle(conn, &rows, at)?;
        for ids in [&mut succeeded, &mut failed, &mut gone] {
            ids.sort();
            ids.dedup();
        }
        failed.retain(|f| !succeeded.contains(f));
        if !succeeded.is_empty() {
            diesel::update(
                e::table
                    .filter(e::id.eq_any(&succeeded))
                    .filter(e::failing_since.is_not_null()),
            )
            .set(e::failing_since.eq(None::<NaiveDateTime>))
            .execute(conn)?;
        }
        if !failed.is_empty() {
            diesel::update(
                e::table
                    .filter(e::id.eq_any(&failed))
                    .filter(e::failing_since.is_null()),
            )
            .set(e::failing_since.eq(Some(at)))
            .execute(conn)?;
        }
        let too_long = at - disable_after;
        let reason = format!(
            "every delivery failed for {} without a success; set status to active to resume",
            span(disable_after)
        );
        let mut disabled: Vec<DbUuid> = diesel::update(
            e::table
                .filter(e::id.eq_any(&failed))
                .filter(e::status.eq(EndpointStatus::Active.value()))
                .filter(e::failing_since.le(too_long)),
        )
        .set((
            e::status.eq(EndpointStatus::Disabled.value()),
            e::disabled_reason.eq(Some(reason)),
            e::disabled_at.eq(Some(at)),
            e::updated_at.eq(at),
            e::version.eq(e::version + 1),
        ))
        .returning(e::id)
        .get_results(conn)?;
        if !gone.is_empty() {
            disabled.extend(
                diesel::update(
                    e::table
                        .filter(e::id.eq_any(&gone))
                        .filter(e::status.ne(EndpointStatus::Disabled.value())),
                )
                .set((
                    e::status.eq(EndpointStatus::Disabled.value()),
                    e::disabled_reason.eq(Some(GONE)),
                    e::disabled_at.eq(Some(at)),
                    e::updated_at.eq(at),
                    e::version.eq(e::version + 1),
                ))
                .returning(e::id)
                .get_results::<DbUuid>(conn)?,
            );
        }
        Ok(disabled.into_iter().map(|i| i.0).collect())
    })
}

/// One delivery's new state.
struct Settled<'a> {
    o: &'a AttemptOutcome,
    status: DeliveryStatus,
    next_at: Option<NaiveDateTime>,
}

/// Writes each delivery's new state: on PostgreSQL one statement for the batch, on SQLite
/// (whose writes are local) one a delivery.
fn settle(conn: &mut DbConnection, rows: &[Settled<'_>], at: NaiveDateTime) -> StoreResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        let delivered =
            |r: &Settled<'_>| (r.status == DeliveryStatus::Delivered).then_some(r.o.attempted_at);
        diesel::sql_query(
            "UPDATE webhook_deliveries d SET status = v.status, attempts = d.attempts + 1, \
                 next_attempt_at = v.next_at, lease_until = NULL, last_attempt_at = v.tried_at, \
                 last_status = v.code, last_error = v.error, delivered_at = v.delivered_at, \
                 updated_at = $8 \
             FROM unnest($1::uuid[], $2::text[], $3::timestamp[], $4::timestamp[], $5::integer[], \
                 $6::text[], $7::timestamp[], $9::timestamp[]) \
                 AS v(id, status, next_at, tried_at, code, error, delivered_at, lease) \
             WHERE d.id = v.id AND d.lease_until = v.lease",
        )
        .bind::<Array<diesel::sql_types::Uuid>, _>(
            rows.iter().map(|r| r.o.delivery_id).collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(rows.iter().map(|r| r.status.value()).collect::<Vec<_>>())
        .bind::<Array<Nullable<Timestamp>>, _>(rows.iter().map(|r| r.next_at).collect::<Vec<_>>())
        .bind::<Array<Timestamp>, _>(rows.iter().map(|r| r.o.attempted_at).collect::<Vec<_>>())
        .bind::<Array<Nullable<Integer>>, _>(
            rows.iter()
                .map(|r| r.o.status_code.map(i32::from))
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Text>>, _>(
            rows.iter().map(|r| r.o.error.clone()).collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Timestamp>>, _>(rows.iter().map(delivered).collect::<Vec<_>>())
        .bind::<Timestamp, _>(at)
        .bind::<Array<Timestamp>, _>(rows.iter().map(|r| r.o.lease_until).collect::<Vec<_>>())
        .execute(pg)?;
        return Ok(());
    }
    for r in rows {
        diesel::update(
            d::table
                .filter(d::id.eq(DbUuid(r.o.delivery_id)))
                .filter(d::lease_until.eq(r.o.lease_until)),
        )
        .set((
            d::status.eq(r.status.value()),
            d::attempts.eq(d::attempts + 1),
            d::next_attempt_at.eq(r.next_at),
            d::lease_until.eq(None::<NaiveDateTime>),
            d::last_attempt_at.eq(Some(r.o.attempted_at)),
            d::last_status.eq(r.o.status_code.map(i32::from)),
            d::last_error.eq(r.o.error.clone()),
            d::delivered_at.eq((r.status == DeliveryStatus::Delivered).then_some(r.o.attempted_at)),
            d::updated_at.eq(at),
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// A span as the owner reads it: "5 days", "3 hours", "2 seconds".
fn span(d: Duration) -> String {
    let (n, unit) = match (d.num_days(), d.num_hours()) {
        (days, _) if days >= 1 && d == Duration::days(days) => (days, "day"),
        (_, hours) if hours >= 1 => (hours, "hour"),
        _ => (d.num_seconds().max(1), "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_the_owner_would_say_them() {
        assert_eq!(span(Duration::days(5)), "5 days");
        assert_eq!(span(Duration::hours(1)), "1 hour");
        assert_eq!(span(Duration::hours(30)), "30 hours");
        assert_eq!(span(Duration::milliseconds(500)), "1 second");
    }
}

//! Counters of failed token requests per client id and per IP address, in the database so
//! that every API process sees the same counts.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::auth_failures;

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures allowed in one window; the next attempt is refused until the window ends.
    pub max_failures: i32,
    pub window: Duration,
}

/// Seconds until `key` may try again, when it has used up its failures.
pub fn blocked_for(conn: &mut DbConnection, key: &str, policy: Policy) -> StoreResult<Option<i64>> {
    let row: Option<(NaiveDateTime, i32)> = auth_failures::table
        .find(key)
        .select((auth_failures::window_started_at, auth_failures::failures))
        .first(conn)
        .optional()?;
    let at = now();
    Ok(row.and_then(|(started, failures)| {
        let ends = started + policy.window;
        (failures >= policy.max_failures && ends > at).then(|| (ends - at).num_seconds().max(1))
    }))
}

/// Counts one failure for `key`, starting a new window when the last one has ended.
pub fn record_failure(conn: &mut DbConnection, key: &str, policy: Policy) -> StoreResult<()> {
    // Two first failures at once both insert; the loser counts again as an update.
    match bump(conn, key, policy) {
        Err(StoreError::Conflict(_)) => bump(conn, key, policy),
        other => other,
    }
}

fn bump(conn: &mut DbConnection, key: &str, policy: Policy) -> StoreResult<()> {
    conn.transaction(|conn| {
        let at = now();
        let window_open = auth_failures::window_started_at.gt(at - policy.window);
        let bumped = diesel::update(auth_failures::table.find(key).filter(window_open))
            .set(auth_failures::failures.eq(auth_failures::failures + 1))
            .execute(conn)?;
        if bumped == 0 {
            let restarted = diesel::update(auth_failures::table.find(key))
                .set((
                    auth_failures::window_started_at.eq(at),
                    auth_failures::failures.eq(1),
                ))
                .execute(conn)?;
            if restarted == 0 {
                diesel::insert_into(auth_failures::table)
                    .values((
                        auth_failures::key.eq(key),
                        auth_failures::window_started_at.eq(at),
                        auth_failures::failures.eq(1),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

/// Forgets the failures of `key` (after a success).
pub fn clear(conn: &mut DbConnection, key: &str) -> StoreResult<()> {
    diesel::delete(auth_failures::table.find(key)).execute(conn)?;
    Ok(())
}

//! Counters of token requests per client id and per IP address, in the database so that
//! every API process sees the same counts. An attempt is charged *before* its secret is
//! checked (so parallel guesses on several processes cannot all slip past a check), and a
//! successful one is refunded.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::auth_failures;

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Attempts allowed in one window that do not succeed; the next is refused until the
    /// window ends.
    pub max_failures: i32,
    pub window: Duration,
}

/// Charges one attempt to `key`. `Some(seconds)` when the key is over its limit and must
/// wait that long.
pub fn charge(conn: &mut DbConnection, key: &str, policy: Policy) -> StoreResult<Option<i64>> {
    // Two first attempts at once both insert; the loser counts again as an update.
    match bump(conn, key, policy) {
        Err(StoreError::Conflict(_)) => bump(conn, key, policy),
        other => other,
    }
}

fn bump(conn: &mut DbConnection, key: &str, policy: Policy) -> StoreResult<Option<i64>> {
    conn.transaction(|conn| {
        let at = now();
        // Forget windows that have ended (of any key): the table stays small.
        diesel::delete(
            auth_failures::table.filter(auth_failures::window_started_at.le(at - policy.window)),
        )
        .execute(conn)?;
        let bumped = diesel::update(auth_failures::table.find(key))
            .set(auth_failures::failures.eq(auth_failures::failures + 1))
            .execute(conn)?;
        if bumped == 0 {
            diesel::insert_into(auth_failures::table)
                .values((
                    auth_failures::key.eq(key),
                    auth_failures::window_started_at.eq(at),
                    auth_failures::failures.eq(1),
                ))
                .execute(conn)?;
        }
        let (started, failures): (NaiveDateTime, i32) = auth_failures::table
            .find(key)
            .select((auth_failures::window_started_at, auth_failures::failures))
            .first(conn)?;
        let ends = started + policy.window;
        Ok((failures > policy.max_failures).then(|| (ends - at).num_seconds().max(1)))
    })
}

/// Takes back the charge of an attempt that succeeded.
pub fn refund(conn: &mut DbConnection, key: &str) -> StoreResult<()> {
    diesel::update(
        auth_failures::table
            .find(key)
            .filter(auth_failures::failures.gt(0)),
    )
    .set(auth_failures::failures.eq(auth_failures::failures - 1))
    .execute(conn)?;
    Ok(())
}

/// Forgets the failures of `key` (after a success).
pub fn clear(conn: &mut DbConnection, key: &str) -> StoreResult<()> {
    diesel::delete(auth_failures::table.find(key)).execute(conn)?;
    Ok(())
}

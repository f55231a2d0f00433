//! Idempotency keys: a retried POST with the same key gets the first response again. Kept
//! in the database (not in a process), per client, for 48 hours.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::idempotency_keys as keys;
use crate::sql_types::DbUuid;

/// How long a key is remembered (the promise is at least 24 hours).
pub const KEEP: Duration = Duration::hours(48);
/// A request still "in flight" after this long is taken to have died with its process (the
/// API finishes requests whose client went away, so only a dead process leaves a key in
/// flight; the longest legitimate requests, large imports, take seconds).
pub const ABANDONED: Duration = Duration::minutes(15);

/// A stored response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub status: u16,
    /// `[(name, value)]` as JSON.
    pub headers: String,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// First use: go ahead, then call [`finish`] (or [`abandon`]).
    New,
    /// Already answered: send this again.
    Replay(Stored),
    /// The first request with this key has not finished yet.
    InFlight,
    /// The key was used with another request.
    Mismatch,
}

/// Claims `key` for a request whose method, path and body hash to `request_hash`.
pub fn begin(
    conn: &mut DbConnection,
    client: Uuid,
    key: &str,
    request_hash: &str,
) -> StoreResult<Begin> {
    let at = now();
    diesel::delete(keys::table.filter(keys::created_at.lt(at - KEEP))).execute(conn)?;
    let inserted = diesel::insert_into(keys::table)
        .values((
            keys::client_id.eq(DbUuid(client)),
            keys::key.eq(key),
            keys::request_hash.eq(request_hash),
            keys::state.eq("in_flight"),
            keys::created_at.eq(at),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => return Ok(Begin::New),
        Err(e) => match StoreError::from(e) {
            StoreError::Conflict(_) => {}
            other => return Err(other),
        },
    }
    type Row = (
        String,
        String,
        Option<i32>,
        Option<String>,
        Option<Vec<u8>>,
        NaiveDateTime,
    );
    let (hash, state, status, headers, body, created_at): Row = keys::table
        .find((DbUuid(client), key))
        .select((
            keys::request_hash,
            keys::state,
            keys::response_status,
            keys::response_headers,
            keys::response_body,
            keys::created_at,
        ))
        .first(conn)?;
    if hash != request_hash {
        return Ok(Begin::Mismatch);
    }
    match (state.as_str(), status) {
        ("done", Some(status)) => Ok(Begin::Replay(Stored {
            status: u16::try_from(status).unwrap_or(500),
            headers: headers.unwrap_or_else(|| "[]".into()),
            body: body.unwrap_or_default(),
        })),
        _ if created_at < at - ABANDONED => {
            // Its process died mid-request: this retry takes the key over.
            let taken = diesel::update(
                keys::table
                    .find((DbUuid(client), key))
                    .filter(keys::created_at.eq(created_at)),
            )
            .set(keys::created_at.eq(at))
            .execute(conn)?;
            Ok(if taken == 1 {
                Begin::New
            } else {
                Begin::InFlight
            })
        }
        _ => Ok(Begin::InFlight),
    }
}

/// Stores the response of a request that began with `key`.
pub fn finish(
    conn: &mut DbConnection,
    client: Uuid,
    key: &str,
    stored: &Stored,
) -> StoreResult<()> {
    diesel::update(keys::table.find((DbUuid(client), key)))
        .set((
            keys::state.eq("done"),
            keys::response_status.eq(Some(i32::from(stored.status))),
            keys::response_headers.eq(Some(&stored.headers)),
            keys::response_body.eq(Some(&stored.body)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets `key` (the request failed on the server side: a retry may run again).
pub fn abandon(conn: &mut DbConnection, client: Uuid, key: &str) -> StoreResult<()> {
    diesel::delete(keys::table.find((DbUuid(client), key))).execute(conn)?;
    Ok(())
}

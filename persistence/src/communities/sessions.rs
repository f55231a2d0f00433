//! A community's sessions, scheduled under its commitment: at most so many in any rolling
//! twelve months, none longer than its maximum. Cancelling frees the slot.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::Vocabulary;
use domain::community::{CommitmentBreach, Scheduled, check_session};
use domain::community_session::NewSession;
use domain::webhook::EventType;
use uuid::Uuid;

use super::community;
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{communities, community_sessions as s};
use crate::sql_types::DbUuid;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct SessionRecord {
    pub id: DbUuid,
    pub community_id: DbUuid,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: i32,
    pub format: String,
    pub location: Option<String>,
    pub joining_link: Option<String>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub(crate) fn get(
    conn: &mut DbConnection,
    community_id: Uuid,
    id: Uuid,
) -> StoreResult<SessionRecord> {
    Ok(s::table
        .filter(s::community_id.eq(DbUuid(community_id)))
        .filter(s::id.eq(DbUuid(id)))
        .select(s::all_columns)
        .first(conn)?)
}

/// Takes the community's row lock (PostgreSQL) or the write lock (SQLite) so that two
/// schedulers, on any number of API processes, cannot both take the last slot.
fn lock(conn: &mut DbConnection, id: Uuid) -> StoreResult<()> {
    diesel::update(communities::table.filter(communities::id.eq(DbUuid(id))))
        .set(communities::version.eq(communities::version))
        .execute(conn)?;
    Ok(())
}

/// Schedules a session if the community's commitment allows it; a breach is `Invalid`
/// naming the field and, for a full window, the sessions that fill it.
pub fn create(
    conn: &mut DbConnection,
    community_key: &str,
    new: &NewSession,
    audit: &AuditEntry,
) -> StoreResult<SessionRecord> {
    conn.transaction(|conn| {
        let c = community::get(conn, community_key)?;
        lock(conn, c.id)?;
        let scheduled: Vec<Scheduled<Uuid>> = s::table
            .filter(s::community_id.eq(DbUuid(c.id)))
            .filter(s::cancelled_at.is_null())
            .select((s::id, s::starts_at))
            .load::<(DbUuid, NaiveDateTime)>(conn)?
            .into_iter()
            .map(|(id, starts_at)| Scheduled {
                id: id.0,
                starts_at,
            })
            .collect();
        check_session(
            c.community.commitment(),
            new.starts_at,
            new.duration_minutes,
            &scheduled,
        )
        .map_err(|breach| match breach {
            CommitmentBreach::TooLong { .. } => {
                StoreError::Invalid("duration_minutes".into(), breach.to_string())
            }
            CommitmentBreach::WindowFull { ref sessions, .. } => {
                let ids: Vec<String> = sessions.iter().map(Uuid::to_string).collect();
                StoreError::Invalid("starts_at".into(), format!("{breach}: {}", ids.join(", ")))
            }
        })?;
        let id = Uuid::now_v7();
        let at = now();
        diesel::insert_into(s::table)
            .values((
                s::id.eq(DbUuid(id)),
                s::community_id.eq(DbUuid(c.id)),
                s::title.eq(&new.title),
                s::starts_at.eq(new.starts_at),
                s::duration_minutes.eq(i32::try_from(new.duration_minutes).unwrap_or(i32::MAX)),
                s::format.eq(new.format.value()),
                s::location.eq(new.location.as_deref()),
                s::joining_link.eq(new.joining_link.as_deref()),
                s::created_at.eq(at),
                s::updated_at.eq(at),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded(
                "community_session.create",
                "community_session",
                Some(id.to_string()),
                201,
            ),
        )?;
        crate::webhooks::emit_one(
            conn,
            crate::webhooks::Event::community_session(
                EventType::CommunitySessionScheduled,
                id,
                c.id,
                new.starts_at,
                at,
            ),
        )?;
        get(conn, c.id, id)
    })
}

/// Cancels a session, freeing its slot in the commitment window. Cancelling twice is a
/// state conflict.
pub fn cancel(
    conn: &mut DbConnection,
    community_key: &str,
    id: Uuid,
    audit: &AuditEntry,
) -> StoreResult<SessionRecord> {
    conn.transaction(|conn| {
        let c = community::get(conn, community_key)?;
        let session = get(conn, c.id, id)?;
        if session.cancelled_at.is_some() {
            return Err(StoreError::StateConflict(
                "the session is already cancelled".into(),
            ));
        }
        let at = now();
        diesel::update(s::table.filter(s::id.eq(DbUuid(id))))
            .set((s::cancelled_at.eq(Some(at)), s::updated_at.eq(at)))
            .execute(conn)?;
        crate::webhooks::emit_one(
            conn,
            crate::webhooks::Event::community_session(
                EventType::CommunitySessionCancelled,
                id,
                c.id,
                session.starts_at,
                at,
            ),
        )?;
        audit::record(
            conn,
            &audit.succeeded(
                "community_session.cancel",
                "community_session",
                Some(id.to_string()),
                200,
            ),
        )?;
        get(conn, c.id, id)
    })
}

/// A community's sessions, cancelled ones included, in time order.
pub fn of_community(
    conn: &mut DbConnection,
    community_key: &str,
) -> StoreResult<Vec<SessionRecord>> {
    let c = community::get(conn, community_key)?;
    Ok(s::table
        .filter(s::community_id.eq(DbUuid(c.id)))
        .order((s::starts_at.asc(), s::id.asc()))
        .select(s::all_columns)
        .load(conn)?)
}

/// Sessions across communities starting in `[from, to)`, optionally of one community, in
/// time order, with each community's slug; cancelled ones included (calendars show them).
pub fn calendar(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    community_id: Option<Uuid>,
) -> StoreResult<Vec<(SessionRecord, String)>> {
    let mut q = s::table
        .inner_join(communities::table)
        .filter(s::starts_at.ge(from))
        .filter(s::starts_at.lt(to))
        .order((s::starts_at.asc(), s::id.asc()))
        .select((s::all_columns, communities::slug))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(id) = community_id {
        q = q.filter(s::community_id.eq(DbUuid(id)));
    }
    Ok(q.load(conn)?)
}

//! Who came to a community's sessions, and the time each person gives across communities.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::{AttendanceStatus, Vocabulary};
use uuid::Uuid;

use super::{community, sessions};
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::learning::people;
use crate::schema::{
    communities, community_attendance as a, community_memberships as m, community_sessions as s,
};
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

/// Records (or corrects) a member's attendance at a session that was not cancelled. The
/// person must have been a member when it took place (or be one now).
pub fn record(
    conn: &mut DbConnection,
    community_key: &str,
    session_id: Uuid,
    person_id: Uuid,
    status: AttendanceStatus,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<NaiveDateTime> {
    conn.transaction(|conn| {
        let c = community::get(conn, community_key)?;
        let session = sessions::get(conn, c.id, session_id)?;
        people::get(conn, person_id, visibility)?;
        if session.cancelled_at.is_some() {
            return Err(StoreError::StateConflict(
                "the session was cancelled".into(),
            ));
        }
        let member = m::table
            .filter(m::community_id.eq(DbUuid(c.id)))
            .filter(m::person_id.eq(DbUuid(person_id)))
            .filter(m::left_at.is_null().or(m::left_at.ge(session.starts_at)))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !member {
            return Err(StoreError::Invalid(
                "person_id".into(),
                "was not a member of this community when the session took place".into(),
            ));
        }
        let key = (
            a::session_id.eq(DbUuid(session_id)),
            a::person_id.eq(DbUuid(person_id)),
        );
        diesel::delete(a::table.filter(key.0).filter(key.1)).execute(conn)?;
        let at = now();
        diesel::insert_into(a::table)
            .values((
                key.0,
                key.1,
                a::status.eq(status.value()),
                a::recorded_at.eq(at),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded(
                "community_attendance.record",
                "community_session",
                Some(session_id.to_string()),
                200,
            ),
        )?;
        Ok(at)
    })
}

/// The sessions a person attended in one community, and their minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityTime {
    pub community_id: Uuid,
    pub community_slug: String,
    pub sessions: i64,
    pub minutes: i64,
}

/// What a person attended (present) of sessions not cancelled starting in `[from, to)`,
/// per community, by slug.
pub fn commitment(
    conn: &mut DbConnection,
    person_id: Uuid,
    from: NaiveDateTime,
    to: NaiveDateTime,
    visibility: Visibility,
) -> StoreResult<Vec<CommunityTime>> {
    people::get(conn, person_id, visibility)?;
    let rows: Vec<(DbUuid, String, i32)> = a::table
        .inner_join(s::table.inner_join(communities::table))
        .filter(a::person_id.eq(DbUuid(person_id)))
        .filter(a::status.eq(AttendanceStatus::Present.value()))
        .filter(s::cancelled_at.is_null())
        .filter(s::starts_at.ge(from))
        .filter(s::starts_at.lt(to))
        .select((communities::id, communities::slug, s::duration_minutes))
        .load(conn)?;
    let mut by: BTreeMap<String, CommunityTime> = BTreeMap::new();
    for (id, slug, minutes) in rows {
        let t = by.entry(slug.clone()).or_insert(CommunityTime {
            community_id: id.0,
            community_slug: slug,
            sessions: 0,
            minutes: 0,
        });
        t.sessions += 1;
        t.minutes += i64::from(minutes);
    }
    Ok(by.into_values().collect())
}

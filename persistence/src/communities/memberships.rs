//! Who belongs to a community and in which role. Leaving closes the row; rejoining opens a
//! new one, so the history stays.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::Vocabulary;
use domain::community::MemberRole;
use uuid::Uuid;

use super::community;
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::learning::people;
use crate::schema::{communities, community_memberships as m, people as p};
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipRecord {
    pub id: Uuid,
    pub community_id: Uuid,
    pub community_slug: String,
    pub person_id: Uuid,
    pub role: MemberRole,
    pub joined_at: NaiveDateTime,
    pub left_at: Option<NaiveDateTime>,
}

type Row = (
    DbUuid,
    DbUuid,
    String,
    DbUuid,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

#[allow(clippy::type_complexity)]
const COLUMNS: (
    m::id,
    m::community_id,
    communities::slug,
    m::person_id,
    m::role,
    m::joined_at,
    m::left_at,
) = (
    m::id,
    m::community_id,
    communities::slug,
    m::person_id,
    m::role,
    m::joined_at,
    m::left_at,
);

fn record(r: Row) -> StoreResult<MembershipRecord> {
    Ok(MembershipRecord {
        id: r.0.0,
        community_id: r.1.0,
        community_slug: r.2,
        person_id: r.3.0,
        role: MemberRole::parse(&r.4)
            .map_err(|e| StoreError::Corrupt(format!("membership {}: {e}", r.0.0)))?,
        joined_at: r.5,
        left_at: r.6,
    })
}

fn load(conn: &mut DbConnection, id: Uuid) -> StoreResult<MembershipRecord> {
    let row: Row = m::table
        .inner_join(communities::table)
        .filter(m::id.eq(DbUuid(id)))
        .select(COLUMNS)
        .first(conn)?;
    record(row)
}

/// Adds a person the caller may see to a community (by id or slug) in `role`. A closed
/// community takes no one; a person already a member is a conflict.
pub fn join(
    conn: &mut DbConnection,
    community_key: &str,
    person_id: Uuid,
    role: MemberRole,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<MembershipRecord> {
    conn.transaction(|conn| {
        let c = community::get(conn, community_key)?;
        people::get(conn, person_id, visibility)?;
        if !c.community.admits_members() {
            return Err(StoreError::StateConflict(format!(
                "community '{}' is closed and takes no members",
                c.community.slug()
            )));
        }
        let id = Uuid::now_v7();
        let at = now();
        diesel::insert_into(m::table)
            .values((
                m::id.eq(DbUuid(id)),
                m::community_id.eq(DbUuid(c.id)),
                m::person_id.eq(DbUuid(person_id)),
                m::role.eq(role.value()),
                m::joined_at.eq(at),
                m::updated_at.eq(at),
            ))
            .execute(conn)
            .map_err(StoreError::from)
            .map_err(|e| match e {
                StoreError::Conflict(_) => StoreError::Conflict(
                    "person_id: this person is already a member of this community".into(),
                ),
                other => other,
            })?;
        audit::record(
            conn,
            &audit.succeeded(
                "community.join",
                "community_membership",
                Some(id.to_string()),
                201,
            ),
        )?;
        load(conn, id)
    })
}

/// Ends a person's current membership of a community; `NotFound` when they are not a member
/// (or not someone the caller may see).
pub fn leave(
    conn: &mut DbConnection,
    community_key: &str,
    person_id: Uuid,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<MembershipRecord> {
    conn.transaction(|conn| {
        let c = community::get(conn, community_key)?;
        people::get(conn, person_id, visibility)?;
        let live: DbUuid = m::table
            .filter(m::community_id.eq(DbUuid(c.id)))
            .filter(m::person_id.eq(DbUuid(person_id)))
            .filter(m::left_at.is_null())
            .select(m::id)
            .first(conn)?;
        let at = now();
        diesel::update(m::table.find(live))
            .set((m::left_at.eq(Some(at)), m::updated_at.eq(at)))
            .execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded(
                "community.leave",
                "community_membership",
                Some(live.0.to_string()),
                204,
            ),
        )?;
        load(conn, live.0)
    })
}

/// A person's memberships, current and past, in the order they joined.
pub fn of_person(
    conn: &mut DbConnection,
    person_id: Uuid,
    visibility: Visibility,
) -> StoreResult<Vec<MembershipRecord>> {
    people::get(conn, person_id, visibility)?;
    let rows: Vec<Row> = m::table
        .inner_join(communities::table)
        .filter(m::person_id.eq(DbUuid(person_id)))
        .order((m::joined_at.asc(), m::id.asc()))
        .select(COLUMNS)
        .load(conn)?;
    rows.into_iter().map(record).collect()
}

/// Leaves `from` and joins `to` in one transaction: both happen or neither does.
pub fn move_between(
    conn: &mut DbConnection,
    person_id: Uuid,
    from: &str,
    to: &str,
    role: MemberRole,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<(MembershipRecord, MembershipRecord)> {
    conn.transaction(|conn| {
        let left = leave(conn, from, person_id, visibility, audit)?;
        if community::get(conn, to)?.id == left.community_id {
            return Err(StoreError::Invalid(
                "to".into(),
                "must be a different community from 'from'".into(),
            ));
        }
        let joined = join(conn, to, person_id, role, visibility, audit)?;
        Ok((left, joined))
    })
}

/// A community's current members the caller may see (a partner organisation sees its own
/// people only), in the order they joined.
pub fn current(
    conn: &mut DbConnection,
    community_key: &str,
    visibility: Visibility,
) -> StoreResult<Vec<MembershipRecord>> {
    let c = community::get(conn, community_key)?;
    let mut q = m::table
        .inner_join(communities::table)
        .inner_join(p::table)
        .filter(m::community_id.eq(DbUuid(c.id)))
        .filter(m::left_at.is_null())
        .order((m::joined_at.asc(), m::id.asc()))
        .select(COLUMNS)
        .into_boxed::<crate::db::MultiBackend>();
    if let Visibility::Organisation(o) = visibility {
        q = q.filter(p::organisation_id.eq(DbUuid(o)));
    }
    q.load::<Row>(conn)?.into_iter().map(record).collect()
}

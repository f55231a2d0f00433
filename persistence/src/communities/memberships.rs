//! Who belongs to a community and in which role. Leaving closes the row; rejoining opens a
//! new one, so the history stays.

use diesel::prelude::*;
use domain::Vocabulary;
use domain::community::MemberRole;
use uuid::Uuid;

use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::community_memberships as m;
use crate::sql_types::DbUuid;

/// Adds `person_id` to `community_id` in `role`; returns the membership's id.
pub fn join(
    conn: &mut DbConnection,
    community_id: Uuid,
    person_id: Uuid,
    role: MemberRole,
    audit: &AuditEntry,
) -> StoreResult<Uuid> {
    conn.transaction(|conn| {
        let id = Uuid::now_v7();
        let at = now();
        diesel::insert_into(m::table)
            .values((
                m::id.eq(DbUuid(id)),
                m::community_id.eq(DbUuid(community_id)),
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
        Ok(id)
    })
}

//! A community's shared resources: case studies, tools, publications, event recordings.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::Vocabulary;
use domain::community_session::NewResource;
use uuid::Uuid;

use super::community;
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::community_resources as r;
use crate::sql_types::DbUuid;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ResourceRecord {
    pub id: DbUuid,
    pub community_id: DbUuid,
    pub title: String,
    pub link: String,
    pub kind: String,
    /// The API client that added it.
    pub added_by: Option<DbUuid>,
    pub added_at: NaiveDateTime,
}

/// Adds a resource.
pub fn add(
    conn: &mut DbConnection,
    community_key: &str,
    new: &NewResource,
    added_by: Option<Uuid>,
    audit: &AuditEntry,
) -> StoreResult<ResourceRecord> {
    conn.transaction(|conn| {
        let c = community::get(conn, community_key)?;
        let id = DbUuid(Uuid::now_v7());
        diesel::insert_into(r::table)
            .values((
                r::id.eq(id),
                r::community_id.eq(DbUuid(c.id)),
                r::title.eq(&new.title),
                r::link.eq(&new.link),
                r::kind.eq(new.kind.value()),
                r::added_by.eq(added_by.map(DbUuid)),
                r::added_at.eq(now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded(
                "community_resource.create",
                "community_resource",
                Some(id.0.to_string()),
                201,
            ),
        )?;
        Ok(r::table.find(id).select(r::all_columns).first(conn)?)
    })
}

/// A community's resources, newest first.
pub fn of_community(
    conn: &mut DbConnection,
    community_key: &str,
) -> StoreResult<Vec<ResourceRecord>> {
    let c = community::get(conn, community_key)?;
    Ok(r::table
        .filter(r::community_id.eq(DbUuid(c.id)))
        .order((r::added_at.desc(), r::id.desc()))
        .select(r::all_columns)
        .load(conn)?)
}

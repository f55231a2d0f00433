//! Communities, with their member counts and the state of their tripartite leadership.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::Vocabulary;
use domain::community::{Community, CommunityInput, MemberRole, missing_leadership};
use uuid::Uuid;

use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{communities, community_memberships};
use crate::sql_types::DbUuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityRecord {
    pub id: Uuid,
    pub community: Community,
    pub member_count: i64,
    /// Leadership roles nobody holds (empty: the tripartite group is complete).
    pub missing_leadership: Vec<MemberRole>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

type Row = (
    DbUuid,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    i32,
    i32,
    Option<String>,
    i32,
    NaiveDateTime,
    NaiveDateTime,
);

fn community_of(r: &Row) -> StoreResult<Community> {
    Community::parse(CommunityInput {
        name: Some(r.2.clone()),
        slug: Some(r.1.clone()),
        purpose: Some(r.4.clone()),
        kind: Some(r.5.clone()),
        stem: r.6.clone(),
        status: Some(r.7.clone()),
        join_policy: Some(r.8.clone()),
        max_sessions_per_year: Some(i64::from(r.9)),
        max_session_minutes: Some(i64::from(r.10)),
    })
    .map_err(|e| StoreError::Corrupt(format!("community {}: {e}", r.0.0)))
}

/// Live members' roles per community.
fn roles(
    conn: &mut DbConnection,
    ids: &[DbUuid],
) -> StoreResult<HashMap<DbUuid, Vec<(String, i64)>>> {
    let rows: Vec<(DbUuid, String, i64)> = community_memberships::table
        .filter(community_memberships::community_id.eq_any(ids))
        .filter(community_memberships::left_at.is_null())
        .group_by((
            community_memberships::community_id,
            community_memberships::role,
        ))
        .select((
            community_memberships::community_id,
            community_memberships::role,
            count_star(),
        ))
        .load(conn)?;
    let mut map: HashMap<DbUuid, Vec<(String, i64)>> = HashMap::new();
    for (id, role, n) in rows {
        map.entry(id).or_default().push((role, n));
    }
    Ok(map)
}

fn records(conn: &mut DbConnection, rows: Vec<Row>) -> StoreResult<Vec<CommunityRecord>> {
    let ids: Vec<DbUuid> = rows.iter().map(|r| r.0).collect();
    let roles = roles(conn, &ids)?;
    rows.into_iter()
        .map(|r| {
            let held = roles.get(&r.0).cloned().unwrap_or_default();
            let held_roles: Vec<MemberRole> = held
                .iter()
                .filter_map(|(role, _)| MemberRole::parse(role).ok())
                .collect();
            Ok(CommunityRecord {
                id: r.0.0,
                community: community_of(&r)?,
                member_count: held.iter().map(|(_, n)| n).sum(),
                missing_leadership: missing_leadership(&held_roles),
                version: r.12,
                created_at: r.13,
                updated_at: r.14,
            })
        })
        .collect()
}

/// A community by id or slug.
pub fn get(conn: &mut DbConnection, id_or_slug: &str) -> StoreResult<CommunityRecord> {
    let q = communities::table
        .select(communities::all_columns)
        .into_boxed::<crate::db::MultiBackend>();
    let q = match Uuid::parse_str(id_or_slug) {
        Ok(id) => q.filter(communities::id.eq(DbUuid(id))),
        Err(_) => q.filter(communities::slug.eq(id_or_slug.to_owned())),
    };
    let row: Row = q.first(conn)?;
    records(conn, vec![row])?.pop().ok_or(StoreError::NotFound)
}

/// Every community by name; `leadership_complete`, when given, keeps those whose tripartite
/// leadership is (`true`) or is not (`false`) complete.
pub fn list(
    conn: &mut DbConnection,
    leadership_complete: Option<bool>,
) -> StoreResult<Vec<CommunityRecord>> {
    let rows: Vec<Row> = communities::table
        .select(communities::all_columns)
        .order((communities::name_key.asc(), communities::id.asc()))
        .load(conn)?;
    Ok(records(conn, rows)?
        .into_iter()
        .filter(|c| leadership_complete.is_none_or(|want| c.missing_leadership.is_empty() == want))
        .collect())
}

/// The columns a community's fields map to, shared by insert and update.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = communities, treat_none_as_null = true)]
struct Columns<'a> {
    slug: &'a str,
    name: &'a str,
    name_key: String,
    purpose: &'a str,
    kind: &'static str,
    stem: Option<&'static str>,
    status: &'static str,
    join_policy: &'static str,
    max_sessions_per_year: i32,
    max_session_minutes: i32,
    updated_at: NaiveDateTime,
}

impl<'a> Columns<'a> {
    fn of(c: &'a Community, at: NaiveDateTime) -> Self {
        Self {
            slug: c.slug().as_str(),
            name: c.name(),
            name_key: c.name().to_lowercase(),
            purpose: c.purpose(),
            kind: c.kind().value(),
            stem: c.stem().map(|s| s.value()),
            status: c.status().value(),
            join_policy: c.join_policy().value(),
            max_sessions_per_year: i32::try_from(c.commitment().max_sessions_per_year).unwrap_or(6),
            max_session_minutes: i32::try_from(c.commitment().max_session_minutes).unwrap_or(120),
            updated_at: at,
        }
    }
}

/// Creates a community (`seed_key` for seeded ones).
pub fn create(
    conn: &mut DbConnection,
    c: &Community,
    seed_key: Option<&str>,
    audit: &AuditEntry,
) -> StoreResult<CommunityRecord> {
    conn.transaction(|conn| {
        let id = DbUuid(Uuid::now_v7());
        let at = now();
        diesel::insert_into(communities::table)
            .values((
                communities::id.eq(id),
                Columns::of(c, at),
                communities::seed_key.eq(seed_key),
                communities::created_at.eq(at),
            ))
            .execute(conn)
            .map_err(StoreError::from)
            .map_err(|e| match e {
                StoreError::Conflict(_) => StoreError::Conflict(format!(
                    "slug: a community with slug '{}' already exists",
                    c.slug()
                )),
                other => other,
            })?;
        audit::record(
            conn,
            &audit.succeeded("community.create", "community", Some(id.0.to_string()), 201),
        )?;
        get(conn, &id.0.to_string())
    })
}

/// Replaces a community's fields if still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    c: &Community,
    audit: &AuditEntry,
) -> StoreResult<CommunityRecord> {
    conn.transaction(|conn| {
        let n = diesel::update(
            communities::table
                .filter(communities::id.eq(DbUuid(id)))
                .filter(communities::version.eq(expected_version)),
        )
        .set((
            Columns::of(c, now()),
            communities::version.eq(communities::version + 1),
        ))
        .execute(conn)?;
        if n == 0 {
            get(conn, &id.to_string())?;
            return Err(StoreError::Stale);
        }
        audit::record(
            conn,
            &audit.succeeded("community.update", "community", Some(id.to_string()), 200),
        )?;
        get(conn, &id.to_string())
    })
}

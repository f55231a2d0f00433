//! Partner organisations.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::{Organisation, OrganisationInput, Vocabulary};
use uuid::Uuid;

use super::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{Cursor, CursorError, Page};
use crate::schema::organisations;
use crate::sql_types::DbUuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRecord {
    pub id: Uuid,
    pub organisation: Organisation,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct OrganisationRow {
    id: DbUuid,
    name: String,
    _name_key: String,
    kind: String,
    ods_code: Option<String>,
    status: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl OrganisationRow {
    fn record(self) -> StoreResult<OrganisationRecord> {
        let organisation = Organisation::parse(OrganisationInput {
            name: Some(self.name),
            kind: Some(self.kind),
            ods_code: self.ods_code,
            status: Some(self.status),
        })
        .map_err(|e| StoreError::Corrupt(format!("organisation {}: {e}", self.id.0)))?;
        Ok(OrganisationRecord {
            id: self.id.0,
            organisation,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = organisations)]
#[diesel(treat_none_as_null = true)]
struct OrganisationValues {
    name: String,
    name_key: String,
    kind: &'static str,
    ods_code: Option<String>,
    status: &'static str,
    updated_at: NaiveDateTime,
}

impl OrganisationValues {
    fn new(o: &Organisation, at: NaiveDateTime) -> Self {
        Self {
            name: o.name().to_owned(),
            name_key: o.name().to_lowercase(),
            kind: o.kind().value(),
            ods_code: o.ods_code().map(|c| c.as_str().to_owned()),
            status: o.status().value(),
            updated_at: at,
        }
    }
}

/// Turns a unique violation into a message naming the field.
fn conflict(o: &Organisation) -> impl Fn(StoreError) -> StoreError + '_ {
    move |e| match e {
        StoreError::Conflict(msg) if msg.contains("ods_code") => StoreError::Conflict(format!(
            "ods_code: another organisation already has ODS code '{}'",
            o.ods_code().map(|c| c.as_str()).unwrap_or_default()
        )),
        StoreError::Conflict(_) => StoreError::Conflict(format!(
            "name: an organisation named '{}' already exists",
            o.name()
        )),
        other => other,
    }
}

pub fn create(
    conn: &mut DbConnection,
    o: &Organisation,
    audit: &AuditEntry,
) -> StoreResult<OrganisationRecord> {
    conn.transaction(|conn| {
        let id = DbUuid(Uuid::now_v7());
        let at = now();
        diesel::insert_into(organisations::table)
            .values((
                organisations::id.eq(id),
                OrganisationValues::new(o, at),
                organisations::created_at.eq(at),
            ))
            .execute(conn)
            .map_err(StoreError::from)
            .map_err(conflict(o))?;
        audit::record(
            conn,
            &audit.succeeded(
                "organisation.create",
                "organisation",
                Some(id.0.to_string()),
                201,
            ),
        )?;
        get(conn, id.0)
    })
}

/// Replaces the organisation if it is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    o: &Organisation,
    audit: &AuditEntry,
) -> StoreResult<OrganisationRecord> {
    conn.transaction(|conn| {
        let n = diesel::update(
            organisations::table
                .filter(organisations::id.eq(DbUuid(id)))
                .filter(organisations::version.eq(expected_version)),
        )
        .set((
            OrganisationValues::new(o, now()),
            organisations::version.eq(organisations::version + 1),
        ))
        .execute(conn)
        .map_err(StoreError::from)
        .map_err(conflict(o))?;
        if n == 0 {
            get(conn, id)?; // NotFound when it does not exist
            return Err(StoreError::Stale);
        }
        audit::record(
            conn,
            &audit.succeeded(
                "organisation.update",
                "organisation",
                Some(id.to_string()),
                200,
            ),
        )?;
        get(conn, id)
    })
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<OrganisationRecord> {
    organisations::table
        .filter(organisations::id.eq(DbUuid(id)))
        .select(organisations::all_columns)
        .first::<OrganisationRow>(conn)?
        .record()
}

pub fn exists(conn: &mut DbConnection, id: Uuid) -> StoreResult<bool> {
    Ok(organisations::table
        .filter(organisations::id.eq(DbUuid(id)))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

pub const SORT: &str = "name";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    Cursor::decode(raw, SORT)
}

/// Organisations sorted by name, optionally only those whose name contains `q`.
pub fn list(
    conn: &mut DbConnection,
    q: Option<&str>,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<OrganisationRecord>> {
    let mut query = organisations::table
        .select(organisations::all_columns)
        .into_boxed::<MultiBackend>();
    if let Some(q) = q {
        query = query.filter(
            organisations::name_key
                .like(crate::text::contains_pattern(q))
                .escape('\\'),
        );
    }
    if let Some(c) = after {
        query = query.filter(
            organisations::name_key
                .gt(c.key.clone())
                .or(organisations::name_key
                    .eq(c.key.clone())
                    .and(organisations::id.gt(DbUuid(c.id)))),
        );
    }
    let rows: Vec<OrganisationRow> = query
        .order((organisations::name_key.asc(), organisations::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(OrganisationRow::record)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: SORT.into(),
        key: last.organisation.name().to_lowercase(),
        id: last.id,
    }))
}

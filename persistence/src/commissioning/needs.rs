//! Learning needs: what an organisation says its staff need, per year (the Leeds report's
//! place-based Learning Needs Analysis). An organisation's client records and reads its own.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::commissioning::Need;
use domain::webhook::{Audience, EventType};
use domain::{Priority, Vocabulary};
use serde_json::json;
use uuid::Uuid;

use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError, Page, timestamp_key};
use crate::schema::learning_needs as n;
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;
use crate::webhooks::{self, Event, outbox::instant};

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct NeedRecord {
    pub id: DbUuid,
    pub organisation_id: DbUuid,
    pub year: i32,
    pub priority_code: i32,
    pub system_level: String,
    pub staff_group: String,
    pub headcount: i32,
    pub programme_id: Option<DbUuid>,
    pub notes: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set on a tombstone: a need deleted, kept so that delta sync hears of it.
    pub deleted_at: Option<NaiveDateTime>,
}

/// A need to record: the domain's checked fields, and the programme (id or slug) that
/// would meet it, if named.
#[derive(Debug, Clone)]
pub struct NeedWrite {
    pub organisation_id: Uuid,
    pub need: Need,
    pub programme: Option<String>,
}

pub fn create(
    conn: &mut DbConnection,
    w: &NeedWrite,
    audit: &AuditEntry,
) -> StoreResult<NeedRecord> {
    conn.transaction(|conn| {
        if !crate::access::organisations::exists(conn, w.organisation_id)? {
            return Err(StoreError::Invalid(
                "organisation_id".into(),
                "no organisation has this id".into(),
            ));
        }
        let programme_id = match &w.programme {
            Some(key) => Some(DbUuid(super::published_programme(conn, key, "programme")?)),
            None => None,
        };
        let id = DbUuid(Uuid::now_v7());
        let at = now();
        diesel::insert_into(n::table)
            .values((
                n::id.eq(id),
                n::organisation_id.eq(DbUuid(w.organisation_id)),
                n::year.eq(w.need.year),
                n::priority_code.eq(i32::from(w.need.priority.code())),
                n::system_level.eq(w.need.system_level.value()),
                n::staff_group.eq(&w.need.staff_group),
                n::headcount.eq(i32::try_from(w.need.headcount).unwrap_or(i32::MAX)),
                n::programme_id.eq(programme_id),
                n::notes.eq(w.need.notes.as_deref()),
                n::created_at.eq(at),
                n::updated_at.eq(at),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded(
                "learning_need.create",
                "learning_need",
                Some(id.0.to_string()),
                201,
            ),
        )?;
        webhooks::emit_one(
            conn,
            Event {
                event_type: EventType::LearningNeedRecorded,
                audience: Audience::Organisation(w.organisation_id),
                person_id: None,
                data: json!({
                    "id": id.0,
                    "organisation_id": w.organisation_id,
                    "year": w.need.year,
                    "priority": w.need.priority.code(),
                    "programme_id": programme_id.map(|p| p.0),
                    "created_at": instant(at),
                    "href": format!("/api/v1/learning-needs/{}", id.0),
                }),
            },
        )?;
        get(conn, id.0, Visibility::All)
    })
}

/// A need the caller may see, not deleted.
pub fn get(conn: &mut DbConnection, id: Uuid, visibility: Visibility) -> StoreResult<NeedRecord> {
    let row: NeedRecord = n::table
        .filter(n::id.eq(DbUuid(id)))
        .filter(n::deleted_at.is_null())
        .select(n::all_columns)
        .first(conn)?;
    if visibility.sees(Some(row.organisation_id.0)) {
        Ok(row)
    } else {
        Err(StoreError::NotFound)
    }
}

/// Deletes a need recorded in error: it leaves a tombstone (`deleted_at`), which reads
/// and reports no longer see and delta sync lists.
pub fn delete(
    conn: &mut DbConnection,
    id: Uuid,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<()> {
    conn.transaction(|conn| {
        get(conn, id, visibility)?;
        let at = now();
        diesel::update(n::table.filter(n::id.eq(DbUuid(id))))
            .set((n::deleted_at.eq(Some(at)), n::updated_at.eq(at)))
            .execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded(
                "learning_need.delete",
                "learning_need",
                Some(id.to_string()),
                204,
            ),
        )
    })
}

#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    pub year: Option<i32>,
    pub organisation_id: Option<Uuid>,
    pub priority: Option<Priority>,
    pub programme_id: Option<Uuid>,
    pub updated_since: Option<NaiveDateTime>,
}

pub const SORT: &str = "updated_at";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    page::decode_timestamp_cursor(raw, SORT)
}

/// Needs in change order (`updated_at`, id), as the caller may see them; with
/// `updated_since` (delta sync), the tombstones of deleted needs too.
pub fn list(
    conn: &mut DbConnection,
    f: &NeedFilter,
    visibility: Visibility,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<NeedRecord>> {
    let mut q = n::table.select(n::all_columns).into_boxed::<MultiBackend>();
    if let Visibility::Organisation(own) = visibility {
        q = q.filter(n::organisation_id.eq(DbUuid(own)));
    }
    if let Some(y) = f.year {
        q = q.filter(n::year.eq(y));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(n::organisation_id.eq(DbUuid(o)));
    }
    if let Some(p) = f.priority {
        q = q.filter(n::priority_code.eq(i32::from(p.code())));
    }
    if let Some(p) = f.programme_id {
        q = q.filter(n::programme_id.eq(DbUuid(p)));
    }
    match f.updated_since {
        Some(s) => q = q.filter(n::updated_at.ge(s)),
        None => q = q.filter(n::deleted_at.is_null()),
    }
    if let Some(c) = after {
        let key = c.timestamp()?;
        q = q.filter(crate::after_cursor!(n::updated_at, n::id, key, c));
    }
    let rows: Vec<NeedRecord> = q
        .order((n::updated_at.asc(), n::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    Ok(Page::from_overfetch(rows, limit, |last| Cursor {
        sort: SORT.into(),
        key: timestamp_key(last.updated_at),
        id: last.id.0,
    }))
}

//! Creating, changing and removing programmes. Each write and its audit record commit
//! together. An edit clears `seed_digest`, so the seed never overwrites it.

use diesel::prelude::*;
use domain::{Programme, Vocabulary};
use uuid::Uuid;

use super::programme_rows::{ProgrammeRecord, ProgrammeValues, replace_children};
use super::programmes::{self, ProgrammeKey};
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::programmes as table;
use crate::sql_types::DbUuid;

fn slug_conflict(p: &Programme) -> impl Fn(StoreError) -> StoreError + '_ {
    move |e| match e {
        StoreError::Conflict(_) => StoreError::Conflict(format!(
            "slug: a programme with slug '{}' already exists",
            p.slug()
        )),
        other => other,
    }
}

pub fn create(
    conn: &mut DbConnection,
    p: &Programme,
    audit: &AuditEntry,
) -> StoreResult<ProgrammeRecord> {
    conn.transaction(|conn| {
        let id = DbUuid(Uuid::now_v7());
        let at = now();
        diesel::insert_into(table::table)
            .values((
                table::id.eq(id),
                ProgrammeValues::new(p, None, at),
                table::created_at.eq(at),
            ))
            .execute(conn)
            .map_err(StoreError::from)
            .map_err(slug_conflict(p))?;
        replace_children(conn, id, p)?;
        super::version::bump(conn)?;
        audit::record(
            conn,
            &audit.succeeded("programme.create", "programme", Some(id.0.to_string()), 201),
        )?;
        let created = programmes::get(conn, &ProgrammeKey::Id(id.0))?;
        announced(conn, None, created)
    })
}

/// Replaces the programme if it is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    p: &Programme,
    audit: &AuditEntry,
) -> StoreResult<ProgrammeRecord> {
    conn.transaction(|conn| {
        let before = programmes::get(conn, &ProgrammeKey::Id(id))?
            .programme
            .status();
        let n = diesel::update(
            table::table
                .filter(table::id.eq(DbUuid(id)))
                .filter(table::version.eq(expected_version)),
        )
        .set((
            ProgrammeValues::new(p, None, now()),
            table::version.eq(table::version + 1),
        ))
        .execute(conn)
        .map_err(StoreError::from)
        .map_err(slug_conflict(p))?;
        if n == 0 {
            programmes::get(conn, &ProgrammeKey::Id(id))?;
            return Err(StoreError::Stale);
        }
        replace_children(conn, DbUuid(id), p)?;
        super::version::bump(conn)?;
        audit::record(
            conn,
            &audit.succeeded("programme.update", "programme", Some(id.to_string()), 200),
        )?;
        let updated = programmes::get(conn, &ProgrammeKey::Id(id))?;
        announced(conn, Some(before), updated)
    })
}

/// What removing a programme did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    Deleted,
    /// It has cohorts, which keep referring to it: retired instead.
    Retired(Box<ProgrammeRecord>),
}

/// Removes a programme, if still at `expected_version` when one is given: deletes it when
/// nothing refers to it, retires it when it has cohorts (or a commissioning request or
/// learning need names it).
pub fn remove(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: Option<i32>,
    audit: &AuditEntry,
) -> StoreResult<Removal> {
    conn.transaction(|conn| {
        let current = programmes::get(conn, &ProgrammeKey::Id(id))?;
        if expected_version.is_some_and(|v| v != current.version) {
            return Err(StoreError::Stale);
        }
        let version = current.version;
        let this = table::table
            .filter(table::id.eq(DbUuid(id)))
            .filter(table::version.eq(version));
        if crate::learning::cohorts::programme_has_cohorts(conn, id)?
            || crate::commissioning::programme_referenced(conn, id)?
        {
            let n = diesel::update(this)
                .set((
                    table::status.eq(domain::ProgrammeStatus::Retired.value()),
                    table::seed_digest.eq(None::<String>),
                    table::updated_at.eq(now()),
                    table::version.eq(table::version + 1),
                ))
                .execute(conn)?;
            if n == 0 {
                return Err(StoreError::Stale);
            }
            super::version::bump(conn)?;
            audit::record(
                conn,
                &audit.succeeded("programme.retire", "programme", Some(id.to_string()), 200),
            )?;
            let retired = programmes::get(conn, &ProgrammeKey::Id(id))?;
            let retired = announced(conn, Some(current.programme.status()), retired)?;
            return Ok(Removal::Retired(Box::new(retired)));
        }
        if diesel::delete(this).execute(conn)? == 0 {
            return Err(StoreError::Stale);
        }
        super::version::bump(conn)?;
        audit::record(
            conn,
            &audit.succeeded("programme.delete", "programme", Some(id.to_string()), 204),
        )?;
        Ok(Removal::Deleted)
    })
}

/// Emits `programme.published` or `programme.retired` when the write moved the programme
/// into that status (from `before`; `None` when it was just created).
fn announced(
    conn: &mut DbConnection,
    before: Option<domain::ProgrammeStatus>,
    record: ProgrammeRecord,
) -> StoreResult<ProgrammeRecord> {
    use domain::ProgrammeStatus::{Published, Retired};
    use domain::webhook::EventType;
    let status = record.programme.status();
    let event = match status {
        Published if before != Some(Published) => Some(EventType::ProgrammePublished),
        Retired if before != Some(Retired) => Some(EventType::ProgrammeRetired),
        _ => None,
    };
    if let Some(event) = event {
        crate::webhooks::emit_one(
            conn,
            crate::webhooks::Event::programme(
                event,
                record.id,
                record.programme.slug().as_str(),
                status.value(),
                record.updated_at,
            ),
        )?;
    }
    Ok(record)
}

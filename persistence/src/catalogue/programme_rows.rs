//! Programme rows and their child rows (stems, priorities, partners), and the
//! conversion between rows and the domain's `Programme`.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::{DurationInput, Programme, ProgrammeInput, Vocabulary};
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::schema::{programme_partners, programme_priorities, programme_stems, programmes};
use crate::sql_types::DbUuid;

/// A stored programme: the valid domain value plus what the store keeps about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeRecord {
    pub id: Uuid,
    pub programme: Programme,
    /// Starts at 1, incremented by every change: the ETag.
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub(crate) struct ProgrammeRow {
    pub id: DbUuid,
    pub slug: String,
    pub title: String,
    pub _title_key: String,
    pub theme: String,
    pub level: String,
    pub what: String,
    pub how: Option<String>,
    pub who: Option<String>,
    pub when_text: Option<String>,
    pub duration_min: Option<i32>,
    pub duration_max: Option<i32>,
    pub duration_unit: Option<String>,
    pub duration_cadence: Option<String>,
    pub delivery_mode: Option<String>,
    pub availability: Option<String>,
    pub status: String,
    pub _search_text: String,
    pub version: i32,
    pub _seed_digest: Option<String>,
    pub _seed_key: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = programmes)]
#[diesel(treat_none_as_null = true)]
pub(crate) struct ProgrammeValues {
    pub slug: String,
    pub title: String,
    pub title_key: String,
    pub theme: &'static str,
    pub level: &'static str,
    pub what: String,
    pub how: Option<String>,
    pub who: Option<String>,
    pub when_text: Option<String>,
    pub duration_min: Option<i32>,
    pub duration_max: Option<i32>,
    pub duration_unit: Option<&'static str>,
    pub duration_cadence: Option<String>,
    pub delivery_mode: Option<&'static str>,
    pub availability: Option<&'static str>,
    pub status: &'static str,
    pub search_text: String,
    pub seed_digest: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl ProgrammeValues {
    pub fn new(p: &Programme, seed_digest: Option<String>, now: NaiveDateTime) -> Self {
        let d = p.duration();
        let to_i32 = |v: Option<u32>| v.and_then(|n| i32::try_from(n).ok());
        Self {
            slug: p.slug().to_string(),
            title: p.title().to_owned(),
            title_key: p.title_key(),
            theme: p.theme().value(),
            level: p.level().value(),
            what: p.what().to_owned(),
            how: p.how().map(str::to_owned),
            who: p.who().map(str::to_owned),
            when_text: p.when().map(str::to_owned),
            duration_min: to_i32(d.and_then(|d| d.min())),
            duration_max: to_i32(d.and_then(|d| d.max())),
            duration_unit: d.and_then(|d| d.unit()).map(|u| u.value()),
            duration_cadence: d.and_then(|d| d.cadence()).map(str::to_owned),
            delivery_mode: p.delivery_mode().map(|d| d.value()),
            availability: p.availability().map(|a| a.value()),
            status: p.status().value(),
            search_text: p.search_text(),
            seed_digest,
            updated_at: now,
        }
    }
}

/// Child rows of a set of programmes, keyed by programme id.
#[derive(Default)]
pub(crate) struct Children {
    stems: HashMap<DbUuid, Vec<String>>,
    priorities: HashMap<DbUuid, Vec<i32>>,
    partners: HashMap<DbUuid, Vec<String>>,
}

impl Children {
    /// The child rows of the programmes `ids`, or of every programme when `ids` is `None`.
    pub fn load(conn: &mut DbConnection, ids: Option<&[DbUuid]>) -> StoreResult<Self> {
        let mut children = Children::default();
        if ids.is_some_and(<[DbUuid]>::is_empty) {
            return Ok(children);
        }
        let mut stems = programme_stems::table
            .select((programme_stems::programme_id, programme_stems::stem))
            .into_boxed::<MultiBackend>();
        let mut priorities = programme_priorities::table
            .select((
                programme_priorities::programme_id,
                programme_priorities::priority_code,
            ))
            .into_boxed::<MultiBackend>();
        let mut partners = programme_partners::table
            .order((
                programme_partners::programme_id,
                programme_partners::position,
            ))
            .select((programme_partners::programme_id, programme_partners::name))
            .into_boxed::<MultiBackend>();
        if let Some(ids) = ids {
            stems = stems.filter(programme_stems::programme_id.eq_any(ids));
            priorities = priorities.filter(programme_priorities::programme_id.eq_any(ids));
            partners = partners.filter(programme_partners::programme_id.eq_any(ids));
        }
        let stems: Vec<(DbUuid, String)> = stems.load(conn)?;
        for (id, stem) in stems {
            children.stems.entry(id).or_default().push(stem);
        }
        let priorities: Vec<(DbUuid, i32)> = priorities.load(conn)?;
        for (id, code) in priorities {
            children.priorities.entry(id).or_default().push(code);
        }
        let partners: Vec<(DbUuid, String)> = partners.load(conn)?;
        for (id, name) in partners {
            children.partners.entry(id).or_default().push(name);
        }
        Ok(children)
    }

    /// Rebuilds the domain value from a row and its children; stored data that breaks a
    /// domain rule is reported, never served.
    pub fn record(&mut self, row: ProgrammeRow) -> StoreResult<ProgrammeRecord> {
        let id = row.id;
        let duration = match (
            row.duration_min,
            row.duration_unit.as_ref(),
            row.duration_cadence.as_ref(),
        ) {
            (None, None, None) => None,
            _ => Some(DurationInput {
                min: row.duration_min.map(i64::from),
                max: row.duration_max.map(i64::from),
                unit: row.duration_unit,
                cadence: row.duration_cadence,
            }),
        };
        let input = ProgrammeInput {
            slug: Some(row.slug),
            title: Some(row.title),
            theme: Some(row.theme),
            level: Some(row.level),
            what: Some(row.what),
            how: row.how,
            who: row.who,
            when: row.when_text,
            duration,
            delivery_mode: row.delivery_mode,
            availability: row.availability,
            partners: self.partners.remove(&id).unwrap_or_default(),
            stems: self.stems.remove(&id).unwrap_or_default(),
            priorities: self
                .priorities
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|c| c.to_string())
                .collect(),
            status: Some(row.status),
        };
        let programme = Programme::parse(input)
            .map_err(|e| StoreError::Corrupt(format!("programme {}: {e}", id.0)))?;
        Ok(ProgrammeRecord {
            id: id.0,
            programme,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Loads full records for rows, keeping their order.
pub(crate) fn records(
    conn: &mut DbConnection,
    rows: Vec<ProgrammeRow>,
) -> StoreResult<Vec<ProgrammeRecord>> {
    let ids: Vec<DbUuid> = rows.iter().map(|r| r.id).collect();
    let mut children = Children::load(conn, Some(&ids))?;
    rows.into_iter().map(|r| children.record(r)).collect()
}

/// Every programme, whatever its status, with its children: four statements.
pub(crate) fn all_records(conn: &mut DbConnection) -> StoreResult<Vec<ProgrammeRecord>> {
    let rows: Vec<ProgrammeRow> = programmes::table
        .select(programmes::all_columns)
        .load(conn)?;
    let mut children = Children::load(conn, None)?;
    rows.into_iter().map(|r| children.record(r)).collect()
}

/// Writes the child rows of a programme, replacing any it had.
pub(crate) fn replace_children(
    conn: &mut DbConnection,
    id: DbUuid,
    p: &Programme,
) -> StoreResult<()> {
    diesel::delete(programme_stems::table.filter(programme_stems::programme_id.eq(id)))
        .execute(conn)?;
    diesel::delete(programme_priorities::table.filter(programme_priorities::programme_id.eq(id)))
        .execute(conn)?;
    diesel::delete(programme_partners::table.filter(programme_partners::programme_id.eq(id)))
        .execute(conn)?;
    // Row by row: multi-row VALUES is not available through the multi-backend connection.
    for stem in p.stems() {
        diesel::insert_into(programme_stems::table)
            .values((
                programme_stems::programme_id.eq(id),
                programme_stems::stem.eq(stem.value()),
            ))
            .execute(conn)?;
    }
    for priority in p.priorities() {
        diesel::insert_into(programme_priorities::table)
            .values((
                programme_priorities::programme_id.eq(id),
                programme_priorities::priority_code.eq(i32::from(priority.code())),
            ))
            .execute(conn)?;
    }
    for (position, name) in p.partners().iter().enumerate() {
        diesel::insert_into(programme_partners::table)
            .values((
                programme_partners::programme_id.eq(id),
                programme_partners::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                programme_partners::name.eq(name),
            ))
            .execute(conn)?;
    }
    Ok(())
}

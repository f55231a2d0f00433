//! A people import: an organisation's staff list, created or updated by staff number.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::Person;
use uuid::Uuid;

use crate::access::audit;
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::people;
use crate::sql_types::DbUuid;

use super::{ImportReport, RowOutcome, RowResult, Run, import};

/// A validated row of a people file.
#[derive(Debug, Clone)]
pub struct PersonLine {
    pub line: usize,
    pub person: Person,
}

/// Imports people of `organisation_id`, matched by staff number: new ones are created,
/// changed ones updated, the same left unchanged.
pub fn import_people(
    conn: &mut DbConnection,
    organisation_id: Uuid,
    lines: &[PersonLine],
    rejected: Vec<RowResult>,
    run: &Run,
) -> StoreResult<ImportReport> {
    let (audit, progress) = (run.audit, run.progress);
    import(conn, run.mode, |conn| {
        let mut results = Vec::with_capacity(rejected.len() + lines.len());
        results.extend(rejected.iter().cloned());
        let existing = crate::learning::people::by_refs(conn, organisation_id)?;
        let by_ref: HashMap<String, (Uuid, Option<Person>)> = existing
            .into_iter()
            .filter_map(|r| {
                let key = r.person.as_ref()?.external_ref()?.as_str().to_owned();
                Some((key, (r.id, r.person)))
            })
            .collect();
        let mut emails_taken: HashMap<String, Uuid> = people::table
            .filter(people::email.is_not_null())
            .select((people::email.assume_not_null(), people::id))
            .load::<(String, DbUuid)>(conn)?
            .into_iter()
            .map(|(e, id)| (e, id.0))
            .collect();
        // Borrowed from the lines, and the new people by their line's index: the file's data
        // is held once, however long it is.
        let mut refs_in_file: HashSet<&str> = HashSet::with_capacity(lines.len());
        emails_taken.reserve(lines.len());
        let at = now();
        let mut inserts: Vec<(Uuid, &Person)> = Vec::with_capacity(lines.len());
        for (n, l) in lines.iter().enumerate() {
            progress(n + 1);
            let reference = l
                .person
                .external_ref()
                .map(|r| r.as_str())
                .unwrap_or_default();
            let email = l.person.email().as_str().to_owned();
            let reject = |why: String| RowResult {
                line: l.line,
                outcome: RowOutcome::Rejected(why),
                id: None,
                status: None,
            };
            if !refs_in_file.insert(reference) {
                results.push(reject(format!(
                    "external_ref '{reference}' appears earlier in the file"
                )));
                continue;
            }
            let current = by_ref.get(reference);
            if let Some(owner) = emails_taken.get(&email)
                && current.is_none_or(|(id, _)| id != owner)
            {
                // Names no one and echoes nothing: the clash may be with someone the caller
                // cannot see.
                results.push(reject("email: this address is already in use".to_owned()));
                continue;
            }
            match current {
                None => {
                    let id = Uuid::now_v7();
                    emails_taken.insert(email, id);
                    inserts.push((id, &l.person));
                    results.push(RowResult {
                        line: l.line,
                        outcome: RowOutcome::Created,
                        id: Some(id),
                        status: None,
                    });
                }
                Some((id, Some(p))) if *p == l.person => {
                    results.push(RowResult {
                        line: l.line,
                        outcome: RowOutcome::Unchanged,
                        id: Some(*id),
                        status: None,
                    });
                }
                Some((id, _)) => {
                    emails_taken.insert(email, *id);
                    diesel::update(people::table.filter(people::id.eq(DbUuid(*id))))
                        .set((
                            people::given_name.eq(l.person.given_name()),
                            people::family_name.eq(l.person.family_name()),
                            people::email.eq(l.person.email().as_str()),
                            people::job_role.eq(l.person.job_role()),
                            people::expert_by_experience.eq(l.person.expert_by_experience()),
                            people::updated_at.eq(at),
                            people::version.eq(people::version + 1),
                        ))
                        .execute(conn)?;
                    results.push(RowResult {
                        line: l.line,
                        outcome: RowOutcome::Updated,
                        id: Some(*id),
                        status: None,
                    });
                }
            }
        }
        insert_people(conn, organisation_id, &inserts, at)?;
        results.sort_by_key(|r| r.line);
        audit::record(
            conn,
            &audit.succeeded(
                "person.import",
                "organisation",
                Some(organisation_id.to_string()),
                200,
            ),
        )?;
        Ok(results)
    })
}

type PersonInsert = (
    DbUuid,
    Option<DbUuid>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
    NaiveDateTime,
    NaiveDateTime,
);

/// Inserts the new people a thousand at a time (their values built a batch at a time).
fn insert_people(
    conn: &mut DbConnection,
    organisation_id: Uuid,
    rows: &[(Uuid, &Person)],
    at: NaiveDateTime,
) -> StoreResult<()> {
    for batch in rows.chunks(1000) {
        insert_batch(conn, organisation_id, batch, at)?;
    }
    Ok(())
}

fn insert_batch(
    conn: &mut DbConnection,
    organisation_id: Uuid,
    rows: &[(Uuid, &Person)],
    at: NaiveDateTime,
) -> StoreResult<()> {
    let values: Vec<PersonInsert> = rows
        .iter()
        .map(|(id, p)| {
            (
                DbUuid(*id),
                Some(DbUuid(organisation_id)),
                p.given_name().to_owned(),
                p.family_name().to_owned(),
                p.email().as_str().to_owned(),
                p.job_role().map(str::to_owned),
                p.external_ref().map(|r| r.as_str().to_owned()),
                p.expert_by_experience(),
                at,
                at,
            )
        })
        .collect();
    let columns = |v: &PersonInsert| {
        (
            people::id.eq(v.0),
            people::organisation_id.eq(v.1),
            people::given_name.eq(v.2.clone()),
            people::family_name.eq(v.3.clone()),
            people::email.eq(v.4.clone()),
            people::job_role.eq(v.5.clone()),
            people::external_ref.eq(v.6.clone()),
            people::expert_by_experience.eq(v.7),
            people::created_at.eq(v.8),
            people::updated_at.eq(v.9),
        )
    };
    match conn {
        // One multi-row INSERT per thousand rows (not available through the multi-backend).
        DbConnection::Postgresql(pg) => {
            let batch: Vec<_> = values.iter().map(columns).collect();
            diesel::insert_into(people::table)
                .values(batch)
                .execute(pg)?;
        }
        DbConnection::Sqlite(_) => {
            for v in &values {
                diesel::insert_into(people::table)
                    .values(columns(v))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

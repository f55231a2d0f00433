//! Bulk imports of people (an organisation's staff list) and of enrolments (a cohort's
//! roster). Each file is one transaction: every row is decided against the database and
//! the rows before it, then written — all of them, or (with `partial`) the accepted ones, or
//! (on a dry run, or when a row is rejected) none.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::enrolment::{Seats, admit};
use domain::{Admission, EnrolmentStatus, Person, Vocabulary};
use uuid::Uuid;

use super::{cohorts, seats};
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{cohorts as cohorts_t, enrolments, people};
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    pub dry_run: bool,
    /// Write the accepted rows even when some are rejected.
    pub partial: bool,
}

/// How an import runs: its mode, who runs it, and what to tell as rows are decided.
pub struct Run<'a> {
    pub mode: Mode,
    pub audit: &'a AuditEntry,
    /// Called with the number of rows decided so far.
    pub progress: &'a dyn Fn(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
    Rejected(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowResult {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub outcome: RowOutcome,
    /// The person or enrolment the row is about, when it is accepted.
    pub id: Option<Uuid>,
    /// For enrolments: `enrolled` or `waitlisted`.
    pub status: Option<EnrolmentStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: Vec<RowResult>,
    /// Whether anything was written.
    pub committed: bool,
}

impl ImportReport {
    pub fn rejected(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.outcome, RowOutcome::Rejected(_)))
            .count()
    }
}

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
        let existing = super::people::by_refs(conn, organisation_id)?;
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

/// A row of a roster file, its person found (or not).
#[derive(Debug, Clone)]
pub struct EnrolmentLine {
    pub line: usize,
    pub person_id: Uuid,
}

/// Enrols the people of a roster on a cohort in file order: seats while they last, then
/// the waitlist. People already on the cohort are left unchanged.
pub fn import_enrolments(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    lines: &[EnrolmentLine],
    rejected: Vec<RowResult>,
    visibility: Visibility,
    run: &Run,
) -> StoreResult<ImportReport> {
    let (audit, progress) = (run.audit, run.progress);
    import(conn, run.mode, |conn| {
        let mut results = rejected.clone();
        seats::lock(conn, cohort_id)?;
        let cohort = cohorts::get(conn, cohort_id)?;
        let live: HashMap<Uuid, (Uuid, String)> = enrolments::table
            .filter(enrolments::cohort_id.eq(DbUuid(cohort_id)))
            .filter(enrolments::status.eq_any([
                EnrolmentStatus::Enrolled.value(),
                EnrolmentStatus::Waitlisted.value(),
            ]))
            .select((enrolments::person_id, enrolments::id, enrolments::status))
            .load::<(DbUuid, DbUuid, String)>(conn)?
            .into_iter()
            .map(|(p, e, s)| (p.0, (e.0, s)))
            .collect();
        let ids: Vec<DbUuid> = lines.iter().map(|l| DbUuid(l.person_id)).collect();
        let mut known: HashMap<Uuid, Option<Uuid>> = HashMap::new();
        for chunk in ids.chunks(1000) {
            let rows: Vec<(DbUuid, Option<DbUuid>)> = people::table
                .filter(people::id.eq_any(chunk))
                .filter(people::erased_at.is_null())
                .select((people::id, people::organisation_id))
                .load(conn)?;
            known.extend(rows.into_iter().map(|(p, o)| (p.0, o.map(|o| o.0))));
        }
        let mut enrolled = cohort.seats.taken();
        let mut ticket: i32 = cohorts_t::table
            .filter(cohorts_t::id.eq(DbUuid(cohort_id)))
            .select(cohorts_t::next_queue_seq)
            .first(conn)?;
        let mut in_file = HashSet::new();
        let mut inserts = Vec::new();
        for (n, l) in lines.iter().enumerate() {
            progress(n + 1);
            let reject = |why: String| RowResult {
                line: l.line,
                outcome: RowOutcome::Rejected(why),
                id: None,
                status: None,
            };
            let Some(org) = known.get(&l.person_id).filter(|org| visibility.sees(**org)) else {
                results.push(reject(format!("no person {} you may enrol", l.person_id)));
                continue;
            };
            if !in_file.insert(l.person_id) {
                results.push(reject("the person appears earlier in the file".into()));
                continue;
            }
            if let Some((id, status)) = live.get(&l.person_id) {
                let status = EnrolmentStatus::parse(status).ok();
                results.push(RowResult {
                    line: l.line,
                    outcome: RowOutcome::Unchanged,
                    id: Some(*id),
                    status,
                });
                continue;
            }
            let seats = Seats {
                status: cohort.status,
                capacity: cohort.spec.capacity(),
                enrolled,
                waitlist_enabled: cohort.spec.waitlist_enabled(),
            };
            match admit(seats, None) {
                Err(refusal) => results.push(reject(refusal.to_string())),
                Ok(admission) => {
                    let id = Uuid::now_v7();
                    let (status, seq) = match admission {
                        Admission::Enrolled => {
                            enrolled += 1;
                            (EnrolmentStatus::Enrolled, None)
                        }
                        Admission::Waitlisted => {
                            ticket += 1;
                            (EnrolmentStatus::Waitlisted, Some(ticket - 1))
                        }
                    };
                    inserts.push((id, l.person_id, *org, status, seq));
                    results.push(RowResult {
                        line: l.line,
                        outcome: RowOutcome::Created,
                        id: Some(id),
                        status: Some(status),
                    });
                }
            }
        }
        diesel::update(cohorts_t::table.filter(cohorts_t::id.eq(DbUuid(cohort_id))))
            .set(cohorts_t::next_queue_seq.eq(ticket))
            .execute(conn)?;
        // Stamped as late as possible: the rows reach delta sync in commit order.
        let at = now();
        insert_enrolments(conn, cohort_id, &inserts, at)?;
        results.sort_by_key(|r| r.line);
        audit::record(
            conn,
            &audit.succeeded(
                "enrolment.import",
                "cohort",
                Some(cohort_id.to_string()),
                200,
            ),
        )?;
        Ok(results)
    })
}

type EnrolmentInsert = (Uuid, Uuid, Option<Uuid>, EnrolmentStatus, Option<i32>);

fn insert_enrolments(
    conn: &mut DbConnection,
    cohort_id: Uuid,
    rows: &[EnrolmentInsert],
    at: NaiveDateTime,
) -> StoreResult<()> {
    let columns = |(id, person, org, status, seq): &EnrolmentInsert| {
        (
            enrolments::id.eq(DbUuid(*id)),
            enrolments::cohort_id.eq(DbUuid(cohort_id)),
            enrolments::person_id.eq(DbUuid(*person)),
            enrolments::organisation_id.eq(org.map(DbUuid)),
            enrolments::status.eq(status.value()),
            enrolments::queue_seq.eq(*seq),
            enrolments::enrolled_at.eq((*status == EnrolmentStatus::Enrolled).then_some(at)),
            enrolments::created_at.eq(at),
            enrolments::updated_at.eq(at),
        )
    };
    match conn {
        DbConnection::Postgresql(pg) => {
            for chunk in rows.chunks(1000) {
                let batch: Vec<_> = chunk.iter().map(columns).collect();
                diesel::insert_into(enrolments::table)
                    .values(batch)
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(_) => {
            for r in rows {
                diesel::insert_into(enrolments::table)
                    .values(columns(r))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Runs `work` in one transaction and commits it only when `mode` and the results allow.
fn import(
    conn: &mut DbConnection,
    mode: Mode,
    work: impl FnOnce(&mut DbConnection) -> StoreResult<Vec<RowResult>>,
) -> StoreResult<ImportReport> {
    let mut decided = None;
    let outcome = conn.transaction::<(), StoreError, _>(|conn| {
        let rows = work(conn)?;
        let rejected = rows
            .iter()
            .any(|r| matches!(r.outcome, RowOutcome::Rejected(_)));
        let keep = !mode.dry_run && (!rejected || mode.partial);
        decided = Some((rows, keep));
        // Diesel's own signal to roll the transaction back.
        if keep {
            Ok(())
        } else {
            Err(StoreError::Database(
                diesel::result::Error::RollbackTransaction,
            ))
        }
    });
    match (outcome, decided) {
        (Ok(()), Some((rows, _))) => Ok(ImportReport {
            rows,
            committed: true,
        }),
        (
            Err(StoreError::Database(diesel::result::Error::RollbackTransaction)),
            Some((rows, false)),
        ) => Ok(ImportReport {
            rows,
            committed: false,
        }),
        (Err(e), _) => Err(e),
        (Ok(()), None) => Err(StoreError::Corrupt(
            "import ended without a decision".into(),
        )),
    }
}

//! A roster import: people enrolled on a cohort in file order, seats then the waitlist.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::enrolment::{Seats, admit};
use domain::webhook::EventType;
use domain::{Admission, EnrolmentStatus, Vocabulary};
use uuid::Uuid;

use crate::webhooks::{self, Event};

use crate::access::audit;
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::learning::{cohorts, seats};
use crate::schema::{cohorts as cohorts_t, enrolments, people};
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

use super::{ImportReport, RowOutcome, RowResult, Run, import};

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
        seats::recount(conn, cohort_id)?;
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
    let values: Vec<_> = rows.iter().map(columns).collect();
    crate::insert_rows!(&mut *conn, enrolments::table, values);
    let events: Vec<Event> = rows
        .iter()
        .map(|(id, person, org, status, _)| {
            Event::enrolment_parts(
                EventType::EnrolmentCreated,
                *id,
                cohort_id,
                *person,
                *org,
                status.value(),
                at,
            )
        })
        .collect();
    webhooks::emit(conn, &events)
}

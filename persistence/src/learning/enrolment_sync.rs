//! The HR pull: enrolments with what an HR system needs about each (staff number,
//! programme, cohort, priorities), filtered and in change order, in keyset pages.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::{EnrolmentStatus, Priority, Vocabulary};
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError, Page, timestamp_key};
use crate::schema::{
    cohort_priorities, cohorts as cohorts_t, enrolments, people as people_t, programmes,
};
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

use super::enrolments::{EnrolmentRecord, EnrolmentRow};

/// One row of the HR pull: an enrolment with what an HR system needs about it.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrolmentView {
    pub enrolment: EnrolmentRecord,
    /// `None` when the person has no reference or has been erased.
    pub person_external_ref: Option<String>,
    pub person_erased: bool,
    pub programme_id: Uuid,
    pub programme_slug: String,
    pub programme_title: String,
    pub cohort_label: String,
    pub cohort_start_date: NaiveDate,
    pub cohort_end_date: NaiveDate,
    pub priorities: Vec<Priority>,
}

#[derive(Debug, Clone, Default)]
pub struct EnrolmentFilter {
    pub organisation_id: Option<Uuid>,
    pub cohort_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    pub statuses: Vec<EnrolmentStatus>,
    pub person_external_ref: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    /// Rows changed at or after this instant are left for the next call: writes still in
    /// flight could commit with an earlier `updated_at` and would otherwise be skipped.
    pub settled_before: Option<NaiveDateTime>,
}

pub const SORT: &str = "updated_at";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    page::decode_timestamp_cursor(raw, SORT)
}

type ViewRow = (EnrolmentRow, Option<String>, Option<NaiveDateTime>);

/// What the HR view shows of a cohort and its programme.
#[derive(Clone)]
struct CohortInfo {
    programme_id: Uuid,
    programme_slug: String,
    programme_title: String,
    label: String,
    start: NaiveDate,
    end: NaiveDate,
}

fn cohort_info(
    conn: &mut DbConnection,
    ids: &[DbUuid],
) -> StoreResult<HashMap<DbUuid, CohortInfo>> {
    let rows: Vec<(DbUuid, DbUuid, String, String, String, NaiveDate, NaiveDate)> =
        cohorts_t::table
            .inner_join(programmes::table)
            .filter(cohorts_t::id.eq_any(ids))
            .select((
                cohorts_t::id,
                programmes::id,
                programmes::slug,
                programmes::title,
                cohorts_t::label,
                cohorts_t::start_date,
                cohorts_t::end_date,
            ))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, programme_id, programme_slug, programme_title, label, start, end)| {
                (
                    id,
                    CohortInfo {
                        programme_id: programme_id.0,
                        programme_slug,
                        programme_title,
                        label,
                        start,
                        end,
                    },
                )
            },
        )
        .collect())
}

/// The HR pull: enrolments matching `f`, in change order `(updated_at, id)`. Each row joins
/// only its person; cohort and programme details come from one query per page.
pub fn list(
    conn: &mut DbConnection,
    f: &EnrolmentFilter,
    visibility: Visibility,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<EnrolmentView>> {
    let mut q = enrolments::table
        .inner_join(people_t::table)
        .select((
            enrolments::all_columns,
            people_t::external_ref,
            people_t::erased_at,
        ))
        .into_boxed::<MultiBackend>();
    if let Visibility::Organisation(own) = visibility {
        q = q.filter(enrolments::organisation_id.eq(DbUuid(own)));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(enrolments::organisation_id.eq(DbUuid(o)));
    }
    if let Some(c) = f.cohort_id {
        q = q.filter(enrolments::cohort_id.eq(DbUuid(c)));
    }
    if let Some(p) = f.programme_id {
        q = q.filter(
            enrolments::cohort_id.eq_any(
                cohorts_t::table
                    .filter(cohorts_t::programme_id.eq(DbUuid(p)))
                    .select(cohorts_t::id),
            ),
        );
    }
    if !f.statuses.is_empty() {
        q = q.filter(
            enrolments::status.eq_any(f.statuses.iter().map(|s| s.value()).collect::<Vec<_>>()),
        );
    }
    if let Some(r) = &f.person_external_ref {
        q = q.filter(people_t::external_ref.eq(r.clone()));
    }
    if let Some(s) = f.updated_since {
        q = q.filter(enrolments::updated_at.ge(s));
    }
    if let Some(s) = f.settled_before {
        q = q.filter(enrolments::updated_at.lt(s));
    }
    if let Some(c) = after {
        let key = c.timestamp()?;
        q = q.filter(crate::after_cursor!(
            enrolments::updated_at,
            enrolments::id,
            key,
            c
        ));
    }
    let rows: Vec<ViewRow> = q
        .order((enrolments::updated_at.asc(), enrolments::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    let cohort_ids: Vec<DbUuid> = rows
        .iter()
        .map(|r| r.0.cohort_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let info = cohort_info(conn, &cohort_ids)?;
    let priorities = priorities_of(conn, &cohort_ids)?;
    let items = rows
        .into_iter()
        .map(|(row, external_ref, erased_at)| {
            let cohort = row.cohort_id;
            let c = info
                .get(&cohort)
                .cloned()
                .ok_or_else(|| StoreError::Corrupt(format!("cohort {}", cohort.0)))?;
            // The HR view carries no waitlist position (it would cost a query per row).
            Ok(EnrolmentView {
                enrolment: row.record(None)?,
                person_external_ref: external_ref,
                person_erased: erased_at.is_some(),
                programme_id: c.programme_id,
                programme_slug: c.programme_slug,
                programme_title: c.programme_title,
                cohort_label: c.label,
                cohort_start_date: c.start,
                cohort_end_date: c.end,
                priorities: priorities.get(&cohort).cloned().unwrap_or_default(),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: SORT.into(),
        key: timestamp_key(last.enrolment.updated_at),
        id: last.enrolment.id,
    }))
}

fn priorities_of(
    conn: &mut DbConnection,
    cohort_ids: &[DbUuid],
) -> StoreResult<HashMap<DbUuid, Vec<Priority>>> {
    let rows: Vec<(DbUuid, i32)> = cohort_priorities::table
        .filter(cohort_priorities::cohort_id.eq_any(cohort_ids))
        .order((
            cohort_priorities::cohort_id,
            cohort_priorities::priority_code,
        ))
        .select((
            cohort_priorities::cohort_id,
            cohort_priorities::priority_code,
        ))
        .load(conn)?;
    let mut map: HashMap<DbUuid, Vec<Priority>> = HashMap::new();
    for (id, code) in rows {
        if let Some(p) = Priority::from_code(i64::from(code)) {
            map.entry(id).or_default().push(p);
        }
    }
    Ok(map)
}

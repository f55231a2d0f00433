//! The learning report's counts: enrolments of the cohorts that start in the period
//! (offered: open, running or completed), grouped by up to two dimensions, in one query;
//! and, when the grouping is by cohorts alone and the caller sees every organisation, the
//! seats those cohorts offered, in a second. Every value put into the SQL text comes from a
//! parsed, typed value (a date, a UUID, a vocabulary value, a priority code).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use domain::report::{Counts, Dimension, label_of};
use domain::{Priority, SystemLevel, Theme};
use uuid::Uuid;

pub use super::learning_sql::enrolment_sql;
use super::learning_sql::{cohort_sql, with_seats};

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::visibility::Visibility;

/// Cohorts starting from the first day to the second, both included.
pub type Period = (NaiveDate, NaiveDate);

/// The report's filters, as elsewhere: a programme, a priority, an organisation, a theme,
/// a system level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearningFilter {
    pub programme_id: Option<Uuid>,
    pub priority: Option<Priority>,
    pub organisation_id: Option<Uuid>,
    pub theme: Option<Theme>,
    pub level: Option<SystemLevel>,
}

/// One dimension of a group's key: its value (`None`: people of no organisation) and label.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyPart {
    pub dimension: Dimension,
    pub value: Option<String>,
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: Vec<KeyPart>,
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LearningCounts {
    pub totals: Counts,
    /// In key order.
    pub groups: Vec<Group>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Nullable<Text>)]
    k1: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    l1: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    k2: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    l2: Option<String>,
    #[diesel(sql_type = BigInt)]
    learners: i64,
    #[diesel(sql_type = BigInt)]
    enrolments: i64,
    #[diesel(sql_type = BigInt)]
    waitlisted: i64,
    #[diesel(sql_type = BigInt)]
    withdrawn: i64,
    #[diesel(sql_type = BigInt)]
    completed: i64,
    #[diesel(sql_type = BigInt)]
    not_completed: i64,
    #[diesel(sql_type = BigInt)]
    seated: i64,
    #[diesel(sql_type = BigInt)]
    present: i64,
    #[diesel(sql_type = BigInt)]
    absent: i64,
    #[diesel(sql_type = BigInt)]
    cohorts: i64,
    /// 1 on the totals' row of a one-pass grouping.
    #[diesel(sql_type = Integer)]
    g: i32,
}

#[derive(QueryableByName)]
struct CohortRow {
    #[diesel(sql_type = Nullable<Text>)]
    k1: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    k2: Option<String>,
    #[diesel(sql_type = BigInt)]
    cohorts: i64,
    #[diesel(sql_type = BigInt)]
    seats: i64,
    #[diesel(sql_type = Nullable<Text>)]
    l1: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    l2: Option<String>,
    #[diesel(sql_type = Integer)]
    g: i32,
}

pub(super) fn load<
    T: QueryableByName<diesel::pg::Pg> + QueryableByName<diesel::sqlite::Sqlite> + 'static,
>(
    conn: &mut DbConnection,
    sql: impl Fn(bool) -> String,
) -> StoreResult<Vec<T>> {
    Ok(match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(sql(true)).load(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query(sql(false)).load(lite)?,
    })
}

fn counts_of(r: &Row) -> Counts {
    Counts {
        learners: r.learners,
        enrolments: r.enrolments,
        waitlisted: r.waitlisted,
        withdrawn: r.withdrawn,
        completed: r.completed,
        not_completed: r.not_completed,
        seated: r.seated,
        present: r.present,
        absent: r.absent,
        cohorts: r.cohorts,
        seats_offered: None,
    }
}

/// The values of a group's (up to two) dimensions; their labels have the same shape.
type Key = (Option<String>, Option<String>);

/// A group's key, labels and counts.
type KeyedCounts = (Key, Key, Counts);

/// One grouping's counts (`dims` empty: the totals) in one query, and its cohorts' seats in
/// a second when the grouping is by cohorts alone and `visibility` sees every organisation
/// (an organisation's client learns nothing of others' seats taken). With `totals`, on
/// PostgreSQL, the same queries also give the totals (`None` otherwise).
fn grouping(
    conn: &mut DbConnection,
    dims: &[Dimension],
    period: Period,
    f: &LearningFilter,
    v: Visibility,
    totals: bool,
) -> StoreResult<(Option<Counts>, Vec<KeyedCounts>)> {
    let rows: Vec<Row> = load(conn, |pg| enrolment_sql(dims, period, f, v, pg, totals))?;
    let mut total = None;
    let mut groups: BTreeMap<Key, (Key, Counts)> = BTreeMap::new();
    for r in &rows {
        if r.g == 1 {
            total = Some(counts_of(r));
        } else {
            let key = (r.k1.clone(), r.k2.clone());
            groups.insert(key, ((r.l1.clone(), r.l2.clone()), counts_of(r)));
        }
    }
    if with_seats(dims, f, v) {
        let cohorts: Vec<CohortRow> = load(conn, |pg| cohort_sql(dims, period, f, pg, totals))?;
        for c in cohorts {
            let entry = if c.g == 1 {
                total.get_or_insert_with(Counts::default)
            } else {
                // A group with no enrolments is known by its cohorts alone: label it.
                let (labels, counts) = groups.entry((c.k1, c.k2)).or_default();
                labels.0 = labels.0.take().or(c.l1);
                labels.1 = labels.1.take().or(c.l2);
                counts
            };
            entry.cohorts = c.cohorts;
            entry.seats_offered = Some(c.seats);
        }
    }
    Ok((
        total,
        groups.into_iter().map(|(k, (l, c))| (k, l, c)).collect(),
    ))
}

/// The learning report's counts over `period`, grouped by `dims` (one or two), with totals.
/// Call inside a read snapshot, so that the queries see one state.
pub fn counts(
    conn: &mut DbConnection,
    dims: &[Dimension],
    period: Period,
    f: &LearningFilter,
    v: Visibility,
) -> StoreResult<LearningCounts> {
    // On PostgreSQL one pass gives the groups and the totals (GROUPING SETS), unless the
    // groups are priorities: their join repeats a cohort's rows once per priority.
    let one_pass = matches!(conn, DbConnection::Postgresql(_))
        && !dims.is_empty()
        && !dims.contains(&Dimension::Priority);
    let (totals, rows) = grouping(conn, dims, period, f, v, one_pass)?;
    let mut totals = match totals {
        Some(t) => t,
        None if one_pass => Counts::default(),
        None => grouping(conn, &[], period, f, v, false)?
            .1
            .into_iter()
            .next()
            .map(|(_, _, c)| c)
            .unwrap_or_default(),
    };
    if one_pass && with_seats(&[], f, v) && !with_seats(dims, f, v) {
        // Groups of learners have no seats; the totals do.
        let all: Vec<CohortRow> = load(conn, |pg| cohort_sql(&[], period, f, pg, false))?;
        if let Some(c) = all.into_iter().next() {
            totals.cohorts = c.cohorts;
            totals.seats_offered = Some(c.seats);
        }
    }
    Ok(LearningCounts {
        totals,
        groups: keyed(dims, rows),
    })
}

/// The groups alone, in key order (people of no organisation last).
pub fn groups(
    conn: &mut DbConnection,
    dims: &[Dimension],
    period: Period,
    f: &LearningFilter,
    v: Visibility,
) -> StoreResult<Vec<Group>> {
    Ok(keyed(dims, grouping(conn, dims, period, f, v, false)?.1))
}

/// The groups with their keys labelled, in key order (people of no organisation last).
fn keyed(dims: &[Dimension], rows: Vec<KeyedCounts>) -> Vec<Group> {
    let mut groups: Vec<Group> = rows
        .into_iter()
        .map(|((k1, k2), (l1, l2), counts)| {
            let key = dims
                .iter()
                .zip([(k1, l1), (k2, l2)])
                .map(|(&dimension, (value, label))| KeyPart {
                    dimension,
                    label: label.or_else(|| value.as_deref().map(|v| label_of(dimension, v))),
                    value,
                })
                .collect();
            Group { key, counts }
        })
        .collect();
    let order = |g: &Group| -> Vec<(bool, Option<String>)> {
        g.key
            .iter()
            .map(|k| (k.value.is_none(), k.value.clone()))
            .collect()
    };
    groups.sort_by_key(order);
    groups
}

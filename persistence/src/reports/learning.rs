//! The learning report's counts: enrolments of the cohorts that start in the period
//! (offered: open, running or completed), grouped by up to two dimensions, in one query;
//! and, when the grouping is by cohorts alone and the caller sees every organisation, the
//! seats those cohorts offered, in a second. Every value put into the SQL text comes from a
//! parsed, typed value (a date, a UUID, a vocabulary value, a priority code).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use domain::report::{Counts, Dimension, label_of};
use domain::{CohortStatus, EnrolmentStatus, Priority, SystemLevel, Theme, Vocabulary};
use uuid::Uuid;

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
}

/// The SQL of a dimension's value and label (`None`: labelled in Rust, or its own label).
fn key_sql(d: Dimension, pg: bool) -> (&'static str, Option<&'static str>) {
    match d {
        Dimension::Programme => ("p.slug", Some("p.title")),
        Dimension::Theme => ("p.theme", None),
        Dimension::Level => ("p.level", None),
        Dimension::Priority => ("CAST(cp.priority_code AS TEXT)", None),
        Dimension::Organisation => ("CAST(e.organisation_id AS TEXT)", Some("o.name")),
        Dimension::OrganisationKind => ("o.kind", None),
        Dimension::Cohort => ("CAST(c.id AS TEXT)", Some("c.label")),
        Dimension::Month if pg => ("to_char(c.start_date, 'YYYY-MM')", None),
        Dimension::Month => ("strftime('%Y-%m', c.start_date)", None),
        Dimension::Quarter if pg => ("to_char(c.start_date, 'YYYY-\"Q\"Q')", None),
        Dimension::Quarter => (
            "(strftime('%Y', c.start_date) || '-Q' || \
             ((CAST(strftime('%m', c.start_date) AS INTEGER) + 2) / 3))",
            None,
        ),
    }
}

/// The SELECT list of the keys and the GROUP BY of a grouping.
fn keys(dims: &[Dimension], pg: bool, labels: bool) -> (String, String) {
    let mut select = Vec::new();
    let mut group = Vec::new();
    for i in 0..2 {
        let (k, l) = dims.get(i).map_or(("CAST(NULL AS TEXT)", None), |d| {
            let (k, l) = key_sql(*d, pg);
            group.push(k);
            group.extend(l);
            (k, l)
        });
        select.push(format!("{k} AS k{}", i + 1));
        if labels {
            select.push(format!(
                "{} AS l{}",
                l.unwrap_or("CAST(NULL AS TEXT)"),
                i + 1
            ));
        }
    }
    let group = if group.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", group.join(", "))
    };
    (select.join(", "), group)
}

/// The cohorts a report covers, and their programme's filters.
pub(super) fn cohort_conditions(period: Period, f: &LearningFilter) -> Vec<String> {
    let offered = [
        CohortStatus::Open,
        CohortStatus::Running,
        CohortStatus::Completed,
    ]
    .map(|s| format!("'{}'", s.value()))
    .join(", ");
    let mut w = vec![
        format!("c.status IN ({offered})"),
        format!("c.start_date >= '{}'", period.0.format("%Y-%m-%d")),
        format!("c.start_date <= '{}'", period.1.format("%Y-%m-%d")),
    ];
    if let Some(p) = f.programme_id {
        w.push(format!("c.programme_id = '{}'", p.hyphenated()));
    }
    if let Some(t) = f.theme {
        w.push(format!("p.theme = '{}'", t.value()));
    }
    if let Some(l) = f.level {
        w.push(format!("p.level = '{}'", l.value()));
    }
    if let Some(p) = f.priority {
        w.push(format!(
            "EXISTS (SELECT 1 FROM cohort_priorities x WHERE x.cohort_id = c.id \
             AND x.priority_code = {})",
            p.code()
        ));
    }
    w
}

/// The learners counted: of the filter's organisation, and of the caller's own.
pub(super) fn learner_conditions(column: &str, f: &LearningFilter, v: Visibility) -> Vec<String> {
    let own = match v {
        Visibility::All => None,
        Visibility::Organisation(own) => Some(own),
    };
    [f.organisation_id, own]
        .into_iter()
        .flatten()
        .map(|org| format!("{column} = '{}'", org.hyphenated()))
        .collect()
}

pub(super) fn status_in(statuses: &[EnrolmentStatus]) -> String {
    let list: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.value()))
        .collect();
    format!("e.status IN ({})", list.join(", "))
}

/// True when the grouping's seats (and cohorts) come from the cohorts themselves: grouped by
/// the cohorts' own dimensions, for a caller who sees every organisation.
fn with_seats(dims: &[Dimension], f: &LearningFilter, v: Visibility) -> bool {
    v == Visibility::All && f.organisation_id.is_none() && !dims.iter().any(|d| d.of_learners())
}

/// The query of one grouping's enrolment counts (public for the benchmark's `EXPLAIN`). The
/// cohorts are counted here only when the cohorts' own query does not count them: a
/// distinct count costs a sort of every row.
pub fn enrolment_sql(
    dims: &[Dimension],
    period: Period,
    f: &LearningFilter,
    v: Visibility,
    pg: bool,
) -> String {
    let cohorts = if with_seats(dims, f, v) {
        "CAST(0 AS BIGINT)"
    } else {
        "COUNT(DISTINCT c.id)"
    };
    use EnrolmentStatus::{Completed, Enrolled, NotCompleted, Waitlisted, Withdrawn};
    let seated = status_in(&[Enrolled, Completed, NotCompleted]);
    let (select, group) = keys(dims, pg, true);
    let sum = |cond: String| format!("COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0)");
    let mut w = cohort_conditions(period, f);
    w.extend(learner_conditions("e.organisation_id", f, v));
    let organisations = dims.iter().any(|d| d.of_learners());
    let priorities = dims.contains(&Dimension::Priority);
    format!(
        "SELECT {select}, \
             COUNT(DISTINCT CASE WHEN {seated} THEN e.person_id END) AS learners, \
             COUNT(*) AS enrolments, {waitlisted} AS waitlisted, {withdrawn} AS withdrawn, \
             {completed} AS completed, {not_completed} AS not_completed, {seats} AS seated, \
             COALESCE(SUM(e.present_count), 0) AS present, \
             COALESCE(SUM(e.absent_count), 0) AS absent, \
             {cohorts} AS cohorts \
         FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id \
         JOIN programmes p ON p.id = c.programme_id{orgs}{prios} \
         WHERE {w}{group}",
        waitlisted = sum(status_in(&[Waitlisted])),
        withdrawn = sum(status_in(&[Withdrawn])),
        completed = sum(status_in(&[Completed])),
        not_completed = sum(status_in(&[NotCompleted])),
        seats = sum(seated.clone()),
        orgs = if organisations {
            " LEFT JOIN organisations o ON o.id = e.organisation_id"
        } else {
            ""
        },
        prios = if priorities {
            " JOIN cohort_priorities cp ON cp.cohort_id = c.id"
        } else {
            ""
        },
        w = w.join(" AND "),
    )
}

fn cohort_sql(dims: &[Dimension], period: Period, f: &LearningFilter, pg: bool) -> String {
    let (select, group) = keys(dims, pg, false);
    format!(
        "SELECT {select}, COUNT(*) AS cohorts, COALESCE(SUM(c.capacity), 0) AS seats \
         FROM cohorts c JOIN programmes p ON p.id = c.programme_id{prios} WHERE {w}{group}",
        prios = if dims.contains(&Dimension::Priority) {
            " JOIN cohort_priorities cp ON cp.cohort_id = c.id"
        } else {
            ""
        },
        w = cohort_conditions(period, f).join(" AND "),
    )
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

/// Counts one grouping (`dims` empty: the totals) in one query, and its cohorts' seats in a
/// second when the grouping is by cohorts alone and `visibility` sees every organisation
/// (an organisation's client learns nothing of others' seats taken).
fn grouping(
    conn: &mut DbConnection,
    dims: &[Dimension],
    period: Period,
    f: &LearningFilter,
    v: Visibility,
) -> StoreResult<Vec<(Key, Key, Counts)>> {
    let rows: Vec<Row> = load(conn, |pg| enrolment_sql(dims, period, f, v, pg))?;
    let mut groups: BTreeMap<Key, (Key, Counts)> = rows
        .iter()
        .map(|r| {
            (
                (r.k1.clone(), r.k2.clone()),
                ((r.l1.clone(), r.l2.clone()), counts_of(r)),
            )
        })
        .collect();
    if with_seats(dims, f, v) {
        let cohorts: Vec<CohortRow> = load(conn, |pg| cohort_sql(dims, period, f, pg))?;
        for c in cohorts {
            let entry = groups.entry((c.k1, c.k2)).or_default();
            entry.1.cohorts = c.cohorts;
            entry.1.seats_offered = Some(c.seats);
        }
    }
    Ok(groups.into_iter().map(|(k, (l, c))| (k, l, c)).collect())
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
    let totals = grouping(conn, &[], period, f, v)?
        .into_iter()
        .next()
        .map(|(_, _, c)| c)
        .unwrap_or_default();
    Ok(LearningCounts {
        totals,
        groups: groups(conn, dims, period, f, v)?,
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
    let mut groups: Vec<Group> = grouping(conn, dims, period, f, v)?
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
    Ok(groups)
}

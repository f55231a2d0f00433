//! The learning report's SQL: each dimension's key and label, the cohorts a period covers,
//! the learners a caller counts, and the two queries (enrolments, cohorts' seats). Every
//! value put into the text comes from a parsed, typed value.

use domain::report::Dimension;
use domain::{CohortStatus, EnrolmentStatus, Vocabulary};

use super::learning::{LearningFilter, Period};
use crate::visibility::Visibility;

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
        Dimension::Month if pg => (
            "to_char(date_trunc('month', c.start_date), 'YYYY-MM')",
            None,
        ),
        Dimension::Month => ("strftime('%Y-%m', c.start_date)", None),
        Dimension::Quarter if pg => (
            "to_char(date_trunc('quarter', c.start_date), 'YYYY-\"Q\"Q')",
            None,
        ),
        Dimension::Quarter => (
            "(strftime('%Y', c.start_date) || '-Q' || \
             ((CAST(strftime('%m', c.start_date) AS INTEGER) + 2) / 3))",
            None,
        ),
    }
}

/// What a dimension is grouped by: its column itself where its value is a cast of one (a
/// UUID or a code sorts faster than its text), and a month or quarter as a timestamp.
fn group_sql(d: Dimension, pg: bool) -> &'static str {
    match d {
        Dimension::Priority => "cp.priority_code",
        Dimension::Organisation => "e.organisation_id",
        Dimension::Cohort => "c.id",
        // A timestamp sorts faster than the text made of it.
        Dimension::Month if pg => "date_trunc('month', c.start_date)",
        Dimension::Quarter if pg => "date_trunc('quarter', c.start_date)",
        _ => key_sql(d, pg).0,
    }
}

/// The SELECT list of the keys and the GROUP BY of a grouping. With `totals` (PostgreSQL
/// only), the same pass also gives the totals: `GROUPING SETS ((keys), ())`, the totals' row
/// marked `g = 1`.
fn keys(dims: &[Dimension], pg: bool, labels: bool, totals: bool) -> (String, String) {
    let mut select = Vec::new();
    let mut group = Vec::new();
    for i in 0..2 {
        let (k, l) = dims.get(i).map_or(("CAST(NULL AS TEXT)", None), |d| {
            let (k, l) = key_sql(*d, pg);
            group.push(group_sql(*d, pg));
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
    let sets = totals && pg && !group.is_empty();
    select.push(if sets {
        format!("GROUPING({}) AS g", group[0])
    } else {
        "0 AS g".to_owned()
    });
    let group = match (group.is_empty(), sets) {
        (true, _) => String::new(),
        (false, true) => format!(" GROUP BY GROUPING SETS (({}), ())", group.join(", ")),
        (false, false) => format!(" GROUP BY {}", group.join(", ")),
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

/// The same, as one condition (`1 = 1`: everyone).
pub(super) fn own_sql(column: &str, f: &LearningFilter, v: Visibility) -> String {
    let w = learner_conditions(column, f, v);
    if w.is_empty() {
        "1 = 1".to_owned()
    } else {
        w.join(" AND ")
    }
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
pub(super) fn with_seats(dims: &[Dimension], f: &LearningFilter, v: Visibility) -> bool {
    v == Visibility::All && f.organisation_id.is_none() && !dims.iter().any(|d| d.of_learners())
}

/// The query of one grouping's enrolment counts, and with `totals` its totals in the same
/// pass on PostgreSQL (public for the benchmark's `EXPLAIN`). The cohorts are counted here
/// only when the cohorts' own query does not count them: a distinct count costs a sort of
/// every row.
pub fn enrolment_sql(
    dims: &[Dimension],
    period: Period,
    f: &LearningFilter,
    v: Visibility,
    pg: bool,
    totals: bool,
) -> String {
    let cohorts = if with_seats(dims, f, v) {
        "CAST(0 AS BIGINT)"
    } else {
        "COUNT(DISTINCT c.id)"
    };
    use EnrolmentStatus::{Completed, Enrolled, NotCompleted, Waitlisted, Withdrawn};
    let seated = status_in(&[Enrolled, Completed, NotCompleted]);
    let (select, group) = keys(dims, pg, true, totals);
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

pub(super) fn cohort_sql(
    dims: &[Dimension],
    period: Period,
    f: &LearningFilter,
    pg: bool,
    totals: bool,
) -> String {
    let (select, group) = keys(dims, pg, true, totals);
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

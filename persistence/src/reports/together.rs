//! Learning together, the board's headline: of the people seated in the period's cohorts,
//! those whose cohort mixed staff of two or more organisations; how many organisations and
//! kinds each cohort mixed; and which kinds learned together. Two queries, in one read
//! snapshot.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Nullable, Text};
use domain::EnrolmentStatus::{Completed, Enrolled, NotCompleted};

use super::learning::{LearningFilter, Period, load};
use super::learning_sql::{cohort_conditions, own_sql, status_in};
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::visibility::Visibility;

/// The headline counts (people, except organisations and cohorts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Headline {
    /// Distinct people seated in a covered cohort.
    pub learners: i64,
    /// Of them, those seated in a cohort that mixed two or more organisations.
    pub learners_together: i64,
    pub organisations: i64,
    /// Organisations with staff in a mixed cohort.
    pub organisations_together: i64,
    pub cohorts: i64,
    pub cohorts_mixed: i64,
}

/// One cohort: its learners (the caller's), and the organisations and kinds it mixed (all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortMix {
    pub cohort_id: String,
    pub label: String,
    pub programme_slug: String,
    pub programme_title: String,
    pub start_date: NaiveDate,
    pub learners: i64,
    pub organisations: i64,
    pub kinds: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Together {
    pub headline: Headline,
    /// By start date, then id.
    pub cohorts: Vec<CohortMix>,
    /// (kind, other kind) → cohorts in which staff of the first learned with staff of another
    /// organisation of the second; both orders are given.
    pub kinds: BTreeMap<(String, String), i64>,
}

/// One cohort and kind of organisation (`None`: people of no organisation): its labels, the
/// organisations of that kind with seats, and the caller's own learners of it.
#[derive(QueryableByName)]
struct KindRow {
    #[diesel(sql_type = Text)]
    cohort_id: String,
    #[diesel(sql_type = Text)]
    label: String,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Date)]
    start_date: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    kind: Option<String>,
    #[diesel(sql_type = BigInt)]
    organisations: i64,
    #[diesel(sql_type = BigInt)]
    own: i64,
}

#[derive(QueryableByName)]
struct PeopleRow {
    #[diesel(sql_type = BigInt)]
    learners: i64,
    #[diesel(sql_type = BigInt)]
    learners_together: i64,
    #[diesel(sql_type = BigInt)]
    organisations: i64,
    #[diesel(sql_type = BigInt)]
    organisations_together: i64,
}

/// The seats of the period's cohorts.
fn seats(period: Period, f: &LearningFilter) -> String {
    let mut w = cohort_conditions(period, f);
    w.push(status_in(&[Enrolled, Completed, NotCompleted]));
    w.join(" AND ")
}

/// The learning-together report's counts over `period`, in two queries: each cohort by kind
/// of organisation (one pass in the index's cohort order), then the distinct people and
/// organisations, marked by whether their cohort mixed. Call inside a read snapshot.
pub fn counts(
    conn: &mut DbConnection,
    period: Period,
    f: &LearningFilter,
    v: Visibility,
) -> StoreResult<Together> {
    let (seats, own) = (seats(period, f), own_sql("e.organisation_id", f, v));
    // Grouped by the keys alone: the labels depend on them (PostgreSQL knows it from the
    // primary keys), and wide text sorts slowly.
    let kind_rows: Vec<KindRow> = load(conn, |_| {
        format!(
            "SELECT CAST(c.id AS TEXT) AS cohort_id, c.label, p.slug, p.title, c.start_date, o.kind, \
                 COUNT(DISTINCT e.organisation_id) AS organisations, \
                 COUNT(DISTINCT CASE WHEN {own} THEN e.person_id END) AS own \
             FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id \
             JOIN programmes p ON p.id = c.programme_id \
             LEFT JOIN organisations o ON o.id = e.organisation_id \
             WHERE {seats} GROUP BY c.id, p.id, o.kind"
        )
    })?;
    let (cohorts, kinds) = assemble(kind_rows);
    // Cohort ids as parsed UUIDs: the SQL text takes typed values only.
    let mixed: Vec<String> = cohorts
        .iter()
        .filter(|c| c.organisations >= 2)
        .filter_map(|c| c.cohort_id.parse::<uuid::Uuid>().ok())
        .map(|id| format!("'{}'", id.hyphenated()))
        .collect();
    let in_mixed = if mixed.is_empty() {
        "1 = 0".to_owned()
    } else {
        format!("e.cohort_id IN ({})", mixed.join(", "))
    };
    let people: Vec<PeopleRow> = load(conn, |_| {
        format!(
            "SELECT COUNT(DISTINCT person_id) AS learners, \
                 COUNT(DISTINCT CASE WHEN t = 1 THEN person_id END) AS learners_together, \
                 COUNT(DISTINCT org) AS organisations, \
                 COUNT(DISTINCT CASE WHEN t = 1 THEN org END) AS organisations_together \
             FROM (SELECT e.person_id, e.organisation_id AS org, \
                     MAX(CASE WHEN {in_mixed} THEN 1 ELSE 0 END) AS t \
                 FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id \
                 JOIN programmes p ON p.id = c.programme_id \
                 WHERE {seats} AND {own} GROUP BY e.person_id, e.organisation_id) x"
        )
    })?;
    let people = people.into_iter().next();
    let headline = Headline {
        learners: people.as_ref().map_or(0, |p| p.learners),
        learners_together: people.as_ref().map_or(0, |p| p.learners_together),
        organisations: people.as_ref().map_or(0, |p| p.organisations),
        organisations_together: people.as_ref().map_or(0, |p| p.organisations_together),
        cohorts: cohorts.len() as i64,
        cohorts_mixed: cohorts.iter().filter(|c| c.organisations >= 2).count() as i64,
    };
    Ok(Together {
        headline,
        cohorts,
        kinds,
    })
}

/// A kind of organisation in a cohort: its organisations there, and the caller's learners.
type KindSeats = (String, i64, i64);

/// The cohorts with the caller's learners (by start date, then id), and the kind matrix.
fn assemble(rows: Vec<KindRow>) -> (Vec<CohortMix>, BTreeMap<(String, String), i64>) {
    let mut by_cohort: BTreeMap<String, (CohortMix, Vec<KindSeats>)> = BTreeMap::new();
    for r in rows {
        let entry = by_cohort.entry(r.cohort_id.clone()).or_insert_with(|| {
            let mix = CohortMix {
                cohort_id: r.cohort_id,
                label: r.label,
                programme_slug: r.slug,
                programme_title: r.title,
                start_date: r.start_date,
                learners: 0,
                organisations: 0,
                kinds: BTreeSet::new(),
            };
            (mix, Vec::new())
        });
        // A seat has one organisation, of one kind: the sums over kinds are exact.
        entry.0.learners += r.own;
        entry.0.organisations += r.organisations;
        if let Some(kind) = r.kind {
            entry.0.kinds.insert(kind.clone());
            entry.1.push((kind, r.organisations, r.own));
        }
    }
    let mut kinds = BTreeMap::new();
    let mut cohorts = Vec::new();
    for (mix, present) in by_cohort.into_values().filter(|(m, _)| m.learners > 0) {
        for (a, a_orgs, a_own) in &present {
            for (b, ..) in &present {
                // Staff of `a` learned with another organisation of `b`: a different kind,
                // or the same kind with two organisations of it.
                if *a_own > 0 && (a != b || *a_orgs >= 2) {
                    *kinds.entry((a.clone(), b.clone())).or_insert(0) += 1;
                }
            }
        }
        cohorts.push(mix);
    }
    cohorts.sort_by(|x, y| (x.start_date, &x.cohort_id).cmp(&(y.start_date, &y.cohort_id)));
    (cohorts, kinds)
}

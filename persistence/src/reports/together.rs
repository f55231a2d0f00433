//! Learning together, the board's headline: of the people seated in the period's cohorts,
//! those whose cohort mixed staff of two or more organisations; how many organisations and
//! kinds each cohort mixed; and which kinds learned together. Three queries over the same
//! seats (a `WITH`), in one read snapshot.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Nullable, Text};
use domain::EnrolmentStatus::{Completed, Enrolled, NotCompleted};

use super::learning::{
    LearningFilter, Period, cohort_conditions, learner_conditions, load, status_in,
};
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::visibility::Visibility;

/// The headline counts (people, except organisations and cohorts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName)]
pub struct Headline {
    /// Distinct people seated in a covered cohort.
    #[diesel(sql_type = BigInt)]
    pub learners: i64,
    /// Of them, those seated in a cohort that mixed two or more organisations.
    #[diesel(sql_type = BigInt)]
    pub learners_together: i64,
    #[diesel(sql_type = BigInt)]
    pub organisations: i64,
    /// Organisations with staff in a mixed cohort.
    #[diesel(sql_type = BigInt)]
    pub organisations_together: i64,
    #[diesel(sql_type = BigInt)]
    pub cohorts: i64,
    #[diesel(sql_type = BigInt)]
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

#[derive(QueryableByName)]
struct CohortRow {
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
    #[diesel(sql_type = BigInt)]
    learners: i64,
    #[diesel(sql_type = BigInt)]
    organisations: i64,
}

#[derive(QueryableByName)]
struct KindRow {
    #[diesel(sql_type = Text)]
    cohort_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    kind: Option<String>,
    #[diesel(sql_type = BigInt)]
    organisations: i64,
    /// Seats of the caller's own learners of this kind (all, for the academy).
    #[diesel(sql_type = BigInt)]
    own: i64,
}

/// The seats of the period's cohorts, and each cohort's mix of organisations.
fn with(period: Period, f: &LearningFilter) -> String {
    let mut w = cohort_conditions(period, f);
    w.push(status_in(&[Enrolled, Completed, NotCompleted]));
    format!(
        "WITH seats AS (SELECT e.cohort_id, e.person_id, e.organisation_id AS org, o.kind \
             FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id \
             JOIN programmes p ON p.id = c.programme_id \
             LEFT JOIN organisations o ON o.id = e.organisation_id WHERE {}), \
         mix AS (SELECT cohort_id, COUNT(DISTINCT org) AS orgs FROM seats GROUP BY cohort_id) ",
        w.join(" AND ")
    )
}

/// The caller's own learners, by the seat's organisation `column`.
fn own(column: &str, f: &LearningFilter, v: Visibility) -> String {
    let mut w = learner_conditions(column, f, v);
    w.push("1 = 1".into());
    w.join(" AND ")
}

/// The learning-together report's counts over `period`. Call inside a read snapshot.
pub fn counts(
    conn: &mut DbConnection,
    period: Period,
    f: &LearningFilter,
    v: Visibility,
) -> StoreResult<Together> {
    let (with, own, mine) = (with(period, f), own("s.org", f, v), own("x.org", f, v));
    let headline: Vec<Headline> = load(conn, |_| {
        format!(
            "{with}SELECT COUNT(DISTINCT s.person_id) AS learners, \
                 COUNT(DISTINCT CASE WHEN m.orgs >= 2 THEN s.person_id END) AS learners_together, \
                 COUNT(DISTINCT s.org) AS organisations, \
                 COUNT(DISTINCT CASE WHEN m.orgs >= 2 THEN s.org END) AS organisations_together, \
                 COUNT(DISTINCT s.cohort_id) AS cohorts, \
                 COUNT(DISTINCT CASE WHEN m.orgs >= 2 THEN s.cohort_id END) AS cohorts_mixed \
             FROM seats s JOIN mix m ON m.cohort_id = s.cohort_id WHERE {own}"
        )
    })?;
    let rows: Vec<CohortRow> = load(conn, |_| {
        format!(
            "{with}SELECT CAST(s.cohort_id AS TEXT) AS cohort_id, c.label, p.slug, p.title, \
                 c.start_date, COUNT(DISTINCT s.person_id) AS learners, m.orgs AS organisations \
             FROM seats s JOIN mix m ON m.cohort_id = s.cohort_id \
             JOIN cohorts c ON c.id = s.cohort_id JOIN programmes p ON p.id = c.programme_id \
             WHERE {own} GROUP BY s.cohort_id, c.label, p.slug, p.title, c.start_date, m.orgs \
             ORDER BY c.start_date, CAST(s.cohort_id AS TEXT)"
        )
    })?;
    let kind_rows: Vec<KindRow> = load(conn, |_| {
        format!(
            "{with}SELECT CAST(s.cohort_id AS TEXT) AS cohort_id, s.kind, \
                 COUNT(DISTINCT s.org) AS organisations, \
                 COALESCE(SUM(CASE WHEN {own} THEN 1 ELSE 0 END), 0) AS own \
             FROM seats s WHERE EXISTS (SELECT 1 FROM seats x \
                 WHERE x.cohort_id = s.cohort_id AND {mine}) \
             GROUP BY s.cohort_id, s.kind"
        )
    })?;
    Ok(assemble(headline, rows, kind_rows))
}

fn assemble(headline: Vec<Headline>, rows: Vec<CohortRow>, kind_rows: Vec<KindRow>) -> Together {
    // cohort → [(kind, organisations of it, own seats of it)]
    let mut by_cohort: BTreeMap<String, Vec<(String, i64, i64)>> = BTreeMap::new();
    for k in kind_rows {
        if let Some(kind) = k.kind {
            by_cohort
                .entry(k.cohort_id)
                .or_default()
                .push((kind, k.organisations, k.own));
        }
    }
    let mut kinds = BTreeMap::new();
    for present in by_cohort.values() {
        for (a, a_orgs, a_own) in present {
            for (b, b_orgs, _) in present {
                // Staff of `a` learned with another organisation of `b`: a different kind,
                // or the same kind with two organisations of it.
                if *a_own > 0 && (a != b || (*a_orgs >= 2 && *b_orgs >= 2)) {
                    *kinds.entry((a.clone(), b.clone())).or_insert(0) += 1;
                }
            }
        }
    }
    let cohorts = rows
        .into_iter()
        .map(|r| CohortMix {
            kinds: by_cohort
                .get(&r.cohort_id)
                .map(|ks| ks.iter().map(|(k, ..)| k.clone()).collect())
                .unwrap_or_default(),
            cohort_id: r.cohort_id,
            label: r.label,
            programme_slug: r.slug,
            programme_title: r.title,
            start_date: r.start_date,
            learners: r.learners,
            organisations: r.organisations,
        })
        .collect();
    Together {
        headline: headline.into_iter().next().unwrap_or_default(),
        cohorts,
        kinds,
    }
}

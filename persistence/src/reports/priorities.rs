//! The priorities report's counts: for each of the seven Leeds priorities, the published
//! programmes serving it, the learning in the period's cohorts serving it (the learning
//! report's counts grouped by priority), and the communities serving it with their members.
//!
//! A community serves a priority through its Venus stem: when a published programme of
//! that stem serves the priority. Topic communities carry no stem and serve none here.

use std::collections::BTreeMap;

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer};
use domain::community::CommunityStatus;
use domain::report::{Counts, Dimension};
use domain::{ProgrammeStatus, Vocabulary};

use super::learning::{self, LearningFilter, Period, load};
use super::learning_sql::own_sql;
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::visibility::Visibility;

/// One priority's counts (people: the caller's own; programmes and communities: all).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PriorityCounts {
    pub programmes_published: i64,
    pub learning: Counts,
    pub communities: i64,
    /// Distinct current members of those communities.
    pub members: i64,
}

#[derive(QueryableByName)]
struct CodeCount {
    #[diesel(sql_type = Integer)]
    code: i32,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    m: i64,
}

/// Priority code → counts, for every code that has any. Call inside a read snapshot.
pub fn counts(
    conn: &mut DbConnection,
    period: Period,
    v: Visibility,
) -> StoreResult<BTreeMap<i32, PriorityCounts>> {
    let published = format!("'{}'", ProgrammeStatus::Published.value());
    let mut out: BTreeMap<i32, PriorityCounts> = BTreeMap::new();
    let programmes: Vec<CodeCount> = load(conn, |_| {
        format!(
            "SELECT pp.priority_code AS code, COUNT(*) AS n, CAST(0 AS BIGINT) AS m \
             FROM programme_priorities pp JOIN programmes p ON p.id = pp.programme_id \
             WHERE p.status = {published} GROUP BY pp.priority_code"
        )
    })?;
    for r in programmes {
        out.entry(r.code).or_default().programmes_published = r.n;
    }
    let own = own_sql("pe.organisation_id", &LearningFilter::default(), v);
    let communities: Vec<CodeCount> = load(conn, |_| {
        format!(
            "SELECT pp.priority_code AS code, COUNT(DISTINCT c.id) AS n, \
                 COUNT(DISTINCT CASE WHEN {own} THEN m.person_id END) AS m \
             FROM communities c \
             JOIN programme_stems ps ON ps.stem = c.stem \
             JOIN programmes p ON p.id = ps.programme_id AND p.status = {published} \
             JOIN programme_priorities pp ON pp.programme_id = p.id \
             LEFT JOIN community_memberships m ON m.community_id = c.id AND m.left_at IS NULL \
             LEFT JOIN people pe ON pe.id = m.person_id \
             WHERE c.status <> '{closed}' GROUP BY pp.priority_code",
            closed = CommunityStatus::Closed.value()
        )
    })?;
    for r in communities {
        let c = out.entry(r.code).or_default();
        (c.communities, c.members) = (r.n, r.m);
    }
    let learning = learning::groups(
        conn,
        &[Dimension::Priority],
        period,
        &LearningFilter::default(),
        v,
    )?;
    for g in learning {
        let code = g.key.first().and_then(|k| k.value.as_deref()?.parse().ok());
        if let Some(code) = code {
            out.entry(code).or_default().learning = g.counts;
        }
    }
    Ok(out)
}

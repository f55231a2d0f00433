//! The communities report's counts: each community's current members by role and kind of
//! organisation, its sessions in the period (held, to come, cancelled), and the attendance
//! and hours its members gave, in four queries.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use domain::community::MemberRole;
use domain::report::AttendanceCounts;
use domain::{AttendanceStatus, Vocabulary};

use super::learning::{LearningFilter, load};
use super::learning_sql::own_sql;
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::visibility::Visibility;

/// Sessions starting from the first instant up to (not including) the second.
pub type Window = (NaiveDateTime, NaiveDateTime);

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct CommunityRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub stem: Option<String>,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Integer)]
    pub max_sessions_per_year: i32,
}

/// One community's counts. People are the caller's own (everyone, for the academy); the
/// leadership and the sessions are the community's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommunityCounts {
    /// Current members, and the attendance of the period's sessions.
    pub attendance: AttendanceCounts,
    pub by_role: BTreeMap<String, i64>,
    /// Kind of the member's organisation (`None`: of no organisation) → members.
    pub by_kind: BTreeMap<Option<String>, i64>,
    /// Leadership roles someone (anyone's) holds now.
    pub roles_held: Vec<MemberRole>,
    pub sessions_held: i64,
    pub sessions_to_come: i64,
    pub sessions_cancelled: i64,
}

#[derive(QueryableByName)]
struct MemberRow {
    #[diesel(sql_type = Text)]
    community_id: String,
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Nullable<Text>)]
    kind: Option<String>,
    #[diesel(sql_type = BigInt)]
    members: i64,
    #[diesel(sql_type = BigInt)]
    own: i64,
}

#[derive(QueryableByName)]
struct SessionRow {
    #[diesel(sql_type = Text)]
    community_id: String,
    #[diesel(sql_type = BigInt)]
    held: i64,
    #[diesel(sql_type = BigInt)]
    to_come: i64,
    #[diesel(sql_type = BigInt)]
    cancelled: i64,
}

#[derive(QueryableByName)]
struct AttendanceRow {
    #[diesel(sql_type = Text)]
    community_id: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    marks: i64,
    #[diesel(sql_type = BigInt)]
    people: i64,
    #[diesel(sql_type = BigInt)]
    minutes: i64,
}

fn instant(t: NaiveDateTime) -> String {
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S"))
}

/// The caller's own people, by their organisation.
fn own(v: Visibility) -> String {
    own_sql("pe.organisation_id", &LearningFilter::default(), v)
}

/// Every community, by name, with its counts over `window` as of `now`. Call inside a read
/// snapshot.
pub fn counts(
    conn: &mut DbConnection,
    window: Window,
    now: NaiveDateTime,
    v: Visibility,
) -> StoreResult<Vec<(CommunityRow, CommunityCounts)>> {
    let communities: Vec<CommunityRow> = load(conn, |_| {
        "SELECT CAST(id AS TEXT) AS id, slug, name, kind, stem, status, max_sessions_per_year \
         FROM communities ORDER BY name_key, slug"
            .into()
    })?;
    let mut counts: BTreeMap<String, CommunityCounts> = BTreeMap::new();
    let members: Vec<MemberRow> = load(conn, |_| {
        format!(
            "SELECT CAST(m.community_id AS TEXT) AS community_id, m.role, o.kind, \
                 COUNT(*) AS members, \
                 COALESCE(SUM(CASE WHEN {own} THEN 1 ELSE 0 END), 0) AS own \
             FROM community_memberships m JOIN people pe ON pe.id = m.person_id \
             LEFT JOIN organisations o ON o.id = pe.organisation_id \
             WHERE m.left_at IS NULL GROUP BY m.community_id, m.role, o.kind",
            own = own(v)
        )
    })?;
    for r in members {
        let c = counts.entry(r.community_id).or_default();
        if let Ok(role) = MemberRole::parse(&r.role)
            && r.members > 0
            && !c.roles_held.contains(&role)
        {
            c.roles_held.push(role);
        }
        if r.own > 0 {
            c.attendance.members += r.own;
            *c.by_role.entry(r.role).or_insert(0) += r.own;
            *c.by_kind.entry(r.kind).or_insert(0) += r.own;
        }
    }
    let (from, to, now) = (instant(window.0), instant(window.1), instant(now));
    let in_window = format!("s.starts_at >= {from} AND s.starts_at < {to}");
    let sessions: Vec<SessionRow> = load(conn, |_| {
        format!(
            "SELECT CAST(s.community_id AS TEXT) AS community_id, \
                 COALESCE(SUM(CASE WHEN s.cancelled_at IS NULL AND s.starts_at < {now} THEN 1 ELSE 0 END), 0) AS held, \
                 COALESCE(SUM(CASE WHEN s.cancelled_at IS NULL AND s.starts_at >= {now} THEN 1 ELSE 0 END), 0) AS to_come, \
                 COALESCE(SUM(CASE WHEN s.cancelled_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS cancelled \
             FROM community_sessions s WHERE {in_window} GROUP BY s.community_id"
        )
    })?;
    for r in sessions {
        let c = counts.entry(r.community_id).or_default();
        (c.sessions_held, c.sessions_to_come, c.sessions_cancelled) =
            (r.held, r.to_come, r.cancelled);
    }
    let attendance: Vec<AttendanceRow> = load(conn, |_| {
        format!(
            "SELECT CAST(s.community_id AS TEXT) AS community_id, a.status, COUNT(*) AS marks, \
                 COUNT(DISTINCT a.person_id) AS people, \
                 COALESCE(SUM(s.duration_minutes), 0) AS minutes \
             FROM community_attendance a JOIN community_sessions s ON s.id = a.session_id \
             JOIN people pe ON pe.id = a.person_id \
             WHERE s.cancelled_at IS NULL AND {in_window} AND {own} \
             GROUP BY s.community_id, a.status",
            own = own(v)
        )
    })?;
    for r in attendance {
        let c = counts.entry(r.community_id).or_default();
        match AttendanceStatus::parse(&r.status) {
            Ok(AttendanceStatus::Present) => {
                let a = &mut c.attendance;
                (a.present, a.present_people, a.minutes_given) = (r.marks, r.people, r.minutes);
            }
            Ok(AttendanceStatus::Absent) => {
                (c.attendance.absent, c.attendance.absent_people) = (r.marks, r.people);
            }
            _ => {}
        }
    }
    Ok(communities
        .into_iter()
        .map(|row| {
            let c = counts.remove(&row.id).unwrap_or_default();
            (row, c)
        })
        .collect())
}

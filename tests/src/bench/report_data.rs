//! The reports benchmark's data, generated inside the database (PostgreSQL's
//! `generate_series`, SQLite's recursive `WITH`): 300 organisations of every kind, 200,000
//! people (one in fifty of no organisation), 5,000 cohorts over three years with their
//! programme's priorities, six communities' 20,000 members, sessions and attendance, and
//! enrolments in slices.

use diesel::{PgConnection, RunQueryDsl, SqliteConnection};

pub const COHORTS: i64 = 5_000;
pub const PEOPLE: i64 = 200_000;
pub const ORGANISATIONS: i64 = 300;
pub const KINDS: [&str; 9] = [
    "nhs_trust",
    "integrated_care_board",
    "local_authority",
    "primary_care",
    "care_home",
    "independent_provider",
    "third_sector",
    "education",
    "other",
];

/// The SQL dialect bits the generator needs.
pub struct Dialect {
    pub pg: bool,
}

impl Dialect {
    /// A `WITH` prefix and a `FROM` item giving `i` from `a` to `b - 1`.
    fn series(&self, a: i64, b: i64) -> (String, String) {
        if self.pg {
            (
                String::new(),
                format!("generate_series({a}, {}) AS g(i)", b - 1),
            )
        } else {
            (
                format!(
                    "WITH RECURSIVE g(i) AS (SELECT {a} UNION ALL SELECT i + 1 FROM g WHERE i < {}) ",
                    b - 1
                ),
                "g".into(),
            )
        }
    }

    /// A deterministic UUID from a tag and a number.
    fn uid(&self, tag: u32, n: &str) -> String {
        if self.pg {
            format!(
                "CAST(lpad(to_hex({tag}), 8, '0') || '-0000-7000-8000-' || lpad(to_hex({n}), 12, '0') AS uuid)"
            )
        } else {
            format!("printf('%08x-0000-7000-8000-%012x', {tag}, {n})")
        }
    }

    fn days_after(&self, day: &str, n: &str) -> String {
        if self.pg {
            format!("(DATE '{day}' + CAST({n} AS integer))")
        } else {
            format!("date('{day}', '+' || ({n}) || ' days')")
        }
    }

    fn at_days_after(&self, instant: &str, n: &str) -> String {
        if self.pg {
            format!("(TIMESTAMP '{instant}' + ({n}) * INTERVAL '1 day')")
        } else {
            format!("datetime('{instant}', '+' || ({n}) || ' days')")
        }
    }
}

const NOW: &str = "'2026-12-01 00:00:00'";

/// Organisations, people, cohorts (with their programme's priorities), memberships,
/// sessions and attendance.
pub fn base_sql(d: &Dialect) -> Vec<String> {
    let kinds: Vec<String> = KINDS.iter().map(|k| format!("'{k}'")).collect();
    let kind = format!(
        "CASE i % 9 {} END",
        (0..9)
            .map(|n| format!("WHEN {n} THEN {}", kinds[n]))
            .collect::<String>()
    );
    let (w, g) = d.series(0, ORGANISATIONS);
    let orgs = format!(
        "{w}INSERT INTO organisations (id, name, name_key, kind, status, version, created_at, updated_at) \
         SELECT {}, 'Bench organisation ' || i, 'bench organisation ' || i, {kind}, 'active', 1, {NOW}, {NOW} FROM {g}",
        d.uid(1, "i")
    );
    let (w, g) = d.series(0, PEOPLE);
    let people = format!(
        "{w}INSERT INTO people (id, organisation_id, given_name, family_name, email, external_ref, expert_by_experience, version, created_at, updated_at) \
         SELECT {}, CASE WHEN i % 50 = 0 THEN NULL ELSE {} END, 'Given', 'Family', 'p' || i || '@bench.example', 'R' || i, false, 1, {NOW}, {NOW} FROM {g}",
        d.uid(2, "i"),
        d.uid(1, &format!("i % {ORGANISATIONS}"))
    );
    let (w, g) = d.series(0, COHORTS);
    let cohorts = format!(
        "{w}INSERT INTO cohorts (id, programme_id, label, start_date, end_date, capacity, waitlist_enabled, delivery_mode, status, next_queue_seq, version, created_at, updated_at, enrolled_count, waitlisted_count, finished_count) \
         SELECT {}, p.id, 'Bench cohort ' || i, {}, {}, 250, true, 'online', \
             CASE WHEN i % 50 = 7 THEN 'cancelled' WHEN i % 1096 < 731 THEN 'completed' ELSE 'open' END, 1, 1, {NOW}, {NOW}, 0, 0, 0 \
         FROM {g} JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY slug) - 1 AS n FROM programmes) p ON p.n = i % 23",
        d.uid(3, "i"),
        d.days_after("2024-01-01", "i % 1096"),
        d.days_after("2024-03-31", "i % 1096"),
    );
    let priorities = "INSERT INTO cohort_priorities (cohort_id, priority_code) \
        SELECT c.id, pp.priority_code FROM cohorts c JOIN programme_priorities pp ON pp.programme_id = c.programme_id"
        .to_owned();
    let (w, g) = d.series(0, 20_000);
    let role = "CASE WHEN i < 6 THEN 'ics_lead' WHEN i < 12 THEN 'system_leader' WHEN i < 18 THEN 'citizen_representative' ELSE 'member' END";
    let members = format!(
        "{w}INSERT INTO community_memberships (id, community_id, person_id, role, joined_at, updated_at) \
         SELECT {}, c.id, {}, {role}, '2024-06-01 00:00:00', {NOW} \
         FROM {g} JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY slug) - 1 AS n FROM communities) c ON c.n = i % 6",
        d.uid(5, "i"),
        d.uid(2, "i"),
    );
    let (w, g) = d.series(0, 36);
    let sessions = format!(
        "{w}INSERT INTO community_sessions (id, community_id, title, starts_at, duration_minutes, format, joining_link, created_at, updated_at) \
         SELECT {}, c.id, 'Bench session', {}, 120, 'virtual', 'https://meet.example.org/bench', {NOW}, {NOW} \
         FROM {g} JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY slug) - 1 AS n FROM communities) c ON c.n = i % 6",
        d.uid(6, "i"),
        d.at_days_after("2025-01-15 14:00:00", "(i / 6) * 60"),
    );
    let attendance = format!(
        "INSERT INTO community_attendance (session_id, person_id, status, recorded_at) \
         SELECT s.id, m.person_id, CASE WHEN substr(CAST(m.person_id AS TEXT), 36, 1) IN ('0', '5', 'a') THEN 'absent' ELSE 'present' END, {NOW} \
         FROM community_memberships m JOIN community_sessions s ON s.community_id = m.community_id"
    );
    vec![
        orgs, people, cohorts, priorities, members, sessions, attendance,
    ]
}

/// Enrolments `a` to `b - 1`: 200 a cohort, each of a different person, with the person's
/// organisation; 60 % enrolled, 15 % completed, 5 % not completed, 10 % waitlisted, 10 %
/// withdrawn; some attendance.
pub fn enrolments_sql(d: &Dialect, a: i64, b: i64) -> String {
    let (w, g) = d.series(a, b);
    let p = format!("((i % {COHORTS}) * 7919 + i / {COHORTS}) % {PEOPLE}");
    let r = "((i / 7) % 20)";
    format!(
        "{w}INSERT INTO enrolments (id, cohort_id, person_id, organisation_id, status, queue_seq, enrolled_at, present_count, absent_count, excused_count, version, created_at, updated_at) \
         SELECT {}, {}, {}, CASE WHEN {p} % 50 = 0 THEN NULL ELSE {} END, \
             CASE WHEN {r} < 12 THEN 'enrolled' WHEN {r} < 15 THEN 'completed' WHEN {r} < 16 THEN 'not_completed' \
                  WHEN {r} < 18 THEN 'waitlisted' ELSE 'withdrawn' END, \
             CASE WHEN {r} IN (16, 17) THEN i / {COHORTS} + 1 END, {NOW}, {r} % 4, {r} % 2, 0, 1, {NOW}, {NOW} FROM {g}",
        d.uid(4, "i"),
        d.uid(3, &format!("i % {COHORTS}")),
        d.uid(2, &p),
        d.uid(1, &format!("{p} % {ORGANISATIONS}")),
    )
}

pub enum Conn {
    Pg(PgConnection),
    Lite(SqliteConnection),
}

impl Conn {
    pub fn run(&mut self, sql: &str) {
        match self {
            Conn::Pg(c) => diesel::sql_query(sql).execute(c),
            Conn::Lite(c) => diesel::sql_query(sql).execute(c),
        }
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    }

    pub fn dialect(&self) -> Dialect {
        Dialect {
            pg: matches!(self, Conn::Pg(_)),
        }
    }
}

//! Issue 14: every report over a 12-month period at 10 k, 100 k and 1 M enrolments (200,000
//! people, 300 organisations, 5,000 cohorts over three years, six communities with 20,000
//! members and their sessions), on PostgreSQL and on SQLite, through HTTP: p50 of five
//! after one warm-up; the indexes PostgreSQL's plan uses; and an enrolment's latency while
//! reports run next to it.

use std::time::{Duration, Instant};

use diesel::sql_types::Text;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use serde_json::json;

use crate::http::{admin_and_organisation, percentile, post_json};
use crate::server::spawn;

const FROM: &str = "2025-01-01";
const TO: &str = "2025-12-31";
const COHORTS: i64 = 5_000;
const PEOPLE: i64 = 200_000;
const ORGANISATIONS: i64 = 300;
const KINDS: [&str; 9] = [
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
struct Dialect {
    pg: bool,
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
fn base_sql(d: &Dialect) -> Vec<String> {
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
fn enrolments_sql(d: &Dialect, a: i64, b: i64) -> String {
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

enum Conn {
    Pg(PgConnection),
    Lite(SqliteConnection),
}

impl Conn {
    fn run(&mut self, sql: &str) {
        match self {
            Conn::Pg(c) => diesel::sql_query(sql).execute(c),
            Conn::Lite(c) => diesel::sql_query(sql).execute(c),
        }
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    }

    fn dialect(&self) -> Dialect {
        Dialect {
            pg: matches!(self, Conn::Pg(_)),
        }
    }
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// The indexes PostgreSQL's plan of the learning report's main query uses.
fn indexes_used(conn: &mut PgConnection, sql: &str) -> Vec<String> {
    let plan: Vec<PlanLine> = diesel::sql_query(format!("EXPLAIN {sql}"))
        .load(conn)
        .unwrap();
    let mut used: Vec<String> = plan
        .iter()
        .filter_map(|p| {
            let l = &p.line;
            let at = l
                .find(" using ")
                .map(|i| i + 7)
                .or_else(|| l.find("Index Scan on ").map(|i| i + 14))?;
            l[at..].split_whitespace().next().map(str::to_owned)
        })
        .collect();
    used.sort();
    used.dedup();
    used
}

/// The reports measured, by name and path (after `/api/v1/reports/`).
fn reports() -> Vec<(&'static str, String)> {
    let q = format!("from={FROM}&to={TO}");
    vec![
        ("learning by programme", format!("learning?{q}")),
        (
            "learning by organisation",
            format!("learning?{q}&group_by=organisation"),
        ),
        (
            "learning by kind × quarter",
            format!("learning?{q}&group_by=organisation_kind,quarter"),
        ),
        ("learning together", format!("learning-together?{q}")),
        ("priorities", format!("priorities?{q}")),
        ("communities", format!("communities?{q}")),
        (
            "impact.html (all of the page's reports)",
            format!("impact.html?{q}"),
        ),
    ]
}

async fn p50(http: &reqwest::Client, url: &str, token: &str) -> f64 {
    let mut times = Vec::new();
    for n in 0..6 {
        let t = Instant::now();
        let res = http.get(url).bearer_auth(token).send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        res.bytes().await.unwrap();
        if n > 0 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    percentile(&times, 50.0)
}

/// One backend: the table rows of its report times at each scale.
async fn backend(
    name: &str,
    url: &str,
    mut conn: Conn,
    out: &mut Vec<(String, String, Vec<f64>)>,
) -> Vec<String> {
    let server = spawn(url);
    let http = reqwest::Client::new();
    let store = persistence::Store::connect(
        &persistence::DatabaseUrl::parse(url).unwrap(),
        &Default::default(),
    )
    .unwrap();
    let (token, _) =
        admin_and_organisation(&http, &server.base, &store, "Bench reports trust").await;
    let d = conn.dialect();
    let t = Instant::now();
    for sql in base_sql(&d) {
        conn.run(&sql);
    }
    eprintln!("{name}: base data in {:.0} s", t.elapsed().as_secs_f64());
    let client = post_json(
        &http,
        format!("{}/api/v1/clients", server.base),
        &token,
        json!({"name": "bench partner", "scopes": ["reports:read"], "organisation_id": "00000001-0000-7000-8000-000000000001"}),
    )
    .await;
    let partner: serde_json::Value = http
        .post(format!("{}/api/v1/oauth/token", server.base))
        .basic_auth(
            client["client_id"].as_str().unwrap(),
            client["client_secret"].as_str(),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let partner = partner["access_token"].as_str().unwrap().to_owned();
    let mut done = 0;
    let mut notes = Vec::new();
    // BENCH_REPORTS_SCALES=1000000 measures one scale only.
    let scales: Vec<i64> = std::env::var("BENCH_REPORTS_SCALES")
        .map(|v| v.split(',').map(|n| n.trim().parse().unwrap()).collect())
        .unwrap_or_else(|_| vec![10_000, 100_000, 1_000_000]);
    for scale in scales {
        let t = Instant::now();
        for a in (done..scale).step_by(100_000) {
            conn.run(&enrolments_sql(&d, a, (a + 100_000).min(scale)));
        }
        // As autovacuum would have by then: index-only scans need the visibility map.
        conn.run(if d.pg { "VACUUM ANALYZE" } else { "ANALYZE" });
        done = scale;
        eprintln!(
            "{name}: {scale} enrolments in {:.0} s",
            t.elapsed().as_secs_f64()
        );
        let mut row = 0;
        for (label, path) in reports() {
            let ms = p50(
                &http,
                &format!("{}/api/v1/reports/{path}", server.base),
                &token,
            )
            .await;
            push(out, row, name, label, ms);
            row += 1;
        }
        let path = format!(
            "{}/api/v1/reports/learning?from={FROM}&to={TO}",
            server.base
        );
        push(
            out,
            row,
            name,
            "learning, one organisation's client",
            p50(&http, &path, &partner).await,
        );
    }
    if let Conn::Pg(pg) = &mut conn {
        let visibility = persistence::visibility::Visibility::All;
        let period = (FROM.parse().unwrap(), TO.parse().unwrap());
        let sql = persistence::reports::learning::enrolment_sql(
            &[domain::report::Dimension::Programme],
            period,
            &Default::default(),
            visibility,
            true,
        );
        notes.push(format!(
            "PostgreSQL's plan of the learning report's query at 1 M uses: {}",
            indexes_used(pg, &sql).join(", ")
        ));
    }
    notes.push(enrolment_beside_reports(&http, &server.base, &token).await);
    notes
}

fn push(
    out: &mut Vec<(String, String, Vec<f64>)>,
    _row: usize,
    backend: &str,
    label: &str,
    ms: f64,
) {
    match out.iter_mut().find(|(b, l, _)| b == backend && l == label) {
        Some((_, _, v)) => v.push(ms),
        None => out.push((backend.to_owned(), label.to_owned(), vec![ms])),
    }
}

/// Enrolment p50 alone, and while a client reads the learning report in a loop.
async fn enrolment_beside_reports(http: &reqwest::Client, base: &str, token: &str) -> String {
    let body = json!({"label": "Bench beside reports", "start_date": "2027-01-01", "end_date": "2027-03-31",
        "capacity": 1000, "delivery_mode": "online"});
    let c = post_json(
        http,
        format!("{base}/api/v1/programmes/vital-signs/cohorts"),
        token,
        body,
    )
    .await;
    let cohort = c["id"].as_str().unwrap().to_owned();
    post_json(
        http,
        format!("{base}/api/v1/cohorts/{cohort}/open"),
        token,
        json!({}),
    )
    .await;
    let enrol = |from: i64| {
        let (http, base, token, cohort) = (
            http.clone(),
            base.to_owned(),
            token.to_owned(),
            cohort.clone(),
        );
        async move {
            let mut times = Vec::new();
            for n in from..from + 40 {
                let person = format!("00000002-0000-7000-8000-{n:012x}");
                let t = Instant::now();
                let res = http
                    .post(format!("{base}/api/v1/cohorts/{cohort}/enrolments"))
                    .bearer_auth(&token)
                    .json(&json!({"person_id": person}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201);
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(f64::total_cmp);
            percentile(&times, 50.0)
        }
    };
    let alone = enrol(1).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (http, url, token, stop) = (
            http.clone(),
            format!("{base}/api/v1/reports/learning-together?from={FROM}&to={TO}"),
            token.to_owned(),
            stop.clone(),
        );
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                http.get(&url)
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let beside = enrol(101).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let reads = reader.await.unwrap();
    format!(
        "An enrolment's p50: {alone:.1} ms alone, {beside:.1} ms while the learning-together report ran {reads} times beside it (snapshot reads take no lock an enrolment waits for)"
    )
}

pub async fn run(pg_url: &str) -> String {
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let pg = PgConnection::establish(pg_url).unwrap();
    notes.extend(backend("PostgreSQL", pg_url, Conn::Pg(pg), &mut rows).await);
    if std::env::var("BENCH_REPORTS_SQLITE").is_ok_and(|v| v == "0") {
        return table(&rows, &notes);
    }
    let path = std::env::temp_dir().join(format!("wtxa_reports_{}.db", std::process::id()));
    let lite_url = format!("sqlite://{}", path.display());
    // The server creates and migrates the file; the generator writes into it beside.
    let server = spawn(&lite_url);
    drop(server);
    let mut lite = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    diesel::sql_query("PRAGMA busy_timeout = 60000")
        .execute(&mut lite)
        .unwrap();
    notes.extend(backend("SQLite", &lite_url, Conn::Lite(lite), &mut rows).await);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    table(&rows, &notes)
}

fn table(rows: &[(String, String, Vec<f64>)], notes: &[String]) -> String {
    let mut out = String::from(
        "| Backend | Report (12 months) | p50 at 10 k | at 100 k | at 1 M enrolments | Target at 1 M |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for (backend, label, ms) in rows {
        let target = if backend == "PostgreSQL" {
            "< 500 ms"
        } else {
            "< 2 s"
        };
        let cells: Vec<String> = ms.iter().map(|m| format!("{m:.0} ms")).collect();
        out.push_str(&format!(
            "| {backend} | {label} | {} | {target} |\n",
            cells.join(" | ")
        ));
    }
    out.push('\n');
    for n in notes {
        out.push_str(&format!("- {n}\n"));
    }
    out
}

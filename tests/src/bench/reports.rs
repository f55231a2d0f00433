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
use crate::report_data::{Conn, base_sql, enrolments_sql};
use crate::server::spawn;

const FROM: &str = "2025-01-01";
const TO: &str = "2025-12-31";

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
            "learning needs (supply and demand)",
            "learning-needs?year=2025".to_owned(),
        ),
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
    let (id, secret) = (&client["client_id"], &client["client_secret"]);
    let partner = crate::http::token(
        &http,
        &server.base,
        id.as_str().unwrap(),
        secret.as_str().unwrap(),
    )
    .await;
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
            true,
        );
        notes.push(format!(
            "PostgreSQL's plan of the learning report's query at the largest scale uses: {}",
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

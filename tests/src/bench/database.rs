//! Issue 12's benchmark, on PostgreSQL, each figure next to its reference measured in the
//! same run: one person read with a bearer token and an HR page, next to `pgbench -S`; the
//! enrolment storm (200 and 500 requests into 20 seats over two processes); the CSV export
//! next to `psql \copy` of the very rows it streams.

use std::time::Instant;

use persistence::learning::enrolment_sync::EnrolmentFilter;
use persistence::learning::export_copy;
use persistence::visibility::Visibility;
use serde_json::{Value, json};

use crate::catalogue::load_as;
use crate::http::{export, percentile};
use crate::server::{Server, peak_rss_mb};

/// One person by id and one HR page, each loaded for a few seconds with a bearer token.
pub async fn reads(base: &str, token: &str, person: &str, pgbench_tps: Option<f64>) -> String {
    let mut out = String::new();
    let ratio =
        |rps: f64| pgbench_tps.map_or("—".to_owned(), |t| format!("{:.0} %", 100.0 * rps / t));
    let person = person.to_owned();
    let cases: [(&str, String); 2] = [
        (
            "One person, bearer token (`GET /people/{id}`)",
            format!("/api/v1/people/{person}"),
        ),
        (
            "HR page of 100 (`GET /enrolments?limit=100`)",
            "/api/v1/enrolments?limit=100".to_owned(),
        ),
    ];
    for (label, path) in cases {
        let l = load_as(base, Some(token.to_owned()), move |_| path.clone()).await;
        out.push_str(&format!(
            "| {label} | {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms, {} errors | {} |\n",
            l.rps,
            l.p50,
            l.p99,
            l.errors,
            ratio(l.rps)
        ));
    }
    out
}

/// `n` concurrent enrolments into a fresh 20-seat cohort, alternating between the two
/// processes; checks 20 enrolled and the rest waitlisted at positions 1, 2, … with no gap.
pub async fn storm(a: &Server, b: &Server, token: &str, cohort: &str, people: &[String]) -> String {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(people.len())
        .build()
        .unwrap();
    // Keep-alive connections opened first (as a front end's or an HR system's would be):
    // the storm times enrolments, not TCP handshakes.
    let warm: Vec<_> = (0..people.len())
        .map(|n| {
            let base = if n % 2 == 0 {
                a.base.clone()
            } else {
                b.base.clone()
            };
            let http = http.clone();
            tokio::spawn(async move {
                http.get(format!("{base}/health/live"))
                    .send()
                    .await
                    .map(|_| ())
            })
        })
        .collect();
    for w in warm {
        let _ = w.await;
    }
    let started = Instant::now();
    let tasks: Vec<_> = people
        .iter()
        .enumerate()
        .map(|(n, person)| {
            let base = if n % 2 == 0 {
                a.base.clone()
            } else {
                b.base.clone()
            };
            let (http, token, cohort, person) = (
                http.clone(),
                token.to_owned(),
                cohort.to_owned(),
                person.clone(),
            );
            tokio::spawn(async move {
                let t = Instant::now();
                let res = http
                    .post(format!("{base}/api/v1/cohorts/{cohort}/enrolments"))
                    .bearer_auth(token)
                    .json(&json!({"person_id": person}))
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let body: Value = res.json().await.unwrap_or_default();
                (t.elapsed().as_secs_f64() * 1000.0, status, body)
            })
        })
        .collect();
    let (mut latencies, mut positions) = (Vec::new(), Vec::new());
    let (mut enrolled, mut errors) = (0, 0);
    for t in tasks {
        let (ms, status, body) = t.await.unwrap();
        latencies.push(ms);
        match (status, body["status"].as_str()) {
            (201, Some("enrolled")) => enrolled += 1,
            (201, Some("waitlisted")) => {
                positions.push(body["waitlist_position"].as_i64().unwrap_or(-1))
            }
            _ => errors += 1,
        }
    }
    let wall = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    positions.sort_unstable();
    let waitlisted = positions.len();
    let gapless = positions.iter().copied().eq(1..=waitlisted as i64);
    format!(
        "| {} concurrent enrolments into 20 seats, 2 processes, warm connections | {enrolled} enrolled, {waitlisted} waitlisted ({}), {errors} errors; p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms; {wall:.2} s in all | 20 enrolled, the rest gapless, p99 < 250 ms |\n",
        people.len(),
        if gapless {
            "positions 1…n, no gap"
        } else {
            "POSITIONS HAVE GAPS"
        },
        percentile(&latencies, 50.0),
        percentile(&latencies, 95.0),
        percentile(&latencies, 99.0),
    )
}

/// `psql \copy` of the export's own query for `f`: (rows, seconds).
fn psql_copy(url: &str, f: &EnrolmentFilter) -> Option<(usize, f64)> {
    let command = format!(
        "\\copy {} TO STDOUT WITH (FORMAT csv, HEADER)",
        export_copy::query(f, Visibility::All)
    );
    let started = Instant::now();
    let out = std::process::Command::new("psql")
        .args(["-X", "-q", url, "-c", &command])
        .output()
        .ok()?;
    let secs = started.elapsed().as_secs_f64();
    out.status.success().then(|| {
        let lines = out.stdout.iter().filter(|b| **b == b'\n').count();
        (lines.saturating_sub(1), secs)
    })
}

/// The CSV export through HTTP (process `b`) and `psql \copy` of the same rows, in turn.
pub async fn export_vs_copy(
    b: &Server,
    url: &str,
    token: &str,
    label: &str,
    cohort: Option<uuid::Uuid>,
) -> String {
    let http = reqwest::Client::new();
    let query = cohort.map_or(String::new(), |c| format!("cohort={c}"));
    let (rows, secs) = export(&http, &b.base, token, "text/csv", &query).await;
    let filter = EnrolmentFilter {
        cohort_id: cohort,
        ..EnrolmentFilter::default()
    };
    let ours = rows as f64 / secs;
    let copy = psql_copy(url, &filter);
    format!(
        "| Export {label} enrolments as CSV vs `psql \\copy` of the same rows | {rows} rows in {secs:.2} s = {ours:.0} rows/s; psql: {}; server peak RSS {:.0} MB | ≥ 50 % of psql, < 100 MB |\n",
        copy.map_or("psql not installed".to_owned(), |(n, s)| format!(
            "{n} rows in {s:.2} s = {:.0} rows/s → **{:.0} %**",
            n as f64 / s,
            100.0 * ours / (n as f64 / s)
        )),
        peak_rss_mb(b.child.id())
    )
}

//! Benchmarks of issue 4's targets (and issue 9's import memory), on PostgreSQL, through HTTP:
//!
//! ```sh
//! cargo run --release -p tests --bin bench            # BENCH_DATABASE_URL=postgres://… to choose the server
//! BENCH_CATALOGUE_ONLY=1 cargo run --release -p tests --bin bench   # only the catalogue (issue 11)
//! BENCH_STORM_ONLY=1 BENCH_POOL_SIZE=4 cargo run --release -p tests --bin bench   # only the enrolment storm
//! ```
//!
//! Creates a fresh database, runs the API as two real processes (this binary re-executed in
//! server mode) against it, then measures: importing 100,000 enrolments; exporting 10,000,
//! 100,000 and 1,000,000 enrolments as NDJSON and CSV (rows/s and the server's peak RSS);
//! and 200 concurrent enrolments into a 20-seat cohort split over both processes (latency
//! percentiles). Prints a Markdown report; drops the database at the end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod catalogue;
mod http;
mod server;

use http::{export, import_csv, percentile, post_json};
use server::{peak_rss_mb, serve, spawn, with_database};

use std::time::Instant;

use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::{Value, json};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--serve") {
        return tokio::task::spawn_blocking(move || serve(&args[2], args[3].parse().unwrap()))
            .await
            .unwrap();
    }
    let server = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("wtxa_bench_{}", std::process::id());
    let mut admin_conn =
        PgConnection::establish(&server).expect("BENCH_DATABASE_URL must name a PostgreSQL server");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin_conn)
        .unwrap();
    let url = with_database(&server, &name);
    let mut report = catalogue_report(&server, &mut admin_conn).await;
    if std::env::var("BENCH_CATALOGUE_ONLY").is_err() {
        report.push('\n');
        report.push_str(&run(&url).await);
    }
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin_conn)
        .unwrap();
    println!("{report}");
}

/// Issue 11: the catalogue on SQLite and PostgreSQL, next to `pgbench -S`.
async fn catalogue_report(server: &str, admin_conn: &mut PgConnection) -> String {
    let scratch = format!("wtxa_pgbench_{}", std::process::id());
    diesel::sql_query(format!("CREATE DATABASE {scratch}"))
        .execute(admin_conn)
        .unwrap();
    let tps = catalogue::pgbench(server, &scratch);
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
        .execute(admin_conn)
        .unwrap();
    let mut out = format!(
        "`pgbench -S -c 32 -j 2` (select-only, the same client count): {}\n\n\
         | Backend, catalogue | Request | Result (32 connections) | % of `/health/live` | % of `pgbench -S` |\n\
         | --- | --- | --- | --- | --- |\n",
        tps.map_or("pgbench not installed".to_owned(), |t| format!(
            "{t:.0} tps"
        ))
    );
    let dir = std::env::temp_dir().join(format!("wtxa_bench_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = format!("sqlite://{}", dir.join("bench.db").display());
    out.push_str(&catalogue::run(&sqlite, "SQLite", tps).await);
    let _ = std::fs::remove_dir_all(&dir);
    let pg_name = format!("wtxa_bench_catalogue_{}", std::process::id());
    diesel::sql_query(format!("CREATE DATABASE {pg_name}"))
        .execute(admin_conn)
        .unwrap();
    out.push_str(&catalogue::run(&with_database(server, &pg_name), "PostgreSQL", tps).await);
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)"))
        .execute(admin_conn)
        .unwrap();
    out
}

async fn run(url: &str) -> String {
    let mut out = String::new();
    let a = spawn(url);
    let b = spawn(url);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let store = persistence::Store::connect(
        &persistence::DatabaseUrl::parse(url).unwrap(),
        &Default::default(),
    )
    .unwrap();
    let admin = api::bootstrap::create_client(&store, "bench", vec!["admin".into()], None).unwrap();
    let token: Value = http
        .post(format!("{}/api/v1/oauth/token", a.base))
        .basic_auth(admin.client_id.to_string(), Some(&admin.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    let org = post_json(
        &http,
        format!("{}/api/v1/organisations", a.base),
        &token,
        json!({"name": "Bench Trust", "kind": "nhs_trust"}),
    )
    .await;
    let org = org["id"].as_str().unwrap().to_owned();

    let storm_only = std::env::var("BENCH_STORM_ONLY").is_ok();
    // 100,000 people, then rosters of 10k and 100k.
    let mut csv = String::from("external_ref,given_name,family_name,email\n");
    for n in 0..100_000 {
        csv.push_str(&format!(
            "B{n:06},Given{n},Family,person{n}@bench.example\n"
        ));
    }
    let file_mb = csv.len() as f64 / 1_048_576.0;
    let rss_before = peak_rss_mb(a.child.id());
    let (people_time, summary) = import_csv(
        &http,
        format!("{}/api/v1/organisations/{org}/people/import", a.base),
        &token,
        csv,
    )
    .await;
    let rss_after = peak_rss_mb(a.child.id());
    out.push_str("| Measure | Result | Target |\n| --- | --- | --- |\n");
    out.push_str(&format!(
        "| Import 100,000 people (CSV over HTTP, {file_mb:.1} MB) | {:.1} s ({} created); server peak RSS {rss_before:.0} → {rss_after:.0} MB (+{:.0} MB, {:.1} × the file) | memory a small multiple of the file |\n",
        people_time.as_secs_f64(),
        summary["created"],
        rss_after - rss_before,
        (rss_after - rss_before) / file_mb,
    ));

    let cohort = |capacity: u32| {
        let (http, base, token) = (http.clone(), a.base.clone(), token.clone());
        async move {
            let body = json!({"label": format!("Bench {capacity}"), "start_date": "2027-01-01", "end_date": "2027-12-31",
                              "capacity": capacity, "delivery_mode": "online"});
            let c = post_json(
                &http,
                format!("{base}/api/v1/programmes/vital-signs/cohorts"),
                &token,
                body,
            )
            .await;
            let id = c["id"].as_str().unwrap().to_owned();
            post_json(
                &http,
                format!("{base}/api/v1/cohorts/{id}/open"),
                &token,
                json!({}),
            )
            .await;
            id
        }
    };
    let roster = |n: usize| {
        let mut csv = String::from("external_ref\n");
        for i in 0..n {
            csv.push_str(&format!("B{i:06}\n"));
        }
        csv
    };
    let mut cohorts = Vec::new();
    let sizes: &[usize] = if storm_only { &[] } else { &[10_000, 100_000] };
    for (i, size) in sizes.iter().copied().enumerate() {
        let id = cohort(10_000).await;
        let url = format!(
            "{}/api/v1/cohorts/{id}/enrolments/import?organisation_id={org}",
            a.base
        );
        let (t, s) = import_csv(&http, url, &token, roster(size)).await;
        out.push_str(&format!(
            "| Import {size} enrolments (roster CSV over HTTP) | {:.2} s ({:.0} rows/s; {} enrolled, rest waitlisted) | {} |\n",
            t.as_secs_f64(),
            size as f64 / t.as_secs_f64(),
            s["created"],
            if i == 1 { "< 30 s" } else { "—" }
        ));
        cohorts.push(id);
    }
    // Up to 1,000,000 enrolments: nine more rosters of 100,000.
    let fill = Instant::now();
    for _ in 0..if storm_only { 0 } else { 9 } {
        let id = cohort(10_000).await;
        let url = format!(
            "{}/api/v1/cohorts/{id}/enrolments/import?organisation_id={org}",
            a.base
        );
        import_csv(&http, url, &token, roster(100_000)).await;
    }
    eprintln!(
        "filled to 1,010,000 enrolments in {:.0} s",
        fill.elapsed().as_secs_f64()
    );

    let exports = match cohorts.as_slice() {
        [ten, hundred] => vec![
            ("10,000", format!("cohort={ten}")),
            ("100,000", format!("cohort={hundred}")),
            ("all (1,010,000)", String::new()),
        ],
        _ => Vec::new(),
    };
    for (label, query) in exports {
        for accept in ["application/x-ndjson", "text/csv"] {
            let (rows, secs) = export(&http, &b.base, &token, accept, &query).await;
            out.push_str(&format!(
                "| Export {label} enrolments as {accept} | {rows} rows in {secs:.2} s = {:.0} rows/s; server peak RSS {:.0} MB | ≥ 100,000 rows/s, < 100 MB |\n",
                rows as f64 / secs,
                peak_rss_mb(b.child.id())
            ));
        }
    }

    // The storm: 200 concurrent enrolments into 20 seats, over both processes.
    let storm_cohort = cohort(20).await;
    let people: Value = http
        .get(format!(
            "{}/api/v1/people?limit=100&organisation_id={org}",
            a.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut ids: Vec<String> = people["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    let more: Value = http
        .get(format!(
            "{}/api/v1/people?limit=100&organisation_id={org}&cursor={}",
            a.base,
            people["next_cursor"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    ids.extend(
        more["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned()),
    );
    for (round, warm) in [
        ("cold connections", false),
        ("warm keep-alive connections", true),
    ] {
        let cohort_id = if warm {
            cohort(20).await
        } else {
            storm_cohort.clone()
        };
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .build()
            .unwrap();
        if warm {
            let warmups: Vec<_> = (0..200)
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
            for w in warmups {
                let _ = w.await;
            }
        }
        let started = Instant::now();
        let tasks: Vec<_> = ids
            .iter()
            .cloned()
            .enumerate()
            .map(|(n, person)| {
                let base = if n % 2 == 0 {
                    a.base.clone()
                } else {
                    b.base.clone()
                };
                let (http, token, cohort) = (http.clone(), token.clone(), cohort_id.clone());
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
                    let body: Value = res.json().await.unwrap();
                    (
                        t.elapsed().as_secs_f64() * 1000.0,
                        status,
                        body["status"].as_str().unwrap_or_default().to_owned(),
                    )
                })
            })
            .collect();
        let mut latencies = Vec::new();
        let (mut enrolled, mut waitlisted, mut errors) = (0, 0, 0);
        for t in tasks {
            let (ms, status, state) = t.await.unwrap();
            latencies.push(ms);
            match (status, state.as_str()) {
                (201, "enrolled") => enrolled += 1,
                (201, "waitlisted") => waitlisted += 1,
                _ => errors += 1,
            }
        }
        let wall = started.elapsed().as_secs_f64();
        latencies.sort_by(f64::total_cmp);
        out.push_str(&format!(
            "| 200 concurrent enrolments into 20 seats, 2 processes, {round} | {enrolled} enrolled, {waitlisted} waitlisted, {errors} errors; p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms, max {:.0} ms; {wall:.2} s in all | p99 < 250 ms |\n",
            percentile(&latencies, 50.0),
            percentile(&latencies, 95.0),
            percentile(&latencies, 99.0),
            percentile(&latencies, 100.0)
        ));
    }
    out
}

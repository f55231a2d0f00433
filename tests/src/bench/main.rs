//! Benchmarks of issue 4's targets (and issue 9's import memory), on PostgreSQL, through HTTP:
//!
//! ```sh
//! cargo run --release -p tests --bin bench            # BENCH_DATABASE_URL=postgres://… to choose the server
//! BENCH_CATALOGUE_ONLY=1 cargo run --release -p tests --bin bench   # only the catalogue (issue 11)
//! BENCH_STORM_ONLY=1 BENCH_POOL_SIZE=4 cargo run --release -p tests --bin bench   # only the enrolment storm
//! BENCH_DATABASE_ONLY=1 cargo run --release -p tests --bin bench  # without the catalogue (issue 12's figures)
//! BENCH_WEBHOOKS_ONLY=1 cargo run --release -p tests --bin bench  # only the webhooks (issue 13)
//! BENCH_REPORTS_ONLY=1 cargo run --release -p tests --bin bench   # only the reports (issue 14)
//! ```
//!
//! Creates a fresh database, runs the API as two real processes (this binary re-executed in
//! server mode) against it, then measures: importing 100,000 enrolments; one person with a
//! token and an HR page next to `pgbench -S`; 200 and 500 concurrent enrolments into a
//! 20-seat cohort split over both processes (latency percentiles, gapless waitlist);
//! exporting 10,000, 100,000 and 1,010,000 enrolments as CSV next to `psql \copy` of the
//! same rows (rows/s and the server's peak RSS). Prints a Markdown report; drops the
//! database at the end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod catalogue;
mod database;
mod http;
mod report_data;
mod reports;
mod server;
mod webhooks;

use http::{export, import_csv, post_json};
use server::{peak_rss_mb, serve, spawn, with_database};

use std::time::Instant;

use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::{Value, json};

#[tokio::main]
async fn main() {
    api::webhooks::send::install_tls_provider();
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
    if std::env::var("BENCH_REPORTS_ONLY").is_ok() {
        let report = reports::run(&url).await;
        // BENCH_REPORTS_KEEP=1 keeps the database, to EXPLAIN its queries by hand.
        if std::env::var("BENCH_REPORTS_KEEP").is_ok() {
            eprintln!("kept database {name}");
        } else {
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin_conn)
                .unwrap();
        }
        println!("{report}");
        return;
    }
    if std::env::var("BENCH_WEBHOOKS_ONLY").is_ok() {
        let report = webhooks::run(&url).await;
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin_conn)
            .unwrap();
        println!("{report}");
        return;
    }
    let mut report = if std::env::var("BENCH_DATABASE_ONLY").is_ok() {
        String::new()
    } else {
        catalogue_report(&server, &mut admin_conn).await
    };
    if std::env::var("BENCH_CATALOGUE_ONLY").is_err() {
        report.push('\n');
        report.push_str(&run(&url).await);
        if std::env::var("BENCH_DATABASE_ONLY").is_err() {
            let hooks = format!("{name}_hooks");
            diesel::sql_query(format!("CREATE DATABASE {hooks}"))
                .execute(&mut admin_conn)
                .unwrap();
            report.push_str("\n### Webhooks (issue 13)\n\n");
            report.push_str(&webhooks::run(&with_database(&server, &hooks)).await);
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {hooks} WITH (FORCE)"))
                .execute(&mut admin_conn)
                .unwrap();
            let reports = format!("{name}_reports");
            diesel::sql_query(format!("CREATE DATABASE {reports}"))
                .execute(&mut admin_conn)
                .unwrap();
            report.push_str("\n### Reports (issue 14)\n\n");
            report.push_str(&reports::run(&with_database(&server, &reports)).await);
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {reports} WITH (FORCE)"))
                .execute(&mut admin_conn)
                .unwrap();
        }
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
    // Idle connections are dropped before the server's keep-alive (5 s) would close them
    // under a request that reuses one (hyper's `IncompleteMessage` after a long data fill).
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .pool_idle_timeout(std::time::Duration::from_secs(2))
        .build()
        .unwrap();
    let store = persistence::Store::connect(
        &persistence::DatabaseUrl::parse(url).unwrap(),
        &Default::default(),
    )
    .unwrap();
    let (token, org) =
        crate::http::admin_and_organisation(&http, &a.base, &store, "Bench Trust").await;

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

    // Issue 12: reads with a token next to pgbench -S, the storms, the export next to psql.
    let scratch = format!("wtxa_pgbench12_{}", std::process::id());
    let server_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut admin_conn = PgConnection::establish(&server_url).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {scratch}"))
        .execute(&mut admin_conn)
        .unwrap();
    let tps = catalogue::pgbench(&server_url, &scratch);
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
        .execute(&mut admin_conn)
        .unwrap();
    let people = people_of(&http, &a.base, &token, &org, 500).await;
    out.push_str(&format!(
        "\n`pgbench -S -c 32 -j 2` in this run: {}\n\n| Measure | Result | % of `pgbench -S` |\n| --- | --- | --- |\n",
        tps.map_or("not installed".to_owned(), |t| format!("{t:.0} TPS"))
    ));
    out.push_str(&database::reads(&a.base, &token, &people[0], tps).await);
    out.push_str("\n| Measure | Result | Target |\n| --- | --- | --- |\n");
    for n in [200, 500] {
        let c = cohort(20).await;
        out.push_str(&database::storm(&a, &b, &token, &c, &people[..n]).await);
    }
    let uuid = |s: &String| s.parse::<uuid::Uuid>().unwrap();
    let exports: Vec<(&str, Option<uuid::Uuid>)> = match cohorts.as_slice() {
        [ten, hundred] => vec![
            ("10,000", Some(uuid(ten))),
            ("100,000", Some(uuid(hundred))),
            ("all (1,010,000)", None),
        ],
        _ => Vec::new(),
    };
    for (label, cohort) in exports {
        out.push_str(&database::export_vs_copy(&b, url, &token, label, cohort).await);
    }
    if let Some(hundred) = cohorts.get(1) {
        let (rows, secs) = export(
            &http,
            &b.base,
            &token,
            "application/x-ndjson",
            &format!("cohort={hundred}"),
        )
        .await;
        out.push_str(&format!(
            "| Export 100,000 enrolments as NDJSON (rows read in batches, written by the API) | {rows} rows in {secs:.2} s = {:.0} rows/s; server peak RSS {:.0} MB | — |\n",
            rows as f64 / secs,
            peak_rss_mb(b.child.id())
        ));
    }
    out
}

/// The ids of the first `n` people of `org`, a page of 100 at a time.
async fn people_of(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    org: &str,
    n: usize,
) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    while ids.len() < n {
        let mut url = format!("{base}/api/v1/people?limit=100&organisation_id={org}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_owned()),
        );
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    ids.truncate(n);
    ids
}

//! Issue 11's catalogue benchmark: on SQLite and on PostgreSQL, one API process serving the
//! catalogue from its snapshot, loaded by 32 connections; the HTTP floor (`/health/live`)
//! and `pgbench -S` at the same client count measured in the same run, so every figure is
//! also a ratio. Repeated at 23, 2,000 and 20,000 programmes.

use std::time::{Duration, Instant};

use domain::{Programme, ProgrammeInput};
use persistence::access::audit::AuditEntry;
use persistence::catalogue::programme_writes;
use persistence::catalogue::snapshot::Snapshot;
use persistence::{DatabaseUrl, Store};

use crate::http::percentile;
use crate::server::{current_rss_mb, spawn};

/// Connections of every load (wrk's `-c32`).
const CONNECTIONS: usize = 32;
/// How long each load runs.
const SECONDS: f64 = 4.0;

pub struct Load {
    pub rps: f64,
    pub p50: f64,
    pub p99: f64,
    pub errors: usize,
}

/// `CONNECTIONS` keep-alive connections each sending `path(n)` (n counts that connection's
/// requests) for `SECONDS`.
pub async fn load(base: &str, path: impl Fn(usize) -> String + Clone + Send + 'static) -> Load {
    load_as(base, None, path).await
}

/// As [`load`], each request with `Authorization: Bearer <token>` when one is given.
pub async fn load_as(
    base: &str,
    token: Option<String>,
    path: impl Fn(usize) -> String + Clone + Send + 'static,
) -> Load {
    let deadline = Instant::now() + Duration::from_secs_f64(SECONDS);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|c| {
            let (base, path, token) = (base.to_owned(), path.clone(), token.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .unwrap();
                let (mut latencies, mut errors, mut n) = (Vec::new(), 0, c * 1_000_000);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let mut req = http.get(format!("{base}{}", path(n)));
                    if let Some(t) = &token {
                        req = req.bearer_auth(t);
                    }
                    match req.send().await {
                        Ok(res) if res.status().is_success() => {
                            let _ = res.bytes().await;
                        }
                        _ => errors += 1,
                    }
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                    n += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let wall = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    Load {
        rps: all.len() as f64 / wall,
        p50: percentile(&all, 50.0),
        p99: percentile(&all, 99.0),
        errors,
    }
}

/// `pgbench -S` (select-only) at `CONNECTIONS` clients against a scratch database on
/// `server`, in transactions per second; `None` when pgbench is not installed.
pub fn pgbench(server_url: &str, scratch: &str) -> Option<f64> {
    let run = |args: &[&str]| {
        std::process::Command::new("pgbench")
            .args(args)
            .arg(crate::server::with_database(server_url, scratch))
            .output()
            .ok()
    };
    run(&["-i", "-q", "-s", "1"])?;
    let out = run(&[
        "-S",
        "-n",
        "-c",
        &CONNECTIONS.to_string(),
        "-j",
        "2",
        "-T",
        &format!("{SECONDS}"),
    ])?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|t| t.parse().ok())
}

const WORDS: [&str; 12] = [
    "leadership",
    "care",
    "research",
    "quality",
    "safety",
    "teams",
    "culture",
    "evidence",
    "community",
    "learning",
    "innovation",
    "practice",
];

/// Adds programmes until the catalogue holds `total`, in one transaction.
fn grow(store: &Store, from: usize, total: usize) {
    let themes = ["leadership", "facilitation", "best_practice"];
    let levels = ["macro", "meso", "micro"];
    let modes = ["face_to_face", "online", "blended"];
    let audit = AuditEntry::by(None, None, "bench");
    store
        .with(|conn| {
            use diesel::Connection;
            conn.transaction(|conn| {
                for i in from..total {
                    let w = |k: usize| WORDS[(i / (k + 1) + k) % WORDS.len()];
                    let p = Programme::parse(ProgrammeInput {
                        slug: Some(format!("bench-{i}")),
                        title: Some(format!("Bench {i}: {} and {} for {}", w(0), w(1), w(2))),
                        theme: Some(themes[i % 3].into()),
                        level: Some(levels[(i / 3) % 3].into()),
                        what: Some(format!(
                            "A generated programme about {} and {}, to measure the catalogue at scale. It has a second sentence.",
                            w(3),
                            w(4)
                        )),
                        how: None,
                        who: Some(format!("Anyone in {}", w(5))),
                        when: None,
                        duration: None,
                        delivery_mode: Some(modes[i % 3].into()),
                        availability: Some("on_demand".into()),
                        partners: Vec::new(),
                        stems: vec!["leadership".into(), "culture_change".into()],
                        priorities: vec![format!("{}", i % 7 + 1)],
                        status: Some("published".into()),
                    })
                    .unwrap();
                    programme_writes::create(conn, &p, &audit)?;
                }
                Ok(())
            })
        })
        .unwrap();
}

/// One backend's section of the report.
pub async fn run(url: &str, backend: &str, pgbench_tps: Option<f64>) -> String {
    let mut out = String::new();
    let server = spawn(url);
    let store = Store::connect(&DatabaseUrl::parse(url).unwrap(), &Default::default()).unwrap();
    let mut size = 23;
    for target in [23, 2_000, 20_000] {
        if target > size {
            let (store, from) = (store.clone(), size);
            tokio::task::spawn_blocking(move || grow(&store, from, target))
                .await
                .unwrap();
            size = target;
        }
        let (store2, t) = (store.clone(), Instant::now());
        let loaded = tokio::task::spawn_blocking(move || store2.with(Snapshot::load).unwrap())
            .await
            .unwrap();
        let rebuild_ms = t.elapsed().as_secs_f64() * 1000.0;
        assert!(loaded.len() >= target);
        // The server learns of the new programmes within its staleness bound.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let floor = load(&server.base, |_| "/health/live".into()).await;
        let rows: [(&str, Load); 5] = [
            (
                "list of 20 with facets",
                load(&server.base, |_| "/api/v1/programmes?limit=20".into()).await,
            ),
            (
                "list filtered (theme, level)",
                load(&server.base, |_| {
                    "/api/v1/programmes?limit=20&theme=leadership&level=meso".into()
                })
                .await,
            ),
            (
                "word search, by relevance",
                load(&server.base, |_| {
                    "/api/v1/programmes?limit=20&q=leadership%20care&sort=relevance".into()
                })
                .await,
            ),
            (
                "word search, a new query every request (nothing cached)",
                load(&server.base, |n| {
                    format!("/api/v1/programmes?limit=20&q=care%20{n}")
                })
                .await,
            ),
            (
                "one programme by slug",
                load(&server.base, |_| {
                    "/api/v1/programmes/spheres-of-influence".into()
                })
                .await,
            ),
        ];
        out.push_str(&format!(
            "| {backend}, {size} programmes | `/health/live` (HTTP floor) | {:.0} rps, p50 {:.2} ms, p99 {:.2} ms | — | — |\n",
            floor.rps, floor.p50, floor.p99
        ));
        for (label, l) in rows {
            let vs_pgbench = pgbench_tps.map_or("—".to_owned(), |tps| {
                format!("{:.0} %", 100.0 * l.rps / tps)
            });
            out.push_str(&format!(
                "| {backend}, {size} programmes | {label} | {:.0} rps, p50 {:.2} ms, p99 {:.2} ms{} | {:.0} % | {vs_pgbench} |\n",
                l.rps,
                l.p50,
                l.p99,
                if l.errors > 0 { format!(", {} errors", l.errors) } else { String::new() },
                100.0 * l.rps / floor.rps,
            ));
        }
        out.push_str(&format!(
            "| {backend}, {size} programmes | snapshot rebuild (all statements + indexing, measured in the client) | {rebuild_ms:.0} ms; server RSS {:.0} MB after the loads | — | — |\n",
            current_rss_mb(server.child.id())
        ));
    }
    out
}

//! Issue 13's benchmark, on PostgreSQL with two API processes and a receiver in this
//! process: enrolments at a target rate for a while, first with no endpoint, then with one
//! hearing `enrolment.created` (each event's time from the enrolment's 201 — sent after the
//! commit — to its arrival, duplicates, and the enrolment p99 next to the first run's); then
//! a backlog of 100,000 events drained.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::{Value, json};

use crate::http::{import_csv, percentile, post_json};
use crate::server::{free_port, spawn};

#[derive(Default)]
struct Arrivals {
    /// Event data id → when it first arrived.
    first: HashMap<String, Instant>,
    /// Requests whose `webhook-id` had arrived before.
    repeats: usize,
    seen: std::collections::HashSet<String>,
}

async fn receive(
    req: actix_web::HttpRequest,
    body: web::Bytes,
    got: web::Data<Mutex<Arrivals>>,
) -> HttpResponse {
    let now = Instant::now();
    let id = req
        .headers()
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let event: Value = serde_json::from_slice(&body).unwrap_or_default();
    let mut a = got.lock().unwrap();
    if !a.seen.insert(id) {
        a.repeats += 1;
    }
    if let Some(data_id) = event["data"]["id"].as_str() {
        a.first.entry(data_id.to_owned()).or_insert(now);
    }
    HttpResponse::Ok().finish()
}

/// Open-loop enrolments at `rate` a second for `seconds`, alternating processes, at most
/// 256 in flight; returns (latencies in ms, (enrolment id, answered at)), achieved rate.
async fn enrolments(
    bases: &[String],
    token: &str,
    pairs: &[(String, String)],
    rate: u64,
) -> (Vec<f64>, Vec<(String, Instant)>, f64) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let gate = Arc::new(tokio::sync::Semaphore::new(256));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(pairs.len());
    for (n, (cohort, person)) in pairs.iter().enumerate() {
        let due = started + Duration::from_micros(n as u64 * 1_000_000 / rate);
        tokio::time::sleep_until(due.into()).await;
        let permit = gate.clone().acquire_owned().await.unwrap();
        let (http, token) = (http.clone(), token.to_owned());
        let url = format!(
            "{}/api/v1/cohorts/{cohort}/enrolments",
            bases[n % bases.len()]
        );
        let person = person.clone();
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let res = http
                .post(url)
                .bearer_auth(token)
                .json(&json!({"person_id": person}))
                .send()
                .await
                .unwrap();
            let answered = Instant::now();
            assert_eq!(res.status(), 201);
            let body: Value = res.json().await.unwrap();
            drop(permit);
            (
                answered.duration_since(sent).as_secs_f64() * 1000.0,
                body["id"].as_str().unwrap().to_owned(),
                answered,
            )
        }));
    }
    let mut latencies = Vec::new();
    let mut answered = Vec::new();
    for t in tasks {
        let (ms, id, at) = t.await.unwrap();
        latencies.push(ms);
        answered.push((id, at));
    }
    let achieved = pairs.len() as f64 / started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    (latencies, answered, achieved)
}

/// Phases of each kind, taken in turn.
const PHASES: usize = 3;

pub async fn run(url: &str) -> String {
    let rate: u64 = std::env::var("BENCH_WEBHOOK_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let seconds: u64 = std::env::var("BENCH_WEBHOOK_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let backlog: i64 = 100_000;
    let per_run = (rate * seconds) as usize;
    let (a, b) = (spawn(url), spawn(url));
    let bases = vec![a.base.clone(), b.base.clone()];
    let http = reqwest::Client::new();
    let store = persistence::Store::connect(
        &persistence::DatabaseUrl::parse(url).unwrap(),
        &Default::default(),
    )
    .unwrap();
    let (token, org) =
        crate::http::admin_and_organisation(&http, &a.base, &store, "Webhook Trust").await;
    let mut csv = String::from("external_ref,given_name,family_name,email\n");
    for n in 0..2 * per_run {
        csv.push_str(&format!("W{n:07},Given{n},Family,w{n}@bench.example\n"));
    }
    import_csv(
        &http,
        format!("{}/api/v1/organisations/{org}/people/import", a.base),
        &token,
        csv,
    )
    .await;
    let mut conn = PgConnection::establish(url).unwrap();
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let people: Vec<String> = diesel::sql_query(
        "SELECT id::text AS id FROM people WHERE external_ref LIKE 'W%' ORDER BY external_ref",
    )
    .load::<Id>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|i| i.id)
    .collect();
    // Many cohorts, so the enrolments do not all queue on one cohort's row.
    let mut cohorts = Vec::new();
    for i in 0..100 {
        let body = json!({"label": format!("Webhook bench {i}"), "start_date": "2027-01-01", "end_date": "2027-12-31",
            "capacity": 10_000, "delivery_mode": "online"});
        let c = post_json(
            &http,
            format!("{}/api/v1/programmes/vital-signs/cohorts", a.base),
            &token,
            body,
        )
        .await;
        let id = c["id"].as_str().unwrap().to_owned();
        post_json(
            &http,
            format!("{}/api/v1/cohorts/{id}/open", a.base),
            &token,
            json!({}),
        )
        .await;
        cohorts.push(id);
    }
    let pairs: Vec<(String, String)> = people
        .iter()
        .enumerate()
        .map(|(n, p)| (cohorts[n % cohorts.len()].clone(), p.clone()))
        .collect();

    // The receiver, and one endpoint; it hears the enrolments only in the "hooked" phases.
    let arrivals = web::Data::new(Mutex::new(Arrivals::default()));
    let port = free_port();
    let data = arrivals.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/hooks", web::post().to(receive))
    })
    .workers(1)
    .bind(("127.0.0.1", port))
    .unwrap()
    .run();
    tokio::spawn(server);
    let hook = post_json(&http, format!("{}/api/v1/webhooks", a.base), &token,
        json!({"url": format!("http://127.0.0.1:{port}/hooks"), "event_types": ["programme.retired"]})).await;
    let hook = hook["id"].as_str().unwrap().to_owned();
    let patch = |body: Value| {
        let (http, base, token, hook) = (http.clone(), a.base.clone(), token.clone(), hook.clone());
        async move {
            let current = http
                .get(format!("{base}/api/v1/webhooks/{hook}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            let tag = current.headers()["etag"].to_str().unwrap().to_owned();
            let res = http
                .patch(format!("{base}/api/v1/webhooks/{hook}"))
                .bearer_auth(&token)
                .header("If-Match", tag)
                .header("Content-Type", "application/merge-patch+json")
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success());
        }
    };
    // Phases taken in turn, so that the machine's drift falls on both alike: without the
    // endpoint hearing the enrolments, then with it, three times.
    let phase = per_run / PHASES;
    let (mut plain, mut hooked, mut answered) = (Vec::new(), Vec::new(), Vec::new());
    let (mut plain_rate, mut hooked_rate) = (0.0, 0.0);
    for i in 0..PHASES {
        let at = 2 * i * phase;
        patch(json!({"event_types": ["programme.retired"]})).await;
        let (l, _, r) = enrolments(&bases, &token, &pairs[at..at + phase], rate).await;
        plain.extend(l);
        plain_rate += r / PHASES as f64;
        patch(json!({"event_types": ["enrolment.created"]})).await;
        let (l, ans, r) =
            enrolments(&bases, &token, &pairs[at + phase..at + 2 * phase], rate).await;
        hooked.extend(l);
        answered.extend(ans);
        hooked_rate += r / PHASES as f64;
        let deadline = Instant::now() + Duration::from_secs(120);
        while arrivals.lock().unwrap().first.len() < (i + 1) * phase && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    plain.sort_by(f64::total_cmp);
    hooked.sort_by(f64::total_cmp);
    let per_run = PHASES * phase;
    let (mut delays, delivered, repeats) = {
        let got = arrivals.lock().unwrap();
        let delays: Vec<f64> = answered
            .iter()
            .filter_map(|(id, at)| {
                got.first
                    .get(id)
                    .map(|arrived| arrived.saturating_duration_since(*at).as_secs_f64() * 1000.0)
            })
            .collect();
        (delays, got.first.len(), got.repeats)
    };
    delays.sort_by(f64::total_cmp);

    // A backlog: the endpoint paused, 100,000 events written at once and fanned out, then
    // the endpoint set active and timed until the last arrives.
    patch(json!({"status": "paused", "event_types": []})).await;
    diesel::sql_query(format!(
        "INSERT INTO webhook_events (id, event_type, occurred_at, audience, data) \
         SELECT gen_random_uuid(), 'programme.published', now() AT TIME ZONE 'UTC', 'public', \
             json_build_object('id', gen_random_uuid(), 'slug', 'backlog-' || n)::text \
         FROM generate_series(1, {backlog}) n"
    ))
    .execute(&mut conn)
    .unwrap();
    let fan_started = Instant::now();
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let pending = |conn: &mut PgConnection, sql: &str| {
        diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
    };
    while pending(
        &mut conn,
        "SELECT count(*) AS n FROM webhook_events WHERE NOT fanned_out",
    ) > 0
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let fanned = fan_started.elapsed().as_secs_f64();
    let before = arrivals.lock().unwrap().first.len();
    let drain_started = Instant::now();
    patch(json!({"status": "active"})).await;
    let target = before + backlog as usize;
    let deadline = Instant::now() + Duration::from_secs(600);
    while arrivals.lock().unwrap().first.len() < target && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drained = arrivals.lock().unwrap().first.len() - before;
    let drain = drain_started.elapsed().as_secs_f64();
    let repeats_after = arrivals.lock().unwrap().repeats;

    let p = |v: &[f64], q| {
        if v.is_empty() {
            f64::NAN
        } else {
            percentile(v, q)
        }
    };
    let mut out = String::from("| Measure | Result | Target |\n| --- | --- | --- |\n");
    out.push_str(&format!(
        "| Enrolments, no endpoint hearing them ({per_run} at {rate}/s asked, in {PHASES} phases) | {plain_rate:.0}/s achieved; p50 {:.1} ms, p99 {:.1} ms | — |\n",
        p(&plain, 50.0), p(&plain, 99.0)
    ));
    out.push_str(&format!(
        "| Enrolments, one endpoint hearing them ({PHASES} phases between those) | {hooked_rate:.0}/s achieved; p50 {:.1} ms, p99 {:.1} ms ({:+.0} % on the p99) | p99 within +10 % |\n",
        p(&hooked, 50.0), p(&hooked, 99.0), 100.0 * (p(&hooked, 99.0) / p(&plain, 99.0) - 1.0)
    ));
    out.push_str(&format!(
        "| From the 201 to the receiver | {delivered} of {per_run} delivered, {repeats} repeats; p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms | each once; p99 < 500 ms |\n",
        p(&delays, 50.0), p(&delays, 99.0), delays.last().copied().unwrap_or(f64::NAN)
    ));
    out.push_str(&format!(
        "| Backlog of {backlog} events | fanned out in {fanned:.1} s; {drained} delivered in {drain:.1} s = {:.0} deliveries/s, {} repeats | ≥ 2,000/s |\n",
        drained as f64 / drain, repeats_after - repeats
    ));
    out
}

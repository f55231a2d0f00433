//! How deliveries are signed and shared: a secret in rotation, a worker that dies holding
//! its claims, two processes sharing the work; and what `/metrics` counts.

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::fixtures::learning::{enrolled, id, open_cohort, person, world};
use crate::fixtures::webhooks::{app, ping, receiver, subscribe};
use crate::helpers::{settings_for, spawn_app_with, start};

#[tokio::test]
async fn during_a_rotation_both_secrets_sign_and_either_verifies() {
    let app = app().await;
    let admin = app.admin_token().await;
    let token = app.token_with(&admin, &["webhooks:manage"]).await;
    let r = receiver(200).await;
    let (hook, old) = subscribe(&app, &token, &r.url, &[]).await;
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/webhooks/{hook}/rotate-secret"),
            Some(&token),
            None,
        )
        .await;
    let new: Value = res.json().await.unwrap();
    let new = new["secret"].as_str().unwrap().to_owned();
    ping(&app, &token, &hook).await;
    r.wait_for(1).await;
    let (headers, body) = r.got.lock().unwrap()[0].clone();
    let signatures = headers["webhook-signature"].to_str().unwrap();
    assert_eq!(signatures.split(' ').count(), 2, "{signatures}");
    for secret in [&old, &new] {
        standardwebhooks::Webhook::new(secret)
            .unwrap()
            .verify(&body, &headers)
            .expect("each secret verifies");
    }
    let stranger = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    assert!(
        standardwebhooks::Webhook::new(stranger)
            .unwrap()
            .verify(&body, &headers)
            .is_err()
    );
}

#[tokio::test]
async fn claims_of_a_worker_that_died_are_delivered_once_its_lease_ends() {
    // A process with no worker writes the events; a "worker" claims them and dies (never
    // records an outcome); a second process's worker delivers them after the lease.
    let app = spawn_app_with(|s| {
        s.webhooks.policy = domain::webhook::UrlPolicy::AllowInsecure;
        s.webhooks.worker = false;
    })
    .await;
    let admin = app.admin_token().await;
    let token = app.token_with(&admin, &["webhooks:manage"]).await;
    let r = receiver(200).await;
    subscribe(&app, &token, &r.url, &["cohort.opened"]).await;
    open_cohort(&app, &admin, 3, false).await;
    open_cohort(&app, &admin, 4, false).await;
    let store = persistence::Store::connect(
        &persistence::DatabaseUrl::parse(app._db.url()).unwrap(),
        &Default::default(),
    )
    .unwrap();
    let claimed = store
        .with(|c| {
            let at = persistence::clock::now();
            persistence::webhooks::worker::fan_out(c, 100, at)?;
            persistence::webhooks::worker::claim(c, 100, at, at + chrono::Duration::seconds(2))
        })
        .unwrap();
    assert_eq!(claimed.len(), 2, "the dying worker holds both");

    let mut settings = settings_for(app._db.url());
    settings.webhooks.policy = domain::webhook::UrlPolicy::AllowInsecure;
    settings.webhooks.poll = Duration::from_millis(100);
    start(settings).await;
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert!(r.events().is_empty(), "nobody sends what is leased");
    let got = r.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(got.len(), 2);
    assert_eq!(r.events().len(), 2, "each once");
}

#[tokio::test]
async fn two_processes_deliver_each_event_exactly_once() {
    let app = app().await;
    let mut settings = settings_for(app._db.url());
    settings.webhooks.policy = domain::webhook::UrlPolicy::AllowInsecure;
    settings.webhooks.poll = Duration::from_millis(100);
    start(settings).await;
    let w = world(&app).await;
    let token = app.token_with(&w.admin, &["webhooks:manage"]).await;
    let r = receiver(200).await;
    subscribe(&app, &token, &r.url, &["enrolment.created"]).await;
    let cohort = id(&open_cohort(&app, &w.admin, 100, false).await);
    let n = 30;
    for i in 0..n {
        let p = id(&person(&app, &w.org_token, i, Some(&w.org)).await);
        enrolled(&app, &w.org_token, &cohort, &p).await;
    }
    r.wait_for(n).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ids: Vec<String> = r
        .got
        .lock()
        .unwrap()
        .iter()
        .map(|(h, _)| h["webhook-id"].to_str().unwrap().to_owned())
        .collect();
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        (ids.len(), distinct.len()),
        (n, n),
        "every event once, none twice"
    );
}

#[tokio::test]
async fn metrics_count_deliveries_and_the_queue() {
    const METRICS: &str = "scraper-secret-for-the-tests-0123";
    let app = spawn_app_with(|s| {
        s.webhooks.policy = domain::webhook::UrlPolicy::AllowInsecure;
        s.webhooks.poll = Duration::from_millis(100);
        s.metrics.token = Some(METRICS.to_owned());
    })
    .await;
    let admin = app.admin_token().await;
    let token = app.token_with(&admin, &["webhooks:manage"]).await;
    let (ok, paused) = (receiver(200).await, receiver(200).await);
    let (hook, _) = subscribe(&app, &token, &ok.url, &[]).await;
    ping(&app, &token, &hook).await;
    ok.wait_for(1).await;
    let res = app
        .send(
            Method::POST,
            "/api/v1/webhooks",
            Some(&token),
            Some(&serde_json::json!({"url": paused.url, "status": "paused"})),
        )
        .await;
    let paused_hook = id(&res.json::<Value>().await.unwrap());
    app.send(
        Method::POST,
        &format!("/api/v1/webhooks/{paused_hook}/ping"),
        Some(&token),
        None,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let text = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(METRICS)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |series: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(series))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{series} missing:\n{text}"))
    };
    assert_eq!(
        value("webhook_deliveries_total{outcome=\"delivered\"}"),
        1.0
    );
    assert_eq!(
        value("webhook_deliveries_queued "),
        1.0,
        "the paused endpoint's ping waits"
    );
    assert!(value("webhook_oldest_undelivered_age_seconds ") > 0.0);
    assert_eq!(value("webhook_endpoints_disabled "), 0.0);
    assert!(
        paused.events().is_empty(),
        "a paused endpoint is sent nothing"
    );
}

#[tokio::test]
async fn a_replay_sends_a_ranges_events_again_with_their_ids_a_page_at_a_time() {
    let app = spawn_app_with(|s| {
        s.webhooks.policy = domain::webhook::UrlPolicy::AllowInsecure;
        s.webhooks.poll = Duration::from_millis(100);
        s.webhooks.replay_limit = 2;
    })
    .await;
    let admin = app.admin_token().await;
    let token = app.token_with(&admin, &["webhooks:manage"]).await;
    let r = receiver(200).await;
    let (hook, _) = subscribe(&app, &token, &r.url, &["cohort.opened"]).await;
    let from = chrono::Utc::now();
    for capacity in [3, 4, 5] {
        open_cohort(&app, &admin, capacity, false).await;
    }
    r.wait_for(3).await;
    let to = chrono::Utc::now() + chrono::Duration::seconds(1);
    let ids = || -> Vec<String> {
        r.got
            .lock()
            .unwrap()
            .iter()
            .map(|(h, _)| h["webhook-id"].to_str().unwrap().to_owned())
            .collect()
    };
    let replay = |from: Value| {
        let (app, token, hook) = (&app, &token, &hook);
        async move {
            let res = app
                .send(
                    Method::POST,
                    &format!("/api/v1/webhooks/{hook}/replay"),
                    Some(token),
                    Some(&serde_json::json!({"from": from, "to": to})),
                )
                .await;
            assert_eq!(res.status(), 202);
            res.json::<Value>().await.unwrap()
        }
    };
    // Two events a call here: the first call says where the second goes on.
    let first = replay(serde_json::json!(from)).await;
    assert_eq!(first["queued"], 2, "{first}");
    assert!(first["next_from"].is_string(), "{first}");
    let second = replay(first["next_from"].clone()).await;
    assert_eq!(
        (second["queued"].as_i64(), second["next_from"].is_null()),
        (Some(1), true)
    );
    r.wait_for(6).await;
    let got = ids();
    assert_eq!(got.len(), 6, "{got:?}");
    let (sent, again) = got.split_at(3);
    assert_eq!(
        sent.iter().collect::<BTreeSet<_>>(),
        again.iter().collect::<BTreeSet<_>>(),
        "the same webhook-ids"
    );
    // A range that ends before it starts is refused, naming `to`.
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/webhooks/{hook}/replay"),
            Some(&token),
            Some(&serde_json::json!({"from": to, "to": from})),
        )
        .await;
    let p = crate::helpers::assert_problem(res, 422).await;
    assert!(p.to_string().contains("\"to\""), "{p}");
}

/// A queue worker's pool (the webhook worker's) commits without waiting for the WAL flush
/// (a database crash can only make it redo work: deliveries are at least once); every
/// other pool waits for it.
#[tokio::test]
async fn only_a_queue_workers_pool_relaxes_its_commits() {
    use diesel::{QueryableByName, RunQueryDsl};
    let db = crate::helpers::TestDb::create().await;
    if !db.is_postgres() {
        eprintln!("PostgreSQL-only test: SQLite's commits are local");
        return;
    }
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        setting: String,
    }
    let url = persistence::DatabaseUrl::parse(db.url()).unwrap();
    for (queue_worker, want) in [(true, "off"), (false, "on")] {
        let options = persistence::PoolOptions {
            max_size: 1,
            queue_worker,
            ..persistence::PoolOptions::default()
        };
        let pool = persistence::db::build_pool(&url, &options).unwrap();
        let mut conn = pool.get().unwrap();
        let got: Setting =
            diesel::sql_query("SELECT setting FROM pg_settings WHERE name = 'synchronous_commit'")
                .get_result(&mut *conn)
                .unwrap();
        assert_eq!(got.setting, want, "queue worker: {queue_worker}");
    }
}

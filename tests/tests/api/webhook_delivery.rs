//! How deliveries behave when things go wrong: a receiver that times out, a secret in
//! rotation, an endpoint that keeps failing, a worker that dies holding its claims, two
//! processes sharing the work; and what `/metrics` counts.

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::fixtures::learning::{enrolled, id, open_cohort, person, world};
use crate::fixtures::webhooks::{app, receiver, subscribe};
use crate::helpers::{TestApp, settings_for, spawn_app_with, start};

async fn log(app: &TestApp, token: &str, hook: &str) -> Value {
    app.get_json_as(&format!("/api/v1/webhooks/{hook}/deliveries"), token)
        .await
}

/// Polls the endpoint's first delivery until `done` holds (10 s at most).
async fn until(app: &TestApp, token: &str, hook: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let page = log(app, token, hook).await;
        if page["data"].get(0).is_some_and(&done) {
            return page["data"][0].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never: {}", log(app, token, hook).await);
}

#[tokio::test]
async fn a_receiver_that_times_out_is_retried() {
    let app = app().await; // receivers have 1.5 s
    let admin = app.admin_token().await;
    let token = app.token_with(&admin, &["webhooks:manage"]).await;
    let slow = receiver(200).await;
    *slow.delay.lock().unwrap() = Duration::from_secs(3);
    let (hook, _) = subscribe(&app, &token, &slow.url, &[]).await;
    app.send(
        Method::POST,
        &format!("/api/v1/webhooks/{hook}/ping"),
        Some(&token),
        None,
    )
    .await;
    let d = until(&app, &token, &hook, |d| {
        d["attempts"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    assert_eq!(d["status"], "pending");
    let attempt = &d["attempts"][0];
    assert!(attempt["status_code"].is_null());
    assert!(
        attempt["error"].as_str().unwrap().contains("timed out"),
        "{attempt}"
    );
    assert!(attempt["latency_ms"].as_i64().unwrap() >= 1_400);

    *slow.delay.lock().unwrap() = Duration::ZERO;
    let d = until(&app, &token, &hook, |d| d["status"] == "delivered").await;
    assert_eq!(
        d["attempts"].as_array().unwrap().len(),
        2,
        "delivered on the retry 5 s later"
    );
}

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
    app.send(
        Method::POST,
        &format!("/api/v1/webhooks/{hook}/ping"),
        Some(&token),
        None,
    )
    .await;
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
async fn an_endpoint_failing_for_the_configured_span_is_disabled_and_its_owner_sees_why() {
    let app = spawn_app_with(|s| {
        s.webhooks.policy = domain::webhook::UrlPolicy::AllowInsecure;
        s.webhooks.poll = Duration::from_millis(100);
        s.webhooks.disable_after = Duration::from_millis(500);
    })
    .await;
    let admin = app.admin_token().await;
    let token = app.token_with(&admin, &["webhooks:manage"]).await;
    let down = receiver(503).await;
    let (hook, _) = subscribe(&app, &token, &down.url, &[]).await;
    app.send(
        Method::POST,
        &format!("/api/v1/webhooks/{hook}/ping"),
        Some(&token),
        None,
    )
    .await;
    let d = until(&app, &token, &hook, |d| {
        d["attempts"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    let shown = app
        .get_json_as(&format!("/api/v1/webhooks/{hook}"), &token)
        .await;
    assert_eq!(shown["status"], "active", "one failure does not disable");
    assert!(shown["failing_since"].is_string());
    tokio::time::sleep(Duration::from_millis(600)).await;
    let retry = format!(
        "/api/v1/webhooks/{hook}/deliveries/{}/retry",
        d["id"].as_str().unwrap()
    );
    assert_eq!(
        app.send(Method::POST, &retry, Some(&token), None)
            .await
            .status(),
        202
    );
    down.wait_for(2).await;
    let mut shown = Value::Null;
    for _ in 0..100 {
        shown = app
            .get_json_as(&format!("/api/v1/webhooks/{hook}"), &token)
            .await;
        if shown["status"] == "disabled" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(shown["status"], "disabled");
    assert!(
        shown["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("failed for 1 second"),
        "{shown}"
    );

    // Its owner sets it active again: the run of failures starts afresh.
    let path = format!("/api/v1/webhooks/{hook}");
    let tag = app.etag_as(&path, &token).await;
    let res = app
        .patch_if_match(
            &path,
            &token,
            &tag,
            &serde_json::json!({"status": "active"}),
        )
        .await;
    let back: Value = res.json().await.unwrap();
    assert_eq!(back["status"], "active");
    assert!(back["disabled_reason"].is_null() && back["failing_since"].is_null());
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
    app.send(
        Method::POST,
        &format!("/api/v1/webhooks/{hook}/ping"),
        Some(&token),
        None,
    )
    .await;
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

//! Rate limits (per process) and failed-token throttling (shared, in the database).

use std::time::Duration;

use api::config::RateLimits;

use crate::helpers::{Credentials, assert_problem};

use crate::helpers::spawn_app_with as app_with;

#[tokio::test]
async fn a_client_over_its_limit_gets_429_with_retry_after_then_recovers() {
    let app = app_with(|s| {
        s.rate_limits = RateLimits {
            client_requests: 3,
            anonymous_requests: 1000,
            window: Duration::from_secs(2),
        };
    })
    .await;
    let admin = app.admin_token().await;
    for remaining in [2, 1, 0] {
        let res = app
            .send(reqwest::Method::GET, "/api/v1/audit", Some(&admin), None)
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["ratelimit-limit"], "3");
        assert_eq!(
            res.headers()["ratelimit-remaining"],
            remaining.to_string().as_str()
        );
        assert_eq!(res.headers()["ratelimit-policy"], "3;w=2");
    }
    let res = app
        .send(reqwest::Method::GET, "/api/v1/audit", Some(&admin), None)
        .await;
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    assert_eq!(res.headers()["ratelimit-remaining"], "0");
    let p = assert_problem(res, 429).await;
    assert_eq!(p["type"], "/problems/rate-limited");
    // Anonymous callers have their own budget.
    assert_eq!(app.get("/api/v1/taxonomy").await.status(), 200);
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(
        app.send(reqwest::Method::GET, "/api/v1/audit", Some(&admin), None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn anonymous_callers_are_limited_per_ip_and_probes_are_not_limited() {
    let app = app_with(|s| {
        s.rate_limits = RateLimits {
            client_requests: 1000,
            anonymous_requests: 2,
            window: Duration::from_secs(60),
        };
    })
    .await;
    assert_eq!(app.get("/api/v1/taxonomy").await.status(), 200);
    assert_eq!(app.get("/api/v1/priorities").await.status(), 200);
    assert_problem(app.get("/api/v1/taxonomy").await, 429).await;
    for _ in 0..5 {
        assert_eq!(app.get("/health/live").await.status(), 200);
    }
}

#[tokio::test]
async fn repeated_failed_token_requests_are_throttled_then_recover() {
    let app = app_with(|s| {
        s.auth.max_token_failures = 2;
        s.auth.failure_window = Duration::from_secs(2);
    })
    .await;
    let admin = app.bootstrap_admin().await;
    let wrong = Credentials {
        secret: "wrong".into(),
        ..admin.clone()
    };
    assert_eq!(app.request_token(&wrong, None).await.status(), 401);
    assert_eq!(app.request_token(&wrong, None).await.status(), 401);
    // Blocked now, even with the right secret.
    let res = app.request_token(&admin, None).await;
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "slow_down");
    tokio::time::sleep(Duration::from_secs(wait + 1)).await;
    assert_eq!(app.request_token(&admin, None).await.status(), 200);
}

#[tokio::test]
async fn failures_from_elsewhere_never_lock_a_client_out() {
    let app = app_with(|s| {
        s.auth.max_token_failures = 2;
        s.auth.failure_window = Duration::from_secs(60);
    })
    .await;
    let admin = app.bootstrap_admin().await;
    let other = app.bootstrap_admin().await;
    let form = |c: &Credentials| {
        vec![
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", c.id.clone()),
            ("client_secret", c.secret.clone()),
        ]
    };
    let elsewhere = crate::helpers::client_from("127.0.0.2");
    let wrong = Credentials {
        secret: "wrong".into(),
        ..admin.clone()
    };
    let from_elsewhere = |c: Credentials| {
        let elsewhere = elsewhere.clone();
        let url = app.url("/api/v1/oauth/token");
        let form = form(&c);
        async move { elsewhere.post(url).form(&form).send().await.unwrap() }
    };
    // Someone who knows the client's id guesses from another address until refused…
    for _ in 0..2 {
        assert_eq!(from_elsewhere(wrong.clone()).await.status(), 401);
    }
    assert_eq!(from_elsewhere(wrong.clone()).await.status(), 429);
    // …the client itself, from its own address, is not locked out…
    assert_eq!(app.request_token(&admin, None).await.status(), 200);
    // …while the guessing address stays refused, for any client id it tries.
    assert_eq!(from_elsewhere(admin.clone()).await.status(), 429);
    assert_eq!(from_elsewhere(other.clone()).await.status(), 429);
    assert_eq!(app.request_token(&other, None).await.status(), 200);
}

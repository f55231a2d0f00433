//! Deliveries when receivers misbehave: one that times out, one that asks us to wait
//! (`Retry-After`), one that keeps failing until its endpoint is disabled, and an endpoint
//! deleted while its delivery is in flight.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::fixtures::learning::open_cohort;
use crate::fixtures::webhooks::{app, attempted, ping, poll, receiver, subscribe, until};
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn a_receiver_that_times_out_is_retried() {
    let app = app().await; // receivers have 1.5 s
    let admin = app.admin_token().await;
    let token = app.token_with(&admin, &["webhooks:manage"]).await;
    let slow = receiver(200).await;
    *slow.delay.lock().unwrap() = Duration::from_secs(3);
    let (hook, _) = subscribe(&app, &token, &slow.url, &[]).await;
    ping(&app, &token, &hook).await;
    let d = attempted(&app, &token, &hook).await;
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
async fn retry_after_is_honoured_as_seconds_or_as_an_http_date() {
    let app = app().await;
    let admin = app.admin_token().await;
    let token = app.token_with(&admin, &["webhooks:manage"]).await;
    let busy = receiver(503).await;
    let (hook, _) = subscribe(&app, &token, &busy.url, &[]).await;
    // 429 with delay-seconds, then 503 with an HTTP-date: each pushes the next attempt well
    // past the schedule's 5 s (at most 5 s plus jitter).
    for (status, wait, retry_after) in [
        (429, 600, "600".to_owned()),
        (
            503,
            900,
            httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(900)),
        ),
    ] {
        *busy.status.lock().unwrap() = status;
        *busy.retry_after.lock().unwrap() = Some(retry_after);
        let asked = chrono::Utc::now().naive_utc();
        ping(&app, &token, &hook).await;
        let d = attempted(&app, &token, &hook).await;
        assert_eq!(d["attempts"][0]["status_code"], status);
        let next: chrono::DateTime<chrono::Utc> =
            d["next_attempt_at"].as_str().unwrap().parse().unwrap();
        let waits = (next.naive_utc() - asked).num_seconds();
        assert!(
            (wait - 5..=wait + 30).contains(&waits),
            "{status}: next attempt in {waits} s, asked for {wait} s"
        );
    }
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
    ping(&app, &token, &hook).await;
    let d = attempted(&app, &token, &hook).await;
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
    let shown = poll(&app, &token, &format!("/api/v1/webhooks/{hook}"), |e| {
        e["status"] == "disabled"
    })
    .await;
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

    // Failing again, then paused and resumed: time paused is not time failing.
    ping(&app, &token, &hook).await;
    down.wait_for(3).await;
    poll(&app, &token, &path, |e| e["failing_since"].is_string()).await;
    for (status, failing_since_kept) in [("paused", true), ("active", false)] {
        let tag = app.etag_as(&path, &token).await;
        let res = app
            .patch_if_match(&path, &token, &tag, &serde_json::json!({"status": status}))
            .await;
        let shown: Value = res.json().await.unwrap();
        assert_eq!(shown["status"], status);
        assert_eq!(
            shown["failing_since"].is_string(),
            failing_since_kept,
            "{shown}"
        );
    }
}

#[tokio::test]
async fn an_endpoint_deleted_during_a_delivery_holds_back_nothing_else() {
    let app = app().await;
    let admin = app.admin_token().await;
    let token = app.token_with(&admin, &["webhooks:manage"]).await;
    let (slow, fast) = (receiver(200).await, receiver(200).await);
    *slow.delay.lock().unwrap() = Duration::from_millis(1_000);
    let (gone, _) = subscribe(&app, &token, &slow.url, &["cohort.opened"]).await;
    let (kept, _) = subscribe(&app, &token, &fast.url, &["cohort.opened"]).await;
    // One event, two deliveries claimed together; one endpoint goes while it is being sent.
    open_cohort(&app, &admin, 3, false).await;
    slow.wait_for(1).await;
    let res = app
        .send(
            Method::DELETE,
            &format!("/api/v1/webhooks/{gone}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    let d = until(&app, &token, &kept, |d| d["status"] == "delivered").await;
    assert_eq!(d["attempts"].as_array().unwrap().len(), 1, "{d}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fast.got.lock().unwrap().len(), 1, "sent once");
}

//! Webhooks (issue 13) through HTTP, with real receivers on 127.0.0.1: deliveries signed per
//! Standard Webhooks (verified with the reference `standardwebhooks` library), who hears
//! what, 410 disabling an endpoint, the delivery log, secrets shown once, URL rules.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::learning::{enrolled, id, open_cohort, person, world};
use crate::fixtures::webhooks::{app, conforms, poll, receiver, subscribe};
use crate::helpers::{assert_problem, spawn_app_with};

#[tokio::test]
async fn an_enrolment_reaches_its_organisations_endpoint_signed_and_never_another_organisations() {
    let app = app().await;
    let w = world(&app).await;
    let hooks_a = app
        .create_client(&w.admin, &["webhooks:manage"], Some(&w.org))
        .await;
    let hooks_a = app.token(&hooks_a).await;
    let hooks_b = app
        .create_client(&w.admin, &["webhooks:manage"], Some(&w.other_org))
        .await;
    let hooks_b = app.token(&hooks_b).await;
    let academy = app.token_with(&w.admin, &["webhooks:manage"]).await;
    let (a, b, all) = (
        receiver(200).await,
        receiver(200).await,
        receiver(200).await,
    );
    let (_, secret_a) = subscribe(&app, &hooks_a, &a.url, &["enrolment.created"]).await;
    subscribe(&app, &hooks_b, &b.url, &["enrolment.created"]).await;
    subscribe(&app, &academy, &all.url, &["enrolment.created"]).await;

    let cohort = id(&open_cohort(&app, &w.admin, 5, true).await);
    let p = id(&person(&app, &w.org_token, 1, Some(&w.org)).await);
    let enrolment = enrolled(&app, &w.org_token, &cohort, &p).await;

    let got = a.wait_for(1).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let event = &got[0];
    assert_eq!(event["type"], "enrolment.created");
    assert_eq!(event["data"]["id"], enrolment["id"]);
    assert_eq!(event["data"]["person_id"], json!(p));
    assert_eq!(event["data"]["organisation_id"], json!(w.org));
    assert_eq!(event["data"]["status"], "enrolled");
    assert_eq!(event["data"]["person_external_ref"], "EMP-00001");
    assert_eq!(
        event["data"]["href"],
        format!("/api/v1/enrolments/{}", enrolment["id"].as_str().unwrap())
    );
    let text = event.to_string();
    assert!(
        !text.contains("Person1") && !text.contains("@example"),
        "thin: no names or emails: {text}"
    );
    conforms(event);

    // Signed as Standard Webhooks says, as the reference library verifies it.
    let (headers, body) = a.got.lock().unwrap()[0].clone();
    let verifier = standardwebhooks::Webhook::new(&secret_a).unwrap();
    verifier
        .verify(&body, &headers)
        .expect("the reference library verifies our signature");
    let tampered = [&body[..], b" "].concat();
    assert!(verifier.verify(&tampered, &headers).is_err());
    assert_eq!(headers["webhook-id"].to_str().unwrap().len(), 36);

    assert_eq!(
        all.wait_for(1).await.len(),
        1,
        "the academy hears every organisation's events"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        b.events().is_empty(),
        "organisation B never hears of A's people: {:?}",
        b.events()
    );
}

#[tokio::test]
async fn every_attempt_is_logged_and_410_disables_the_endpoint() {
    let app = app().await;
    let w = world(&app).await;
    let token = app.token_with(&w.admin, &["webhooks:manage"]).await;
    let gone = receiver(410).await;
    let (hook, _) = subscribe(&app, &token, &gone.url, &[]).await;
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/webhooks/{hook}/ping"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(res.status(), 202);
    let delivery: Value = res.json().await.unwrap();
    assert_eq!(delivery["event_type"], "webhook.ping");
    assert_eq!(gone.wait_for(1).await[0]["type"], "webhook.ping");

    let endpoint = poll(&app, &token, &format!("/api/v1/webhooks/{hook}"), |e| {
        e["status"] == "disabled"
    })
    .await;
    assert!(
        endpoint["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("410")
    );
    assert!(
        endpoint.get("secret").is_none(),
        "the secret is never shown again"
    );

    let log = app
        .get_json_as(&format!("/api/v1/webhooks/{hook}/deliveries"), &token)
        .await;
    let first = &log["data"][0];
    assert_eq!(first["status"], "failed");
    assert_eq!(first["attempts"][0]["status_code"], 410);
    assert_eq!(first["attempts"][0]["response_excerpt"], "thanks");
    let filtered = app
        .get_json_as(
            &format!("/api/v1/webhooks/{hook}/deliveries?status=delivered"),
            &token,
        )
        .await;
    assert_eq!(filtered["data"], json!([]));
    let bad = app
        .send(
            Method::GET,
            &format!("/api/v1/webhooks/{hook}/deliveries?status=sent"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_on_schedule_with_the_same_webhook_id() {
    let app = app().await;
    let w = world(&app).await;
    let token = app.token_with(&w.admin, &["webhooks:manage"]).await;
    let flaky = receiver(500).await;
    let (hook, _) = subscribe(&app, &token, &flaky.url, &["cohort.opened"]).await;
    open_cohort(&app, &w.admin, 3, false).await;
    flaky.wait_for(1).await;
    let log = app
        .get_json_as(&format!("/api/v1/webhooks/{hook}/deliveries"), &token)
        .await;
    let d = &log["data"][0];
    assert_eq!(d["status"], "pending");
    let tried =
        chrono::DateTime::parse_from_rfc3339(d["attempts"][0]["attempted_at"].as_str().unwrap())
            .unwrap();
    let next =
        chrono::DateTime::parse_from_rfc3339(d["next_attempt_at"].as_str().unwrap()).unwrap();
    let wait = (next - tried).num_milliseconds();
    assert!(
        (5_000..=5_500).contains(&wait),
        "the second attempt comes 5 s (+ up to 10 %) later: {wait} ms"
    );

    *flaky.status.lock().unwrap() = 200;
    let got = flaky.wait_for(2).await;
    assert_eq!(got.len(), 2, "retried after 5 s");
    let ids: Vec<String> = flaky
        .got
        .lock()
        .unwrap()
        .iter()
        .map(|(h, _)| h["webhook-id"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids[0], ids[1],
        "the receiver's idempotency key stays the same"
    );
    // The receiver has answered; the worker records the outcome just after.
    let path = format!(
        "/api/v1/webhooks/{hook}/deliveries/{}",
        d["id"].as_str().unwrap()
    );
    let d = poll(&app, &token, &path, |d| d["status"] == "delivered").await;
    assert_eq!(d["attempts"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn endpoints_are_checked_scoped_and_their_secret_rotates() {
    let app = app().await;
    let w = world(&app).await;
    let a = app
        .create_client(&w.admin, &["webhooks:manage"], Some(&w.org))
        .await;
    let a = app.token(&a).await;
    let b = app
        .create_client(&w.admin, &["webhooks:manage"], Some(&w.other_org))
        .await;
    let b = app.token(&b).await;
    let (hook, secret) = subscribe(&app, &a, "http://127.0.0.1:9/x", &[]).await;
    assert!(secret.starts_with("whsec_"));
    let res = app
        .send(
            Method::GET,
            &format!("/api/v1/webhooks/{hook}"),
            Some(&b),
            None,
        )
        .await;
    assert_eq!(
        res.status(),
        404,
        "another organisation's endpoint does not exist for B"
    );
    let listed = app.get_json_as("/api/v1/webhooks", &b).await;
    assert_eq!(listed["data"], json!([]));

    let res = app
        .send(
            Method::POST,
            "/api/v1/webhooks",
            Some(&a),
            Some(&json!({"url": "ftp://x.example", "event_types": ["webhook.ping", "nope"]})),
        )
        .await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["url", "event_types[0]", "event_types[1]"]);

    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/webhooks/{hook}/rotate-secret"),
            Some(&a),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let rotated: Value = res.json().await.unwrap();
    assert_ne!(rotated["secret"].as_str().unwrap(), secret);
    let shown = app
        .get_json_as(&format!("/api/v1/webhooks/{hook}"), &a)
        .await;
    assert_eq!(
        shown["previous_secret_expires_at"],
        rotated["previous_secret_expires_at"]
    );

    let path = format!("/api/v1/webhooks/{hook}");
    let tag = app.etag_as(&path, &a).await;
    let res = app
        .patch_if_match(
            &path,
            &a,
            &tag,
            &json!({"status": "paused", "description": "HR"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let patched: Value = res.json().await.unwrap();
    assert_eq!(
        (patched["status"].as_str(), patched["description"].as_str()),
        (Some("paused"), Some("HR"))
    );
    let tag = app.etag_as(&path, &a).await;
    let res = app
        .patch_if_match(&path, &a, &tag, &json!({"status": "disabled"}))
        .await;
    assert_eq!(res.status(), 422);
    // A DELETE's optional If-Match: a list without the current ETag is stale (412) and the
    // endpoint stays; the current one deletes it.
    let delete = |if_match: String| {
        let (app, a, path) = (&app, &a, &path);
        async move {
            app.client
                .delete(app.url(path))
                .bearer_auth(a)
                .header("If-Match", if_match)
                .send()
                .await
                .unwrap()
        }
    };
    let tag = app.etag_as(&path, &a).await;
    let stale = assert_problem(delete(r#""", W/"x""#.into()).await, 412).await;
    assert_eq!(stale["type"], "/problems/stale");
    let read = || app.send(Method::GET, &path, Some(&a), None);
    assert_eq!(read().await.status(), 200);
    assert_eq!(delete(format!(r#"W/"x", {tag}"#)).await.status(), 204);
    assert_eq!(read().await.status(), 404);
}

#[tokio::test]
async fn production_refuses_http_and_private_addresses() {
    let app = spawn_app_with(|_| {}).await;
    let admin = app.admin_token().await;
    let token = app.token_with(&admin, &["webhooks:manage"]).await;
    for url in [
        "http://hr.example.org/x",
        "https://127.0.0.1/x",
        "https://10.0.0.1/x",
        "https://localhost/x",
    ] {
        let res = app
            .send(
                Method::POST,
                "/api/v1/webhooks",
                Some(&token),
                Some(&json!({"url": url})),
            )
            .await;
        assert_eq!(res.status(), 422, "{url}");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
    }
}

#[tokio::test]
async fn a_person_of_no_organisation_is_enrolled_and_heard_by_the_academy_only() {
    let app = app().await;
    let w = world(&app).await;
    let academy = app.token_with(&w.admin, &["webhooks:manage"]).await;
    let partner = app
        .create_client(&w.admin, &["webhooks:manage"], Some(&w.org))
        .await;
    let partner = app.token(&partner).await;
    let (ours, theirs) = (receiver(200).await, receiver(200).await);
    subscribe(&app, &academy, &ours.url, &["enrolment.created"]).await;
    subscribe(&app, &partner, &theirs.url, &["enrolment.created"]).await;
    let cohort = id(&open_cohort(&app, &w.admin, 2, false).await);
    let citizen = id(&person(&app, &w.admin, 7, None).await);
    let e = enrolled(&app, &w.admin, &cohort, &citizen).await;
    let got = ours.wait_for(1).await;
    assert_eq!(got[0]["data"]["id"], e["id"]);
    assert!(got[0]["data"]["organisation_id"].is_null());
    conforms(&got[0]);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        theirs.events().is_empty(),
        "no organisation hears of a person of none"
    );
}

#[tokio::test]
async fn a_revoked_clients_endpoints_hear_nothing_more() {
    let app = app().await;
    let w = world(&app).await;
    let control = app.token_with(&w.admin, &["webhooks:manage"]).await;
    let client = app
        .create_client(&w.admin, &["webhooks:manage"], Some(&w.org))
        .await;
    let token = app.token(&client).await;
    let (heard, revoked) = (receiver(200).await, receiver(200).await);
    subscribe(&app, &control, &heard.url, &["cohort.opened"]).await;
    subscribe(&app, &token, &revoked.url, &["cohort.opened"]).await;
    let path = format!("/api/v1/clients/{}", client.id);
    let tag = app.etag_as(&path, &w.admin).await;
    let res = app
        .patch_if_match(&path, &w.admin, &tag, &json!({"status": "revoked"}))
        .await;
    assert_eq!(res.status(), 200);
    open_cohort(&app, &w.admin, 2, false).await;
    assert_eq!(heard.wait_for(1).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        revoked.events().is_empty(),
        "a revoked client's endpoint is sent nothing"
    );
}

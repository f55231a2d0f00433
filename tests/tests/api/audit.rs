//! Every write is audited: who, what, when, request id, outcome — ids only, no secrets.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Credentials, assert_problem, spawn_app};

async fn events(app: &crate::helpers::TestApp, token: &str, query: &str) -> Vec<Value> {
    let body = app
        .get_json_as(&format!("/api/v1/audit?limit=100&{query}"), token)
        .await;
    body["data"].as_array().unwrap().clone()
}

fn actions(events: &[Value]) -> Vec<(String, String, i64)> {
    events
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
                e["status"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_write_and_every_refusal_is_recorded_without_secrets() {
    let app = spawn_app().await;
    let admin_creds = app.bootstrap_admin().await;
    let admin = app.token(&admin_creds).await;

    let res = app
        .client
        .post(app.url("/api/v1/programmes"))
        .bearer_auth(&admin)
        .header("X-Request-Id", "audit-test-1")
        .json(&json!({"title": "Audit me", "theme": "leadership", "level": "micro", "what": "x",
                      "delivery_mode": "online", "availability": "on_demand", "stems": ["leadership"], "priorities": [6]}))
        .send()
        .await
        .unwrap();
    let first_etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let programme: Value = res.json().await.unwrap();
    let id = programme["id"].as_str().unwrap();
    let res = app
        .patch_if_match(
            &format!("/api/v1/programmes/{id}"),
            &admin,
            &first_etag,
            &json!({"title": "Audited"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .patch_if_match(
            &format!("/api/v1/programmes/{id}"),
            &admin,
            &first_etag,
            &json!({"title": "Stale"}),
        )
        .await;
    assert_problem(res, 412).await;
    assert_eq!(
        app.send(
            Method::DELETE,
            &format!("/api/v1/programmes/{id}"),
            Some(&admin),
            None
        )
        .await
        .status(),
        204
    );
    assert_problem(
        app.send(Method::POST, "/api/v1/programmes", None, Some(&json!({})))
            .await,
        401,
    )
    .await;

    let client = app.create_client(&admin, &["reports:read"], None).await;
    let rotated: Value = app
        .send(
            Method::POST,
            &format!("/api/v1/clients/{}/rotate-secret", client.id),
            Some(&admin),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let bad = Credentials {
        secret: "wrong".into(),
        ..client.clone()
    };
    assert_eq!(app.request_token(&bad, None).await.status(), 401);

    let history = events(
        &app,
        &admin,
        &format!("resource_type=programme&resource_id={id}"),
    )
    .await;
    assert_eq!(
        actions(&history),
        vec![
            ("programme.delete".into(), "success".into(), 204),
            ("programme.update".into(), "failure".into(), 412),
            ("programme.update".into(), "success".into(), 200),
            ("programme.create".into(), "success".into(), 201),
        ]
    );
    let created = history.last().unwrap();
    assert_eq!(created["client_id"], admin_creds.id.as_str());
    assert_eq!(created["request_id"], "audit-test-1");

    let denied = events(&app, &admin, "outcome=denied&action=programme.create").await;
    assert_eq!(denied.len(), 1);
    assert!(denied[0]["client_id"].is_null());

    let about_client = events(
        &app,
        &admin,
        &format!("resource_type=client&resource_id={}", client.id),
    )
    .await;
    let about: Vec<(String, String, i64)> = actions(&about_client);
    assert!(about.contains(&("client.create".into(), "success".into(), 201)));
    assert!(about.contains(&("client.rotate_secret".into(), "success".into(), 200)));
    assert!(
        about.contains(&("token.issue".into(), "denied".into(), 401)),
        "token failures: {about:?}"
    );

    let everything = app
        .send(Method::GET, "/api/v1/audit?limit=100", Some(&admin), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!everything.contains(rotated["client_secret"].as_str().unwrap()));
    assert!(!everything.contains(&client.secret) && !everything.contains(&admin_creds.secret));
}

#[tokio::test]
async fn the_audit_log_pages_newest_first_and_validates_its_filters() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for i in 0..5 {
        let body = json!({"name": format!("Care home {i}"), "kind": "care_home"});
        assert_eq!(
            app.send(
                Method::POST,
                "/api/v1/organisations",
                Some(&admin),
                Some(&body)
            )
            .await
            .status(),
            201
        );
    }
    let all = events(&app, &admin, "action=organisation.create").await;
    assert_eq!(all.len(), 5);
    let mut walked = Vec::new();
    let mut path = "/api/v1/audit?action=organisation.create&limit=2".to_owned();
    loop {
        let body = app.get_json_as(&path, &admin).await;
        walked.extend(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].clone()),
        );
        match body["next_cursor"].as_str() {
            Some(c) => {
                path = format!("/api/v1/audit?action=organisation.create&limit=2&cursor={c}")
            }
            None => break,
        }
    }
    assert_eq!(
        walked,
        all.iter().map(|e| e["id"].clone()).collect::<Vec<_>>()
    );
    let times: Vec<&str> = all
        .iter()
        .map(|e| e["occurred_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let since = all[2]["occurred_at"].as_str().unwrap();
    let recent = events(
        &app,
        &admin,
        &format!(
            "action=organisation.create&since={}",
            since.replace('+', "%2B")
        ),
    )
    .await;
    assert_eq!(recent.len(), 3);

    let res = app
        .send(
            Method::GET,
            "/api/v1/audit?outcome=maybe&since=yesterday&client_id=x",
            Some(&admin),
            None,
        )
        .await;
    let p = assert_problem(res, 400).await;
    assert_eq!(
        crate::helpers::fields(&p),
        vec!["outcome", "client_id", "since"]
    );
}

//! The OAuth 2.0 client credentials grant (RFC 6749 §4.4) and its errors (§5.2).

use serde_json::Value;

use crate::helpers::{Credentials, TestApp, spawn_app};

async fn oauth_error(res: reqwest::Response, status: u16, error: &str) -> Value {
    assert_eq!(res.status().as_u16(), status);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], error, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    body
}

async fn post_form(app: &TestApp, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/oauth/token"))
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_full_flow_create_client_get_token_call_a_protected_endpoint() {
    let app = spawn_app().await;
    let admin = app.bootstrap_admin().await;

    // Basic authentication…
    let res = app.request_token(&admin, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["scope"], "admin");
    let token = body["access_token"].as_str().unwrap().to_owned();

    // …or credentials in the body.
    let res = post_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &admin.id),
            ("client_secret", &admin.secret),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);

    let org = serde_json::json!({"name": "Leeds Community Healthcare NHS Trust", "kind": "nhs_trust", "ods_code": "RY6"});
    let res = app
        .send(
            reqwest::Method::POST,
            "/api/v1/organisations",
            Some(&token),
            Some(&org),
        )
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn a_token_carries_only_the_scopes_asked_for_within_those_granted() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let hr = app
        .create_client(&admin, &["people:read", "enrolments:read"], None)
        .await;
    let body: Value = app
        .request_token(&hr, Some("people:read"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["scope"], "people:read");
    let body: Value = app.request_token(&hr, None).await.json().await.unwrap();
    assert_eq!(body["scope"], "people:read enrolments:read");
    oauth_error(
        app.request_token(&hr, Some("people:read catalogue:write"))
            .await,
        400,
        "invalid_scope",
    )
    .await;
    oauth_error(
        app.request_token(&hr, Some("people:delete")).await,
        400,
        "invalid_scope",
    )
    .await;
}

#[tokio::test]
async fn bad_client_credentials_are_invalid_client() {
    let app = spawn_app().await;
    let admin = app.bootstrap_admin().await;
    let wrong = Credentials {
        secret: "wtxa_cs_wrong".into(),
        ..admin.clone()
    };
    let res = app.request_token(&wrong, None).await;
    assert_eq!(res.headers()["www-authenticate"], "Basic realm=\"wtxa\"");
    oauth_error(res, 401, "invalid_client").await;
    let unknown = Credentials {
        id: uuid::Uuid::now_v7().to_string(),
        secret: admin.secret.clone(),
    };
    let body = oauth_error(
        app.request_token(&unknown, None).await,
        401,
        "invalid_client",
    )
    .await;
    // The same answer for an unknown client as for a wrong secret: ids are not confirmed.
    assert_eq!(body["error_description"], "unknown client or wrong secret");
    let not_an_id = Credentials {
        id: "admin".into(),
        secret: admin.secret.clone(),
    };
    oauth_error(
        app.request_token(&not_an_id, None).await,
        401,
        "invalid_client",
    )
    .await;
    oauth_error(
        post_form(&app, &[("grant_type", "client_credentials")]).await,
        401,
        "invalid_client",
    )
    .await;
}

#[tokio::test]
async fn malformed_token_requests_are_invalid_request_or_unsupported_grant_type() {
    let app = spawn_app().await;
    let admin = app.bootstrap_admin().await;
    oauth_error(
        post_form(
            &app,
            &[("client_id", &admin.id), ("client_secret", &admin.secret)],
        )
        .await,
        400,
        "invalid_request",
    )
    .await;
    oauth_error(
        post_form(
            &app,
            &[
                ("grant_type", "password"),
                ("client_id", &admin.id),
                ("client_secret", &admin.secret),
            ],
        )
        .await,
        400,
        "unsupported_grant_type",
    )
    .await;
    oauth_error(
        post_form(
            &app,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &admin.id),
            ],
        )
        .await,
        400,
        "invalid_request",
    )
    .await;
    let both = app
        .client
        .post(app.url("/api/v1/oauth/token"))
        .basic_auth(&admin.id, Some(&admin.secret))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", admin.id.as_str()),
            ("client_secret", admin.secret.as_str()),
        ])
        .send()
        .await
        .unwrap();
    oauth_error(both, 400, "invalid_request").await;
    let json = app
        .client
        .post(app.url("/api/v1/oauth/token"))
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    oauth_error(json, 400, "invalid_request").await;
}

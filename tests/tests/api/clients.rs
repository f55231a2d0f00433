//! API clients: secrets shown once, revocation and rotation take effect on existing tokens.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Credentials, assert_problem, fields, spawn_app};

#[tokio::test]
async fn a_secret_is_shown_once_and_never_stored_or_listed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json!({"name": "Forum Central", "scopes": ["people:read"]});
    let res = app
        .send(Method::POST, "/api/v1/clients", Some(&admin), Some(&body))
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = res.json().await.unwrap();
    let secret = created["client_secret"].as_str().unwrap();
    assert!(
        secret.starts_with("wtxa_cs_") && secret.len() >= 51,
        "≥ 32 random bytes"
    );
    let read = app
        .send(Method::GET, &location, Some(&admin), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!read.contains(secret) && !read.contains("secret"), "{read}");
    let listed = app
        .send(Method::GET, "/api/v1/clients", Some(&admin), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!listed.contains(secret) && listed.contains("Forum Central"));
}

#[tokio::test]
async fn client_input_is_validated_field_by_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json!({"name": "x", "scopes": ["people:read", "root"], "organisation_id": uuid::Uuid::now_v7()});
    let p = assert_problem(
        app.send(Method::POST, "/api/v1/clients", Some(&admin), Some(&body))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&p), vec!["name", "scopes[1]", "organisation_id"]);
    let body = json!({"name": "HR", "scopes": ["people:read"], "colour": "red"});
    let p = assert_problem(
        app.send(Method::POST, "/api/v1/clients", Some(&admin), Some(&body))
            .await,
        400,
    )
    .await;
    assert_eq!(fields(&p), vec!["colour"]);
}

#[tokio::test]
async fn a_revoked_client_gets_401_for_its_tokens_and_no_new_ones() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let editor = app.create_client(&admin, &["catalogue:write"], None).await;
    let token = app.token(&editor).await;
    let probe = json!({"title": "x"});
    // Authorised: the (bad) body is judged, 422.
    assert_eq!(
        app.send(
            Method::POST,
            "/api/v1/programmes",
            Some(&token),
            Some(&probe)
        )
        .await
        .status(),
        422
    );

    let path = format!("/api/v1/clients/{}", editor.id);
    let etag = app.etag_as(&path, &admin).await;
    let res = app
        .patch_if_match(&path, &admin, &etag, &json!({"status": "revoked"}))
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .send(
            Method::POST,
            "/api/v1/programmes",
            Some(&token),
            Some(&probe),
        )
        .await;
    let p = assert_problem(res, 401).await;
    assert!(p["detail"].as_str().unwrap().contains("revoked"));
    let res = app.request_token(&editor, None).await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn rotating_a_secret_retires_the_old_secret_and_its_tokens() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let editor = app.create_client(&admin, &["catalogue:write"], None).await;
    let old_token = app.token(&editor).await;
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/clients/{}/rotate-secret", editor.id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let rotated = Credentials {
        id: editor.id.clone(),
        secret: body["client_secret"].as_str().unwrap().to_owned(),
    };
    assert_ne!(rotated.secret, editor.secret);

    assert_eq!(
        app.request_token(&editor, None).await.status(),
        401,
        "old secret"
    );
    let probe = json!({"title": "x"});
    assert_problem(
        app.send(
            Method::POST,
            "/api/v1/programmes",
            Some(&old_token),
            Some(&probe),
        )
        .await,
        401,
    )
    .await;
    let new_token = app.token(&rotated).await;
    assert_eq!(
        app.send(
            Method::POST,
            "/api/v1/programmes",
            Some(&new_token),
            Some(&probe)
        )
        .await
        .status(),
        422
    );
}

#[tokio::test]
async fn narrowing_scopes_stops_tokens_that_carry_the_old_ones() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let c = app
        .create_client(&admin, &["catalogue:write", "reports:read"], None)
        .await;
    let token = app.token(&c).await;
    let path = format!("/api/v1/clients/{}", c.id);
    let etag = app.etag_as(&path, &admin).await;
    let res = app
        .patch_if_match(&path, &admin, &etag, &json!({"scopes": ["reports:read"]}))
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["scopes"], json!(["reports:read"]));
    let probe = json!({"title": "x"});
    assert_problem(
        app.send(
            Method::POST,
            "/api/v1/programmes",
            Some(&token),
            Some(&probe),
        )
        .await,
        401,
    )
    .await;
    let fresh = app.token(&c).await;
    assert_problem(
        app.send(
            Method::POST,
            "/api/v1/programmes",
            Some(&fresh),
            Some(&probe),
        )
        .await,
        403,
    )
    .await;
}

#[tokio::test]
async fn admin_is_for_academy_clients_only() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let org =
        json!({"name": "West Yorkshire ICB", "kind": "integrated_care_board", "ods_code": "QWO"});
    let res = app
        .send(
            Method::POST,
            "/api/v1/organisations",
            Some(&admin),
            Some(&org),
        )
        .await;
    let org_id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"name": "ICB admin", "scopes": ["admin"], "organisation_id": org_id});
    let p = assert_problem(
        app.send(Method::POST, "/api/v1/clients", Some(&admin), Some(&body))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&p), vec!["scopes"]);
    let c = app
        .create_client(&admin, &["people:read"], Some(&org_id))
        .await;
    let token = app.token(&c).await;
    let claims = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims).unwrap(),
    )
    .unwrap();
    assert_eq!(claims["org"], org_id.as_str());
    assert_eq!(claims["sub"], c.id.as_str());
    assert!(
        claims["jti"].is_string()
            && claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap() == 900
    );
}

#[tokio::test]
async fn revocation_and_rotation_reach_another_process_within_its_check_interval() {
    use std::time::Duration;
    let db = crate::helpers::TestDb::create().await;
    let mut settings = crate::helpers::settings_for(db.url());
    settings.auth.revocation_check = Duration::from_secs(1);
    let a = crate::helpers::start(settings.clone()).await;
    let b = crate::helpers::start(settings).await;
    let app_a = crate::helpers::TestApp {
        address: a,
        client: crate::helpers::client(),
        _db: db,
    };
    let admin = app_a.admin_token().await;
    let editor = app_a
        .create_client(&admin, &["catalogue:write"], None)
        .await;
    let token = app_a.token(&editor).await;
    let probe = json!({"title": "x"});
    let on_b = |token: String| {
        let b = b.clone();
        let probe = probe.clone();
        async move {
            crate::helpers::client()
                .post(format!("{b}/api/v1/programmes"))
                .bearer_auth(token)
                .json(&probe)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        on_b(token.clone()).await,
        422,
        "B caches the client as active"
    );

    // Rotated on A: the new token works on B at once (it is newer than B's cache)…
    let res = app_a
        .send(
            Method::POST,
            &format!("/api/v1/clients/{}/rotate-secret", editor.id),
            Some(&admin),
            None,
        )
        .await;
    let secret = res.json::<Value>().await.unwrap()["client_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let rotated = Credentials {
        id: editor.id.clone(),
        secret,
    };
    let fresh = app_a.token(&rotated).await;
    assert_eq!(on_b(fresh.clone()).await, 422);
    // …and the old one stops (at the latest when B's cache expires).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(on_b(token).await, 401);

    // Revoked on A: B refuses within its check interval.
    let path = format!("/api/v1/clients/{}", editor.id);
    let etag = app_a.etag_as(&path, &admin).await;
    let res = app_a
        .patch_if_match(&path, &admin, &etag, &json!({"status": "revoked"}))
        .await;
    assert_eq!(res.status(), 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(on_b(fresh).await, 401);
}

#[tokio::test]
async fn client_patch_needs_if_match_and_refuses_stale_versions() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let c = app.create_client(&admin, &["reports:read"], None).await;
    let path = format!("/api/v1/clients/{}", c.id);
    let res = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&admin)
        .json(&json!({"name": "Renamed"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 428).await;
    let etag = app.etag_as(&path, &admin).await;
    let res = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&admin)
        .header("If-Match", &etag)
        .header("Content-Type", "application/merge-patch+json")
        .body(r#"{"name": "Renamed"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "merge-patch+json is accepted");
    let res = app
        .patch_if_match(&path, &admin, &etag, &json!({"name": "Again"}))
        .await;
    assert_problem(res, 412).await;
    let res = app
        .patch_if_match(&path, &admin, "garbage", &json!({"name": "Again"}))
        .await;
    assert_problem(res, 400).await;
    let events = app
        .get_json_as(
            &format!("/api/v1/audit?resource_type=client&resource_id={}", c.id),
            &admin,
        )
        .await;
    let actions: Vec<(&str, i64)> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["status"].as_i64().unwrap()))
        .collect();
    assert!(
        actions.contains(&("client.update", 200))
            && actions.contains(&("client.update", 412))
            && actions.contains(&("client.update", 428)),
        "{actions:?}"
    );
}

//! Walks every operation of the served contract: each one that declares security refuses an
//! anonymous call (401) and a token without its scope (403), so no endpoint can ship
//! unprotected by accident; each one that declares none answers without a token.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app};

/// The operations anyone may call. Every other one must declare the scope it needs.
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("GET", "/api/v1/priorities"),
    ("GET", "/api/v1/priorities/{code_or_slug}"),
    ("GET", "/api/v1/taxonomy"),
    ("GET", "/api/v1/programmes"),
    ("GET", "/api/v1/programmes/{id_or_slug}"),
    ("GET", "/api/v1/organisations"),
    ("GET", "/api/v1/organisations/{id}"),
    ("GET", "/api/v1/cohorts"),
    ("GET", "/api/v1/cohorts/{id}"),
    ("GET", "/api/v1/cohorts/{id}/sessions"),
    ("GET", "/api/v1/programmes/{id_or_slug}/cohorts"),
    ("GET", "/api/v1/communities"),
    ("GET", "/api/v1/communities/{id_or_slug}"),
    ("GET", "/api/v1/communities/{id_or_slug}/sessions"),
    ("GET", "/api/v1/communities/{id_or_slug}/resources"),
    ("GET", "/api/v1/sessions"),
    ("GET", "/api/v1/communities/{id_or_slug}/sessions.ics"),
    ("POST", "/api/v1/oauth/token"),
];

/// A concrete path for a templated one.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{id_or_slug}" => "vital-signs".to_owned(),
            "{code_or_slug}" => "6".to_owned(),
            "{chart}.svg" => "learners-by-priority.svg".to_owned(),
            s if s.starts_with('{') => uuid::Uuid::now_v7().to_string(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn required_scopes(op: &Value) -> Vec<String> {
    op["security"]
        .as_array()
        .map(|reqs| {
            reqs.iter()
                .flat_map(|r| r.as_object().unwrap().values())
                .flat_map(|scopes| {
                    scopes
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s.as_str().unwrap().to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_protected_operation_refuses_anonymous_and_wrong_scope_callers() {
    let app = spawn_app().await;
    let doc = app.get_json("/api-docs/openapi.json", 200).await;
    let admin = app.admin_token().await;
    let catalogue_only = app.token_with(&admin, &["catalogue:write"]).await;
    let reports_only = app.token_with(&admin, &["reports:read"]).await;
    let mut protected = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let url = concrete(path);
            let body = matches!(method, Method::POST | Method::PATCH | Method::PUT)
                .then(|| serde_json::json!({}));
            let scopes = required_scopes(op);
            let name = format!("{method} {path}");
            if op["security"][0].get("metrics_token").is_some() {
                continue; // the operator's token, not a scope: see query_budget.rs
            }
            if scopes.is_empty() {
                assert!(
                    PUBLIC.contains(&(method.as_str(), path.as_str())),
                    "{name} declares no security and is not on the list of public operations"
                );
                if method == Method::GET {
                    let res = app.send(method.clone(), &url, None, None).await;
                    assert!(
                        res.status().as_u16() != 401 && res.status().as_u16() != 403,
                        "{name} is public"
                    );
                }
                continue;
            }
            protected += 1;
            let res = app.send(method.clone(), &url, None, body.as_ref()).await;
            assert!(
                res.headers()["www-authenticate"]
                    .to_str()
                    .unwrap()
                    .starts_with("Bearer"),
                "{name}"
            );
            assert_problem(res, 401).await;

            let wrong = if scopes.iter().any(|s| s == "catalogue:write") {
                &reports_only
            } else {
                &catalogue_only
            };
            let res = app
                .send(method.clone(), &url, Some(wrong), body.as_ref())
                .await;
            let challenge = res.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(
                challenge.contains("error=\"insufficient_scope\""),
                "{name}: {challenge}"
            );
            let p = assert_problem(res, 403).await;
            assert!(
                scopes
                    .iter()
                    .any(|s| p["detail"].as_str().unwrap().contains(s.as_str())),
                "{name}: {p}"
            );

            // An admin passes the scope check (whatever the dummy input then gives).
            let res = app
                .send(method.clone(), &url, Some(&admin), body.as_ref())
                .await;
            assert!(
                !matches!(res.status().as_u16(), 401 | 403),
                "{name} refused an admin"
            );
        }
    }
    assert!(
        protected >= 11,
        "only {protected} protected operations found"
    );
}

#[tokio::test]
async fn the_contract_offers_oauth2_client_credentials_and_bearer() {
    let app = spawn_app().await;
    let doc = app.get_json("/api-docs/openapi.json", 200).await;
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(
        schemes["oauth2"]["flows"]["clientCredentials"]["tokenUrl"],
        "/api/v1/oauth/token"
    );
    assert!(
        schemes["oauth2"]["flows"]["clientCredentials"]["scopes"]["catalogue:write"].is_string()
    );
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    let create = &doc["paths"]["/api/v1/programmes"]["post"];
    assert_eq!(
        required_scopes(create),
        vec!["catalogue:write", "catalogue:write"]
    );
}

/// The scopes a token may carry (all but `admin`).
const SCOPES: &[&str] = &[
    "catalogue:write",
    "people:read",
    "people:write",
    "cohorts:write",
    "enrolments:read",
    "enrolments:write",
    "communities:write",
    "memberships:write",
    "reports:read",
    "webhooks:manage",
    "commissioning:read",
    "commissioning:write",
];

#[tokio::test]
async fn each_operation_needs_exactly_the_scope_its_contract_names() {
    let app = spawn_app().await;
    let doc = app.get_json("/api-docs/openapi.json", 200).await;
    let admin = app.admin_token().await;
    let mut only = std::collections::BTreeMap::new();
    let mut all_but = std::collections::BTreeMap::new();
    for scope in SCOPES {
        only.insert(*scope, app.token_with(&admin, &[scope]).await);
        // `communities:write` includes `memberships:write`: leave both out for the latter.
        let others: Vec<&str> = SCOPES
            .iter()
            .copied()
            .filter(|s| s != scope && !(*scope == "memberships:write" && *s == "communities:write"))
            .collect();
        all_but.insert(*scope, app.token_with(&admin, &others).await);
    }
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let scopes = required_scopes(op);
            let Some(scope) = scopes.first() else {
                continue;
            };
            if scope == "admin" {
                continue;
            }
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let url = concrete(path);
            let body = matches!(method, Method::POST | Method::PATCH | Method::PUT)
                .then(|| serde_json::json!({}));
            let name = format!("{method} {path} ({scope})");
            let res = app
                .send(
                    method.clone(),
                    &url,
                    Some(&only[scope.as_str()]),
                    body.as_ref(),
                )
                .await;
            assert!(
                !matches!(res.status().as_u16(), 401 | 403),
                "{name}: refused a token with exactly that scope ({})",
                res.status()
            );
            let res = app
                .send(
                    method.clone(),
                    &url,
                    Some(&all_but[scope.as_str()]),
                    body.as_ref(),
                )
                .await;
            assert_problem(res, 403).await;
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} operations checked");
}

#[tokio::test]
async fn a_partner_cannot_be_given_a_scope_over_shared_data() {
    let app = spawn_app().await;
    let w = crate::fixtures::world(&app).await;
    for scope in [
        "catalogue:write",
        "cohorts:write",
        "communities:write",
        "admin",
    ] {
        let res = app
            .send(
                Method::POST,
                "/api/v1/clients",
                Some(&w.admin),
                Some(&serde_json::json!({"name": "Partner", "organisation_id": w.org, "scopes": [scope]})),
            )
            .await;
        let p = crate::helpers::assert_problem(res, 422).await;
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("academy clients only"),
            "{scope}"
        );
    }
    // Nor have it added later.
    let c = app
        .create_client(&w.admin, &["people:read"], Some(&w.org))
        .await;
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/clients/{}", c.id)))
        .bearer_auth(&w.admin)
        .header("if-match", "*")
        .header("content-type", "application/merge-patch+json")
        .body(r#"{"scopes": ["people:read", "cohorts:write"]}"#)
        .send()
        .await
        .unwrap();
    crate::helpers::assert_problem(res, 422).await;
}

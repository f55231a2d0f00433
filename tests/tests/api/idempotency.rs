//! Idempotency-Key on POST: replayed byte for byte, per client, across processes.

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::fixtures::{id, open_cohort, person, world};
use crate::helpers::{TestApp, assert_problem, client, settings_for, start};

async fn post(
    address: &str,
    token: &str,
    path: &str,
    key: &str,
    body: &Value,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = client()
        .post(format!("{address}{path}"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    (status, headers, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_retried_enrolment_is_replayed_byte_for_byte_on_any_process_and_enrols_once() {
    let db = crate::helpers::TestDb::create().await;
    let a = start(settings_for(db.url())).await;
    let b = start(settings_for(db.url())).await;
    let app = TestApp {
        address: a.clone(),
        client: client(),
        _db: db,
    };
    let w = world(&app).await;
    let cohort = id(&open_cohort(&app, &w.admin, 5, true).await);
    let p = id(&person(&app, &w.org_token, 1, None).await);
    let path = format!("/api/v1/cohorts/{cohort}/enrolments");
    let body = json!({"person_id": p});

    let (s1, h1, b1) = post(&a, &w.org_token, &path, "enrol-1", &body).await;
    assert_eq!(s1, 201);
    assert!(h1.get("idempotent-replayed").is_none());
    let (s2, h2, b2) = post(&b, &w.org_token, &path, "enrol-1", &body).await;
    assert_eq!(s2, 201);
    assert_eq!(b2, b1, "byte for byte");
    assert_eq!(h2["idempotent-replayed"], "true");
    assert_eq!(h2["location"], h1["location"]);
    assert_eq!(h2["etag"], h1["etag"]);
    let c = app
        .get_json(&format!("/api/v1/cohorts/{cohort}"), 200)
        .await;
    assert_eq!(c["enrolled"], 1, "enrolled once");

    // A refusal is replayed too: the same key stays bound to its first answer.
    let (s3, _, b3) = post(&a, &w.org_token, &path, "enrol-2", &body).await;
    assert_eq!(s3, 409);
    let (s4, _, b4) = post(&b, &w.org_token, &path, "enrol-2", &body).await;
    assert_eq!((s4, b4), (409, b3));
}

#[tokio::test]
async fn the_same_key_with_another_request_is_422_and_keys_belong_to_their_client() {
    let app = crate::helpers::spawn_app().await;
    let w = world(&app).await;
    let cohort = id(&open_cohort(&app, &w.admin, 5, true).await);
    let p1 = id(&person(&app, &w.org_token, 1, None).await);
    let p2 = id(&person(&app, &w.org_token, 2, None).await);
    let path = format!("/api/v1/cohorts/{cohort}/enrolments");
    let (s, _, _) = post(
        &app.address,
        &w.org_token,
        &path,
        "k",
        &json!({"person_id": p1}),
    )
    .await;
    assert_eq!(s, 201);
    let res = app
        .client
        .post(app.url(&path))
        .bearer_auth(&w.org_token)
        .header("Idempotency-Key", "k")
        .json(&json!({"person_id": p2}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["type"], "/problems/idempotency-key-reused");
    // Another client's "k" is its own.
    let theirs = id(&person(&app, &w.other_token, 3, None).await);
    let (s, h, _) = post(
        &app.address,
        &w.other_token,
        &path,
        "k",
        &json!({"person_id": theirs}),
    )
    .await;
    assert_eq!(s, 201);
    assert!(h.get("idempotent-replayed").is_none());
    // Catalogue POSTs take keys too.
    let programme = json!({"title": "Idempotent programme", "theme": "leadership", "level": "micro", "what": "x",
                           "delivery_mode": "online", "availability": "on_demand", "stems": ["leadership"], "priorities": [6]});
    let (s1, _, b1) = post(
        &app.address,
        &w.admin,
        "/api/v1/programmes",
        "prog-1",
        &programme,
    )
    .await;
    let (s2, _, b2) = post(
        &app.address,
        &w.admin,
        "/api/v1/programmes",
        "prog-1",
        &programme,
    )
    .await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(b1, b2);
    let bad = app
        .client
        .post(app.url("/api/v1/programmes"))
        .bearer_auth(&w.admin)
        .header("Idempotency-Key", "")
        .json(&programme)
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400).await;
}

#[tokio::test]
async fn a_key_still_in_flight_is_409() {
    let app = crate::helpers::spawn_app().await;
    let w = world(&app).await;
    let cohort = id(&open_cohort(&app, &w.admin, 5, true).await);
    let p = id(&person(&app, &w.org_token, 1, None).await);
    let path = format!("/api/v1/cohorts/{cohort}/enrolments");
    let body = json!({"person_id": p});
    // Another process has begun this very request and not finished it.
    let claims: Value = {
        let payload = w.org_token.split('.').nth(1).unwrap();
        serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .unwrap(),
        )
        .unwrap()
    };
    let client_id = uuid::Uuid::parse_str(claims["sub"].as_str().unwrap()).unwrap();
    let mut hasher = Sha256::new();
    hasher.update(b"POST");
    hasher.update(b" ");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(serde_json::to_vec(&body).unwrap());
    let hash = format!("{:x}", hasher.finalize());
    let mut conn = app._db.connect();
    let begun =
        persistence::access::idempotency::begin(&mut conn, client_id, "busy", &hash).unwrap();
    assert_eq!(begun, persistence::access::idempotency::Begin::New);
    let res = app.send(Method::GET, "/health/live", None, None).await;
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .post(app.url(&path))
        .bearer_auth(&w.org_token)
        .header("Idempotency-Key", "busy")
        .json(&body)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 409).await;
    assert_eq!(problem["type"], "/problems/idempotency-key-in-flight");
    assert_eq!(
        app.get_json(&format!("/api/v1/cohorts/{cohort}"), 200)
            .await["enrolled"],
        0,
        "nothing ran"
    );
}

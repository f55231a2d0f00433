//! Every forged, stale or foreign token is refused with 401 and
//! `WWW-Authenticate: Bearer error="invalid_token"`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, assert_problem, client, settings_for, spawn_app, start};

const PROTECTED: &str = "/api/v1/audit";

async fn refused(app_url: &str, token: &str) -> Value {
    let res = client()
        .get(format!("{app_url}{PROTECTED}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let challenge = res
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        challenge.starts_with("Bearer realm=\"wtxa\", error=\"invalid_token\""),
        "{challenge}"
    );
    assert_problem(res, 401).await
}

/// Claims of a real admin token, to tamper with.
async fn real_claims(app: &TestApp) -> (String, Value) {
    let token = app.admin_token().await;
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    (token, claims)
}

fn sign(claims: &Value, alg: Algorithm, key: &EncodingKey) -> String {
    encode(&Header::new(alg), claims, key).unwrap()
}

fn dev_key() -> EncodingKey {
    EncodingKey::from_secret(api::config::DEVELOPMENT_JWT_SECRET.as_bytes())
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn a_real_token_works_and_a_re_signed_copy_of_it_still_works() {
    let app = spawn_app().await;
    let (token, claims) = real_claims(&app).await;
    assert_eq!(
        app.send(reqwest::Method::GET, PROTECTED, Some(&token), None)
            .await
            .status(),
        200
    );
    // The forgeries below differ from this only in what they break.
    let copy = sign(&claims, Algorithm::HS256, &dev_key());
    assert_eq!(
        app.send(reqwest::Method::GET, PROTECTED, Some(&copy), None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn alg_none_is_refused() {
    let app = spawn_app().await;
    let (_, claims) = real_claims(&app).await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    refused(&app.address, &format!("{header}.{payload}.")).await;
    refused(&app.address, &format!("{header}.{payload}")).await;
}

#[tokio::test]
async fn a_different_algorithm_than_configured_is_refused() {
    let app = spawn_app().await;
    let (token, claims) = real_claims(&app).await;
    // Same claims and signature, header claiming HS512 / RS256.
    let sig = token.split('.').nth(2).unwrap();
    let payload = token.split('.').nth(1).unwrap();
    for alg in ["HS512", "RS256", "EdDSA"] {
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
        refused(&app.address, &format!("{header}.{payload}.{sig}")).await;
    }
    refused(&app.address, &sign(&claims, Algorithm::HS512, &dev_key())).await;
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_refused_by_an_eddsa_server() {
    // The classic confusion: the server's public key used as an HMAC secret.
    let db = TestDb::create().await;
    let mut settings = settings_for(db.url());
    let private_pem = include_bytes!("../../fixtures/ed25519-private.pem").to_vec();
    let public_pem = include_bytes!("../../fixtures/ed25519-public.pem").to_vec();
    settings.auth.signing = api::config::Signing::EdDsa {
        private_pem: private_pem.clone(),
        public_pem: public_pem.clone(),
    };
    let address = start(settings).await;
    let app = TestApp {
        address,
        client: client(),
        _db: db,
    };
    let (token, claims) = real_claims(&app).await;
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(
        app.send(reqwest::Method::GET, PROTECTED, Some(&token), None)
            .await
            .status(),
        200
    );
    refused(
        &app.address,
        &sign(
            &claims,
            Algorithm::HS256,
            &EncodingKey::from_secret(&public_pem),
        ),
    )
    .await;
    refused(&app.address, &sign(&claims, Algorithm::HS256, &dev_key())).await;
}

#[tokio::test]
async fn a_token_signed_with_another_key_is_refused() {
    let app = spawn_app().await;
    let (_, claims) = real_claims(&app).await;
    refused(
        &app.address,
        &sign(
            &claims,
            Algorithm::HS256,
            &EncodingKey::from_secret(b"another-secret-that-is-long-enough-000"),
        ),
    )
    .await;
    let private = include_bytes!("../../fixtures/ed25519-private.pem");
    refused(
        &app.address,
        &sign(
            &claims,
            Algorithm::EdDSA,
            &EncodingKey::from_ed_pem(private).unwrap(),
        ),
    )
    .await;
}

#[tokio::test]
async fn expired_and_not_yet_valid_tokens_are_refused_beyond_the_leeway() {
    let app = spawn_app().await;
    let (_, mut claims) = real_claims(&app).await;
    claims["iat"] = json!(now() - 3600);
    claims["nbf"] = json!(now() - 3600);
    claims["exp"] = json!(now() - 120);
    let p = refused(&app.address, &sign(&claims, Algorithm::HS256, &dev_key())).await;
    assert!(p["detail"].as_str().unwrap().contains("expired"));
    claims["exp"] = json!(now() + 3600);
    claims["nbf"] = json!(now() + 600);
    let p = refused(&app.address, &sign(&claims, Algorithm::HS256, &dev_key())).await;
    assert!(p["detail"].as_str().unwrap().contains("not valid yet"));
    // Within the 30 s leeway: accepted (clock skew).
    claims["nbf"] = json!(now() + 10);
    let skewed = sign(&claims, Algorithm::HS256, &dev_key());
    assert_eq!(
        app.send(reqwest::Method::GET, PROTECTED, Some(&skewed), None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn wrong_issuer_or_audience_is_refused() {
    let app = spawn_app().await;
    let (_, claims) = real_claims(&app).await;
    let mut c = claims.clone();
    c["iss"] = json!("someone-else");
    refused(&app.address, &sign(&c, Algorithm::HS256, &dev_key())).await;
    let mut c = claims.clone();
    c["aud"] = json!("another-api");
    refused(&app.address, &sign(&c, Algorithm::HS256, &dev_key())).await;
    let mut c = claims;
    c.as_object_mut().unwrap().remove("exp");
    refused(&app.address, &sign(&c, Algorithm::HS256, &dev_key())).await;
}

#[tokio::test]
async fn garbage_is_refused() {
    let app = spawn_app().await;
    for garbage in [
        "not-a-jwt",
        "a.b.c",
        "eyJhbGciOiJIUzI1NiJ9.e30.",
        "...",
        "Bearer",
    ] {
        refused(&app.address, garbage).await;
    }
    let res = app
        .client
        .get(app.url(PROTECTED))
        .header("Authorization", "Bearer ")
        .send()
        .await
        .unwrap();
    // A malformed header is a bad request (RFC 6750 §3.1 invalid_request), not a bad token.
    let challenge = res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        challenge.contains("error=\"invalid_request\""),
        "{challenge}"
    );
    assert_problem(res, 400).await;
}

//! CORS for browser front ends: configured origins only, useful headers exposed.

use crate::helpers::{TestApp, TestDb, client, settings_for, start};

const ORIGIN: &str = "https://portal.leeds.example";

async fn app_with_origins(origins: &[&str]) -> TestApp {
    let db = TestDb::create().await;
    let mut settings = settings_for(db.url());
    settings.cors_origins = origins.iter().map(|o| (*o).to_owned()).collect();
    let address = start(settings).await;
    TestApp {
        address,
        client: client(),
        _db: db,
    }
}

#[tokio::test]
async fn an_allowed_origin_gets_cors_headers_and_no_credentials() {
    let app = app_with_origins(&[ORIGIN]).await;
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/programmes"))
        .header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type, if-match",
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    assert!(
        res.headers()
            .get("access-control-allow-credentials")
            .is_none()
    );

    let res = app
        .client
        .get(app.url("/api/v1/programmes/vital-signs"))
        .header("Origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    let exposed = res.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for h in [
        "etag",
        "link",
        "x-request-id",
        "retry-after",
        "www-authenticate",
        "idempotent-replayed",
        "ratelimit-remaining",
    ] {
        assert!(exposed.contains(h), "{h} not exposed: {exposed}");
    }
}

#[tokio::test]
async fn other_origins_get_no_cors_headers() {
    let app = app_with_origins(&[ORIGIN]).await;
    let res = app
        .client
        .get(app.url("/api/v1/taxonomy"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let app = app_with_origins(&[]).await;
    let res = app
        .client
        .get(app.url("/api/v1/taxonomy"))
        .header("Origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "server-to-server callers are unaffected");
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

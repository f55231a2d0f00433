//! Headers for browsers and caches: `nosniff` on every response, `no-store` on every
//! response to an authenticated request (personal data), a CSP on the Swagger UI.

use reqwest::Method;

use crate::fixtures::{id, person, world};
use crate::helpers::spawn_app;

#[tokio::test]
async fn every_response_says_nosniff() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/programmes",
        "/api/v1/programmes/vital-signs",
        "/api/v1/nothing-here",
        "/health/live",
        "/docs/",
        "/api-docs/openapi.json",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.headers()["x-content-type-options"], "nosniff", "{path}");
    }
}

#[tokio::test]
async fn authenticated_answers_are_never_stored_public_ones_revalidate() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let p = person(&app, &w.org_token, 1, Some(&w.org)).await;
    let paths = [
        "/api/v1/people".to_owned(),
        format!("/api/v1/people/{}", id(&p)),
        format!("/api/v1/people/{}/memberships", id(&p)),
        format!("/api/v1/people/{}/commitment", id(&p)),
        "/api/v1/enrolments".to_owned(),
        "/api/v1/enrolments/export".to_owned(),
        "/api/v1/communities/facilitation/members".to_owned(),
        "/api/v1/programmes/vital-signs".to_owned(),
    ];
    for path in &paths {
        let res = app.send(Method::GET, path, Some(&w.org_token), None).await;
        assert!(res.status().is_success(), "{path}: {}", res.status());
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let res = app
        .send(Method::GET, "/api/v1/audit", Some(&w.admin), None)
        .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    // A refused call of an authenticated client is not stored either.
    let res = app
        .send(
            Method::GET,
            "/api/v1/people/0190a4b2-7c1e-7a00-8000-000000000000",
            Some(&w.org_token),
            None,
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["cache-control"], "no-store");
    // The public catalogue may be cached, revalidating with its ETag.
    let res = app.get("/api/v1/programmes/vital-signs").await;
    assert_eq!(res.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn the_swagger_ui_has_a_content_security_policy() {
    let app = spawn_app().await;
    let res = app.get("/docs/").await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
}

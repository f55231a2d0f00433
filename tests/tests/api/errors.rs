use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn unknown_routes_are_404_problems() {
    let app = spawn_app().await;
    for path in [
        "/nope",
        "/api/v1/nothing",
        "/api/v2/programmes",
        "/api/v1/programmes/vital-signs/extra",
    ] {
        let p = app.get_problem(path, 404).await;
        assert_eq!(p["instance"], path);
        assert_eq!(p["title"], "Not Found");
    }
}

#[tokio::test]
async fn wrong_methods_are_405_with_allow() {
    let app = spawn_app().await;
    for (method, path) in [
        (reqwest::Method::DELETE, "/api/v1/priorities"),
        (reqwest::Method::POST, "/api/v1/taxonomy"),
        (reqwest::Method::PUT, "/api/v1/programmes/vital-signs"),
        (reqwest::Method::PATCH, "/health/live"),
    ] {
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        let allow = res
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned());
        let p = assert_problem(res, 405).await;
        let expected = if path.starts_with("/api/v1/programmes/") {
            "GET, HEAD, PATCH, DELETE"
        } else {
            "GET, HEAD"
        };
        assert_eq!(allow.as_deref(), Some(expected), "{method} {path}");
        assert!(p["detail"].as_str().unwrap().contains(method.as_str()));
    }
}

#[tokio::test]
async fn every_get_is_also_served_as_head_with_the_same_headers_and_no_body() {
    let app = spawn_app().await;
    let community = "/api/v1/communities/facilitation";
    for path in [
        "/api/v1/priorities",
        "/api/v1/programmes/vital-signs",
        "/api/v1/programmes?theme=facilitation",
        community,
        "/api/v1/communities/facilitation/sessions.ics",
        "/health/live",
    ] {
        let get = app.get(path).await;
        let head = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        for name in ["content-type", "etag", "content-length", "cache-control"] {
            assert_eq!(
                head.headers().get(name),
                get.headers().get(name),
                "HEAD {path}: {name}"
            );
        }
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path}: no body"
        );
    }
    // HEAD answers 304 like GET to a current If-None-Match.
    let etag = app.get(community).await.headers()["etag"].clone();
    let res = app
        .client
        .head(app.url(community))
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    // A path without a GET has no HEAD either: 405, and Allow says what is served.
    let res = app
        .client
        .head(app.url("/api/v1/oauth/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_sensible_client_id_is_echoed() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/taxonomy").await;
    let generated = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&generated).is_ok());

    let res = app
        .client
        .get(app.url("/nope"))
        .header("X-Request-Id", "partner-abc.123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "partner-abc.123");
    let p = assert_problem(res, 404).await;
    assert_eq!(p["request_id"], "partner-abc.123");

    let too_long = "x".repeat(200);
    let res = app
        .client
        .get(app.url("/api/v1/taxonomy"))
        .header("X-Request-Id", &too_long)
        .send()
        .await
        .unwrap();
    let replaced = res.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(replaced, too_long);
    assert!(uuid::Uuid::parse_str(replaced).is_ok());
}

#[tokio::test]
async fn problems_never_leak_internals() {
    let app = spawn_app().await;
    let p = app.get_problem("/api/v1/programmes?limit=abc", 400).await;
    let text = p.to_string();
    assert!(!text.contains("diesel") && !text.contains("SELECT") && !text.contains("panicked"));
}

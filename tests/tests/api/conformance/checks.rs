//! The checker checks: responses that break the contract in each way it can be broken
//! are refused, and conforming ones pass.

use reqwest::header::{HeaderMap, HeaderValue};

use super::CONTRACT;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

const JSON: (&str, &str) = ("content-type", "application/json");

fn priority(extra: &str) -> String {
    format!(
        r#"{{"code": 6, "slug": "learning-together", "title": "Learning together",
            "description": "d", "published_programmes": 3{extra}}}"#
    )
}

fn check(method: &str, path: &str, status: u16, h: &HeaderMap, body: &str) -> Result<(), String> {
    CONTRACT.check(method, path, status, h, body.as_bytes())
}

#[test]
fn a_conforming_response_passes() {
    let h = headers(&[JSON, ("x-request-id", "r1")]);
    check("GET", "/api/v1/priorities/6", 200, &h, &priority("")).unwrap();
}

#[test]
fn an_undocumented_status_fails() {
    let e = check("GET", "/api/v1/priorities/6", 418, &headers(&[JSON]), "{}").unwrap_err();
    assert!(e.contains("418 is not documented"), "{e}");
}

#[test]
fn an_undeclared_header_fails() {
    let h = headers(&[JSON, ("x-powered-by", "php")]);
    let e = check("GET", "/api/v1/priorities/6", 200, &h, &priority("")).unwrap_err();
    assert!(e.contains("x-powered-by"), "{e}");
}

#[test]
fn a_field_the_contract_does_not_list_fails() {
    let e = check(
        "GET",
        "/api/v1/priorities/6",
        200,
        &headers(&[JSON]),
        &priority(r#", "secret": 1"#),
    )
    .unwrap_err();
    assert!(e.contains("secret"), "{e}");
}

#[tokio::test]
async fn a_value_outside_an_enumeration_fails() {
    let app = crate::helpers::spawn_app().await;
    // Read past the checking client, then check by hand.
    let res = reqwest::get(app.url("/api/v1/communities")).await.unwrap();
    let (status, h) = (res.status().as_u16(), res.headers().clone());
    let body = res.text().await.unwrap();
    check("GET", "/api/v1/communities", status, &h, &body).unwrap();
    assert!(body.contains(r#""kind":"venus_stem""#));
    let rust_name = body.replace(r#""kind":"venus_stem""#, r#""kind":"VenusStem""#);
    let e = check("GET", "/api/v1/communities", status, &h, &rust_name).unwrap_err();
    assert!(e.contains("VenusStem"), "{e}");
}

#[test]
fn an_undeclared_content_type_fails() {
    let h = headers(&[("content-type", "text/html")]);
    let e = check("GET", "/api/v1/priorities/6", 200, &h, "<p>hi</p>").unwrap_err();
    assert!(e.contains("text/html"), "{e}");
}

#[test]
fn a_route_outside_the_contract_may_only_be_a_404_problem() {
    let e = check("GET", "/api/v1/secret-admin", 200, &headers(&[JSON]), "{}").unwrap_err();
    assert!(e.contains("not in the contract"), "{e}");
    let problem = r#"{"type": "about:blank", "title": "Not Found", "status": 404}"#;
    let h = headers(&[("content-type", "application/problem+json")]);
    check("GET", "/api/v1/secret-admin", 404, &h, problem).unwrap();
}

#[test]
fn a_body_on_a_304_fails() {
    let e = check(
        "GET",
        "/api/v1/programmes/vital-signs",
        304,
        &headers(&[JSON]),
        "{}",
    )
    .unwrap_err();
    assert!(e.contains("304"), "{e}");
}

//! The requests the benchmark times, and the percentiles it reports.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::Value;

pub async fn post_json(http: &reqwest::Client, url: String, token: &str, body: Value) -> Value {
    let res = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.unwrap()
}

pub async fn import_csv(
    http: &reqwest::Client,
    url: String,
    token: &str,
    csv: String,
) -> (Duration, Value) {
    let started = Instant::now();
    let res = http
        .post(url)
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    (started.elapsed(), body["summary"].clone())
}

/// Streams the export; returns (rows, seconds).
pub async fn export(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    accept: &str,
    query: &str,
) -> (usize, f64) {
    let started = Instant::now();
    let res = http
        .get(format!("{base}/api/v1/enrolments/export?{query}"))
        .bearer_auth(token)
        .header("Accept", accept)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let mut stream = res.bytes_stream();
    let mut newlines = 0usize;
    while let Some(chunk) = stream.next().await {
        newlines += chunk.unwrap().iter().filter(|b| **b == b'\n').count();
    }
    let rows = if accept == "text/csv" {
        newlines.saturating_sub(1)
    } else {
        newlines
    };
    (rows, started.elapsed().as_secs_f64())
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A token by the client credentials grant.
pub async fn token(http: &reqwest::Client, base: &str, id: &str, secret: &str) -> String {
    let token: Value = http
        .post(format!("{base}/api/v1/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access_token"].as_str().unwrap().to_owned()
}

/// An admin token (a client made through the store) and a new partner organisation's id.
pub async fn admin_and_organisation(
    http: &reqwest::Client,
    base: &str,
    store: &persistence::Store,
    organisation: &str,
) -> (String, String) {
    let admin = api::bootstrap::create_client(store, "bench", vec!["admin".into()], None).unwrap();
    let token = token(
        http,
        base,
        &admin.client_id.to_string(),
        &admin.client_secret,
    )
    .await;
    let org = post_json(
        http,
        format!("{base}/api/v1/organisations"),
        &token,
        serde_json::json!({"name": organisation, "kind": "nhs_trust"}),
    )
    .await;
    (token, org["id"].as_str().unwrap().to_owned())
}

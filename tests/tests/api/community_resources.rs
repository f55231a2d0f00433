//! A community's shared resources.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, fields, spawn_app};

const PATH: &str = "/api/v1/communities/practice-development/resources";

#[tokio::test]
async fn shares_resources_with_http_links_newest_first() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for (title, kind) in [
        ("Case study: ward culture", "case_study"),
        ("Recording: launch event", "event_recording"),
    ] {
        let body = json!({"title": title, "link": "https://example.org/r", "kind": kind});
        let res = app
            .send(Method::POST, PATH, Some(&admin), Some(&body))
            .await;
        assert_eq!(res.status(), 201);
        let created: Value = res.json().await.unwrap();
        assert_eq!(created["kind"], kind);
        assert!(created["added_by"].is_string());
    }
    let list = app.get_json(PATH, 200).await;
    let titles: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec!["Recording: launch event", "Case study: ward culture"]
    );

    let bad = json!({"title": " ", "link": "javascript:alert(1)", "kind": "meme"});
    let problem = assert_problem(
        app.send(Method::POST, PATH, Some(&admin), Some(&bad)).await,
        422,
    )
    .await;
    let mut f = fields(&problem);
    f.sort();
    assert_eq!(f, vec!["kind", "link", "title"]);
    let ok = json!({"title": "Tool", "link": "https://example.org/t", "kind": "tool"});
    assert_problem(app.send(Method::POST, PATH, None, Some(&ok)).await, 401).await;
    let res = app
        .send(
            Method::POST,
            "/api/v1/communities/nowhere/resources",
            Some(&admin),
            Some(&ok),
        )
        .await;
    assert_problem(res, 404).await;
    assert_eq!(
        app.get_json(PATH, 200).await["data"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "nothing else written"
    );
}

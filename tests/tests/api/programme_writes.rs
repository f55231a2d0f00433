//! Catalogue writes: create, If-Match updates, validation, conflicts, drafts, delete.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::catalogue::{create, new_programme, patch};
use crate::helpers::{assert_problem, client, fields, settings_for, spawn_app, start};

#[tokio::test]
async fn creating_a_programme_gives_201_location_etag_and_a_hidden_draft() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let editor = app.token_with(&admin, &["catalogue:write"]).await;
    let (location, etag, body) = create(&app, &editor, &new_programme()).await;
    assert_eq!(
        location,
        format!("/api/v1/programmes/{}", body["id"].as_str().unwrap())
    );
    assert_eq!(
        etag,
        format!("\"{}.1\"", body["id"].as_str().unwrap().replace('-', ""))
    );
    assert_eq!(body["slug"], "compassionate-leadership-for-care-homes");
    assert_eq!(body["status"], "draft");
    assert_eq!(body["duration"]["summary"], "3 months, 1 day a month");
    let codes: Vec<i64> = body["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![6, 7]);

    // A draft is not public…
    app.get_problem(&location, 404).await;
    assert_eq!(app.all_programmes("").await.len(), 23);
    // …but its editors see it.
    let res = app.send(Method::GET, &location, Some(&editor), None).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn every_domain_rule_is_a_422_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let bad = json!({
        "title": " ", "theme": "science", "level": "mega", "what": "x",
        "duration": {"min": 6, "max": 3, "unit": "months"},
        "delivery_mode": "zoom", "availability": "never",
        "stems": [], "priorities": [9, "learning-together", 6],
        "status": "deleted"
    });
    let res = app
        .send(Method::POST, "/api/v1/programmes", Some(&admin), Some(&bad))
        .await;
    let p = assert_problem(res, 422).await;
    assert_eq!(p["type"], "/problems/validation-error");
    assert_eq!(
        fields(&p),
        vec![
            "title",
            "theme",
            "level",
            "duration.max",
            "delivery_mode",
            "availability",
            "status",
            "stems",
            "priorities[0]"
        ]
    );
    assert!(
        p["errors"][1]["message"]
            .as_str()
            .unwrap()
            .contains("leadership, facilitation, best_practice")
    );
    let res = app
        .send(
            Method::POST,
            "/api/v1/programmes",
            Some(&admin),
            Some(&json!({})),
        )
        .await;
    let p = assert_problem(res, 422).await;
    assert!(fields(&p).starts_with(&["title".to_owned(), "theme".to_owned()]));
}

#[tokio::test]
async fn unknown_fields_and_malformed_bodies_are_400_wrong_types_415_big_ones_413() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut body = new_programme();
    body["colour"] = json!("red");
    let p = assert_problem(
        app.send(
            Method::POST,
            "/api/v1/programmes",
            Some(&admin),
            Some(&body),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(fields(&p), vec!["colour"]);

    let res = app
        .client
        .post(app.url("/api/v1/programmes"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\n  \"title\": \"x\",\n  oops\n}")
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 400).await;
    assert!(
        p["detail"].as_str().unwrap().contains("line 3, column 3"),
        "{p}"
    );

    let res = app
        .client
        .post(app.url("/api/v1/programmes"))
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body(new_programme().to_string())
        .send()
        .await
        .unwrap();
    assert_problem(res, 415).await;

    let mut huge = new_programme();
    huge["what"] = json!("x".repeat(70 * 1024));
    let p = assert_problem(
        app.send(
            Method::POST,
            "/api/v1/programmes",
            Some(&admin),
            Some(&huge),
        )
        .await,
        413,
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("65536 bytes"));
}

#[tokio::test]
async fn a_taken_slug_is_a_409_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut body = new_programme();
    body["slug"] = json!("vital-signs");
    let p = assert_problem(
        app.send(
            Method::POST,
            "/api/v1/programmes",
            Some(&admin),
            Some(&body),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(fields(&p), vec!["slug"]);
    assert_eq!(app.all_programmes("").await.len(), 23, "nothing written");
}

#[tokio::test]
async fn an_operators_edit_survives_a_restart() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let etag = app.get("/api/v1/programmes/vital-signs").await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let res = patch(
        &app,
        &admin,
        "/api/v1/programmes/vital-signs",
        Some(&etag),
        &json!({"who": "Every team in Leeds"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let restarted = start(settings_for(app._db.url())).await;
    let body: Value = client()
        .get(format!("{restarted}/api/v1/programmes/vital-signs"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["who"], "Every team in Leeds");
}

#[tokio::test]
async fn deleting_a_programme_removes_it() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (location, etag, _) = create(&app, &admin, &new_programme()).await;
    let res = app
        .client
        .delete(app.url(&location))
        .bearer_auth(&admin)
        .header("If-Match", "\"9\"")
        .send()
        .await
        .unwrap();
    assert_problem(res, 412).await;
    let res = app
        .client
        .delete(app.url(&location))
        .bearer_auth(&admin)
        .header("If-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_problem(
        app.send(Method::GET, &location, Some(&admin), None).await,
        404,
    )
    .await;
    assert_problem(
        app.send(Method::DELETE, &location, Some(&admin), None)
            .await,
        404,
    )
    .await;
}

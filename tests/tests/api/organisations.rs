//! Partner organisations: public names, admin writes, ODS codes.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, fields, spawn_app};

#[tokio::test]
async fn organisations_are_listed_publicly_and_written_by_admins() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for (name, kind, ods) in [
        (
            "Leeds Teaching Hospitals NHS Trust",
            "nhs_trust",
            Some("rr8"),
        ),
        ("Leeds City Council", "local_authority", None),
        ("Forum Central", "third_sector", None),
    ] {
        let body = json!({"name": name, "kind": kind, "ods_code": ods});
        let res = app
            .send(
                Method::POST,
                "/api/v1/organisations",
                Some(&admin),
                Some(&body),
            )
            .await;
        assert_eq!(res.status(), 201, "{name}");
    }
    let list = app.get_json("/api/v1/organisations", 200).await;
    let names: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "Forum Central",
            "Leeds City Council",
            "Leeds Teaching Hospitals NHS Trust"
        ]
    );
    assert_eq!(list["data"][2]["ods_code"], "RR8", "normalised");
    let found = app
        .get_json("/api/v1/organisations?q=LEEDS&limit=1", 200)
        .await;
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
    let next = found["next_cursor"].as_str().unwrap();
    let page2 = app
        .get_json(
            &format!("/api/v1/organisations?q=leeds&limit=1&cursor={next}"),
            200,
        )
        .await;
    assert_eq!(
        page2["data"][0]["name"],
        "Leeds Teaching Hospitals NHS Trust"
    );
    assert!(page2["next_cursor"].is_null());
}

#[tokio::test]
async fn ods_codes_are_validated_and_unique_and_names_unique() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let post = |body: Value| {
        let (app, admin) = (&app, &admin);
        async move {
            app.send(
                Method::POST,
                "/api/v1/organisations",
                Some(admin),
                Some(&body),
            )
            .await
        }
    };
    let p = assert_problem(
        post(json!({"name": "X Trust", "kind": "hospital", "ods_code": "R-8"})).await,
        422,
    )
    .await;
    assert_eq!(fields(&p), vec!["kind", "ods_code"]);
    assert_eq!(post(json!({"name": "Leeds and York Partnership NHS Foundation Trust", "kind": "nhs_trust", "ods_code": "RGD"})).await.status(), 201);
    let p = assert_problem(
        post(json!({"name": "Another", "kind": "nhs_trust", "ods_code": "rgd"})).await,
        409,
    )
    .await;
    assert_eq!(fields(&p), vec!["ods_code"]);
    let p = assert_problem(
        post(
            json!({"name": "LEEDS AND YORK PARTNERSHIP NHS FOUNDATION TRUST", "kind": "nhs_trust"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(fields(&p), vec!["name"]);
}

#[tokio::test]
async fn organisation_patch_follows_if_match() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json!({"name": "Leeds Community Healthcare NHS Trust", "kind": "nhs_trust", "ods_code": "RY6"});
    let res = app
        .send(
            Method::POST,
            "/api/v1/organisations",
            Some(&admin),
            Some(&body),
        )
        .await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let first_etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let res = app
        .client
        .patch(app.url(&location))
        .bearer_auth(&admin)
        .json(&json!({"status": "inactive"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 428).await;
    let res = app
        .patch_if_match(
            &location,
            &admin,
            &first_etag,
            &json!({"status": "inactive", "ods_code": null}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (
            body["status"].as_str(),
            body["ods_code"].is_null(),
            body["version"].as_i64()
        ),
        (Some("inactive"), true, Some(2))
    );
    let res = app
        .patch_if_match(&location, &admin, &first_etag, &json!({"status": "active"}))
        .await;
    assert_problem(res, 412).await;
    app.get_problem(
        &format!("/api/v1/organisations/{}", uuid::Uuid::now_v7()),
        404,
    )
    .await;
    app.get_problem("/api/v1/organisations/not-an-id", 404)
        .await;
}

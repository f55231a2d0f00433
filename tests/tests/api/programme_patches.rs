//! Catalogue edits: merge patches with `If-Match` (428 without, 412 when stale) and `null`
//! removing optional fields only.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::catalogue::{create, new_programme, patch};
use crate::helpers::{assert_problem, fields, spawn_app};

#[tokio::test]
async fn patch_needs_if_match_428_refuses_stale_412_and_applies_a_merge_patch() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (location, etag, _) = create(&app, &admin, &new_programme()).await;

    let p = assert_problem(
        patch(&app, &admin, &location, None, &json!({"title": "New"})).await,
        428,
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("If-Match"));

    let res = patch(
        &app,
        &admin,
        &location,
        Some(&etag),
        &json!({"title": "Compassionate Leadership", "how": null, "status": "published"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let new_etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["title"], "Compassionate Leadership");
    assert!(body["how"].is_null(), "null clears");
    assert_eq!(
        body["what"], "A programme for registered managers of care homes.",
        "absent keeps"
    );
    assert_eq!(body["version"], 2);

    let p = assert_problem(
        patch(
            &app,
            &admin,
            &location,
            Some(&etag),
            &json!({"title": "Lost update"}),
        )
        .await,
        412,
    )
    .await;
    assert_eq!(p["type"], "/problems/stale");
    assert_problem(
        patch(
            &app,
            &admin,
            &location,
            Some(&format!("W/{new_etag}")),
            &json!({"title": "Weak"}),
        )
        .await,
        412,
    )
    .await;
    assert_eq!(
        patch(
            &app,
            &admin,
            &location,
            Some("*"),
            &json!({"who": "Registered managers"})
        )
        .await
        .status(),
        200
    );
    assert_problem(
        patch(
            &app,
            &admin,
            &location,
            Some(&new_etag),
            &json!({"stems": []}),
        )
        .await,
        412,
    )
    .await;

    let current_etag = app.get(&location).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let res = patch(
        &app,
        &admin,
        &location,
        Some(&current_etag),
        &json!({"stems": ["music"]}),
    )
    .await;
    let p = assert_problem(res, 422).await;
    assert_eq!(fields(&p), vec!["stems[0]"]);
    assert_eq!(
        app.get_json(&location, 200).await["version"],
        3,
        "a refused change writes nothing"
    );
}

#[tokio::test]
async fn null_removes_optional_fields_and_is_refused_for_required_ones() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (location, etag, _) = create(&app, &admin, &new_programme()).await;
    let p = assert_problem(
        patch(
            &app,
            &admin,
            &location,
            Some(&etag),
            &json!({"title": null, "stems": null, "how": null}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields(&p), vec!["stems", "title"]);
    assert_eq!(
        app.send(Method::GET, &location, Some(&admin), None)
            .await
            .json::<Value>()
            .await
            .unwrap()["version"],
        1,
        "nothing written"
    );
    let p = assert_problem(
        patch(
            &app,
            &admin,
            &location,
            Some(&etag),
            &json!({"colour": "red"}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(fields(&p), vec!["colour"]);
}

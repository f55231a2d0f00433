//! Seeding is idempotent and respects operators' edits.

use diesel::RunQueryDsl;

use crate::helpers::{TestDb, fetch_json, settings_for, start};

async fn programmes(address: &str) -> Vec<serde_json::Value> {
    let path = "/api/v1/programmes?limit=100&status=published&status=retired";
    fetch_json(address, path).await["data"]
        .as_array()
        .unwrap()
        .clone()
}

fn execute(db: &TestDb, sql: &'static str) {
    let mut conn = db.connect();
    let n = diesel::sql_query(sql).execute(&mut conn).unwrap();
    assert_eq!(n, 1, "{sql}");
}

#[tokio::test]
async fn restarting_never_duplicates_and_never_overwrites_an_operators_edit() {
    let db = TestDb::create().await;
    let first = start(settings_for(db.url())).await;
    assert_eq!(programmes(&first).await.len(), 23);

    // An operator edits one programme (the write API clears seed_digest, as here)…
    execute(
        &db,
        "UPDATE programmes SET title = 'VITAL Signs (Leeds edition)', seed_digest = NULL, version = version + 1 WHERE slug = 'vital-signs'",
    );
    // …and a seeded programme the operator never touched is stale against the seed file.
    execute(
        &db,
        "UPDATE programmes SET title = 'Old title', seed_digest = 'stale' WHERE slug = 'spheres-of-influence'",
    );

    let second = start(settings_for(db.url())).await;
    let all = programmes(&second).await;
    assert_eq!(all.len(), 23, "no duplicates after a restart");
    let find = |slug: &str| all.iter().find(|p| p["slug"] == slug).unwrap().clone();
    assert_eq!(
        find("vital-signs")["title"],
        "VITAL Signs (Leeds edition)",
        "operator's edit kept"
    );
    let refreshed = find("spheres-of-influence");
    assert_eq!(
        refreshed["title"], "Spheres of Influence",
        "untouched seed row refreshed"
    );
    assert_eq!(refreshed["version"], 2);
    assert_eq!(
        find("champions4change")["version"],
        1,
        "unchanged rows are not rewritten"
    );

    let priorities = fetch_json(&second, "/api/v1/priorities").await;
    assert_eq!(priorities["data"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn a_renamed_seeded_programme_is_not_duplicated_and_a_deleted_one_stays_deleted() {
    let db = TestDb::create().await;
    let first = start(settings_for(db.url())).await;
    let app = crate::helpers::TestApp {
        address: first.clone(),
        client: crate::helpers::client(),
        _db: db,
    };
    let admin = app.admin_token().await;
    let etag = app.etag_as("/api/v1/programmes/vital-signs", &admin).await;
    let res = app
        .patch_if_match(
            "/api/v1/programmes/vital-signs",
            &admin,
            &etag,
            &serde_json::json!({"slug": "vital-signs-leeds"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .send(
            reqwest::Method::DELETE,
            "/api/v1/programmes/spheres-of-influence",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);

    let restarted = start(settings_for(app._db.url())).await;
    let all = programmes(&restarted).await;
    let slugs: Vec<&str> = all.iter().map(|p| p["slug"].as_str().unwrap()).collect();
    assert_eq!(all.len(), 22, "{slugs:?}");
    assert!(slugs.contains(&"vital-signs-leeds") && !slugs.contains(&"vital-signs"));
    assert!(!slugs.contains(&"spheres-of-influence"));
}

//! The HR pull: delta sync in change order, a cursor walk under concurrent writes, the
//! streamed CSV / NDJSON export and the settle window.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{enrol, enrolled, id, open_cohort, person, world};
use crate::helpers::{assert_problem, spawn_app};

async fn sync(app: &crate::helpers::TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut path = format!("/api/v1/enrolments?limit=3&{query}");
    loop {
        let body = app.get_json_as(&path, token).await;
        rows.extend(body["data"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/enrolments?limit=3&{query}&cursor={c}"),
            None => return rows,
        }
    }
}

#[tokio::test]
async fn delta_sync_sees_an_update_a_withdrawal_and_an_erasure_made_after_the_first_sync() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 10, true).await;
    let mut e = Vec::new();
    let mut people = Vec::new();
    for n in 0..6 {
        let p = person(&app, &w.org_token, n, Some(&w.org)).await;
        e.push(enrolled(&app, &w.org_token, &id(&cohort), &id(&p)).await);
        people.push(p);
    }
    let first = sync(&app, &w.org_token, "").await;
    assert_eq!(first.len(), 6);
    let row = &first[0];
    assert_eq!(row["person_external_ref"], "EMP-00000");
    assert_eq!(row["programme_slug"], "vital-signs");
    assert_eq!(row["cohort_start_date"], "2027-03-01");
    assert!(!row["priorities"].as_array().unwrap().is_empty());
    let mark = first.last().unwrap()["updated_at"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    app.send(
        Method::POST,
        &format!("/api/v1/enrolments/{}/complete", id(&e[1])),
        Some(&w.admin),
        None,
    )
    .await;
    app.send(
        Method::POST,
        &format!("/api/v1/enrolments/{}/withdraw", id(&e[2])),
        Some(&w.org_token),
        None,
    )
    .await;
    app.send(
        Method::DELETE,
        &format!("/api/v1/people/{}", id(&people[3])),
        Some(&w.org_token),
        None,
    )
    .await;

    let since = mark.replace('+', "%2B");
    let delta = sync(&app, &w.org_token, &format!("updated_since={since}")).await;
    let changed: Vec<(String, String, bool)> = delta
        .iter()
        .filter(|r| r["updated_at"].as_str().unwrap() > mark.as_str())
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
                r["person_erased"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        vec![
            (id(&e[1]), "completed".into(), false),
            (id(&e[2]), "withdrawn".into(), false),
            (id(&e[3]), "enrolled".into(), true)
        ]
    );
    let filtered = sync(
        &app,
        &w.org_token,
        "status=withdrawn&person_external_ref=EMP-00002",
    )
    .await;
    assert_eq!(filtered.len(), 1);
}

#[tokio::test]
async fn a_cursor_walk_neither_skips_nor_repeats_while_others_enrol() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 1000, true).await;
    let mut before = HashSet::new();
    for n in 0..12 {
        let p = person(&app, &w.org_token, n, None).await;
        let e: Value = enrolled(&app, &w.org_token, &id(&cohort), &id(&p)).await;
        before.insert(id(&e));
    }
    let writer = {
        let (address, token, cohort) = (app.address.clone(), w.org_token.clone(), id(&cohort));
        tokio::spawn(async move {
            let client = crate::helpers::client();
            for n in 100..124 {
                let body = json!({"given_name": "New", "family_name": "Comer", "email": format!("new{n}@example.org")});
                let p: Value = client
                    .post(format!("{address}/api/v1/people"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                client
                    .post(format!("{address}/api/v1/cohorts/{cohort}/enrolments"))
                    .bearer_auth(&token)
                    .json(&json!({"person_id": p["id"]}))
                    .send()
                    .await
                    .unwrap();
            }
        })
    };
    let mut seen = Vec::new();
    let mut path = "/api/v1/enrolments?limit=2".to_owned();
    loop {
        let body = app.get_json_as(&path, &w.org_token).await;
        seen.extend(body["data"].as_array().unwrap().iter().map(id));
        match body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/enrolments?limit=2&cursor={c}"),
            None => break,
        }
    }
    writer.await.unwrap();
    let unique: HashSet<_> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no row repeated");
    assert!(
        before.is_subset(&unique),
        "no row that existed before the walk was skipped"
    );
}

#[tokio::test]
async fn the_export_streams_what_the_list_shows_as_csv_or_ndjson() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 5, true).await;
    for n in 0..8 {
        let p = person(&app, &w.org_token, n, Some(&w.org)).await;
        enrol(&app, &w.org_token, &id(&cohort), &id(&p)).await;
    }
    let listed = sync(&app, &w.org_token, "").await;
    let res = app
        .client
        .get(app.url("/api/v1/enrolments/export"))
        .bearer_auth(&w.org_token)
        .header("Accept", "application/x-ndjson")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/x-ndjson");
    let text = res.text().await.unwrap();
    let exported: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(exported, listed);

    let res = app
        .client
        .get(app.url("/api/v1/enrolments/export?status=waitlisted"))
        .bearer_auth(&w.org_token)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("id,person_id,person_external_ref,"));
    assert_eq!(lines.len(), 1 + 3, "header and the three waitlisted");
    assert!(lines[1].contains(",waitlisted,"));
    let res = app
        .client
        .get(app.url("/api/v1/enrolments/export"))
        .bearer_auth(&w.org_token)
        .header("Accept", "application/pdf")
        .send()
        .await
        .unwrap();
    assert_problem(res, 406).await;
    let other = app
        .client
        .get(app.url("/api/v1/enrolments/export"))
        .bearer_auth(&w.other_token)
        .header("Accept", "application/x-ndjson")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        other.is_empty(),
        "another organisation's client exports nothing of these"
    );
}

#[tokio::test]
async fn delta_sync_holds_back_changes_younger_than_the_settle_window() {
    let db = crate::helpers::TestDb::create().await;
    let mut settings = crate::helpers::settings_for(db.url());
    settings.sync_settle = std::time::Duration::from_millis(1500);
    let address = crate::helpers::start(settings).await;
    let app = crate::helpers::TestApp {
        address,
        client: crate::helpers::client(),
        _db: db,
    };
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 5, true).await;
    let p = person(&app, &w.org_token, 1, None).await;
    assert_eq!(
        enrol(&app, &w.org_token, &id(&cohort), &id(&p))
            .await
            .status(),
        201
    );
    assert!(
        app.get_json_as("/api/v1/enrolments", &w.org_token).await["data"]
            .as_array()
            .unwrap()
            .is_empty(),
        "too fresh"
    );
    assert!(
        app.get_json_as("/api/v1/people", &w.org_token).await["data"]
            .as_array()
            .unwrap()
            .is_empty(),
        "too fresh"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1700)).await;
    assert_eq!(
        app.get_json_as("/api/v1/enrolments", &w.org_token).await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.get_json_as("/api/v1/people", &w.org_token).await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

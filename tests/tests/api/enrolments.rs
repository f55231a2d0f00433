//! Enrolments: seats, the waitlist, transitions and the capacity storm. The HR pull is in
//! `enrolment_sync`, attendance registers in `register`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{enrol, enrolled, id, open_cohort, person, world};
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn seats_then_a_waitlist_in_order_then_refusals() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 2, true).await;
    let mut results = Vec::new();
    for n in 0..5 {
        let p = person(&app, &w.org_token, n, None).await;
        let res = enrol(&app, &w.org_token, &id(&cohort), &id(&p)).await;
        assert_eq!(res.status(), 201);
        assert!(
            res.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/api/v1/enrolments/")
        );
        results.push((p, res.json::<Value>().await.unwrap()));
    }
    let statuses: Vec<(&str, Option<i64>)> = results
        .iter()
        .map(|(_, e)| {
            (
                e["status"].as_str().unwrap(),
                e["waitlist_position"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("enrolled", None),
            ("enrolled", None),
            ("waitlisted", Some(1)),
            ("waitlisted", Some(2)),
            ("waitlisted", Some(3))
        ]
    );

    // Already on it, in either state.
    for (p, _) in &results[1..3] {
        let res = enrol(&app, &w.org_token, &id(&cohort), &id(p)).await;
        let problem = assert_problem(res, 409).await;
        assert!(
            problem["detail"].as_str().unwrap().contains("already"),
            "{problem}"
        );
    }
    // Full with no waitlist.
    let closed = open_cohort(&app, &w.admin, 1, false).await;
    assert_eq!(
        enrol(&app, &w.org_token, &id(&closed), &id(&results[0].0))
            .await
            .status(),
        201
    );
    let p = assert_problem(
        enrol(&app, &w.org_token, &id(&closed), &id(&results[1].0)).await,
        409,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("full and has no waitlist")
    );
    // Not open.
    let body = json!({"label": "Later", "start_date": "2027-09-01", "end_date": "2027-12-01", "capacity": 5, "delivery_mode": "online"});
    let planned: Value = app
        .send(
            Method::POST,
            "/api/v1/programmes/vital-signs/cohorts",
            Some(&w.admin),
            Some(&body),
        )
        .await
        .json()
        .await
        .unwrap();
    let p = assert_problem(
        enrol(&app, &w.org_token, &id(&planned), &id(&results[0].0)).await,
        409,
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("planned, not open"));
}

#[tokio::test]
async fn withdrawing_a_seat_promotes_the_first_waiting_and_positions_close_up() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 1, true).await;
    let mut e = Vec::new();
    for n in 0..4 {
        let p = person(&app, &w.org_token, n, None).await;
        e.push(enrolled(&app, &w.org_token, &id(&cohort), &id(&p)).await);
    }
    let withdraw = |x: &Value| {
        let (app, t, path) = (
            &app,
            &w.org_token,
            format!("/api/v1/enrolments/{}/withdraw", id(x)),
        );
        async move { app.send(Method::POST, &path, Some(t), None).await }
    };
    // Leaving the queue closes it up.
    assert_eq!(
        withdraw(&e[2]).await.json::<Value>().await.unwrap()["status"],
        "withdrawn"
    );
    let get = |x: &Value| {
        let (app, t, path) = (&app, &w.org_token, format!("/api/v1/enrolments/{}", id(x)));
        async move { app.get_json_as(&path, t).await }
    };
    assert_eq!(get(&e[3]).await["waitlist_position"], 2);
    // Giving up the seat hands it to the first in the queue.
    assert_eq!(withdraw(&e[0]).await.status(), 200);
    let promoted = get(&e[1]).await;
    assert_eq!(
        (
            promoted["status"].as_str(),
            promoted["enrolled_at"].is_string()
        ),
        (Some("enrolled"), true)
    );
    assert_eq!(get(&e[3]).await["waitlist_position"], 1);
    let c = app
        .get_json(&format!("/api/v1/cohorts/{}", id(&cohort)), 200)
        .await;
    assert_eq!(
        (c["enrolled"].as_i64(), c["waitlisted"].as_i64()),
        (Some(1), Some(1))
    );
    let p = assert_problem(withdraw(&e[0]).await, 409).await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("an enrolment that is withdrawn cannot become withdrawn")
    );
}

#[tokio::test]
async fn completion_outcomes_and_every_refused_transition() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 2, true).await;
    let a = person(&app, &w.org_token, 1, None).await;
    let b = person(&app, &w.org_token, 2, None).await;
    let c = person(&app, &w.org_token, 3, None).await;
    let ea: Value = enrolled(&app, &w.org_token, &id(&cohort), &id(&a)).await;
    let eb: Value = enrolled(&app, &w.org_token, &id(&cohort), &id(&b)).await;
    let ec: Value = enrolled(&app, &w.org_token, &id(&cohort), &id(&c)).await;
    let act = |e: &Value, verb: &str, body: Option<Value>| {
        let (app, t, path) = (
            &app,
            &w.admin,
            format!("/api/v1/enrolments/{}/{verb}", id(e)),
        );
        async move { app.send(Method::POST, &path, Some(t), body.as_ref()).await }
    };
    let done: Value = act(&ea, "complete", Some(json!({"outcome_date": "2027-06-30"})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (done["status"].as_str(), done["outcome_date"].as_str()),
        (Some("completed"), Some("2027-06-30"))
    );
    let not: Value = act(&eb, "not-complete", None).await.json().await.unwrap();
    assert_eq!(not["status"], "not_completed");
    assert!(not["outcome_date"].is_string(), "defaults to today");
    let p = assert_problem(act(&ec, "complete", None).await, 409).await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("waitlisted cannot become completed"),
        "{p}"
    );
    for verb in ["withdraw", "complete", "not-complete"] {
        let p = assert_problem(act(&ea, verb, None).await, 409).await;
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("an enrolment that is completed"),
            "{verb}: {p}"
        );
    }
    let p = assert_problem(act(&eb, "withdraw", None).await, 409).await;
    assert!(p["detail"].as_str().unwrap().contains("not_completed"));
}

#[tokio::test]
async fn two_hundred_concurrent_enrolments_into_twenty_seats_on_two_api_processes() {
    let db = crate::helpers::TestDb::create().await;
    let settings = crate::helpers::settings_for(db.url());
    let a = crate::helpers::start(settings.clone()).await;
    let b = crate::helpers::start(settings).await;
    let app = crate::helpers::TestApp {
        address: a.clone(),
        client: crate::helpers::client(),
        _db: db,
    };
    let w = world(&app).await;
    let cohort = id(&open_cohort(&app, &w.admin, 20, true).await);
    let mut people = Vec::new();
    for n in 0..200 {
        people.push(id(&person(&app, &w.org_token, n, None).await));
    }
    let mut tasks = Vec::new();
    for (n, p) in people.into_iter().enumerate() {
        let base = if n % 2 == 0 { a.clone() } else { b.clone() };
        let (token, cohort) = (w.org_token.clone(), cohort.clone());
        tasks.push(tokio::spawn(async move {
            let res = crate::helpers::client()
                .post(format!("{base}/api/v1/cohorts/{cohort}/enrolments"))
                .bearer_auth(token)
                .json(&json!({"person_id": p}))
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }));
    }
    let mut enrolled = 0;
    let mut positions = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, 201, "{body}");
        match body["status"].as_str().unwrap() {
            "enrolled" => enrolled += 1,
            _ => positions.push(body["waitlist_position"].as_i64().unwrap()),
        }
    }
    assert_eq!(enrolled, 20);
    assert_eq!(positions.len(), 180);
    let c = app
        .get_json(&format!("/api/v1/cohorts/{cohort}"), 200)
        .await;
    assert_eq!(
        (c["enrolled"].as_i64(), c["waitlisted"].as_i64()),
        (Some(20), Some(180))
    );
    // Positions now are gapless 1..=180 in queue order.
    let roster = app
        .get_json_as(&format!("/api/v1/cohorts/{cohort}/enrolments"), &w.admin)
        .await;
    let mut now: Vec<i64> = roster["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["waitlist_position"].as_i64())
        .collect();
    now.sort_unstable();
    assert_eq!(now, (1..=180).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_finished_place_stays_taken_so_nobody_jumps_the_queue() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 1, true).await;
    let a = person(&app, &w.org_token, 1, None).await;
    let b = person(&app, &w.org_token, 2, None).await;
    let c = person(&app, &w.org_token, 3, None).await;
    let ea: Value = enrolled(&app, &w.org_token, &id(&cohort), &id(&a)).await;
    let eb: Value = enrolled(&app, &w.org_token, &id(&cohort), &id(&b)).await;
    assert_eq!(eb["status"], "waitlisted");
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/enrolments/{}/complete", id(&ea)),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let seats = app
        .get_json(&format!("/api/v1/cohorts/{}", id(&cohort)), 200)
        .await;
    assert_eq!(
        (seats["finished"].as_i64(), seats["seats_left"].as_i64()),
        (Some(1), Some(0))
    );
    let ec: Value = enrolled(&app, &w.org_token, &id(&cohort), &id(&c)).await;
    assert_eq!(
        (ec["status"].as_str(), ec["waitlist_position"].as_i64()),
        (Some("waitlisted"), Some(2)),
        "behind b, not ahead"
    );
    // A malformed outcome is refused, not recorded as today.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/enrolments/{}/complete", id(&eb))))
        .bearer_auth(&w.admin)
        .header("Content-Type", "application/json")
        .body(r#"{"outcome_date": "31/08/2027"}"#)
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
}

//! Enrolments: seats, the waitlist, transitions, attendance, the HR pull and its export.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};
use crate::learning::{enrol, id, open_cohort, person, world};

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
        e.push(
            enrol(&app, &w.org_token, &id(&cohort), &id(&p))
                .await
                .json::<Value>()
                .await
                .unwrap(),
        );
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
    let ea: Value = enrol(&app, &w.org_token, &id(&cohort), &id(&a))
        .await
        .json()
        .await
        .unwrap();
    let eb: Value = enrol(&app, &w.org_token, &id(&cohort), &id(&b))
        .await
        .json()
        .await
        .unwrap();
    let ec: Value = enrol(&app, &w.org_token, &id(&cohort), &id(&c))
        .await
        .json()
        .await
        .unwrap();
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
async fn attendance_registers_and_rates() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 3, true).await;
    let cid = id(&cohort);
    let mut e = Vec::new();
    for n in 0..4 {
        let p = person(&app, &w.org_token, n, None).await;
        e.push(
            enrol(&app, &w.org_token, &cid, &id(&p))
                .await
                .json::<Value>()
                .await
                .unwrap(),
        );
    }
    let mut sessions = Vec::new();
    for (n, day) in [
        "2027-03-01T09:30:00Z",
        "2027-04-01T09:30:00Z",
        "2027-05-01T09:30:00Z",
    ]
    .iter()
    .enumerate()
    {
        let body =
            json!({"title": format!("Workshop {n}"), "starts_at": day, "duration_minutes": 360});
        let res = app
            .send(
                Method::POST,
                &format!("/api/v1/cohorts/{cid}/sessions"),
                Some(&w.admin),
                Some(&body),
            )
            .await;
        assert_eq!(res.status(), 201);
        sessions.push(res.json::<Value>().await.unwrap());
    }
    let listed = app
        .get_json(&format!("/api/v1/cohorts/{cid}/sessions"), 200)
        .await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 3);
    let put = |s: &Value, records: Value| {
        let (app, t, path) = (
            &app,
            &w.org_token,
            format!("/api/v1/cohorts/{cid}/sessions/{}/attendance", id(s)),
        );
        async move {
            app.client
                .put(app.url(&path))
                .bearer_auth(t)
                .json(&json!({"records": records}))
                .send()
                .await
                .unwrap()
        }
    };
    let r = |e: &Value, s: &str| json!({"enrolment_id": id(e), "status": s});
    assert_eq!(
        put(
            &sessions[0],
            json!([r(&e[0], "present"), r(&e[1], "absent"), r(&e[2], "excused")])
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        put(
            &sessions[1],
            json!([r(&e[0], "present"), r(&e[1], "present")])
        )
        .await
        .status(),
        200
    );
    // Re-marking replaces.
    let res = put(&sessions[1], json!([r(&e[1], "absent")])).await;
    let register: Value = res.json().await.unwrap();
    assert_eq!(register["records"].as_array().unwrap().len(), 2);
    let rate = |x: &Value| {
        let (app, t, path) = (&app, &w.org_token, format!("/api/v1/enrolments/{}", id(x)));
        async move { app.get_json_as(&path, t).await["attendance"].clone() }
    };
    assert_eq!(
        rate(&e[0]).await,
        json!({"present": 2, "absent": 0, "excused": 0, "rate": 1.0})
    );
    assert_eq!(
        rate(&e[1]).await,
        json!({"present": 0, "absent": 2, "excused": 0, "rate": 0.0})
    );
    assert_eq!(
        rate(&e[2]).await["rate"],
        Value::Null,
        "excused only: nothing counted"
    );
    // A waitlisted person does not attend, and one bad mark writes nothing.
    let res = put(
        &sessions[2],
        json!([r(&e[0], "present"), r(&e[3], "present")]),
    )
    .await;
    let p = assert_problem(res, 409).await;
    assert!(p["detail"].as_str().unwrap().contains("records[1]"));
    assert_eq!(rate(&e[0]).await["present"], 2, "all or nothing");
    let res = put(
        &sessions[2],
        json!([{"enrolment_id": id(&e[0]), "status": "late"}]),
    )
    .await;
    assert_problem(res, 400).await;
    let res = put(
        &sessions[2],
        json!([r(&e[0], "present"), r(&e[0], "absent")]),
    )
    .await;
    let p = assert_problem(res, 409).await;
    assert!(p["detail"].as_str().unwrap().contains("listed twice"));
}

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
        e.push(
            enrol(&app, &w.org_token, &id(&cohort), &id(&p))
                .await
                .json::<Value>()
                .await
                .unwrap(),
        );
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
        let e: Value = enrol(&app, &w.org_token, &id(&cohort), &id(&p))
            .await
            .json()
            .await
            .unwrap();
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
    let ea: Value = enrol(&app, &w.org_token, &id(&cohort), &id(&a))
        .await
        .json()
        .await
        .unwrap();
    let eb: Value = enrol(&app, &w.org_token, &id(&cohort), &id(&b))
        .await
        .json()
        .await
        .unwrap();
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
    let ec: Value = enrol(&app, &w.org_token, &id(&cohort), &id(&c))
        .await
        .json()
        .await
        .unwrap();
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

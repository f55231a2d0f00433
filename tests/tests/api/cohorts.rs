//! Cohorts: dates, capacity, priorities, the life cycle and its refusals.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{enrol, enrolled, id, open_cohort, person, world};
use crate::helpers::{assert_problem, fields, spawn_app};

#[tokio::test]
async fn a_cohort_is_planned_with_the_programmes_priorities_unless_given() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json!({"label": "Spring", "start_date": "2027-03-01", "end_date": "2027-06-30", "capacity": 12,
                      "delivery_mode": "online", "joining_link": "https://teams.example/meet/1"});
    let res = app
        .send(
            Method::POST,
            "/api/v1/programmes/vital-signs/cohorts",
            Some(&admin),
            Some(&body),
        )
        .await;
    assert_eq!(res.status(), 201);
    let cohort: Value = res.json().await.unwrap();
    assert_eq!(
        (
            cohort["status"].as_str(),
            cohort["seats_left"].as_i64(),
            cohort["waitlist_enabled"].as_bool()
        ),
        (Some("planned"), Some(12), Some(true))
    );
    let programme = app.get_json("/api/v1/programmes/vital-signs", 200).await;
    assert_eq!(cohort["priorities"], programme["priorities"]);
    let mut own = body.clone();
    own["priorities"] = json!([4, "narrow-inequalities"]);
    let res = app
        .send(
            Method::POST,
            "/api/v1/programmes/vital-signs/cohorts",
            Some(&admin),
            Some(&own),
        )
        .await;
    let c: Value = res.json().await.unwrap();
    let codes: Vec<i64> = c["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![4, 5]);
}

#[tokio::test]
async fn end_before_start_and_other_rules_are_422() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json!({"label": "Bad", "start_date": "2027-03-01", "end_date": "2027-02-01", "capacity": 0,
                      "delivery_mode": "zoom", "joining_link": "ftp://x", "priorities": [9]});
    let res = app
        .send(
            Method::POST,
            "/api/v1/programmes/vital-signs/cohorts",
            Some(&admin),
            Some(&body),
        )
        .await;
    let p = assert_problem(res, 422).await;
    assert_eq!(
        fields(&p),
        vec![
            "end_date",
            "capacity",
            "delivery_mode",
            "joining_link",
            "priorities[0]"
        ]
    );
    let res = app
        .send(
            Method::POST,
            "/api/v1/programmes/no-such/cohorts",
            Some(&admin),
            Some(&body),
        )
        .await;
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn every_cohort_transition_and_refusal() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json!({"label": "Life", "start_date": "2027-03-01", "end_date": "2027-06-30", "capacity": 5, "delivery_mode": "online"});
    let c: Value = app
        .send(
            Method::POST,
            "/api/v1/programmes/vital-signs/cohorts",
            Some(&admin),
            Some(&body),
        )
        .await
        .json()
        .await
        .unwrap();
    let act = |verb: &'static str| {
        let (app, admin, path) = (&app, &admin, format!("/api/v1/cohorts/{}/{verb}", id(&c)));
        async move { app.send(Method::POST, &path, Some(admin), None).await }
    };
    for verb in ["start", "complete"] {
        let p = assert_problem(act(verb).await, 409).await;
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("a planned cohort cannot become"),
            "{p}"
        );
    }
    assert_eq!(
        act("open").await.json::<Value>().await.unwrap()["status"],
        "open"
    );
    assert_problem(act("open").await, 409).await;
    assert_eq!(
        act("start").await.json::<Value>().await.unwrap()["status"],
        "running"
    );
    assert_eq!(
        act("complete").await.json::<Value>().await.unwrap()["status"],
        "completed"
    );
    let p = assert_problem(act("cancel").await, 409).await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("a completed cohort cannot become cancelled")
    );
}

#[tokio::test]
async fn cancelling_a_cohort_cancels_every_live_enrolment() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 1, true).await;
    let a = person(&app, &w.org_token, 1, None).await;
    let b = person(&app, &w.org_token, 2, None).await;
    let ea: Value = enrolled(&app, &w.org_token, &id(&cohort), &id(&a)).await;
    let eb: Value = enrolled(&app, &w.org_token, &id(&cohort), &id(&b)).await;
    assert_eq!(
        (ea["status"].as_str(), eb["status"].as_str()),
        (Some("enrolled"), Some("waitlisted"))
    );
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/cohorts/{}/cancel", id(&cohort)),
            Some(&w.admin),
            None,
        )
        .await;
    let c: Value = res.json().await.unwrap();
    assert_eq!(
        (
            c["status"].as_str(),
            c["enrolled"].as_i64(),
            c["waitlisted"].as_i64()
        ),
        (Some("cancelled"), Some(0), Some(0))
    );
    for e in [&ea, &eb] {
        let now = app
            .get_json_as(&format!("/api/v1/enrolments/{}", id(e)), &w.org_token)
            .await;
        assert_eq!(now["status"], "cancelled");
    }
    assert_problem(enrol(&app, &w.org_token, &id(&cohort), &id(&a)).await, 409).await;
}

#[tokio::test]
async fn capacity_cannot_drop_below_those_enrolled_and_new_seats_go_to_the_waitlist() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 2, true).await;
    let mut enrolments = Vec::new();
    for n in 0..4 {
        let p = person(&app, &w.org_token, n, None).await;
        enrolments.push(enrolled(&app, &w.org_token, &id(&cohort), &id(&p)).await);
    }
    let path = format!("/api/v1/cohorts/{}", id(&cohort));
    let etag = app.get(&path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let res = app
        .patch_if_match(&path, &w.admin, &etag, &json!({"capacity": 1}))
        .await;
    let p = assert_problem(res, 409).await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("below the 2 seats already taken")
    );
    let res = app
        .patch_if_match(&path, &w.admin, &etag, &json!({"capacity": 3}))
        .await;
    let c: Value = res.json().await.unwrap();
    assert_eq!(
        (
            c["enrolled"].as_i64(),
            c["waitlisted"].as_i64(),
            c["seats_left"].as_i64()
        ),
        (Some(3), Some(1), Some(0))
    );
    let third = app
        .get_json_as(
            &format!("/api/v1/enrolments/{}", id(&enrolments[2])),
            &w.org_token,
        )
        .await;
    assert_eq!(
        third["status"], "enrolled",
        "the first in the queue got the new seat"
    );
    let fourth = app
        .get_json_as(
            &format!("/api/v1/enrolments/{}", id(&enrolments[3])),
            &w.org_token,
        )
        .await;
    assert_eq!(fourth["waitlist_position"], 1);
}

#[tokio::test]
async fn cohorts_are_listed_with_filters_and_seat_counts() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let open = open_cohort(&app, &w.admin, 3, true).await;
    let body = json!({"label": "Commissioned", "start_date": "2028-01-10", "end_date": "2028-02-10", "capacity": 8,
                      "delivery_mode": "face_to_face", "commissioning_organisation_id": w.org, "priorities": [7]});
    let res = app
        .send(
            Method::POST,
            "/api/v1/programmes/champions4change/cohorts",
            Some(&w.admin),
            Some(&body),
        )
        .await;
    let commissioned: Value = res.json().await.unwrap();
    let p = person(&app, &w.org_token, 1, None).await;
    enrol(&app, &w.org_token, &id(&open), &id(&p)).await;

    let ids = |v: Value| {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(app.get_json("/api/v1/cohorts", 200).await),
        vec![id(&open), id(&commissioned)]
    );
    assert_eq!(
        ids(app.get_json("/api/v1/cohorts?status=open", 200).await),
        vec![id(&open)]
    );
    assert_eq!(
        ids(app
            .get_json("/api/v1/cohorts?starts_after=2027-12-31", 200)
            .await),
        vec![id(&commissioned)]
    );
    assert_eq!(
        ids(app
            .get_json(&format!("/api/v1/cohorts?organisation={}", w.org), 200)
            .await),
        vec![id(&commissioned)]
    );
    assert_eq!(
        ids(app
            .get_json(
                "/api/v1/cohorts?priority=improving-health-and-wellbeing",
                200
            )
            .await),
        vec![id(&commissioned)]
    );
    assert_eq!(
        ids(app
            .get_json("/api/v1/cohorts?programme=vital-signs", 200)
            .await),
        vec![id(&open)]
    );
    assert_eq!(
        ids(app
            .get_json("/api/v1/programmes/champions4change/cohorts", 200)
            .await),
        vec![id(&commissioned)]
    );
    let listed = app.get_json("/api/v1/cohorts?status=open", 200).await;
    assert_eq!(
        (
            listed["data"][0]["enrolled"].as_i64(),
            listed["data"][0]["seats_left"].as_i64()
        ),
        (Some(1), Some(2))
    );
    let p = app
        .get_problem(
            "/api/v1/cohorts?status=done&starts_after=soon&priority=99",
            400,
        )
        .await;
    assert_eq!(fields(&p), vec!["status", "priority", "starts_after"]);
}

#[tokio::test]
async fn deleting_a_programme_with_cohorts_retires_it() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    open_cohort(&app, &admin, 3, true).await;
    let res = app
        .send(
            Method::DELETE,
            "/api/v1/programmes/vital-signs",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "retired");
    assert_eq!(
        app.get_json("/api/v1/programmes/vital-signs", 200).await["status"],
        "retired"
    );
}

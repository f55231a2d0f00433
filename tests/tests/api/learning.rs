//! Shared set-up for the people, cohort and enrolment tests.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// An admin token plus one partner organisation with a client scoped to it.
pub struct World {
    pub admin: String,
    pub org: String,
    pub org_token: String,
    pub other_org: String,
    pub other_token: String,
}

pub async fn organisation(app: &TestApp, admin: &str, name: &str) -> String {
    let res = app
        .send(
            Method::POST,
            "/api/v1/organisations",
            Some(admin),
            Some(&json!({"name": name, "kind": "nhs_trust"})),
        )
        .await;
    assert_eq!(res.status(), 201, "organisation {name}");
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn world(app: &TestApp) -> World {
    let admin = app.admin_token().await;
    let org = organisation(app, &admin, "Leeds Teaching Hospitals NHS Trust").await;
    let other_org = organisation(app, &admin, "Leeds Community Healthcare NHS Trust").await;
    let scopes = [
        "people:read",
        "people:write",
        "enrolments:read",
        "enrolments:write",
    ];
    let c = app.create_client(&admin, &scopes, Some(&org)).await;
    let org_token = app.token(&c).await;
    let c = app.create_client(&admin, &scopes, Some(&other_org)).await;
    let other_token = app.token(&c).await;
    World {
        admin,
        org,
        org_token,
        other_org,
        other_token,
    }
}

pub async fn person(app: &TestApp, token: &str, n: usize, organisation: Option<&str>) -> Value {
    let body = json!({
        "given_name": format!("Person{n}"), "family_name": "Tester",
        "email": format!("person{n}@example.nhs.uk"), "organisation_id": organisation,
        "external_ref": organisation.map(|_| format!("EMP-{n:05}")), "job_role": "Nurse"
    });
    let res = app
        .send(Method::POST, "/api/v1/people", Some(token), Some(&body))
        .await;
    assert_eq!(res.status(), 201, "person {n}");
    res.json().await.unwrap()
}

/// An open cohort of VITAL Signs with `capacity` seats.
pub async fn open_cohort(app: &TestApp, admin: &str, capacity: i64, waitlist: bool) -> Value {
    let body = json!({"label": format!("Cohort of {capacity}"), "start_date": "2027-03-01", "end_date": "2027-06-30",
                      "capacity": capacity, "waitlist_enabled": waitlist, "delivery_mode": "blended"});
    let res = app
        .send(
            Method::POST,
            "/api/v1/programmes/vital-signs/cohorts",
            Some(admin),
            Some(&body),
        )
        .await;
    assert_eq!(res.status(), 201, "cohort");
    let cohort: Value = res.json().await.unwrap();
    let id = cohort["id"].as_str().unwrap();
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/cohorts/{id}/open"),
            Some(admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 200, "open");
    res.json().await.unwrap()
}

pub async fn enrol(app: &TestApp, token: &str, cohort: &str, person: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/api/v1/cohorts/{cohort}/enrolments"),
        Some(token),
        Some(&json!({"person_id": person})),
    )
    .await
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

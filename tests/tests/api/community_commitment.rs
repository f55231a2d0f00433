//! Attendance at community sessions and a person's commitment across communities.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{person, world};
use crate::helpers::{TestApp, assert_problem, fields, spawn_app};

async fn session(
    app: &TestApp,
    admin: &str,
    community: &str,
    starts_at: &str,
    minutes: u32,
) -> String {
    let body = json!({"title": "CoP session", "starts_at": starts_at, "duration_minutes": minutes, "format": "hybrid",
        "location": "Leeds Civic Hall"});
    let path = format!("/api/v1/communities/{community}/sessions");
    let res = app
        .send(Method::POST, &path, Some(admin), Some(&body))
        .await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn attend(
    app: &TestApp,
    token: &str,
    community: &str,
    session: &str,
    person: &Value,
    status: &str,
) -> reqwest::Response {
    let id = person["id"].as_str().unwrap();
    let path = format!("/api/v1/communities/{community}/sessions/{session}/attendance/{id}");
    app.send(
        Method::PUT,
        &path,
        Some(token),
        Some(&json!({"status": status})),
    )
    .await
}

async fn member(app: &TestApp, admin: &str, community: &str, person: &Value) {
    let path = format!("/api/v1/communities/{community}/members");
    let res = app
        .send(
            Method::POST,
            &path,
            Some(admin),
            Some(&json!({"person_id": person["id"]})),
        )
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn commitment_sums_sessions_and_hours_across_communities() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let p = person(&app, &w.admin, 1, Some(&w.org)).await;
    member(&app, &w.admin, "facilitation", &p).await;
    member(&app, &w.admin, "leadership", &p).await;
    let f1 = session(&app, &w.admin, "facilitation", "2027-01-10T14:00:00Z", 120).await;
    let f2 = session(&app, &w.admin, "facilitation", "2027-02-10T14:00:00Z", 90).await;
    let f3 = session(&app, &w.admin, "facilitation", "2027-03-10T14:00:00Z", 120).await;
    let f4 = session(&app, &w.admin, "facilitation", "2027-04-10T14:00:00Z", 120).await;
    let l1 = session(&app, &w.admin, "leadership", "2027-01-20T09:00:00Z", 60).await;
    for (c, s, status) in [
        ("facilitation", &f1, "present"),
        ("facilitation", &f2, "absent"),
        ("facilitation", &f2, "present"),
        ("facilitation", &f3, "absent"),
        ("facilitation", &f4, "present"),
        ("leadership", &l1, "present"),
    ] {
        let res = attend(&app, &w.admin, c, s, &p, status).await;
        assert_eq!(res.status(), 200, "{c} {s} {status}");
        assert_eq!(res.json::<Value>().await.unwrap()["status"], status);
    }
    let cancel = format!("/api/v1/communities/facilitation/sessions/{f4}/cancel");
    assert_eq!(
        app.send(Method::POST, &cancel, Some(&w.admin), None)
            .await
            .status(),
        200
    );
    assert_problem(
        attend(&app, &w.admin, "facilitation", &f4, &p, "present").await,
        409,
    )
    .await;

    let id = p["id"].as_str().unwrap();
    let year = app
        .get_json_as(
            &format!("/api/v1/people/{id}/commitment?from=2027-01-01&to=2027-12-31"),
            &w.org_token,
        )
        .await;
    assert_eq!(year["sessions"], 3, "{year}");
    assert_eq!(year["minutes"], 270);
    assert_eq!(year["hours"], 4.5);
    let per: Vec<(String, i64, i64)> = year["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["community_slug"].as_str().unwrap().to_owned(),
                c["sessions"].as_i64().unwrap(),
                c["minutes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        per,
        vec![
            ("facilitation".to_owned(), 2, 210),
            ("leadership".to_owned(), 1, 60)
        ]
    );

    let late_january = app
        .get_json_as(
            &format!("/api/v1/people/{id}/commitment?from=2027-01-15&to=2027-01-20"),
            &w.admin,
        )
        .await;
    assert_eq!(late_january["sessions"], 1, "the last day is inclusive");
    assert_eq!(late_january["minutes"], 60);

    let hidden = app
        .send(
            Method::GET,
            &format!("/api/v1/people/{id}/commitment"),
            Some(&w.other_token),
            None,
        )
        .await;
    assert_problem(hidden, 404).await;
    let backwards = app
        .send(
            Method::GET,
            &format!("/api/v1/people/{id}/commitment?from=2027-02-01&to=2027-01-01"),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(fields(&assert_problem(backwards, 400).await), vec!["from"]);
}

#[tokio::test]
async fn attendance_needs_a_member_and_a_known_status() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let p = person(&app, &w.admin, 1, Some(&w.org)).await;
    let s = session(&app, &w.admin, "facilitation", "2027-01-10T14:00:00Z", 120).await;
    let problem = assert_problem(
        attend(&app, &w.admin, "facilitation", &s, &p, "present").await,
        422,
    )
    .await;
    assert_eq!(fields(&problem), vec!["person_id"]);
    member(&app, &w.admin, "facilitation", &p).await;
    let problem = assert_problem(
        attend(&app, &w.admin, "facilitation", &s, &p, "asleep").await,
        422,
    )
    .await;
    assert_eq!(fields(&problem), vec!["status"]);
    assert_problem(
        attend(&app, &w.admin, "leadership", &s, &p, "present").await,
        404,
    )
    .await;
    assert_eq!(
        attend(&app, &w.admin, "facilitation", &s, &p, "excused")
            .await
            .status(),
        200
    );
    let id = p["id"].as_str().unwrap();
    let c = app
        .get_json_as(
            &format!("/api/v1/people/{id}/commitment?from=2027-01-01&to=2027-12-31"),
            &w.admin,
        )
        .await;
    assert_eq!(c["sessions"], 0, "excused is not attended");
}

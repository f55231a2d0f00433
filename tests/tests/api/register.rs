//! Attendance registers of cohort sessions and the attendance rates they give.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{enrolled, id, open_cohort, person, world};
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn attendance_registers_and_rates() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 3, true).await;
    let cid = id(&cohort);
    let mut e = Vec::new();
    for n in 0..4 {
        let p = person(&app, &w.org_token, n, None).await;
        e.push(enrolled(&app, &w.org_token, &cid, &id(&p)).await);
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

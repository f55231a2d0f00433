//! People: organisation scoping, staff-number lookups, uniqueness, erasure.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{enrol, enrolled, id, open_cohort, person, world};
use crate::helpers::{assert_problem, fields, spawn_app};

#[tokio::test]
async fn an_organisations_client_sees_only_its_own_people_and_enrolments_everything_else_is_404() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mine = person(&app, &w.org_token, 1, None).await;
    assert_eq!(
        mine["organisation_id"],
        w.org.as_str(),
        "defaults to the client's organisation"
    );
    let theirs = person(&app, &w.other_token, 2, Some(&w.other_org)).await;
    let citizen = person(&app, &w.admin, 3, None).await;
    assert!(citizen["organisation_id"].is_null());

    for other in [&theirs, &citizen] {
        let path = format!("/api/v1/people/{}", id(other));
        assert_problem(
            app.send(Method::GET, &path, Some(&w.org_token), None).await,
            404,
        )
        .await;
        let res = app
            .patch_if_match(&path, &w.org_token, "*", &json!({"job_role": "x"}))
            .await;
        assert_problem(res, 404).await;
        assert_problem(
            app.send(Method::DELETE, &path, Some(&w.org_token), None)
                .await,
            404,
        )
        .await;
    }
    let by_ref = format!(
        "/api/v1/organisations/{}/people/by-ref/EMP-00002",
        w.other_org
    );
    assert_problem(
        app.send(Method::GET, &by_ref, Some(&w.org_token), None)
            .await,
        404,
    )
    .await;
    assert_eq!(
        app.send(Method::GET, &by_ref, Some(&w.other_token), None)
            .await
            .status(),
        200
    );
    let list = app
        .get_json_as("/api/v1/people?limit=100", &w.org_token)
        .await;
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![mine["id"].as_str().unwrap()]);
    let all = app.get_json_as("/api/v1/people?limit=100", &w.admin).await;
    assert_eq!(
        all["data"].as_array().unwrap().len(),
        3,
        "admins see everyone"
    );

    // Another organisation's people cannot be created, enrolled or marked.
    let body = json!({"given_name": "A", "family_name": "B", "email": "ab@example.org", "organisation_id": w.other_org});
    let p = assert_problem(
        app.send(
            Method::POST,
            "/api/v1/people",
            Some(&w.org_token),
            Some(&body),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields(&p), vec!["organisation_id"]);
    let cohort = open_cohort(&app, &w.admin, 5, true).await;
    assert_problem(
        enrol(&app, &w.org_token, &id(&cohort), &id(&theirs)).await,
        404,
    )
    .await;
    let theirs_enrolment: Value = enrolled(&app, &w.other_token, &id(&cohort), &id(&theirs)).await;
    let path = format!("/api/v1/enrolments/{}", id(&theirs_enrolment));
    assert_problem(
        app.send(Method::GET, &path, Some(&w.org_token), None).await,
        404,
    )
    .await;
    assert_problem(
        app.send(
            Method::POST,
            &format!("{path}/withdraw"),
            Some(&w.org_token),
            None,
        )
        .await,
        404,
    )
    .await;
    let hr = app.get_json_as("/api/v1/enrolments", &w.org_token).await;
    assert!(hr["data"].as_array().unwrap().is_empty());
    let session =
        json!({"title": "Day 1", "starts_at": "2027-03-01T09:00:00Z", "duration_minutes": 60});
    let s: Value = app
        .send(
            Method::POST,
            &format!("/api/v1/cohorts/{}/sessions", id(&cohort)),
            Some(&w.admin),
            Some(&session),
        )
        .await
        .json()
        .await
        .unwrap();
    let register = format!(
        "/api/v1/cohorts/{}/sessions/{}/attendance",
        id(&cohort),
        id(&s)
    );
    let res = app
        .client
        .put(app.url(&register))
        .bearer_auth(&w.org_token)
        .json(&json!({"records": [{"enrolment_id": id(&theirs_enrolment), "status": "absent"}]}))
        .send()
        .await
        .unwrap();
    // Another organisation's enrolment is "not on this cohort", as an unknown one: the
    // register confirms nothing about it.
    let p = assert_problem(res, 409).await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("is not on this cohort"),
        "{p}"
    );
    let res = app
        .client
        .put(app.url(&register))
        .bearer_auth(&w.other_token)
        .json(&json!({"records": [{"enrolment_id": id(&theirs_enrolment), "status": "present"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let seen = app.get_json_as(&register, &w.org_token).await;
    assert!(
        seen["records"].as_array().unwrap().is_empty(),
        "another organisation's marks are not shown"
    );
    let roster = app
        .get_json_as(
            &format!("/api/v1/cohorts/{}/enrolments", id(&cohort)),
            &w.org_token,
        )
        .await;
    assert!(roster["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn emails_are_normalised_and_unique_staff_numbers_unique_per_organisation() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let body = json!({"given_name": "Aisha", "family_name": "Khan", "email": "  Aisha.Khan@NHS.net ", "external_ref": "LTH-1"});
    let res = app
        .send(
            Method::POST,
            "/api/v1/people",
            Some(&w.org_token),
            Some(&body),
        )
        .await;
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["email"], "aisha.khan@nhs.net");
    let again = json!({"given_name": "A", "family_name": "K", "email": "AISHA.KHAN@nhs.net"});
    let p = assert_problem(
        app.send(
            Method::POST,
            "/api/v1/people",
            Some(&w.org_token),
            Some(&again),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(fields(&p), vec!["email"]);
    let same_ref = json!({"given_name": "B", "family_name": "K", "email": "b@nhs.net", "external_ref": "LTH-1"});
    let p = assert_problem(
        app.send(
            Method::POST,
            "/api/v1/people",
            Some(&w.org_token),
            Some(&same_ref),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(fields(&p), vec!["external_ref"]);
    // The same staff number at another employer is someone else.
    assert_eq!(
        app.send(
            Method::POST,
            "/api/v1/people",
            Some(&w.other_token),
            Some(&same_ref)
        )
        .await
        .status(),
        201
    );
    let found = app
        .get_json_as("/api/v1/people?external_ref=LTH-1", &w.org_token)
        .await;
    assert_eq!(found["data"][0]["id"], created["id"]);
    let by_ref = app
        .get_json_as(
            &format!("/api/v1/organisations/{}/people/by-ref/LTH-1", w.org),
            &w.org_token,
        )
        .await;
    assert_eq!(by_ref["id"], created["id"]);
    let stray = json!({"given_name": "S", "family_name": "K", "email": "s@nhs.net", "organisation_id": uuid::Uuid::now_v7()});
    let p = assert_problem(
        app.send(Method::POST, "/api/v1/people", Some(&w.admin), Some(&stray))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&p), vec!["organisation_id"]);
    let bad = json!({"given_name": "", "family_name": "K", "email": "not-an-email"});
    let p = assert_problem(
        app.send(
            Method::POST,
            "/api/v1/people",
            Some(&w.org_token),
            Some(&bad),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields(&p), vec!["given_name", "email"]);
}

#[tokio::test]
async fn erasing_a_person_blanks_them_keeps_counts_and_shows_in_delta_sync() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let p = person(&app, &w.org_token, 7, None).await;
    let cohort = open_cohort(&app, &w.admin, 5, true).await;
    assert_eq!(
        enrol(&app, &w.org_token, &id(&cohort), &id(&p))
            .await
            .status(),
        201
    );
    let before = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let path = format!("/api/v1/people/{}", id(&p));
    assert_eq!(
        app.send(Method::DELETE, &path, Some(&w.org_token), None)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.send(Method::DELETE, &path, Some(&w.org_token), None)
            .await
            .status(),
        204,
        "idempotent"
    );

    let erased = app.get_json_as(&path, &w.org_token).await;
    assert_eq!(erased["erased"], true);
    for f in [
        "given_name",
        "family_name",
        "email",
        "job_role",
        "external_ref",
    ] {
        assert!(erased[f].is_null(), "{f} kept");
    }
    let since = before.replace('+', "%2B");
    let people = app
        .get_json_as(
            &format!("/api/v1/people?updated_since={since}"),
            &w.org_token,
        )
        .await;
    assert_eq!(people["data"][0]["id"], p["id"]);
    assert_eq!(people["data"][0]["erased"], true);
    let hr = app
        .get_json_as(
            &format!("/api/v1/enrolments?updated_since={since}"),
            &w.org_token,
        )
        .await;
    let row = &hr["data"][0];
    assert_eq!(
        (
            row["person_erased"].as_bool(),
            row["person_external_ref"].is_null()
        ),
        (Some(true), true)
    );
    let seats = app
        .get_json(&format!("/api/v1/cohorts/{}", id(&cohort)), 200)
        .await;
    assert_eq!(seats["enrolled"], 1, "the anonymous seat count stays");
    let res = app
        .patch_if_match(&path, &w.org_token, "*", &json!({"job_role": "x"}))
        .await;
    assert_problem(res, 409).await;
}

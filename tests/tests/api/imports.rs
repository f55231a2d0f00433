//! Bulk imports: all or nothing unless `partial`, dry runs, per-row results.

use serde_json::Value;

use crate::helpers::{assert_problem, fields};
use crate::learning::{id, open_cohort, world};

async fn upload(
    app: &crate::helpers::TestApp,
    token: &str,
    path: &str,
    csv: &str,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

const STAFF: &str = "external_ref,given_name,family_name,email,job_role\n\
LTH-1,Aisha,Khan,aisha@nhs.net,Staff nurse\n\
LTH-2,Ben,Smith,ben@nhs.net,Ward manager\n\
LTH-3,Chloe,Okafor,not-an-email,Therapist\n";

#[tokio::test]
async fn a_file_with_a_rejected_row_writes_nothing_unless_partial() {
    let app = crate::helpers::spawn_app().await;
    let w = world(&app).await;
    let path = format!("/api/v1/organisations/{}/people/import", w.org);
    let p = assert_problem(upload(&app, &w.org_token, &path, STAFF).await, 422).await;
    assert_eq!(fields(&p), vec!["line 4"]);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("email")
    );
    assert!(
        app.get_json_as("/api/v1/people", &w.org_token).await["data"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing written"
    );

    let res = upload(&app, &w.org_token, &format!("{path}?dry_run=true"), STAFF).await;
    let dry: Value = res.json().await.unwrap();
    assert_eq!(
        (dry["dry_run"].as_bool(), dry["committed"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(
        dry["summary"],
        serde_json::json!({"created": 2, "updated": 0, "unchanged": 0, "rejected": 1})
    );
    assert!(
        app.get_json_as("/api/v1/people", &w.org_token).await["data"]
            .as_array()
            .unwrap()
            .is_empty(),
        "dry run wrote nothing"
    );

    let res = upload(&app, &w.org_token, &format!("{path}?partial=true"), STAFF).await;
    assert_eq!(res.status(), 200);
    let done: Value = res.json().await.unwrap();
    let outcomes: Vec<(i64, &str)> = done["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_i64().unwrap(), r["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        vec![(2, "created"), (3, "created"), (4, "rejected")]
    );
    assert_eq!(
        app.get_json_as("/api/v1/people", &w.org_token).await["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Again, one changed: updated, unchanged, created.
    let again = "external_ref,given_name,family_name,email,job_role\nLTH-1,Aisha,Khan,aisha@nhs.net,Staff nurse\n\
                 LTH-2,Ben,Smith,ben@nhs.net,Matron\nLTH-3,Chloe,Okafor,chloe@nhs.net,Therapist\n";
    let res: Value = upload(&app, &w.org_token, &path, again)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        res["summary"],
        serde_json::json!({"created": 1, "updated": 1, "unchanged": 1, "rejected": 0})
    );
    let ben = app
        .get_json_as(
            &format!("/api/v1/organisations/{}/people/by-ref/LTH-2", w.org),
            &w.org_token,
        )
        .await;
    assert_eq!(ben["job_role"], "Matron");
}

#[tokio::test]
async fn malformed_files_and_other_organisations_are_refused() {
    let app = crate::helpers::spawn_app().await;
    let w = world(&app).await;
    let path = format!("/api/v1/organisations/{}/people/import", w.org);
    let p = assert_problem(
        upload(&app, &w.org_token, &path, "ref,name\nx,y\n").await,
        400,
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("unknown column"));
    let p = assert_problem(
        upload(&app, &w.org_token, &path, "external_ref,given_name\nx,y\n").await,
        400,
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("missing column"));
    let res = app
        .client
        .post(app.url(&path))
        .bearer_auth(&w.org_token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 415).await;
    let theirs = format!("/api/v1/organisations/{}/people/import", w.other_org);
    assert_problem(upload(&app, &w.org_token, &theirs, STAFF).await, 404).await;
    let dup = "external_ref,given_name,family_name,email\nA1,X,Y,x@nhs.net\nA1,Z,Y,z@nhs.net\n";
    let p = assert_problem(upload(&app, &w.org_token, &path, dup).await, 422).await;
    assert_eq!(fields(&p), vec!["line 3"]);
}

#[tokio::test]
async fn a_roster_fills_seats_then_the_waitlist_in_file_order() {
    let app = crate::helpers::spawn_app().await;
    let w = world(&app).await;
    let staff = "external_ref,given_name,family_name,email\nR1,A,One,a1@nhs.net\nR2,B,Two,b2@nhs.net\nR3,C,Three,c3@nhs.net\nR4,D,Four,d4@nhs.net\n";
    let res = upload(
        &app,
        &w.org_token,
        &format!("/api/v1/organisations/{}/people/import", w.org),
        staff,
    )
    .await;
    assert_eq!(res.status(), 200);
    let cohort = id(&open_cohort(&app, &w.admin, 2, true).await);
    let path = format!("/api/v1/cohorts/{cohort}/enrolments/import");
    let roster = "external_ref\nR3\nR1\nR4\nR2\nNOBODY\n";
    let p = assert_problem(upload(&app, &w.org_token, &path, roster).await, 422).await;
    assert_eq!(fields(&p), vec!["line 6"]);
    let res: Value = upload(&app, &w.org_token, &format!("{path}?partial=true"), roster)
        .await
        .json()
        .await
        .unwrap();
    let statuses: Vec<Value> = res["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        vec![
            Value::from("enrolled"),
            "enrolled".into(),
            "waitlisted".into(),
            "waitlisted".into(),
            Value::Null
        ]
    );
    let c = app
        .get_json(&format!("/api/v1/cohorts/{cohort}"), 200)
        .await;
    assert_eq!(
        (c["enrolled"].as_i64(), c["waitlisted"].as_i64()),
        (Some(2), Some(2))
    );
    let roster_now = app
        .get_json_as(
            &format!("/api/v1/cohorts/{cohort}/enrolments"),
            &w.org_token,
        )
        .await;
    let positions: Vec<i64> = roster_now["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["waitlist_position"].as_i64())
        .collect();
    assert_eq!(positions, vec![1, 2]);
    // Importing the same roster again changes nothing.
    let res: Value = upload(&app, &w.org_token, &path, "external_ref\nR1\nR2\n")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(res["summary"]["unchanged"], 2);
    // Another organisation cannot enrol these people by id.
    let ids = app
        .get_json_as("/api/v1/people?limit=1", &w.org_token)
        .await;
    let someone = ids["data"][0]["id"].as_str().unwrap().to_owned();
    let p = assert_problem(
        upload(
            &app,
            &w.other_token,
            &path,
            &format!("person_id\n{someone}\n"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields(&p), vec!["line 2"]);
}

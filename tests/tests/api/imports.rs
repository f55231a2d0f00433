//! Bulk imports: all or nothing unless `partial`, dry runs, per-row results.

use serde_json::{Value, json};

use crate::fixtures::{id, open_cohort, world};
use crate::helpers::{assert_problem, fields};

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
    // Counts of every outcome, and the rejected rows only (not every row).
    assert_eq!(
        done["summary"],
        json!({"created": 2, "updated": 0, "unchanged": 0, "rejected": 1})
    );
    assert_eq!(done["rejected_rows"].as_array().unwrap().len(), 1);
    assert_eq!(done["rejected_rows"][0]["line"], 4);
    assert_eq!(done["rejected_rows_truncated"], false);
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
    assert_eq!(res["summary"]["created"], 4);
    assert_eq!(res["rejected_rows"][0]["line"], 6);
    // In file order: R3 and R1 hold the seats, R4 and R2 wait in that order.
    let listed = app
        .get_json_as(
            &format!("/api/v1/cohorts/{cohort}/enrolments"),
            &w.org_token,
        )
        .await;
    let people = app
        .get_json_as("/api/v1/people?limit=100", &w.org_token)
        .await;
    let reference_of = |person: &Value| {
        people["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == *person)
            .map(|p| p["external_ref"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let by_ref: Vec<(String, String)> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                reference_of(&e["person_id"]),
                e["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (reference, status) in [
        ("R3", "enrolled"),
        ("R1", "enrolled"),
        ("R4", "waitlisted"),
        ("R2", "waitlisted"),
    ] {
        assert!(
            by_ref.contains(&(reference.to_owned(), status.to_owned())),
            "{reference} {status}: {by_ref:?}"
        );
    }
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

#[tokio::test]
async fn an_import_over_its_limits_is_a_413_naming_the_limit() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.imports = api::config::ImportLimits {
            max_bytes: 4096,
            max_rows: 3,
        };
    })
    .await;
    let w = world(&app).await;
    let path = format!("/api/v1/organisations/{}/people/import?dry_run=true", w.org);
    let header = "external_ref,given_name,family_name,email\n";
    let rows = |n: usize| {
        (0..n)
            .map(|i| format!("E{i},Given{i},Family{i},p{i}@example.nhs.uk\n"))
            .collect::<String>()
    };
    assert_eq!(
        upload(&app, &w.org_token, &path, &format!("{header}{}", rows(3)))
            .await
            .status(),
        200
    );
    let p = assert_problem(
        upload(&app, &w.org_token, &path, &format!("{header}{}", rows(4))).await,
        413,
    )
    .await;
    assert!(
        p["detail"].as_str().unwrap().contains("IMPORT_MAX_ROWS"),
        "{p}"
    );
    let big = format!("{header}{}", "x".repeat(5000));
    let p = assert_problem(upload(&app, &w.org_token, &path, &big).await, 413).await;
    assert!(
        p["detail"].as_str().unwrap().contains("IMPORT_MAX_BYTES"),
        "{p}"
    );
}

#[tokio::test]
async fn an_import_answers_counts_and_at_most_a_hundred_rejected_rows() {
    let app = crate::helpers::spawn_app().await;
    let w = world(&app).await;
    let mut csv = "external_ref,given_name,family_name,email\n".to_owned();
    for i in 0..150 {
        csv.push_str(&format!("E{i},Given,Family,not-an-email-{i}\n"));
    }
    csv.push_str("GOOD,Grace,Hopper,grace@example.nhs.uk\n");
    csv.push_str("CTRL,Ada\u{7},Lovelace,ada@example.nhs.uk\n");
    let path = format!("/api/v1/organisations/{}/people/import?dry_run=true", w.org);
    let res = upload(&app, &w.org_token, &path, &csv).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["summary"]["rejected"], 151);
    assert_eq!(body["summary"]["created"], 1);
    assert_eq!(body["rejected_rows"].as_array().unwrap().len(), 100);
    assert_eq!(body["rejected_rows_truncated"], true);
    // Without dry_run or partial: nothing written, and the problem lists the first hundred.
    let path = format!("/api/v1/organisations/{}/people/import", w.org);
    let p = assert_problem(upload(&app, &w.org_token, &path, &csv).await, 422).await;
    assert_eq!(fields(&p).len(), 100);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .starts_with("151 row(s) rejected (the first 100 are listed)"),
        "{p}"
    );
    // A control character in a cell rejects its row, naming the column.
    let ctrl =
        "external_ref,given_name,family_name,email\nCTRL,Ada\u{7},Lovelace,ada@example.nhs.uk\n";
    let p = assert_problem(upload(&app, &w.org_token, &path, ctrl).await, 422).await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("given_name: must not contain control characters"),
        "{p}"
    );
}

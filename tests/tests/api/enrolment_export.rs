//! The CSV export cell by cell: on PostgreSQL it is one `COPY` the database formats, on
//! SQLite rows written by the API; on either it must say exactly what the HR pull's JSON
//! says, with spreadsheet formulas neutralised.

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::learning::{enrolled, id, person, world};
use crate::helpers::{TestApp, spawn_app};

fn neutralised(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// What the CSV should hold for one row of the JSON list, written independently of the API.
fn expected(row: &Value) -> Vec<String> {
    let text = |k: &str| row[k].as_str().map(str::to_owned).unwrap_or_default();
    let instant = |k: &str| {
        row[k]
            .as_str()
            .map(|t| {
                t.parse::<DateTime<Utc>>()
                    .unwrap()
                    .to_rfc3339_opts(SecondsFormat::Micros, true)
            })
            .unwrap_or_default()
    };
    let priorities: Vec<String> = row["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.to_string())
        .collect();
    vec![
        text("id"),
        text("person_id"),
        text("person_external_ref"),
        row["person_erased"].to_string(),
        text("organisation_id"),
        text("programme_id"),
        text("programme_slug"),
        text("programme_title"),
        text("cohort_id"),
        text("cohort_label"),
        text("cohort_start_date"),
        text("cohort_end_date"),
        text("status"),
        text("outcome_date"),
        instant("enrolled_at"),
        instant("ended_at"),
        row["attendance_rate"]
            .as_f64()
            .map(|x| format!("{x:.4}"))
            .unwrap_or_default(),
        priorities.join(" "),
        instant("updated_at"),
    ]
    .into_iter()
    .map(neutralised)
    .collect()
}

fn export(query: &[(&str, &str)]) -> String {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    format!("/api/v1/enrolments/export?{q}")
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.send(Method::POST, path, Some(token), Some(&body)).await;
    assert!(res.status().is_success(), "POST {path}: {}", res.status());
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_csv_export_says_what_the_list_says_cell_by_cell() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let label = "=SUM(1), \"Leeds\" cohort";
    let cohort = post(
        &app,
        &w.admin,
        "/api/v1/programmes/vital-signs/cohorts",
        json!({"label": label, "start_date": "2027-03-01", "end_date": "2027-06-30", "capacity": 3,
               "waitlist_enabled": true, "delivery_mode": "blended", "priorities": [3, 1]}),
    )
    .await;
    let cid = id(&cohort);
    post(
        &app,
        &w.admin,
        &format!("/api/v1/cohorts/{cid}/open"),
        json!({}),
    )
    .await;
    let mut enrolments = Vec::new();
    for n in 0..4 {
        let p = person(&app, &w.org_token, n, Some(&w.org)).await;
        enrolments.push(enrolled(&app, &w.org_token, &cid, &id(&p)).await);
    }
    let odd = post(
        &app,
        &w.org_token,
        "/api/v1/people",
        json!({"given_name": "Ada", "family_name": "Formula", "organisation_id": w.org, "email": "ada@example.nhs.uk",
               "external_ref": "-RR8, \"7\"", "job_role": "Nurse"}),
    )
    .await;
    enrolments.push(enrolled(&app, &w.org_token, &cid, &id(&odd)).await);
    // Rates of 2/3, 1/3 and 1 over three sessions; the waitlisted attend nothing.
    let marks = [
        ["present", "present", "absent"],
        ["present", "absent", "absent"],
        ["present", "present", "present"],
    ];
    for (n, day) in ["2027-03-01", "2027-04-01", "2027-05-01"]
        .iter()
        .enumerate()
    {
        let s = post(
            &app,
            &w.admin,
            &format!("/api/v1/cohorts/{cid}/sessions"),
            json!({"title": format!("Workshop {n}"), "starts_at": format!("{day}T09:30:00Z"), "duration_minutes": 120}),
        )
        .await;
        let records: Vec<Value> = marks
            .iter()
            .zip(&enrolments)
            .map(|(m, e)| json!({"enrolment_id": id(e), "status": m[n]}))
            .collect();
        let res = app
            .client
            .put(app.url(&format!(
                "/api/v1/cohorts/{cid}/sessions/{}/attendance",
                id(&s)
            )))
            .bearer_auth(&w.org_token)
            .json(&json!({"records": records}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let withdrawn = &enrolments[1];
    post(
        &app,
        &w.org_token,
        &format!("/api/v1/enrolments/{}/withdraw", id(withdrawn)),
        json!({}),
    )
    .await;
    let erased = enrolments[3]["person_id"].as_str().unwrap().to_owned();
    let res = app
        .send(
            Method::DELETE,
            &format!("/api/v1/people/{erased}"),
            Some(&w.org_token),
            None,
        )
        .await;
    assert!(res.status().is_success(), "erase: {}", res.status());

    let listed: Vec<Value> = app
        .get_json_as("/api/v1/enrolments?limit=100", &w.org_token)
        .await["data"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(listed.len(), 5);
    let res = app
        .client
        .get(app.url("/api/v1/enrolments/export"))
        .bearer_auth(&w.org_token)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(!text.contains('\r'), "records end in LF");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[0], "id");
    assert_eq!(header.len(), 19);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let wanted: Vec<Vec<String>> = listed.iter().map(expected).collect();
    assert_eq!(rows, wanted, "cell by cell, in change order");
    let cells: Vec<&str> = rows.iter().flatten().map(String::as_str).collect();
    for cell in [
        "'=SUM(1), \"Leeds\" cohort",
        "'-RR8, \"7\"",
        "0.6667",
        "0.3333",
        "1.0000",
        "1 3",
        "true",
    ] {
        assert!(cells.contains(&cell), "{cell} in {rows:?}");
    }
    // A staff-number filter (free text, never spliced into the query) and a status filter.
    let res = app
        .client
        .get(app.url(&export(&[
            ("person_external_ref", "-RR8, \"7\""),
            ("status", "waitlisted"),
        ])))
        .bearer_auth(&w.org_token)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let ids: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(ids, vec![id(&enrolments[4])]);
    let quote = app
        .client
        .get(app.url(&export(&[("person_external_ref", "x' OR '1'='1")])))
        .bearer_auth(&w.org_token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(quote.lines().count(), 1, "the header only: {quote}");
}

//! The learning report against an independent count of the fixed data set: every figure of
//! every grouping, the suppression boundary, an organisation's own view, CSV, refusals.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::Value;

use crate::fixtures::report_oracle::{Expected, check_figures, facts};
use crate::fixtures::reports::{FROM, TO, csv_report, report_world};
use crate::helpers::{assert_problem, fields, spawn_app, spawn_app_with};

fn path(query: &str) -> String {
    format!("/api/v1/reports/learning?from={FROM}&to={TO}{query}")
}

/// The report's groups by their key values.
fn groups(report: &Value) -> BTreeMap<Vec<Option<String>>, Value> {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let key = g["key"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["value"].as_str().map(str::to_owned))
                .collect();
            (key, g["figures"].clone())
        })
        .collect()
}

fn compare(
    report: &Value,
    want: &BTreeMap<Vec<Option<String>>, Expected>,
    threshold: i64,
    ctx: &str,
) {
    let got = groups(report);
    let in_order: Vec<Vec<(bool, Option<String>)>> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let key = g["key"].as_array().unwrap().iter();
            key.map(|k| (k["value"].is_null(), k["value"].as_str().map(str::to_owned)))
                .collect()
        })
        .collect();
    let mut sorted = in_order.clone();
    sorted.sort();
    assert_eq!(
        in_order, sorted,
        "{ctx}: groups in key order, no organisation last"
    );
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{ctx}: the groups"
    );
    for (key, figures) in &got {
        check_figures(figures, &want[key], threshold, &format!("{ctx} {key:?}"));
    }
}

#[tokio::test]
async fn every_figure_of_every_grouping_matches_an_independent_count() {
    let app = spawn_app_with(|s| s.reports.suppression_threshold = 0).await;
    let w = report_world(&app).await;
    let f = facts(&app, &w.admin).await;
    let groupings: [&[&str]; 11] = [
        &["programme"],
        &["theme"],
        &["level"],
        &["priority"],
        &["organisation"],
        &["organisation_kind"],
        &["cohort"],
        &["month"],
        &["quarter"],
        &["programme", "organisation_kind"],
        &["priority", "quarter"],
    ];
    for dims in groupings {
        let report = app
            .get_json_as(&path(&format!("&group_by={}", dims.join(","))), &w.admin)
            .await;
        assert_eq!(report["suppression_threshold"], 0);
        assert_eq!(report["group_by"], serde_json::json!(dims));
        compare(&report, &f.learning(dims, None), 0, &dims.join(","));
        let totals = f.learning(&[], None);
        check_figures(&report["totals"], &totals[&Vec::new()], 0, "totals");
    }
    // The data set exercises what it claims: 21 people, one learning in two cohorts, one
    // erased, one of no organisation, three cohorts covered out of five.
    let totals = &f.learning(&[], None)[&Vec::new()];
    assert_eq!((totals.learners.len(), totals.cohorts.len()), (21, 3));
    assert!(totals.withdrawn > 0 && totals.waitlisted > 0 && totals.absent > 0);
    // Labels are what people call things.
    let report = app
        .get_json_as(&path("&group_by=organisation_kind,programme"), &w.admin)
        .await;
    let first = &report["groups"][0]["key"];
    assert_eq!(first[0]["label"], "Local authority");
    let last = &report["groups"].as_array().unwrap().last().unwrap()["key"][0];
    assert_eq!(
        (&last["value"], &last["label"]),
        (&Value::Null, &Value::Null),
        "no organisation last"
    );
    let by_org = app
        .get_json_as(&path("&group_by=organisation"), &w.admin)
        .await;
    let names: Vec<&str> = by_org["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["key"][0]["label"].as_str())
        .collect();
    assert!(names.contains(&"Forum Central"), "{names:?}");
}

#[tokio::test]
async fn each_filter_gives_the_totals_of_its_own_group() {
    let app = spawn_app_with(|s| s.reports.suppression_threshold = 0).await;
    let w = report_world(&app).await;
    let f = facts(&app, &w.admin).await;
    let org = &w.orgs[2].id;
    let cases = [
        ("programme", "vital-signs", "vital-signs".to_owned()),
        ("priority", "learning-together", "6".to_owned()),
        ("priority", "2", "2".to_owned()),
        ("theme", "leadership", "leadership".to_owned()),
        ("level", "micro", "micro".to_owned()),
        ("organisation", org.as_str(), org.clone()),
    ];
    for (dim, given, value) in cases {
        let report = app
            .get_json_as(&path(&format!("&{dim}={given}")), &w.admin)
            .await;
        let want = &f.learning(&[dim], None)[&vec![Some(value)]];
        check_figures(&report["totals"], want, 0, &format!("{dim}={given}"));
    }
    let none = app
        .get_json_as(&path("&programme=spheres-of-influence"), &w.admin)
        .await;
    assert_eq!(none["groups"], serde_json::json!([]));
    assert_eq!(none["totals"]["learners"], 0);
}

#[tokio::test]
async fn small_numbers_are_withheld_from_the_threshold_down() {
    let app = spawn_app().await;
    let w = report_world(&app).await;
    let f = facts(&app, &w.admin).await;
    let mut sizes = Vec::new();
    for dims in [
        &["organisation"][..],
        &["cohort"],
        &["organisation_kind", "quarter"],
    ] {
        let report = app
            .get_json_as(&path(&format!("&group_by={}", dims.join(","))), &w.admin)
            .await;
        assert_eq!(report["suppression_threshold"], 5);
        let want = f.learning(dims, None);
        compare(&report, &want, 5, &dims.join(","));
        sizes.extend(want.values().map(|g| g.learners.len()));
    }
    // The boundary is in the data: groups of exactly 4 (withheld) and 5 (shown) learners.
    assert!(sizes.contains(&4) && sizes.contains(&5), "{sizes:?}");
    // The same report as CSV says `<5` where JSON says null.
    let csv = csv_report(&app, &path("&group_by=organisation"), &w.admin).await;
    assert_eq!(
        &csv.header[..3],
        ["organisation", "organisation_label", "learners"]
    );
    let (rows, body) = (csv.rows, csv.body);
    let json = app
        .get_json_as(&path("&group_by=organisation"), &w.admin)
        .await;
    assert_eq!(rows.len(), json["groups"].as_array().unwrap().len());
    for (row, g) in rows.iter().zip(json["groups"].as_array().unwrap()) {
        let learners = &g["figures"]["learners"];
        let want = learners.as_i64().map_or("<5".to_owned(), |n| n.to_string());
        assert_eq!(row[2], want, "{g}");
    }
    assert!(body.contains("<5"), "{body}");
    assert!(body.contains("\r\n"), "RFC 4180 line ends");
}

#[tokio::test]
async fn an_organisations_client_counts_its_own_staff_only() {
    // Suppression off is for academy admins: a partner's report still withholds.
    let app = spawn_app_with(|s| s.reports.suppression_threshold = 0).await;
    let w = report_world(&app).await;
    let f = facts(&app, &w.admin).await;
    for org in &w.orgs {
        for dims in [
            &["organisation"][..],
            &["cohort"],
            &["programme", "organisation_kind"],
        ] {
            let report = app
                .get_json_as(&path(&format!("&group_by={}", dims.join(","))), &org.token)
                .await;
            assert_eq!(report["suppression_threshold"], 5);
            compare(&report, &f.learning(dims, Some(&org.id)), 5, org.kind);
            let totals = &f.learning(&[], Some(&org.id))[&Vec::new()];
            check_figures(&report["totals"], totals, 5, org.kind);
            assert_eq!(report["totals"]["seats_offered"], Value::Null);
        }
        let other = &w.orgs.iter().find(|o| o.id != org.id).unwrap().id;
        let report = app
            .get_json_as(&path(&format!("&organisation={other}")), &org.token)
            .await;
        assert_eq!(report["totals"]["enrolments"], 0, "{}: {report}", org.kind);
    }
}

#[tokio::test]
async fn a_report_refuses_what_it_cannot_answer() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for (query, field) in [
        ("group_by=programme,programme", "group_by"),
        (
            "group_by=programme&group_by=theme&group_by=level",
            "group_by",
        ),
        ("group_by=venue", "group_by"),
        ("from=2027-02-01&to=2027-01-01", "from"),
        ("theme=gardening", "theme"),
        ("priority=8", "priority"),
        ("organisation=nope", "organisation"),
    ] {
        let res = app
            .send(
                Method::GET,
                &format!("/api/v1/reports/learning?{query}"),
                Some(&admin),
                None,
            )
            .await;
        let problem = assert_problem(res, 400).await;
        assert_eq!(fields(&problem), vec![field], "{query}: {problem}");
    }
    let res = app
        .client
        .get(app.url("/api/v1/reports/learning"))
        .bearer_auth(&admin)
        .header("accept", "application/xml")
        .send()
        .await
        .unwrap();
    assert_problem(res, 406).await;
    let reader = app.token_with(&admin, &["people:read"]).await;
    let res = app
        .send(Method::GET, "/api/v1/reports/learning", Some(&reader), None)
        .await;
    assert_problem(res, 403).await;
    let res = app
        .send(Method::GET, "/api/v1/reports/learning", None, None)
        .await;
    assert_problem(res, 401).await;
    // The default period is the twelve months to today.
    let report = app.get_json_as("/api/v1/reports/learning", &admin).await;
    let to = chrono::Utc::now().date_naive();
    assert_eq!(report["period"]["to"], to.to_string());
    let from = to - chrono::Months::new(12);
    assert_eq!(report["period"]["from"], from.to_string());
}

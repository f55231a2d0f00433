//! The server reads requests as the contract describes them: empty parameters are refused,
//! integral numbers are integers (as in JSON Schema), text limits count what was sent, a
//! filter on a reference nobody has matches nothing, `null` is "no body" where the body is
//! nullable, and `If-Match` takes exactly the contract's syntax.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{enrol, enrolled, id, open_cohort, person, world};
use crate::helpers::{assert_problem, fields, spawn_app};

#[tokio::test]
async fn a_parameter_given_with_no_value_is_a_400_naming_it() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for (path, field) in [
        ("/api/v1/sessions?to=", "to"),
        ("/api/v1/programmes?theme=leadership&q=", "q"),
        ("/api/v1/communities?leadership=", "leadership"),
        ("/api/v1/cohorts?status=open&status=", "status"),
    ] {
        let p = app.get_problem(path, 400).await;
        assert_eq!(fields(&p), vec![field], "{path}");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("must not be empty")
        );
    }
    let res = app
        .send(Method::GET, "/api/v1/audit?until=", Some(&admin), None)
        .await;
    assert_eq!(fields(&assert_problem(res, 400).await), vec!["until"]);
}

#[tokio::test]
async fn a_number_with_no_fraction_is_an_integer_as_json_schema_says() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json!({"label": "Floats", "start_date": "2027-03-01", "end_date": "2027-06-30",
                      "capacity": 20.0, "delivery_mode": "online", "priorities": [6.0]});
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
    assert_eq!(cohort["capacity"], 20);
    assert_eq!(cohort["priorities"][0]["code"], 6);
    // A fraction is still not a whole number of seats.
    let res = app
        .send(
            Method::POST,
            "/api/v1/programmes/vital-signs/cohorts",
            Some(&admin),
            Some(
                &json!({"capacity": 20.5, "label": "Halves", "start_date": "2027-03-01",
                         "end_date": "2027-06-30", "delivery_mode": "online"}),
            ),
        )
        .await;
    assert_problem(res, 400).await;
}

#[tokio::test]
async fn text_limits_count_what_is_sent_and_minimums_what_is_left_once_trimmed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let create = |name: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.send(
                Method::POST,
                "/api/v1/organisations",
                Some(&admin),
                Some(&json!({"name": name, "kind": "third_sector"})),
            )
            .await
        }
    };
    // 199 characters and two spaces: 201 sent, over the contract's maxLength of 200.
    let p = assert_problem(create(format!(" {} ", "n".repeat(199))).await, 422).await;
    assert_eq!(fields(&p), vec!["name"]);
    // One character left once trimmed: under the minimum of 2.
    let p = assert_problem(create("  a  ".into()).await, 422).await;
    assert_eq!(fields(&p), vec!["name"]);
    let res = create("  Leeds Mind  ".into()).await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.json::<Value>().await.unwrap()["name"], "Leeds Mind");
}

#[tokio::test]
async fn a_filter_on_a_programme_or_community_nobody_has_matches_nothing() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 5, true).await;
    let p = person(&app, &w.org_token, 1, Some(&w.org)).await;
    assert_eq!(
        enrol(&app, &w.org_token, &id(&cohort), &id(&p))
            .await
            .status(),
        201
    );

    let all = app
        .get_json("/api/v1/cohorts?programme=vital-signs", 200)
        .await;
    assert_eq!(all["data"].as_array().unwrap().len(), 1);
    for path in [
        "/api/v1/cohorts?programme=no-such-programme",
        "/api/v1/cohorts?programme=0190a4b2-7c1e-7a00-8000-000000000000",
        "/api/v1/sessions?community=no-such-community",
    ] {
        let none = app.get_json(path, 200).await;
        assert_eq!(none["data"], json!([]), "{path}");
    }
    let listed = app
        .get_json_as("/api/v1/enrolments?programme=vital-signs", &w.admin)
        .await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    let none = app
        .get_json_as("/api/v1/enrolments?programme=no-such-programme", &w.admin)
        .await;
    assert_eq!(none["data"], json!([]));
}

#[tokio::test]
async fn a_null_outcome_is_no_outcome() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 5, true).await;
    let p = person(&app, &w.org_token, 1, Some(&w.org)).await;
    let enrolment: Value = enrolled(&app, &w.org_token, &id(&cohort), &id(&p)).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/enrolments/{}/withdraw", id(&enrolment))))
        .bearer_auth(&w.org_token)
        .header("content-type", "application/json")
        .body("null")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "withdrawn");
}

#[tokio::test]
async fn if_match_takes_exactly_the_contract_syntax() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let current = app.get("/api/v1/programmes/vital-signs").await;
    let etag = current.headers()["etag"].to_str().unwrap().to_owned();
    let patch = |if_match: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.client
                .patch(app.url("/api/v1/programmes/vital-signs"))
                .bearer_auth(&admin)
                .header("if-match", if_match)
                .header("content-type", "application/merge-patch+json")
                .body(r#"{"who": "Teams"}"#)
                .send()
                .await
                .unwrap()
        }
    };
    for malformed in ["G", r#""a,b""#, r#""a b""#, "\"x\"\t,\"y\""] {
        let p = assert_problem(patch(malformed.into()).await, 400).await;
        assert_eq!(p["type"], "/problems/invalid-if-match", "{malformed}");
    }
    assert_problem(
        patch(r#""0190a4b27c1e7a008000000000000000.1", W/"x""#.into()).await,
        412,
    )
    .await;
    assert_eq!(patch(format!(r#"W/"nope" , {etag}"#)).await.status(), 200);
    // A conditional DELETE's optional If-Match takes the same syntax: malformed is 400 and
    // the programme stays.
    for malformed in ["0", "G"] {
        let res = app
            .client
            .delete(app.url("/api/v1/programmes/vital-signs"))
            .bearer_auth(&admin)
            .header("if-match", malformed)
            .send()
            .await
            .unwrap();
        let p = assert_problem(res, 400).await;
        assert_eq!(p["type"], "/problems/invalid-if-match", "{malformed}");
    }
    assert_eq!(
        app.get("/api/v1/programmes/vital-signs").await.status(),
        200
    );
}

#[tokio::test]
async fn parameters_an_operation_does_not_take_are_refused_not_ignored() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // The export streams every row: paging is not one of its parameters.
    let res = app
        .send(
            Method::GET,
            "/api/v1/enrolments/export?limit=5",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(fields(&assert_problem(res, 400).await), vec!["limit"]);
    // One programme's cohorts: the programme is the path's.
    let p = app
        .get_problem(
            "/api/v1/programmes/vital-signs/cohorts?programme=other",
            400,
        )
        .await;
    assert_eq!(fields(&p), vec!["programme"]);
}

#[tokio::test]
async fn an_unknown_parameter_is_refused_on_every_operation() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/taxonomy?colour=red",
        "/api/v1/programmes/vital-signs?expand=cohorts",
        "/api/v1/priorities?limit=5",
        "/health/ready?verbose=1",
    ] {
        let p = app.get_problem(path, 400).await;
        assert_eq!(p["type"], "/problems/invalid-query", "{path}");
        assert_eq!(fields(&p).len(), 1, "{path}");
    }
}

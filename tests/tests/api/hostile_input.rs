//! Input the databases cannot hold is refused as a 400/422 naming the field, identically on
//! SQLite and PostgreSQL: control characters (NUL above all: PostgreSQL cannot store it) in
//! a path, a query, a JSON body or a CSV cell; dates outside 1900–2200. And a property test:
//! arbitrary strings sent to text fields never give a 5xx.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{enrolled, id, open_cohort, person, world};
use crate::helpers::{TestApp, assert_problem, fields, spawn_app};

#[tokio::test]
async fn control_characters_are_refused_naming_the_field_wherever_they_come() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for (path, field) in [
        ("/api/v1/cohorts?programme=a%00", "programme"),
        ("/api/v1/programmes?q=research%07", "q"),
        ("/api/v1/programmes/%00", "id_or_slug"),
        ("/api/v1/communities/facili%00tation", "id_or_slug"),
    ] {
        let p = app.get_problem(path, 400).await;
        assert_eq!(fields(&p), vec![field], "{path}");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("control characters"),
            "{path}: {p}"
        );
    }
    let bodies = [
        (
            "/api/v1/people",
            json!({"given_name": "a\u{0}b", "family_name": "Khan", "email": "a@nhs.example"}),
            "given_name",
        ),
        (
            "/api/v1/programmes",
            json!({"title": "Fine", "delivery_partners": ["ok", "bad\u{1}"]}),
            "delivery_partners[1]",
        ),
        (
            "/api/v1/programmes",
            json!({"title": "Fine", "duration": {"cadence": "x\u{1b}"}}),
            "duration.cadence",
        ),
    ];
    for (path, body, field) in bodies {
        let res = app
            .send(Method::POST, path, Some(&w.admin), Some(&body))
            .await;
        let p = assert_problem(res, 422).await;
        assert_eq!(fields(&p), vec![field], "{path}");
    }
    // Tab and line breaks are text.
    let res = app
        .send(
            Method::POST,
            "/api/v1/people",
            Some(&w.org_token),
            Some(
                &json!({"given_name": "Aisha", "family_name": "Khan", "email": "tab@nhs.example",
                         "job_role": "Staff\tnurse\r\nnights"}),
            ),
        )
        .await;
    assert_eq!(res.status(), 201);
    let csv = "external_ref,given_name,family_name,email\nE1,Gr\u{0}ace,Hopper,g@nhs.example\n";
    let res = app
        .client
        .post(app.url(&format!("/api/v1/organisations/{}/people/import", w.org)))
        .bearer_auth(&w.org_token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422).await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("given_name:"),
        "{p}"
    );
}

#[tokio::test]
async fn dates_outside_1900_to_2200_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for (path, field) in [
        ("/api/v1/sessions?from=1899-12-31", "from"),
        ("/api/v1/sessions?to=2201-01-01", "to"),
        ("/api/v1/sessions?from=-5000-01-01", "from"),
        ("/api/v1/cohorts?starts_after=0001-01-01", "starts_after"),
    ] {
        assert_eq!(
            fields(&app.get_problem(path, 400).await),
            vec![field],
            "{path}"
        );
    }
    let res = app
        .send(
            Method::GET,
            "/api/v1/enrolments?updated_since=1800-01-01T00:00:00Z",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(
        fields(&assert_problem(res, 400).await),
        vec!["updated_since"]
    );

    let cohort = |start: &str| {
        json!({"label": "Long ago", "start_date": start, "end_date": "2027-06-30",
               "capacity": 5, "delivery_mode": "online"})
    };
    for start in ["-5000-01-01", "1899-12-31"] {
        let res = app
            .send(
                Method::POST,
                "/api/v1/programmes/vital-signs/cohorts",
                Some(&w.admin),
                Some(&cohort(start)),
            )
            .await;
        assert_eq!(
            fields(&assert_problem(res, 422).await),
            vec!["start_date"],
            "{start}"
        );
    }
    let c = open_cohort(&app, &w.admin, 5, true).await;
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/cohorts/{}/sessions", id(&c)),
            Some(&w.admin),
            Some(&json!({"title": "Far off", "starts_at": "2300-01-01T09:00:00Z", "duration_minutes": 60})),
        )
        .await;
    assert_eq!(fields(&assert_problem(res, 422).await), vec!["starts_at"]);
    let p = person(&app, &w.org_token, 1, Some(&w.org)).await;
    let e: Value = enrolled(&app, &w.admin, &id(&c), &id(&p)).await;
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/enrolments/{}/complete", id(&e)),
            Some(&w.admin),
            Some(&json!({"outcome_date": "1800-01-01"})),
        )
        .await;
    assert_eq!(
        fields(&assert_problem(res, 422).await),
        vec!["outcome_date"]
    );
}

/// Sends `text` in each text field of a few operations; every answer must be below 500.
async fn no_server_error(app: &TestApp, admin: &str, text: &str) -> Result<(), String> {
    let encoded: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
    let attempts = [
        (
            Method::POST,
            "/api/v1/people".to_owned(),
            Some(
                json!({"given_name": text, "family_name": text, "email": format!("{encoded}@x.example")}),
            ),
        ),
        (
            Method::POST,
            "/api/v1/organisations".to_owned(),
            Some(json!({"name": text, "kind": "other", "ods_code": text})),
        ),
        (
            Method::POST,
            "/api/v1/programmes".to_owned(),
            Some(json!({"title": text, "what": text, "slug": text, "delivery_partners": [text]})),
        ),
        (
            Method::POST,
            "/api/v1/programmes/vital-signs/cohorts".to_owned(),
            Some(json!({"label": text, "location": text, "joining_link": text})),
        ),
        (
            Method::POST,
            "/api/v1/communities".to_owned(),
            Some(json!({"name": text, "purpose": text, "slug": text})),
        ),
        (Method::GET, format!("/api/v1/programmes?q={encoded}"), None),
        (
            Method::GET,
            format!("/api/v1/cohorts?programme={encoded}"),
            None,
        ),
        (Method::GET, format!("/api/v1/programmes/{encoded}"), None),
        (
            Method::GET,
            format!("/api/v1/people?external_ref={encoded}&email={encoded}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/sessions?community={encoded}"),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        let res = app
            .send(method.clone(), &path, Some(admin), body.as_ref())
            .await;
        if res.status().is_server_error() {
            return Err(format!("{method} {path} with {text:?}: {}", res.status()));
        }
    }
    Ok(())
}

#[test]
fn arbitrary_text_in_any_field_never_gives_a_server_error() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (app, admin) = rt.block_on(async {
        let app = spawn_app().await;
        let admin = app.admin_token().await;
        (app, admin)
    });
    let cases = if crate::helpers::postgres_server().is_some() {
        48
    } else {
        24
    };
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    // Any string, and strings made of the characters that break databases and parsers.
    let hostile = prop::collection::vec(
        prop_oneof![
            Just('\0'),
            Just('\u{1}'),
            Just('\u{1f}'),
            Just('%'),
            Just('_'),
            Just('\\'),
            Just('\''),
            Just('"'),
            Just('\u{feff}'),
            Just('\u{10ffff}'),
            any::<char>(),
        ],
        0..40,
    )
    .prop_map(|cs| cs.into_iter().collect::<String>());
    let strategy = prop_oneof![any::<String>(), hostile];
    runner
        .run(&strategy, |text| {
            rt.block_on(no_server_error(&app, &admin, &text))
                .map_err(TestCaseError::fail)
        })
        .unwrap();
}

//! Who may change what: every write operation × {the caller's own, another organisation's,
//! the academy's} resource × {a partner organisation's client, an academy client}.
//!
//! A partner's client holds every scope it can be given (people, enrolments, memberships,
//! reports) and changes only its own organisation's people, their enrolments, memberships
//! and attendance: another organisation's resource is 404 (never 403: it is not yours to
//! know of), and the academy's shared data (catalogue, cohorts, communities) needs a scope
//! it cannot hold (403). An academy client with the academy's scopes (not admin) changes all.

mod cases;

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{enrolled, id, open_cohort, person, world};
use crate::helpers::{TestApp, spawn_app};

const PARTNER_SCOPES: &[&str] = &[
    "people:read",
    "people:write",
    "enrolments:read",
    "enrolments:write",
    "memberships:write",
    "reports:read",
];
const ACADEMY_SCOPES: &[&str] = &[
    "catalogue:write",
    "people:read",
    "people:write",
    "cohorts:write",
    "enrolments:read",
    "enrolments:write",
    "communities:write",
    "memberships:write",
    "reports:read",
];

struct Case {
    what: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
}

fn case(what: &'static str, method: Method, path: String, body: Option<Value>) -> Case {
    Case {
        what,
        method,
        path,
        body,
    }
}

async fn send(app: &TestApp, token: &str, c: &Case) -> u16 {
    let mut req = app
        .client
        .request(c.method.clone(), app.url(&c.path))
        .bearer_auth(token);
    if c.method == Method::PATCH {
        req = req.header("if-match", "*");
    }
    if let Some(b) = &c.body {
        let ct = if c.method == Method::PATCH {
            "application/merge-patch+json"
        } else {
            "application/json"
        };
        req = req.header("content-type", ct).body(b.to_string());
    }
    req.send().await.unwrap().status().as_u16()
}

async fn csv(app: &TestApp, token: &str, path: &str, body: &str) -> u16 {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A community session, scheduled by an academy client.
async fn session(app: &TestApp, academy: &str) -> String {
    let res = app
        .send(
            Method::POST,
            "/api/v1/communities/facilitation/sessions",
            Some(academy),
            Some(
                &json!({"title": "Across boundaries", "starts_at": "2027-01-20T14:00:00Z",
                         "duration_minutes": 60, "format": "virtual"}),
            ),
        )
        .await;
    assert_eq!(res.status(), 201, "session");
    id(&res.json::<Value>().await.unwrap())
}

async fn join(app: &TestApp, token: &str, community: &str, person: &str) -> u16 {
    app.send(
        Method::POST,
        &format!("/api/v1/communities/{community}/members"),
        Some(token),
        Some(&json!({"person_id": person})),
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn partners_change_only_their_own_people_and_the_academy_its_shared_data() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let partner = app
        .create_client(&w.admin, PARTNER_SCOPES, Some(&w.org))
        .await;
    let partner = app.token(&partner).await;
    let academy = app.token_with(&w.admin, ACADEMY_SCOPES).await;

    // The resources: the partner's own, another organisation's, the academy's.
    let ours = person(&app, &w.admin, 1, Some(&w.org)).await;
    let theirs = person(&app, &w.admin, 2, Some(&w.other_org)).await;
    let citizen = person(&app, &w.admin, 3, None).await;
    let cohort = open_cohort(&app, &w.admin, 10, true).await;
    let c = id(&cohort);
    let our_enrolment = id(&enrolled(&app, &w.admin, &c, &id(&ours)).await);
    let their_enrolment = id(&enrolled(&app, &w.admin, &c, &id(&theirs)).await);
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/cohorts/{c}/sessions"),
            Some(&w.admin),
            Some(&json!({"title": "Day 1", "starts_at": "2027-03-01T09:00:00Z", "duration_minutes": 60})),
        )
        .await;
    let cohort_session = id(&res.json::<Value>().await.unwrap());
    let community_session = session(&app, &academy).await;
    for p in [&ours, &theirs, &citizen] {
        assert_eq!(join(&app, &w.admin, "facilitation", &id(p)).await, 201);
    }

    // The partner: its own people…
    let own = [
        case(
            "create a person of its own",
            Method::POST,
            "/api/v1/people".into(),
            Some(
                json!({"given_name": "New", "family_name": "Starter", "email": "new.starter@ours.example"}),
            ),
        ),
        case(
            "edit its person",
            Method::PATCH,
            format!("/api/v1/people/{}", id(&ours)),
            Some(json!({"job_role": "Ward manager"})),
        ),
        case(
            "record its person's attendance",
            Method::PUT,
            format!(
                "/api/v1/communities/facilitation/sessions/{community_session}/attendance/{}",
                id(&ours)
            ),
            Some(json!({"status": "present"})),
        ),
        case(
            "record its enrolment's register",
            Method::PUT,
            format!("/api/v1/cohorts/{c}/sessions/{cohort_session}/attendance"),
            Some(json!({"records": [{"enrolment_id": our_enrolment, "status": "present"}]})),
        ),
        case(
            "move its person between communities",
            Method::POST,
            format!("/api/v1/people/{}/memberships/move", id(&ours)),
            Some(json!({"from": "facilitation", "to": "leadership"})),
        ),
        case(
            "take its person out of a community",
            Method::DELETE,
            format!("/api/v1/communities/leadership/members/{}", id(&ours)),
            None,
        ),
        case(
            "withdraw its person's enrolment",
            Method::POST,
            format!("/api/v1/enrolments/{our_enrolment}/withdraw"),
            None,
        ),
        case(
            "enrol its person again",
            Method::POST,
            format!("/api/v1/cohorts/{c}/enrolments"),
            Some(json!({"person_id": id(&ours)})),
        ),
        case(
            "erase its person",
            Method::DELETE,
            format!("/api/v1/people/{}", id(&ours)),
            None,
        ),
    ];
    for c in &own {
        let status = send(&app, &partner, c).await;
        assert!(
            (200..300).contains(&status),
            "partner, own: {} → {status}",
            c.what
        );
    }
    let status = csv(
        &app,
        &partner,
        &format!("/api/v1/organisations/{}/people/import", w.org),
        "external_ref,given_name,family_name,email\nEMP-1,Ada,Lovelace,ada@ours.example\n",
    )
    .await;
    assert_eq!(status, 200, "partner, own: import its staff");

    // …never another organisation's, nor the academy's own people (404: not yours to know of)…
    let mut others = Vec::new();
    for (whose, p, enrolment) in [
        ("another organisation's", &theirs, Some(&their_enrolment)),
        ("the academy's", &citizen, None),
    ] {
        let pid = id(p);
        others.push((
            whose,
            case(
                "edit a person",
                Method::PATCH,
                format!("/api/v1/people/{pid}"),
                Some(json!({"job_role": "x"})),
            ),
        ));
        others.push((
            whose,
            case(
                "erase a person",
                Method::DELETE,
                format!("/api/v1/people/{pid}"),
                None,
            ),
        ));
        others.push((
            whose,
            case(
                "enrol a person",
                Method::POST,
                format!("/api/v1/cohorts/{c}/enrolments"),
                Some(json!({"person_id": pid})),
            ),
        ));
        others.push((
            whose,
            case(
                "add a person to a community",
                Method::POST,
                "/api/v1/communities/leadership/members".into(),
                Some(json!({"person_id": pid})),
            ),
        ));
        others.push((
            whose,
            case(
                "take a person out of a community",
                Method::DELETE,
                format!("/api/v1/communities/facilitation/members/{pid}"),
                None,
            ),
        ));
        others.push((
            whose,
            case(
                "move a person",
                Method::POST,
                format!("/api/v1/people/{pid}/memberships/move"),
                Some(json!({"from": "facilitation", "to": "leadership"})),
            ),
        ));
        others.push((
            whose,
            case(
                "record a person's attendance",
                Method::PUT,
                format!(
                    "/api/v1/communities/facilitation/sessions/{community_session}/attendance/{pid}"
                ),
                Some(json!({"status": "present"})),
            ),
        ));
        if let Some(e) = enrolment {
            for action in ["withdraw", "complete", "not-complete"] {
                others.push((
                    whose,
                    case(
                        "change an enrolment",
                        Method::POST,
                        format!("/api/v1/enrolments/{e}/{action}"),
                        None,
                    ),
                ));
            }
        }
    }
    for (whose, c) in &others {
        assert_eq!(
            send(&app, &partner, c).await,
            404,
            "partner, {whose}: {}",
            c.what
        );
    }
    let status = csv(
        &app,
        &partner,
        &format!("/api/v1/organisations/{}/people/import", w.other_org),
        "external_ref,given_name,family_name,email\nEMP-2,Bo,Diddley,bo@theirs.example\n",
    )
    .await;
    assert_eq!(status, 404, "partner: import another organisation's staff");
    // Another organisation's enrolment in a register is "not on this cohort", as an unknown one.
    let register = case(
        "record another organisation's register",
        Method::PUT,
        format!("/api/v1/cohorts/{c}/sessions/{cohort_session}/attendance"),
        Some(json!({"records": [{"enrolment_id": their_enrolment, "status": "present"}]})),
    );
    assert_eq!(send(&app, &partner, &register).await, 409);

    // …and none of the academy's shared data (403: no partner can hold the scope).
    let shared = cases::shared(&c, &community_session, &w.other_org);
    for c in &shared {
        assert_eq!(
            send(&app, &partner, c).await,
            403,
            "partner, the academy's: {}",
            c.what
        );
    }

    // The academy's client changes the shared data and anyone's people.
    let academy_cases = cases::academy(
        &c,
        &community_session,
        &id(&theirs),
        &id(&citizen),
        &their_enrolment,
    );
    for c in &academy_cases {
        let status = send(&app, &academy, c).await;
        assert!(
            (200..300).contains(&status),
            "academy: {} → {status}",
            c.what
        );
    }
}

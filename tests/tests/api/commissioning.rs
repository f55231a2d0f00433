//! Commissioning requests through HTTP: submission (a programme or a co-creation brief),
//! every transition and refusal, the cohorts run for a request and its delivery, the
//! dialogue, isolation between organisations, and erasure of the contact.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::learning::{World, id, person, world};
use crate::helpers::{TestApp, assert_problem, fields, spawn_app};

const PARTNER: &[&str] = &["commissioning:read", "commissioning:write", "people:write"];

pub struct Parties {
    pub w: World,
    /// Organisation A's commissioning client, and B's.
    pub a: String,
    pub b: String,
    /// An academy client that decides (`cohorts:write`) and reads and writes requests.
    pub academy: String,
}

pub async fn parties(app: &TestApp) -> Parties {
    let w = world(app).await;
    let a = app.create_client(&w.admin, PARTNER, Some(&w.org)).await;
    let b = app
        .create_client(&w.admin, PARTNER, Some(&w.other_org))
        .await;
    let (a, b) = (app.token(&a).await, app.token(&b).await);
    let academy = app
        .token_with(
            &w.admin,
            &["cohorts:write", "commissioning:read", "commissioning:write"],
        )
        .await;
    Parties { w, a, b, academy }
}

pub async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let res = app.send(method, path, Some(token), body.as_ref()).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub fn brief() -> Value {
    json!({"title": "Compassionate handovers", "needs": "A half-day for ward teams.",
           "priorities": ["learning-together", 3], "system_level": "micro", "expected_learners": 12,
           "staff_groups": ["Nursing", "Nursing", "Allied health professionals"],
           "window_from": "2027-04-01", "window_to": "2027-06-30", "delivery_mode": "face_to_face",
           "location": "St James's", "workplace_context": "Three wards."})
}

pub async fn submitted(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, r) = call(
        app,
        token,
        Method::POST,
        "/api/v1/commissioning-requests",
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{r}");
    r
}

pub async fn act(
    app: &TestApp,
    token: &str,
    r: &str,
    action: &str,
    body: Option<Value>,
) -> (u16, Value) {
    call(
        app,
        token,
        Method::POST,
        &format!("/api/v1/commissioning-requests/{r}/{action}"),
        body,
    )
    .await
}

/// A request for a published programme with all a cohort is pre-filled from.
pub fn programme_request() -> Value {
    json!({"programme": "vital-signs", "expected_learners": 8, "delivery_mode": "online",
           "window_from": "2027-04-01", "window_to": "2027-05-31"})
}

/// A request as `token` reads it.
pub async fn request(app: &TestApp, token: &str, r: &str) -> Value {
    let path = format!("/api/v1/commissioning-requests/{r}");
    let (status, body) = call(app, token, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// A learning need for 2027: priority 6, micro level, nurses.
pub fn need(headcount: i64, programme: Option<&str>) -> Value {
    json!({"year": 2027, "priority": 6, "system_level": "micro", "staff_group": "Nurses",
           "headcount": headcount, "programme": programme})
}

/// Records a learning need as `token` (201) and gives it.
pub async fn recorded_need(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, n) = call(
        app,
        token,
        Method::POST,
        "/api/v1/learning-needs",
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{n}");
    n
}

/// A request of organisation A's, submitted, then reviewed and agreed by the academy.
pub async fn agreed(app: &TestApp, p: &Parties, body: Value) -> String {
    let r = id(&submitted(app, &p.a, body).await);
    assert_eq!(act(app, &p.academy, &r, "review", None).await.0, 200);
    let (status, a) = act(app, &p.academy, &r, "agree", Some(json!({"reason": "Yes"}))).await;
    assert_eq!(status, 200, "{a}");
    r
}

/// Takes a cohort through `steps` (`open`, `start`, `complete`, `cancel`) as `admin`.
pub async fn run(app: &TestApp, admin: &str, cohort: &str, steps: &[&str]) {
    for step in steps {
        let path = format!("/api/v1/cohorts/{cohort}/{step}");
        let (status, body) = call(app, admin, Method::POST, &path, None).await;
        assert_eq!(status, 200, "{step}: {body}");
    }
}

#[tokio::test]
async fn a_partner_submits_for_its_own_organisation_and_the_academy_decides() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let r = submitted(&app, &p.a, brief()).await;
    assert_eq!(r["organisation_id"], p.w.org.as_str());
    assert_eq!(r["status"], "submitted");
    assert_eq!(r["programme_id"], Value::Null);
    assert_eq!(
        r["staff_groups"],
        json!(["Nursing", "Allied health professionals"])
    );
    let codes: Vec<i64> = r["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![3, 6]);
    let rid = id(&r);

    // A partner cannot decide: deciding needs the academy's scope.
    assert_eq!(act(&app, &p.a, &rid, "review", None).await.0, 403);
    // Agreeing before review is a conflict naming the state.
    let (status, problem) = act(
        &app,
        &p.academy,
        &rid,
        "agree",
        Some(json!({"reason": "Yes please"})),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("submitted"),
        "{problem}"
    );
    let (status, reviewed) = act(&app, &p.academy, &rid, "review", None).await;
    assert_eq!(
        (status, reviewed["status"].as_str()),
        (200, Some("in_review"))
    );
    // A decision carries a reason.
    let (status, problem) = act(&app, &p.academy, &rid, "decline", Some(json!({}))).await;
    assert_eq!(status, 422);
    assert_eq!(fields(&problem), vec!["reason"]);
    let (status, declined) = act(
        &app,
        &p.academy,
        &rid,
        "decline",
        Some(json!({"reason": "Not this year"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(declined["status"], "declined");
    assert_eq!(declined["status_reason"], "Not this year");
    assert!(declined["decided_at"].is_string());
    let (status, problem) = act(&app, &p.a, &rid, "withdraw", None).await;
    assert_eq!(
        status, 409,
        "a decided request cannot be withdrawn: {problem}"
    );
    assert!(problem["detail"].as_str().unwrap().contains("declined"));

    // Withdrawn by the partner before a decision, with a reason.
    let other = id(&submitted(&app, &p.a, brief()).await);
    let (status, withdrawn) = act(
        &app,
        &p.a,
        &other,
        "withdraw",
        Some(json!({"reason": "Found budget elsewhere"})),
    )
    .await;
    assert_eq!(
        (status, withdrawn["status"].as_str()),
        (200, Some("withdrawn"))
    );
    assert_eq!(act(&app, &p.academy, &other, "review", None).await.0, 409);
    // The academy may withdraw one on its organisation's behalf.
    let third = id(&submitted(&app, &p.a, brief()).await);
    let (status, w) = act(&app, &p.academy, &third, "withdraw", None).await;
    assert_eq!((status, w["status"].as_str()), (200, Some("withdrawn")));
}

#[tokio::test]
async fn a_brief_is_a_programme_or_a_co_creation_and_its_fields_are_checked() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let r = submitted(
        &app,
        &p.a,
        json!({"programme": "vital-signs", "expected_learners": 20}),
    )
    .await;
    let programme = app.get_json("/api/v1/programmes/vital-signs", 200).await;
    assert_eq!(r["programme_id"], programme["id"]);
    for (body, field) in [
        (
            json!({"programme": "vital-signs", "title": "Both", "needs": "x"}),
            "programme",
        ),
        (json!({"title": "Only a title"}), "needs"),
        (json!({"programme": "no-such-programme"}), "programme"),
        (
            json!({"programme": "vital-signs", "window_from": "2027-05-01", "window_to": "2027-04-01"}),
            "window_from",
        ),
        (
            json!({"programme": "vital-signs", "expected_learners": 0}),
            "expected_learners",
        ),
        (
            json!({"programme": "vital-signs", "system_level": "mega"}),
            "system_level",
        ),
        (
            json!({"programme": "vital-signs", "organisation_id": p.w.other_org}),
            "organisation_id",
        ),
    ] {
        let res = app
            .send(
                Method::POST,
                "/api/v1/commissioning-requests",
                Some(&p.a),
                Some(&body),
            )
            .await;
        let problem = assert_problem(res, 422).await;
        assert!(
            fields(&problem).contains(&field.to_owned()),
            "{body}: {problem}"
        );
    }
    // The contact is a person of the requesting organisation.
    let theirs = id(&person(&app, &p.w.admin, 2, Some(&p.w.other_org)).await);
    let res = app
        .send(
            Method::POST,
            "/api/v1/commissioning-requests",
            Some(&p.a),
            Some(&json!({"programme": "vital-signs", "contact_person_id": theirs})),
        )
        .await;
    assert_eq!(
        fields(&assert_problem(res, 422).await),
        vec!["contact_person_id"]
    );
    // An academy client names the organisation.
    let res = app
        .send(
            Method::POST,
            "/api/v1/commissioning-requests",
            Some(&p.academy),
            Some(&json!({"programme": "vital-signs"})),
        )
        .await;
    assert_eq!(
        fields(&assert_problem(res, 422).await),
        vec!["organisation_id"]
    );
    let r = submitted(
        &app,
        &p.academy,
        json!({"programme": "vital-signs", "organisation_id": p.w.other_org}),
    )
    .await;
    assert_eq!(r["organisation_id"], p.w.other_org.as_str());
}

#[tokio::test]
async fn an_organisation_sees_and_acts_on_its_own_requests_only() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let ours = id(&submitted(&app, &p.a, brief()).await);
    let theirs = id(&submitted(&app, &p.b, json!({"programme": "vital-signs"})).await);
    let path = |r: &str| format!("/api/v1/commissioning-requests/{r}");
    assert_eq!(
        call(&app, &p.a, Method::GET, &path(&ours), None).await.0,
        200
    );
    assert_eq!(
        call(&app, &p.a, Method::GET, &path(&theirs), None).await.0,
        404
    );
    assert_eq!(act(&app, &p.a, &theirs, "withdraw", None).await.0, 404);
    let msgs = format!("{}/messages", path(&theirs));
    assert_eq!(call(&app, &p.a, Method::GET, &msgs, None).await.0, 404);
    assert_eq!(
        call(
            &app,
            &p.a,
            Method::POST,
            &msgs,
            Some(json!({"text": "hello"}))
        )
        .await
        .0,
        404
    );

    let (_, list) = call(
        &app,
        &p.a,
        Method::GET,
        "/api/v1/commissioning-requests",
        None,
    )
    .await;
    let ids: Vec<String> = list["data"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, vec![ours.clone()]);
    let (_, all) = call(
        &app,
        &p.academy,
        Method::GET,
        "/api/v1/commissioning-requests?limit=1",
        None,
    )
    .await;
    assert_eq!(all["data"].as_array().unwrap().len(), 1);
    let cursor = all["next_cursor"].as_str().unwrap();
    let (_, rest) = call(
        &app,
        &p.academy,
        Method::GET,
        &format!("/api/v1/commissioning-requests?limit=1&cursor={cursor}"),
        None,
    )
    .await;
    let both: Vec<String> = [&all, &rest]
        .iter()
        .flat_map(|l| l["data"].as_array().unwrap().iter().map(id))
        .collect();
    assert_eq!(both, vec![ours.clone(), theirs.clone()]);
    for (query, expected) in [
        ("programme=vital-signs", vec![theirs.clone()]),
        ("priority=learning-together", vec![ours.clone()]),
        ("status=submitted", vec![ours.clone(), theirs.clone()]),
        ("status=agreed", vec![]),
        (
            &format!("organisation_id={}", p.w.other_org) as &str,
            vec![theirs.clone()],
        ),
    ] {
        let (status, l) = call(
            &app,
            &p.academy,
            Method::GET,
            &format!("/api/v1/commissioning-requests?{query}"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{query}");
        let got: Vec<String> = l["data"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(got, expected, "{query}");
    }
    let res = app
        .send(
            Method::GET,
            "/api/v1/commissioning-requests?status=nope",
            Some(&p.academy),
            None,
        )
        .await;
    assert_eq!(fields(&assert_problem(res, 400).await), vec!["status"]);
}

//! The dialogue on a commissioning request, the cohorts run for it and its delivery when
//! they complete, and the erasure of a request's contact.

use reqwest::Method;
use serde_json::{Value, json};

use crate::commissioning::{
    act, agreed, brief, call, need, parties, recorded_need, request, run, submitted,
};
use crate::fixtures::learning::{id, person};
use crate::helpers::{assert_problem, fields, spawn_app};

#[tokio::test]
async fn cohorts_run_for_an_agreed_request_deliver_it_when_they_complete() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let r = submitted(
        &app,
        &p.a,
        json!({"programme": "vital-signs", "priorities": [6], "expected_learners": 12, "delivery_mode": "blended",
        "window_from": "2027-04-01", "window_to": "2027-06-30"}),
    )
    .await;
    let rid = id(&r);
    let cohorts = format!("/api/v1/commissioning-requests/{rid}/cohorts");
    // Not before it is agreed.
    let (status, _) = call(&app, &p.academy, Method::POST, &cohorts, Some(json!({}))).await;
    assert_eq!(status, 409);
    act(&app, &p.academy, &rid, "review", None).await;
    act(
        &app,
        &p.academy,
        &rid,
        "agree",
        Some(json!({"reason": "Two cohorts"})),
    )
    .await;
    let (status, first) = call(&app, &p.academy, Method::POST, &cohorts, Some(json!({}))).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["commissioning_organisation_id"], p.w.org.as_str());
    assert_eq!(first["capacity"], 12);
    assert_eq!(
        (first["start_date"].as_str(), first["end_date"].as_str()),
        (Some("2027-04-01"), Some("2027-06-30"))
    );
    assert_eq!(first["priorities"][0]["code"], 6);
    assert_eq!(first["status"], "planned");
    // An existing cohort of the organisation is linked; another organisation's is not.
    let existing = json!({"label": "Existing", "start_date": "2027-05-01", "end_date": "2027-07-01", "capacity": 5,
                          "delivery_mode": "blended", "commissioning_organisation_id": p.w.org});
    let (_, second) = call(
        &app,
        &p.w.admin,
        Method::POST,
        "/api/v1/programmes/vital-signs/cohorts",
        Some(existing),
    )
    .await;
    let (_, foreign) = call(&app, &p.w.admin, Method::POST, "/api/v1/programmes/vital-signs/cohorts",
        Some(json!({"label": "Theirs", "start_date": "2027-05-01", "end_date": "2027-07-01", "capacity": 5,
                    "delivery_mode": "blended", "commissioning_organisation_id": p.w.other_org}))).await;
    let link = |c: &str| format!("{cohorts}/{c}");
    assert_eq!(
        call(&app, &p.academy, Method::PUT, &link(&id(&foreign)), None)
            .await
            .0,
        409
    );
    assert_eq!(
        call(
            &app,
            &p.academy,
            Method::PUT,
            &link(&uuid::Uuid::now_v7().to_string()),
            None
        )
        .await
        .0,
        404
    );
    let (status, linked) = call(&app, &p.academy, Method::PUT, &link(&id(&second)), None).await;
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked["cohort_ids"], json!([id(&first), id(&second)]));
    let (again, relinked) = call(&app, &p.academy, Method::PUT, &link(&id(&second)), None).await;
    assert_eq!(again, 200);
    assert_eq!(
        (&relinked["version"], &relinked["cohort_ids"]),
        (&linked["version"], &linked["cohort_ids"]),
        "linking again changes nothing"
    );

    let status_of = || async { request(&app, &p.a, &rid).await["status"].clone() };
    run(
        &app,
        &p.w.admin,
        &id(&first),
        &["open", "start", "complete"],
    )
    .await;
    assert_eq!(status_of().await, "agreed", "one cohort still to run");
    run(&app, &p.w.admin, &id(&second), &["cancel"]).await;
    assert_eq!(
        status_of().await,
        "delivered",
        "the last linked cohort is done"
    );
    let (status, _) = call(&app, &p.academy, Method::POST, &cohorts, Some(json!({}))).await;
    assert_eq!(status, 409, "a delivered request takes no more cohorts");
}

#[tokio::test]
async fn erasing_the_contact_keeps_the_request_without_them() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let contact = id(&person(&app, &p.a, 1, Some(&p.w.org)).await);
    let mut body = brief();
    body["contact_person_id"] = json!(contact);
    let r = submitted(&app, &p.a, body).await;
    assert_eq!(r["contact_person_id"], contact.as_str());
    let res = app
        .send(
            Method::DELETE,
            &format!("/api/v1/people/{contact}"),
            Some(&p.a),
            None,
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let (_, after) = call(
        &app,
        &p.a,
        Method::GET,
        &format!("/api/v1/commissioning-requests/{}", id(&r)),
        None,
    )
    .await;
    assert_eq!(after["contact_person_id"], Value::Null);
    assert_eq!(after["title"], r["title"]);
    assert!(after["version"].as_i64() > r["version"].as_i64());
}

#[tokio::test]
async fn the_dialogue_records_its_authors_and_takes_only_web_links() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let r = id(&submitted(&app, &p.a, brief()).await);
    let path = format!("/api/v1/commissioning-requests/{r}/messages");
    let (status, m) = call(
        &app,
        &p.a,
        Method::POST,
        &path,
        Some(json!({"text": "See https://example.org/plan"})),
    )
    .await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(m["author_organisation_id"], p.w.org.as_str());
    let (status, reply) = call(
        &app,
        &p.academy,
        Method::POST,
        &path,
        Some(json!({"text": "Thanks, we will call."})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(reply["author_organisation_id"], Value::Null);
    for bad in [
        "click javascript:alert(1)",
        "the [plan](javascript:alert(1))",
        "<a href=\"data:text/html,x\">plan</a>",
    ] {
        let res = app
            .send(Method::POST, &path, Some(&p.a), Some(&json!({"text": bad})))
            .await;
        assert_eq!(
            fields(&assert_problem(res, 422).await),
            vec!["text"],
            "{bad}"
        );
    }
    let (_, list) = call(&app, &p.a, Method::GET, &path, None).await;
    let texts: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        vec!["See https://example.org/plan", "Thanks, we will call."]
    );
}

#[tokio::test]
async fn a_cohort_runs_for_one_request_and_a_programme_named_is_retired_not_deleted() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let body = json!({"programme": "patient-safety-culture", "priorities": [2], "expected_learners": 10,
        "delivery_mode": "online", "window_from": "2027-04-01", "window_to": "2027-06-30"});
    let cohorts_of = |r: String| format!("/api/v1/commissioning-requests/{r}/cohorts");
    let first = cohorts_of(agreed(&app, &p, body.clone()).await);
    let second = cohorts_of(agreed(&app, &p, body).await);
    let (status, cohort) = call(&app, &p.academy, Method::POST, &first, Some(json!({}))).await;
    assert_eq!(status, 201, "{cohort}");
    let path = format!("{second}/{}", id(&cohort));
    let res = app.send(Method::PUT, &path, Some(&p.academy), None).await;
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("another"),
        "{problem}"
    );

    // A programme a request or a need names is retired; one nothing names is deleted.
    recorded_need(&app, &p.a, need(30, Some("spheres-of-influence"))).await;
    for (slug, status, after) in [
        ("patient-safety-culture", 200, Some("retired")),
        ("spheres-of-influence", 200, Some("retired")),
        ("guiding-lights-effective-workplace-cultures", 204, None),
    ] {
        let path = format!("/api/v1/programmes/{slug}");
        let res = app
            .send(Method::DELETE, &path, Some(&p.w.admin), None)
            .await;
        assert_eq!(res.status(), status, "{slug}");
        let read = app.send(Method::GET, &path, Some(&p.w.admin), None).await;
        match after {
            Some(s) => assert_eq!(read.json::<Value>().await.unwrap()["status"], s, "{slug}"),
            None => assert_eq!(read.status(), 404, "{slug}"),
        }
    }
}

#[tokio::test]
async fn a_cohort_for_a_request_runs_a_published_programme_and_a_done_one_delivers_at_once() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    // A co-creation brief names no programme: the academy names the one made for it.
    let r = agreed(&app, &p, brief()).await;
    let cohorts = format!("/api/v1/commissioning-requests/{r}/cohorts");
    for (body, field) in [
        (json!({}), "programme"),
        (json!({"programme": "no-such-programme"}), "programme"),
    ] {
        let res = app
            .send(Method::POST, &cohorts, Some(&p.academy), Some(&body))
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(fields(&problem), vec![field], "{body}: {problem}");
    }
    // Every default from the brief fits a cohort: its location, window and learners.
    let (status, cohort) = call(
        &app,
        &p.academy,
        Method::POST,
        &cohorts,
        Some(json!({"programme": "vital-signs"})),
    )
    .await;
    assert_eq!(status, 201, "{cohort}");
    assert_eq!(
        (cohort["label"].as_str(), cohort["location"].as_str()),
        (Some("Compassionate handovers"), Some("St James's"))
    );
    // An existing cohort that has already completed delivers the request when linked.
    let done = json!({"label": "Done", "start_date": "2027-05-01", "end_date": "2027-07-01", "capacity": 5,
                      "delivery_mode": "blended", "commissioning_organisation_id": p.w.org});
    let (_, done) = call(
        &app,
        &p.w.admin,
        Method::POST,
        "/api/v1/programmes/vital-signs/cohorts",
        Some(done),
    )
    .await;
    run(&app, &p.w.admin, &id(&done), &["open", "start", "complete"]).await;
    // The created cohort is cancelled first, so the completed one is the last to settle.
    run(&app, &p.w.admin, &id(&cohort), &["cancel"]).await;
    let link = format!("{cohorts}/{}", id(&done));
    let (status, linked) = call(&app, &p.academy, Method::PUT, &link, None).await;
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked["status"], "delivered");
    // Delivered, it takes no more links, and the refusal changes nothing.
    let (status, again) = call(&app, &p.academy, Method::PUT, &link, None).await;
    assert_eq!(
        status, 409,
        "a delivered request takes no more links: {again}"
    );
    let (_, read) = call(
        &app,
        &p.a,
        Method::GET,
        &format!("/api/v1/commissioning-requests/{r}"),
        None,
    )
    .await;
    assert_eq!(
        (&read["version"], &read["cohort_ids"]),
        (&linked["version"], &linked["cohort_ids"])
    );
    // A location a cohort could not hold is refused with the request.
    let mut long = brief();
    long["location"] = json!("x".repeat(301));
    let res = app
        .send(
            Method::POST,
            "/api/v1/commissioning-requests",
            Some(&p.a),
            Some(&long),
        )
        .await;
    assert_eq!(fields(&assert_problem(res, 422).await), vec!["location"]);
}

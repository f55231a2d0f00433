//! Every event type fires once per cause, reaches exactly the endpoints that may hear it
//! (the authorisation matrix of issue 13), and matches its schema in the contract.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::catalogue::new_programme;
use crate::fixtures::learning::{enrolled, id, open_cohort, person, world};
use crate::fixtures::webhooks::{Receiver, app, conforms, receiver, subscribe};
use crate::helpers::TestApp;

fn counts(r: &Receiver) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for e in r.events() {
        *m.entry(e["type"].as_str().unwrap().to_owned()).or_insert(0) += 1;
    }
    m
}

fn expected(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Option<Value>) -> Value {
    let res = app
        .send(Method::POST, path, Some(token), body.as_ref())
        .await;
    assert!(res.status().is_success(), "POST {path}: {}", res.status());
    res.json().await.unwrap_or(Value::Null)
}

/// Waits until the receiver holds `n` events and a little longer (for any extra one).
async fn settled(r: &Receiver, n: usize) {
    r.wait_for(n).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
}

#[tokio::test]
async fn each_event_type_fires_once_per_cause_to_exactly_those_who_may_hear_it() {
    let app = app().await;
    let w = world(&app).await;
    let manage = |org: String| {
        let (app, admin) = (&app, w.admin.clone());
        async move {
            let c = app
                .create_client(&admin, &["webhooks:manage"], Some(&org))
                .await;
            app.token(&c).await
        }
    };
    let (token_a, token_b) = (
        manage(w.org.clone()).await,
        manage(w.other_org.clone()).await,
    );
    let academy_token = app.token_with(&w.admin, &["webhooks:manage"]).await;
    let (academy, a, b) = (
        receiver(200).await,
        receiver(200).await,
        receiver(200).await,
    );
    let (academy_hook, _) = subscribe(&app, &academy_token, &academy.url, &[]).await;
    subscribe(&app, &token_a, &a.url, &[]).await;
    subscribe(&app, &token_b, &b.url, &[]).await;
    let admin = w.admin.as_str();

    // Cohort A: one seat and a waitlist.
    let cohort = id(&open_cohort(&app, admin, 1, true).await);
    let people: Vec<String> = futures_util::future::join_all(
        (1..=4).map(|n| person(&app, &w.org_token, n, Some(&w.org))),
    )
    .await
    .iter()
    .map(id)
    .collect();
    let e1 = enrolled(&app, &w.org_token, &cohort, &people[0]).await;
    let e2 = enrolled(&app, &w.org_token, &cohort, &people[1]).await;
    assert_eq!(e2["status"], "waitlisted");
    post(
        &app,
        &w.org_token,
        &format!("/api/v1/enrolments/{}/withdraw", id(&e1)),
        None,
    )
    .await; // withdrawn + promoted
    let path = format!("/api/v1/cohorts/{cohort}");
    // A new label alone is no news to learners: no cohort.updated.
    let tag = app.etag_as(&path, admin).await;
    let res = app
        .patch_if_match(&path, admin, &tag, &json!({"label": "Renamed"}))
        .await;
    assert_eq!(res.status(), 200);
    let tag = app.etag_as(&path, admin).await;
    let res = app
        .patch_if_match(&path, admin, &tag, &json!({"capacity": 3}))
        .await;
    assert_eq!(res.status(), 200);
    let e3 = enrolled(&app, &w.org_token, &cohort, &people[2]).await;
    post(
        &app,
        admin,
        &format!("/api/v1/cohorts/{cohort}/start"),
        None,
    )
    .await;
    post(
        &app,
        admin,
        &format!("/api/v1/enrolments/{}/complete", id(&e2)),
        None,
    )
    .await;
    post(
        &app,
        admin,
        &format!("/api/v1/enrolments/{}/not-complete", id(&e3)),
        None,
    )
    .await;
    post(
        &app,
        admin,
        &format!("/api/v1/cohorts/{cohort}/complete"),
        None,
    )
    .await;

    // Cohort B, cancelled with a place on it.
    let other = id(&open_cohort(&app, admin, 5, false).await);
    enrolled(&app, &w.org_token, &other, &people[3]).await;
    post(
        &app,
        admin,
        &format!("/api/v1/cohorts/{other}/cancel"),
        None,
    )
    .await;

    // Cohort C, commissioned by organisation A.
    let body = json!({"label": "Commissioned", "start_date": "2027-03-01", "end_date": "2027-06-30", "capacity": 5,
        "waitlist_enabled": false, "delivery_mode": "blended", "commissioning_organisation_id": w.org});
    let commissioned = id(&post(
        &app,
        admin,
        "/api/v1/programmes/vital-signs/cohorts",
        Some(body),
    )
    .await);
    post(
        &app,
        admin,
        &format!("/api/v1/cohorts/{commissioned}/open"),
        None,
    )
    .await;

    // A person erased; a community session scheduled and cancelled; a programme published
    // and retired; a ping.
    let res = app
        .send(
            Method::DELETE,
            &format!("/api/v1/people/{}", people[0]),
            Some(&w.org_token),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    let session = post(
        &app,
        admin,
        "/api/v1/communities/facilitation/sessions",
        Some(json!({"title": "Spring",
        "starts_at": "2027-04-12T14:00:00Z", "duration_minutes": 60, "format": "virtual",
        "joining_link": "https://meet.example.org/cop"})),
    )
    .await;
    post(
        &app,
        admin,
        &format!(
            "/api/v1/communities/facilitation/sessions/{}/cancel",
            id(&session)
        ),
        None,
    )
    .await;
    let mut programme = new_programme();
    programme["status"] = json!("published");
    let created = post(&app, admin, "/api/v1/programmes", Some(programme)).await;
    let path = format!("/api/v1/programmes/{}", id(&created));
    let tag = app.etag_as(&path, admin).await;
    assert_eq!(
        app.patch_if_match(&path, admin, &tag, &json!({"status": "retired"}))
            .await
            .status(),
        200
    );
    post(
        &app,
        &academy_token,
        &format!("/api/v1/webhooks/{academy_hook}/ping"),
        None,
    )
    .await;

    let public = [
        ("cohort.opened", 2),
        ("cohort.updated", 1),
        ("cohort.started", 1),
        ("cohort.completed", 1),
        ("cohort.cancelled", 1),
        ("community.session.scheduled", 1),
        ("community.session.cancelled", 1),
        ("programme.published", 1),
        ("programme.retired", 1),
    ];
    let of_a = [
        ("enrolment.created", 4),
        ("enrolment.withdrawn", 1),
        ("enrolment.promoted", 1),
        ("enrolment.completed", 1),
        ("enrolment.not_completed", 1),
        ("enrolment.cancelled", 1),
        ("person.erased", 1),
    ];
    let mut all: Vec<(&str, usize)> = public.iter().chain(of_a.iter()).copied().collect();
    all.retain(|(t, _)| *t != "cohort.opened");
    all.extend([("cohort.opened", 3), ("webhook.ping", 1)]);
    let mut own: Vec<(&str, usize)> = public.iter().chain(of_a.iter()).copied().collect();
    own.retain(|(t, _)| *t != "cohort.opened");
    own.push(("cohort.opened", 3));

    settled(&academy, all.iter().map(|(_, n)| n).sum()).await;
    settled(&a, own.iter().map(|(_, n)| n).sum()).await;
    settled(&b, public.iter().map(|(_, n)| n).sum()).await;
    assert_eq!(
        counts(&academy),
        expected(&all),
        "the academy hears every event once"
    );
    assert_eq!(
        counts(&a),
        expected(&own),
        "A hears its own people, its commissioned cohort and the public"
    );
    assert_eq!(
        counts(&b),
        expected(&public),
        "B hears only the public events"
    );
    for e in academy.events() {
        conforms(&e);
    }
    for e in b.events() {
        assert!(
            e["data"].get("person_id").is_none(),
            "B never hears of A's people: {e}"
        );
        assert_ne!(
            e["data"]["id"],
            json!(commissioned),
            "nor of A's commissioned cohort"
        );
    }
    let erased = academy
        .events()
        .into_iter()
        .find(|e| e["type"] == "person.erased")
        .unwrap();
    assert_eq!(erased["data"]["id"], json!(people[0]));
    assert!(
        erased.to_string().find("EMP-").is_none(),
        "an erased person's reference is never sent"
    );
}

//! Learning needs through HTTP, and the events of commissioning: each fires once per
//! cause, to the requesting organisation's endpoints and the academy's only.

use reqwest::Method;
use serde_json::{Value, json};

use crate::commissioning::{brief, call, parties, submitted};
use crate::fixtures::learning::id;
use crate::fixtures::webhooks::{conforms, receiver, subscribe};
use crate::helpers::{assert_problem, fields, spawn_app};

#[tokio::test]
async fn an_organisation_records_and_reads_its_own_learning_needs() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let need = json!({"year": 2027, "priority": "learning-together", "system_level": "micro",
                      "staff_group": "Healthcare support workers", "headcount": 120, "programme": "vital-signs"});
    let (status, ours) = call(
        &app,
        &p.a,
        Method::POST,
        "/api/v1/learning-needs",
        Some(need.clone()),
    )
    .await;
    assert_eq!(status, 201, "{ours}");
    assert_eq!(ours["organisation_id"], p.w.org.as_str());
    assert_eq!(ours["priority"]["code"], 6);
    let (_, theirs) = call(
        &app,
        &p.b,
        Method::POST,
        "/api/v1/learning-needs",
        Some(need),
    )
    .await;
    let path = |n: &Value| format!("/api/v1/learning-needs/{}", id(n));
    assert_eq!(
        call(&app, &p.a, Method::GET, &path(&ours), None).await.0,
        200
    );
    assert_eq!(
        call(&app, &p.a, Method::GET, &path(&theirs), None).await.0,
        404
    );
    assert_eq!(
        call(&app, &p.a, Method::DELETE, &path(&theirs), None)
            .await
            .0,
        404
    );
    let (_, list) = call(
        &app,
        &p.a,
        Method::GET,
        "/api/v1/learning-needs?year=2027",
        None,
    )
    .await;
    let ids: Vec<String> = list["data"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, vec![id(&ours)]);
    let (_, all) = call(
        &app,
        &p.academy,
        Method::GET,
        "/api/v1/learning-needs?priority=6",
        None,
    )
    .await;
    assert_eq!(all["data"].as_array().unwrap().len(), 2);
    let (_, none) = call(
        &app,
        &p.academy,
        Method::GET,
        "/api/v1/learning-needs?year=2028",
        None,
    )
    .await;
    assert_eq!(none["data"], json!([]));
    for (body, field) in [
        (
            json!({"priority": 6, "system_level": "micro", "staff_group": "Nurses", "headcount": 3}),
            "year",
        ),
        (
            json!({"year": 2027, "priority": 9, "system_level": "micro", "staff_group": "Nurses", "headcount": 3}),
            "priority",
        ),
        (
            json!({"year": 2027, "priority": 6, "staff_group": "Nurses", "headcount": 3}),
            "system_level",
        ),
        (
            json!({"year": 2027, "priority": 6, "system_level": "micro", "staff_group": "Nurses", "headcount": 0}),
            "headcount",
        ),
    ] {
        let res = app
            .send(
                Method::POST,
                "/api/v1/learning-needs",
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
    // Deleted: gone from reads and lists, a tombstone in delta sync.
    let since = ours["updated_at"].as_str().unwrap().to_owned();
    assert_eq!(
        call(&app, &p.a, Method::DELETE, &path(&ours), None).await.0,
        204
    );
    assert_eq!(
        call(&app, &p.a, Method::GET, &path(&ours), None).await.0,
        404
    );
    assert_eq!(
        call(&app, &p.a, Method::DELETE, &path(&ours), None).await.0,
        404
    );
    let (_, list) = call(&app, &p.a, Method::GET, "/api/v1/learning-needs", None).await;
    assert_eq!(list["data"], json!([]), "no deleted need in a list");
    let delta = format!(
        "/api/v1/learning-needs?updated_since={}",
        since.replace('+', "%2B")
    );
    let (_, changes) = call(&app, &p.a, Method::GET, &delta, None).await;
    let tombstones = changes["data"].as_array().unwrap();
    assert_eq!(tombstones.len(), 1, "{changes}");
    assert_eq!(tombstones[0]["id"], ours["id"]);
    assert!(tombstones[0]["deleted_at"].is_string(), "{changes}");
    assert!(tombstones[0]["updated_at"].as_str().unwrap() > since.as_str());
}

#[tokio::test]
async fn learning_needs_come_in_cursor_pages_in_change_order() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let mut recorded = Vec::new();
    for headcount in 1..=5 {
        let n = crate::commissioning::recorded_need(
            &app,
            &p.a,
            crate::commissioning::need(headcount, None),
        )
        .await;
        recorded.push(id(&n));
    }
    let mut seen = Vec::new();
    let mut next = "/api/v1/learning-needs?limit=2".to_owned();
    loop {
        let (status, page) = call(&app, &p.a, Method::GET, &next, None).await;
        assert_eq!(status, 200, "{page}");
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= 2);
        seen.extend(data.iter().map(id));
        match page["next_cursor"].as_str() {
            Some(c) => next = format!("/api/v1/learning-needs?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, recorded, "every need once, in change order");
    let res = app
        .send(
            Method::GET,
            "/api/v1/learning-needs?cursor=nonsense",
            Some(&p.a),
            None,
        )
        .await;
    assert_eq!(fields(&assert_problem(res, 400).await), vec!["cursor"]);
}

#[tokio::test]
async fn commissioning_events_reach_the_organisation_and_the_academy_once_per_cause() {
    let app = crate::fixtures::webhooks::app().await;
    let p = parties(&app).await;
    let hooks = |org: Option<String>| {
        let (app, admin) = (&app, p.w.admin.clone());
        async move {
            match org {
                Some(o) => {
                    let c = app
                        .create_client(&admin, &["webhooks:manage"], Some(&o))
                        .await;
                    app.token(&c).await
                }
                None => app.token_with(&admin, &["webhooks:manage"]).await,
            }
        }
    };
    let (ta, tb, tacademy) = (
        hooks(Some(p.w.org.clone())).await,
        hooks(Some(p.w.other_org.clone())).await,
        hooks(None).await,
    );
    let (ra, rb, racademy) = (
        receiver(200).await,
        receiver(200).await,
        receiver(200).await,
    );
    let types = [
        "commissioning.submitted",
        "commissioning.status_changed",
        "commissioning.message_posted",
        "learning_need.recorded",
    ];
    subscribe(&app, &ta, &ra.url, &types).await;
    subscribe(&app, &tb, &rb.url, &types).await;
    subscribe(&app, &tacademy, &racademy.url, &types).await;

    let r = id(&submitted(&app, &p.a, brief()).await);
    let post = |path: String, token: String, body: Value| {
        let app = &app;
        async move {
            let (status, b) = call(app, &token, Method::POST, &path, Some(body)).await;
            assert!((200..300).contains(&status), "{path}: {b}");
        }
    };
    post(
        format!("/api/v1/commissioning-requests/{r}/review"),
        p.academy.clone(),
        json!({}),
    )
    .await;
    post(
        format!("/api/v1/commissioning-requests/{r}/messages"),
        p.a.clone(),
        json!({"text": "Hello"}),
    )
    .await;
    post("/api/v1/learning-needs".into(), p.a.clone(),
         json!({"year": 2027, "priority": 6, "system_level": "meso", "staff_group": "Nurses", "headcount": 30})).await;
    // A change the store refuses (a second review: 409) emits nothing.
    let (status, _) = call(
        &app,
        &p.academy,
        Method::POST,
        &format!("/api/v1/commissioning-requests/{r}/review"),
        None,
    )
    .await;
    assert_eq!(status, 409);

    for receiver in [&ra, &racademy] {
        let events = receiver.wait_for(4).await;
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        let events = if receiver.events().len() > events.len() {
            receiver.events()
        } else {
            events
        };
        let mut got: Vec<String> = events
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect();
        got.sort();
        let mut want: Vec<String> = types.iter().map(|t| (*t).to_owned()).collect();
        want.sort();
        assert_eq!(got, want, "each event once");
        for e in &events {
            conforms(e);
            assert_eq!(e["data"]["organisation_id"], p.w.org.as_str());
            assert!(
                e["data"].get("text").is_none() && e["data"].get("needs").is_none(),
                "thin: {e}"
            );
        }
    }
    assert!(
        rb.events().is_empty(),
        "B hears nothing of A's commissioning"
    );
}

#[tokio::test]
async fn a_request_delivered_by_its_cohort_changes_status_once_more() {
    let app = crate::fixtures::webhooks::app().await;
    let p = parties(&app).await;
    let hooks = app.token_with(&p.w.admin, &["webhooks:manage"]).await;
    let heard = receiver(200).await;
    subscribe(&app, &hooks, &heard.url, &["commissioning.status_changed"]).await;
    let r = crate::commissioning::agreed(&app, &p, crate::commissioning::programme_request()).await;
    let cohorts = format!("/api/v1/commissioning-requests/{r}/cohorts");
    let (status, cohort) = call(&app, &p.academy, Method::POST, &cohorts, Some(json!({}))).await;
    assert_eq!(status, 201, "{cohort}");
    let steps = ["open", "start", "complete"];
    crate::commissioning::run(&app, &p.w.admin, &id(&cohort), &steps).await;
    let events = heard.wait_for(3).await;
    let mut statuses: Vec<&str> = events
        .iter()
        .map(|e| e["data"]["status"].as_str().unwrap())
        .collect();
    // Each once; sent concurrently, in no promised order within a batch.
    statuses.sort_unstable();
    assert_eq!(statuses, ["agreed", "delivered", "in_review"], "once each");
    for e in &events {
        conforms(e);
        assert_eq!(e["data"]["id"], r.as_str());
    }
}

//! A request's state machine from every state through HTTP (each refusal a 409 naming the
//! state; `status_reason` the reason of the change into the current state), delta sync of
//! requests, and the audit of every commissioning change.

use reqwest::Method;
use serde_json::{Value, json};

use crate::commissioning::{
    act, agreed, brief, call, need, parties, programme_request, recorded_need, request, run,
    submitted,
};
use crate::fixtures::learning::{id, person};
use crate::helpers::{TestApp, spawn_app};

/// Every action but `allowed` is refused with a 409 naming `state`.
async fn refuses_all_but(app: &TestApp, token: &str, r: &str, state: &str, allowed: &[&str]) {
    for action in ["review", "agree", "decline", "withdraw"] {
        if allowed.contains(&action) {
            continue;
        }
        let (status, problem) =
            act(app, token, r, action, Some(json!({"reason": "Because"}))).await;
        assert_eq!(status, 409, "{state}: {action}: {problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(state), "{action} names {state}: {detail}");
    }
}

#[tokio::test]
async fn each_state_allows_only_what_the_machine_says() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let body = programme_request();
    let r = id(&submitted(&app, &p.a, body.clone()).await);
    refuses_all_but(&app, &p.academy, &r, "submitted", &["review", "withdraw"]).await;
    let (_, reviewed) = act(
        &app,
        &p.academy,
        &r,
        "review",
        Some(json!({"reason": "Looking"})),
    )
    .await;
    assert_eq!(reviewed["status_reason"], "Looking");
    refuses_all_but(
        &app,
        &p.academy,
        &r,
        "in_review",
        &["agree", "decline", "withdraw"],
    )
    .await;
    // Withdrawn from review, without a reason: the review's note is not its reason.
    let (status, withdrawn) = act(&app, &p.a, &r, "withdraw", None).await;
    assert_eq!(
        (status, withdrawn["status"].as_str()),
        (200, Some("withdrawn"))
    );
    assert_eq!(withdrawn["status_reason"], Value::Null);
    refuses_all_but(&app, &p.academy, &r, "withdrawn", &[]).await;

    let r = id(&submitted(&app, &p.a, body).await);
    act(&app, &p.academy, &r, "review", None).await;
    let (status, agreed) = act(
        &app,
        &p.academy,
        &r,
        "agree",
        Some(json!({"reason": "Yes"})),
    )
    .await;
    assert_eq!(
        (status, agreed["status_reason"].as_str()),
        (200, Some("Yes"))
    );
    refuses_all_but(&app, &p.academy, &r, "agreed", &[]).await;
    let (status, problem) = act(&app, &p.a, &r, "withdraw", None).await;
    assert_eq!(
        status, 409,
        "a partner cannot withdraw an agreed request: {problem}"
    );
    // Delivered when its one cohort completes; the agreement's reason stays.
    let cohorts = format!("/api/v1/commissioning-requests/{r}/cohorts");
    let (status, cohort) = call(&app, &p.academy, Method::POST, &cohorts, Some(json!({}))).await;
    assert_eq!(status, 201, "{cohort}");
    run(
        &app,
        &p.w.admin,
        &id(&cohort),
        &["open", "start", "complete"],
    )
    .await;
    let delivered = request(&app, &p.a, &r).await;
    assert_eq!(delivered["status"], "delivered");
    assert_eq!(delivered["status_reason"], "Yes");
    refuses_all_but(&app, &p.academy, &r, "delivered", &[]).await;
    let (status, _) = call(&app, &p.academy, Method::POST, &cohorts, Some(json!({}))).await;
    assert_eq!(status, 409, "a delivered request takes no more cohorts");
}

#[tokio::test]
async fn updated_since_lists_the_requests_changed_in_change_order() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let first = id(&submitted(&app, &p.a, brief()).await);
    let second = submitted(&app, &p.a, brief()).await;
    let since = second["updated_at"].as_str().unwrap().replace('+', "%2B");
    let path = format!("/api/v1/commissioning-requests?updated_since={since}");
    let ids = |l: &Value| -> Vec<String> { l["data"].as_array().unwrap().iter().map(id).collect() };
    let (_, changed) = call(&app, &p.a, Method::GET, &path, None).await;
    assert_eq!(ids(&changed), vec![id(&second)]);
    act(&app, &p.a, &first, "withdraw", None).await;
    let (_, changed) = call(&app, &p.a, Method::GET, &path, None).await;
    assert_eq!(
        ids(&changed),
        vec![id(&second), first.clone()],
        "the withdrawal is a change"
    );
    let (_, theirs) = call(&app, &p.b, Method::GET, &path, None).await;
    assert_eq!(
        theirs["data"],
        json!([]),
        "another organisation's changes are not B's"
    );
}

#[tokio::test]
async fn every_commissioning_change_is_audited() {
    let app = spawn_app().await;
    let p = parties(&app).await;
    let contact = id(&person(&app, &p.a, 1, Some(&p.w.org)).await);
    let mut body = programme_request();
    body["contact_person_id"] = json!(contact);
    let r = agreed(&app, &p, body).await;
    let messages = format!("/api/v1/commissioning-requests/{r}/messages");
    call(
        &app,
        &p.a,
        Method::POST,
        &messages,
        Some(json!({"text": "Thanks"})),
    )
    .await;
    let cohorts = format!("/api/v1/commissioning-requests/{r}/cohorts");
    call(&app, &p.academy, Method::POST, &cohorts, Some(json!({}))).await;
    let need = recorded_need(&app, &p.a, need(9, None)).await;
    let need_path = format!("/api/v1/learning-needs/{}", id(&need));
    assert_eq!(
        call(&app, &p.a, Method::DELETE, &need_path, None).await.0,
        204
    );
    let erase = format!("/api/v1/people/{contact}");
    assert!((200..300).contains(&call(&app, &p.w.admin, Method::DELETE, &erase, None).await.0));

    let of = |resource: String| {
        let (app, admin) = (&app, p.w.admin.clone());
        async move {
            let log = app
                .get_json_as(
                    &format!("/api/v1/audit?limit=100&resource_id={resource}"),
                    &admin,
                )
                .await;
            let mut actions: Vec<String> = log["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["action"].as_str().unwrap().to_owned())
                .collect();
            actions.sort();
            actions
        }
    };
    assert_eq!(
        of(r.clone()).await,
        [
            "commissioning_request.agree",
            "commissioning_request.contact_erased",
            "commissioning_request.create",
            "commissioning_request.link_cohort",
            "commissioning_request.review",
        ]
    );
    assert_eq!(
        of(id(&need)).await,
        ["learning_need.create", "learning_need.delete"]
    );
    let (_, thread) = call(&app, &p.a, Method::GET, &messages, None).await;
    assert_eq!(
        of(id(&thread["data"][0])).await,
        ["commissioning_message.create"]
    );
    // The request stays, without its contact.
    let kept = request(&app, &p.a, &r).await;
    assert_eq!(
        (kept["status"].as_str(), &kept["contact_person_id"]),
        (Some("agreed"), &Value::Null)
    );
}

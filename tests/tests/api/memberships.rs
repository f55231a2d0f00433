//! Community memberships: joining, leaving and rejoining with the history kept, moving
//! between communities, and who may see and change whose memberships.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::communities::{join, leave};
use crate::fixtures::{person, world};
use crate::helpers::{TestApp, assert_problem, fields, spawn_app};

async fn memberships(app: &TestApp, token: &str, person: &Value) -> Vec<Value> {
    let id = person["id"].as_str().unwrap();
    let body = app
        .get_json_as(&format!("/api/v1/people/{id}/memberships"), token)
        .await;
    body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_person_joins_many_leaves_and_rejoins_with_the_history_kept() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let p = person(&app, &w.admin, 1, Some(&w.org)).await;
    for c in ["leadership", "facilitation", "culture-change"] {
        let res = join(&app, &w.admin, c, &p, "member").await;
        assert_eq!(res.status(), 201, "{c}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["community_slug"], c);
        assert!(body["left_at"].is_null());
    }
    let again = join(&app, &w.admin, "facilitation", &p, "member").await;
    assert_eq!(fields(&assert_problem(again, 409).await), vec!["person_id"]);
    assert_eq!(memberships(&app, &w.admin, &p).await.len(), 3);

    assert_eq!(
        leave(&app, &w.admin, "facilitation", &p).await.status(),
        204
    );
    assert_problem(leave(&app, &w.admin, "facilitation", &p).await, 404).await;
    let facilitation = app.get_json("/api/v1/communities/facilitation", 200).await;
    assert_eq!(facilitation["member_count"], 0);

    let res = join(&app, &w.admin, "facilitation", &p, "facilitator").await;
    assert_eq!(res.status(), 201);
    let history = memberships(&app, &w.admin, &p).await;
    let facilitation: Vec<&Value> = history
        .iter()
        .filter(|m| m["community_slug"] == "facilitation")
        .collect();
    assert_eq!(facilitation.len(), 2, "the old membership is kept");
    assert!(facilitation[0]["left_at"].is_string());
    assert_eq!(facilitation[0]["role"], "member");
    assert!(facilitation[1]["left_at"].is_null());
    assert_eq!(facilitation[1]["role"], "facilitator");
    let live = history.iter().filter(|m| m["left_at"].is_null()).count();
    assert_eq!(live, 3);
}

#[tokio::test]
async fn partner_clients_manage_only_their_own_peoples_memberships() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let c = app
        .create_client(
            &w.admin,
            &["memberships:write", "people:read"],
            Some(&w.org),
        )
        .await;
    let partner = app.token(&c).await;
    let ours = person(&app, &w.admin, 1, Some(&w.org)).await;
    let theirs = person(&app, &w.admin, 2, Some(&w.other_org)).await;

    assert_eq!(
        join(&app, &partner, "leadership", &ours, "member")
            .await
            .status(),
        201
    );
    assert_problem(
        join(&app, &partner, "leadership", &theirs, "member").await,
        404,
    )
    .await;
    assert_eq!(
        join(&app, &w.admin, "leadership", &theirs, "member")
            .await
            .status(),
        201
    );
    assert_problem(leave(&app, &partner, "leadership", &theirs).await, 404).await;
    assert_eq!(memberships(&app, &partner, &ours).await.len(), 1);
    let id = theirs["id"].as_str().unwrap();
    let res = app
        .send(
            Method::GET,
            &format!("/api/v1/people/{id}/memberships"),
            Some(&partner),
            None,
        )
        .await;
    assert_problem(res, 404).await;

    let anonymous = app
        .send(
            Method::POST,
            "/api/v1/communities/leadership/members",
            None,
            Some(&json!({"person_id": ours["id"]})),
        )
        .await;
    assert_problem(anonymous, 401).await;
    assert_problem(
        join(&app, &w.org_token, "leadership", &ours, "member").await,
        403,
    )
    .await;
    let community = app.get_json("/api/v1/communities/leadership", 200).await;
    assert_eq!(community["member_count"], 2);
}

#[tokio::test]
async fn refuses_an_unknown_role_or_community() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let p = person(&app, &w.admin, 1, Some(&w.org)).await;
    let problem = assert_problem(join(&app, &w.admin, "leadership", &p, "chair").await, 422).await;
    assert_eq!(fields(&problem), vec!["role"]);
    assert!(
        problem.to_string().contains("citizen_representative"),
        "{problem}"
    );
    assert_problem(
        join(&app, &w.admin, "no-such-community", &p, "member").await,
        404,
    )
    .await;
    let body = app.get_json("/api/v1/communities/leadership", 200).await;
    assert_eq!(body["member_count"], 0, "nothing written");
}

#[tokio::test]
async fn moving_leaves_one_community_and_joins_another_atomically() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let p = person(&app, &w.admin, 1, Some(&w.org)).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/people/{id}/memberships/move");
    assert_eq!(
        join(&app, &w.admin, "facilitation", &p, "member")
            .await
            .status(),
        201
    );
    assert_eq!(
        join(&app, &w.admin, "leadership", &p, "member")
            .await
            .status(),
        201
    );

    // Joining a community they already belong to fails, so they stay where they were.
    let body = json!({"from": "facilitation", "to": "leadership"});
    let res = app
        .send(Method::POST, &path, Some(&w.admin), Some(&body))
        .await;
    assert_problem(res, 409).await;
    let live: Vec<String> = memberships(&app, &w.admin, &p)
        .await
        .iter()
        .filter(|m| m["left_at"].is_null())
        .map(|m| m["community_slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        live,
        vec!["facilitation", "leadership"],
        "nothing half-written"
    );

    let body =
        json!({"from": "facilitation", "to": "innovation-and-improvement", "role": "facilitator"});
    let res = app
        .send(Method::POST, &path, Some(&w.admin), Some(&body))
        .await;
    assert_eq!(res.status(), 200);
    let moved: Value = res.json().await.unwrap();
    assert_eq!(moved["left"]["community_slug"], "facilitation");
    assert!(moved["left"]["left_at"].is_string());
    assert_eq!(
        moved["joined"]["community_slug"],
        "innovation-and-improvement"
    );
    assert_eq!(moved["joined"]["role"], "facilitator");
    let facilitation = app.get_json("/api/v1/communities/facilitation", 200).await;
    assert_eq!(facilitation["member_count"], 0);

    let same = json!({"from": "leadership", "to": "leadership"});
    let res = app
        .send(Method::POST, &path, Some(&w.admin), Some(&same))
        .await;
    assert_eq!(fields(&assert_problem(res, 422).await), vec!["to"]);
    let not_member = json!({"from": "facilitation", "to": "culture-change"});
    let res = app
        .send(Method::POST, &path, Some(&w.admin), Some(&not_member))
        .await;
    assert_problem(res, 404).await;
    assert_eq!(memberships(&app, &w.admin, &p).await.len(), 3);
}

#[tokio::test]
async fn member_lists_are_visible_to_admins_and_to_each_members_organisation_only() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let ours = person(&app, &w.admin, 1, Some(&w.org)).await;
    let theirs = person(&app, &w.admin, 2, Some(&w.other_org)).await;
    let citizen = person(&app, &w.admin, 3, None).await;
    for (p, role) in [
        (&ours, "ics_lead"),
        (&theirs, "system_leader"),
        (&citizen, "citizen_representative"),
    ] {
        assert_eq!(
            join(&app, &w.admin, "culture-change", p, role)
                .await
                .status(),
            201
        );
    }
    let path = "/api/v1/communities/culture-change/members";
    let ids = |body: &Value| -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["person_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = app.get_json_as(path, &w.admin).await;
    assert_eq!(ids(&all).len(), 3);
    let own = app.get_json_as(path, &w.org_token).await;
    assert_eq!(ids(&own), vec![ours["id"].as_str().unwrap().to_owned()]);
    assert_eq!(own["data"][0]["role"], "ics_lead");
    let other = app.get_json_as(path, &w.other_token).await;
    assert_eq!(ids(&other), vec![theirs["id"].as_str().unwrap().to_owned()]);
    assert_problem(app.send(Method::GET, path, None, None).await, 401).await;

    let public = app
        .get_json("/api/v1/communities/culture-change", 200)
        .await;
    assert_eq!(public["member_count"], 3, "everyone else sees the count");
    assert_eq!(public["leadership_complete"], true);
}

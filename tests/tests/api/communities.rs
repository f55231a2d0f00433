//! Communities of Practice: the seeded portfolio and leadership completeness.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_problem, fields, slugs, spawn_app};
use crate::learning::{person, world};

const STEMS: [&str; 5] = [
    "practice_development",
    "leadership",
    "facilitation",
    "innovation_and_improvement",
    "culture_change",
];

async fn communities(app: &TestApp, query: &str) -> Vec<Value> {
    let body = app
        .get_json(&format!("/api/v1/communities{query}"), 200)
        .await;
    body["data"].as_array().unwrap().clone()
}

/// Adds `person` to `community` in `role` as the holder of `token`.
async fn join(
    app: &TestApp,
    token: &str,
    community: &str,
    person: &Value,
    role: &str,
) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/api/v1/communities/{community}/members"),
        Some(token),
        Some(&json!({"person_id": person["id"], "role": role})),
    )
    .await
}

async fn leave(app: &TestApp, token: &str, community: &str, person: &Value) -> reqwest::Response {
    let id = person["id"].as_str().unwrap();
    app.send(
        Method::DELETE,
        &format!("/api/v1/communities/{community}/members/{id}"),
        Some(token),
        None,
    )
    .await
}

async fn memberships(app: &TestApp, token: &str, person: &Value) -> Vec<Value> {
    let id = person["id"].as_str().unwrap();
    let body = app
        .get_json_as(&format!("/api/v1/people/{id}/memberships"), token)
        .await;
    body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn seeds_one_community_per_venus_stem_with_the_prospectus_commitment() {
    let app = spawn_app().await;
    let all = communities(&app, "").await;
    let mut stems: Vec<&str> = all.iter().filter_map(|c| c["stem"].as_str()).collect();
    stems.sort_unstable();
    let mut expected = STEMS.to_vec();
    expected.sort_unstable();
    assert_eq!(stems, expected);
    for c in &all {
        assert_eq!(c["commitment"]["max_sessions_per_year"], 6, "{}", c["slug"]);
        assert_eq!(c["commitment"]["max_session_minutes"], 120, "{}", c["slug"]);
        assert_eq!(c["join_policy"], "open");
        assert_eq!(c["member_count"], 0);
        assert_eq!(c["leadership_complete"], false);
        let kind = c["kind"].as_str().unwrap();
        assert_eq!(kind == "venus_stem", c["stem"].is_string(), "{}", c["slug"]);
    }
    assert!(all.iter().any(|c| c["kind"] == "topic"));
    let names: Vec<String> = all
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "listed by name");
}

#[tokio::test]
async fn gets_a_community_by_id_or_slug_and_names_what_is_missing() {
    let app = spawn_app().await;
    let by_slug = app.get_json("/api/v1/communities/facilitation", 200).await;
    assert_eq!(by_slug["stem"], "facilitation");
    let id = by_slug["id"].as_str().unwrap();
    let by_id = app
        .get_json(&format!("/api/v1/communities/{id}"), 200)
        .await;
    assert_eq!(by_id, by_slug);
    let problem = app
        .get_problem("/api/v1/communities/no-such-community", 404)
        .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no-such-community")
    );
    let unknown = Uuid::now_v7();
    app.get_problem(&format!("/api/v1/communities/{unknown}"), 404)
        .await;
}

#[tokio::test]
async fn tracks_the_tripartite_leadership_and_filters_incomplete_communities() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let community = app.get_json("/api/v1/communities/leadership", 200).await;
    assert!(
        community.get("members").is_none(),
        "public reads show counts, not members"
    );
    let missing: Vec<&str> = community["missing_leadership"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        missing,
        vec!["ics_lead", "citizen_representative", "system_leader"]
    );

    assert!(communities(&app, "?leadership=complete").await.is_empty());

    let roles = [
        "ics_lead",
        "citizen_representative",
        "system_leader",
        "member",
    ];
    let mut people = Vec::new();
    for (n, role) in roles.into_iter().enumerate() {
        let org = (role != "citizen_representative").then_some(w.org.as_str());
        let p = person(&app, &w.admin, n, org).await;
        people.push(p.clone());
        assert_eq!(
            join(&app, &w.admin, "leadership", &p, role).await.status(),
            201
        );
        let now = app.get_json("/api/v1/communities/leadership", 200).await;
        assert_eq!(now["member_count"], n + 1);
        assert_eq!(
            now["leadership_complete"],
            n >= 2,
            "after {n} leaders joined"
        );
        assert_eq!(
            now["missing_leadership"].as_array().unwrap().len(),
            [2, 1, 0, 0][n],
        );
    }

    let incomplete = communities(&app, "?leadership=incomplete").await;
    assert!(!slugs(&incomplete).contains(&"leadership".to_owned()));
    assert_eq!(
        incomplete.len(),
        communities(&app, "").await.len() - 1,
        "every other seeded community still lacks leaders"
    );
    assert!(
        slugs(&communities(&app, "?leadership=complete").await) == vec!["leadership".to_owned()]
    );

    // The ICS lead steps down: the leadership is incomplete again, and says which role.
    assert_eq!(
        leave(&app, &w.admin, "leadership", &people[0])
            .await
            .status(),
        204
    );
    let now = app.get_json("/api/v1/communities/leadership", 200).await;
    assert_eq!(now["leadership_complete"], false);
    assert_eq!(now["missing_leadership"], json!(["ics_lead"]));
    assert!(communities(&app, "?leadership=complete").await.is_empty());
}

#[tokio::test]
async fn refuses_a_malformed_or_unknown_query_parameter() {
    let app = spawn_app().await;
    let problem = app
        .get_problem("/api/v1/communities?leadership=maybe", 400)
        .await;
    assert_eq!(fields(&problem), vec!["leadership"]);
    let problem = app.get_problem("/api/v1/communities?stemm=x", 400).await;
    assert_eq!(fields(&problem), vec!["stemm"]);
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

#[tokio::test]
async fn admins_create_communities_with_validated_fields() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json!({"name": "Digital Skills Community of Practice", "purpose": "Growing digital skills.",
        "kind": "topic", "max_sessions_per_year": 4});
    let res = app
        .send(
            Method::POST,
            "/api/v1/communities",
            Some(&admin),
            Some(&body),
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["slug"], "digital-skills-community-of-practice");
    assert_eq!(created["status"], "forming");
    assert_eq!(created["join_policy"], "open");
    assert_eq!(created["commitment"]["max_sessions_per_year"], 4);
    assert_eq!(created["commitment"]["max_session_minutes"], 120);
    assert_eq!(app.get_json(&location, 200).await, created);

    let again = app
        .send(
            Method::POST,
            "/api/v1/communities",
            Some(&admin),
            Some(&body),
        )
        .await;
    assert_eq!(fields(&assert_problem(again, 409).await), vec!["slug"]);
    let bad =
        json!({"name": "", "purpose": "x", "kind": "venus_stem", "max_session_minutes": 5000});
    let problem = assert_problem(
        app.send(
            Method::POST,
            "/api/v1/communities",
            Some(&admin),
            Some(&bad),
        )
        .await,
        422,
    )
    .await;
    let f = fields(&problem);
    assert!(f.contains(&"name".to_owned()), "{f:?}");
    assert!(
        f.contains(&"stem".to_owned()),
        "a venus_stem community needs its stem: {f:?}"
    );
    assert!(f.contains(&"max_session_minutes".to_owned()), "{f:?}");
    let partner = app.token_with(&admin, &["people:read"]).await;
    assert_problem(
        app.send(
            Method::POST,
            "/api/v1/communities",
            Some(&partner),
            Some(&body),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(
        communities(&app, "").await.len(),
        7,
        "six seeded and one created"
    );
}

#[tokio::test]
async fn admins_edit_a_community_with_a_merge_patch_and_if_match() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let path = "/api/v1/communities/culture-change";
    let res = app.get(path).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let patch = |body: Value, if_match: Option<String>| {
        let mut req = app
            .client
            .patch(app.url(path))
            .bearer_auth(&admin)
            .header("Content-Type", "application/merge-patch+json")
            .body(body.to_string());
        if let Some(tag) = if_match {
            req = req.header("If-Match", tag);
        }
        req.send()
    };
    let res = patch(
        json!({"status": "active", "max_sessions_per_year": 4}),
        Some(etag.clone()),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let new_etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "active");
    assert_eq!(body["commitment"]["max_sessions_per_year"], 4);
    assert_eq!(body["stem"], "culture_change", "absent fields are kept");

    assert_problem(
        patch(json!({"status": "closed"}), Some(etag))
            .await
            .unwrap(),
        412,
    )
    .await;
    assert_problem(patch(json!({"status": "closed"}), None).await.unwrap(), 428).await;
    let problem = assert_problem(
        patch(json!({"stem": null}), Some(new_etag.clone()))
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&problem), vec!["stem"]);
    let res = patch(json!({"kind": "topic", "stem": null}), Some(new_etag))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert!(body["stem"].is_null());
    assert_eq!(app.get_json(path, 200).await["kind"], "topic");

    let tag = app.get(path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        patch(json!({"status": "closed"}), Some(tag))
            .await
            .unwrap()
            .status(),
        200
    );
    let p = person(&app, &admin, 1, None).await;
    let problem = assert_problem(
        join(&app, &admin, "culture-change", &p, "member").await,
        409,
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("closed"),
        "{problem}"
    );
}

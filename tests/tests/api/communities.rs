//! Communities of Practice: the seeded portfolio and leadership completeness.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::fixtures::communities::{join, leave};
use crate::fixtures::{person, world};
use crate::helpers::{TestApp, assert_problem, fields, slugs, spawn_app};

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

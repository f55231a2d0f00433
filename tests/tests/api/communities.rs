//! Communities of Practice: the seeded portfolio and leadership completeness.

use domain::community::MemberRole;
use persistence::access::audit::AuditEntry;
use persistence::communities::memberships;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{TestApp, fields, slugs, spawn_app};
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

fn uuid(v: &Value) -> Uuid {
    Uuid::parse_str(v["id"].as_str().unwrap()).unwrap()
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
        MemberRole::IcsLead,
        MemberRole::CitizenRepresentative,
        MemberRole::SystemLeader,
        MemberRole::Member,
    ];
    let mut conn = app._db.connect();
    let audit = AuditEntry::by(None, None, "test");
    for (n, role) in roles.into_iter().enumerate() {
        let org = (role != MemberRole::CitizenRepresentative).then_some(w.org.as_str());
        let p = person(&app, &w.admin, n, org).await;
        memberships::join(&mut conn, uuid(&community), uuid(&p), role, &audit).unwrap();
        let now = app.get_json("/api/v1/communities/leadership", 200).await;
        assert_eq!(now["member_count"], n + 1);
        assert_eq!(
            now["leadership_complete"],
            n >= 2,
            "after {n} leaders joined"
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

//! Catalogue search: facet counts and text search (case, literal `%` and `_`).

use serde_json::Value;

use crate::fixtures::catalogue::has_in;
use crate::helpers::{fields, slugs, spawn_app};

#[tokio::test]
async fn facets_are_disjunctive_each_ignores_its_own_filter() {
    let app = spawn_app().await;
    const FACETS: [&str; 7] = [
        "theme",
        "level",
        "stem",
        "priority",
        "delivery_mode",
        "availability",
        "strand",
    ];
    let tagged = |p: &Value, facet: &str, value: &str| match facet {
        "stem" => has_in(p, "stems", value),
        "priority" => has_in(p, "priorities", value),
        _ => p[facet] == value,
    };
    for query in [
        "",
        "theme=facilitation",
        "theme=facilitation&theme=leadership&level=micro",
        "priority=3",
        "q=research",
        "level=micro&stem=culture_change",
        "delivery_mode=online&availability=scheduled",
        "strand=team_leadership&strand=systems_leadership&priority=6",
    ] {
        let body = app
            .get_json(&format!("/api/v1/programmes?limit=100&{query}"), 200)
            .await;
        let items = body["data"].as_array().unwrap();
        assert_eq!(
            body["total"].as_u64().unwrap() as usize,
            items.len(),
            "{query}: total is what every filter leaves"
        );
        for facet in FACETS {
            // What the same query gives without this facet's own parameter…
            let others: Vec<&str> = query
                .split('&')
                .filter(|p| !p.is_empty() && !p.starts_with(&format!("{facet}=")))
                .collect();
            let pool = app.all_programmes(&others.join("&")).await;
            // … is what the facet counts, per value.
            let counts = body["facets"][facet].as_array().unwrap();
            assert!(!counts.is_empty(), "{query}: {facet} lists every value");
            for c in counts {
                let value = c["value"].as_str().unwrap();
                let expected = pool.iter().filter(|p| tagged(p, facet, value)).count() as i64;
                assert_eq!(
                    c["count"].as_i64(),
                    Some(expected),
                    "{query}: {facet} {value}"
                );
            }
        }
    }
    // After choosing one theme, the others still count what they would add.
    let body = app
        .get_json("/api/v1/programmes?theme=facilitation", 200)
        .await;
    let themes = body["facets"]["theme"].as_array().unwrap();
    assert_eq!(themes.len(), 3);
    assert!(
        themes.iter().all(|t| t["count"].as_i64() > Some(0)),
        "{themes:?}"
    );
}

#[tokio::test]
async fn text_search_is_case_insensitive_over_title_what_and_who() {
    let app = spawn_app().await;
    let lower = app.all_programmes("q=research").await;
    assert!(!lower.is_empty());
    assert_eq!(
        slugs(&app.all_programmes("q=RESEARCH").await),
        slugs(&lower)
    );
    for p in &lower {
        let text = format!("{} {} {}", p["title"], p["what"], p["who"]).to_lowercase();
        assert!(text.contains("research"), "{}", p["slug"]);
    }
    // Matched in `who` only: "Care Homes" is in the who of Teaching & Learning Care Homes.
    assert!(
        slugs(&app.all_programmes("q=working%20in%20care%20homes").await)
            .contains(&"teaching-and-learning-care-homes".to_owned())
    );
    // Not searched: `how` text only.
    assert!(
        app.all_programmes("q=Achieving%20and%20Celebrating%20Excellence")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn percent_and_underscore_in_search_text_are_literal() {
    let app = spawn_app().await;
    // As LIKE wildcards these would match every programme.
    assert!(app.all_programmes("q=%25").await.is_empty());
    assert!(app.all_programmes("q=_").await.is_empty());
    assert!(app.all_programmes("q=a%25b").await.is_empty());
    assert!(app.all_programmes("q=%5C").await.is_empty());
    // An empty search is refused, as every empty parameter: leave it out instead.
    let p = app.get_problem("/api/v1/programmes?q=", 400).await;
    assert_eq!(fields(&p), vec!["q"]);
    assert_eq!(app.all_programmes("").await.len(), 23);
}

#[tokio::test]
async fn a_literal_percent_or_underscore_is_found_where_it_is_written() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for title in ["Reach 100% of teams", "Snake_case for clinicians"] {
        let body = serde_json::json!({"title": title, "theme": "leadership", "level": "micro", "what": "x",
            "delivery_mode": "online", "availability": "on_demand", "stems": ["leadership"], "priorities": [6], "status": "published"});
        let res = app
            .send(
                reqwest::Method::POST,
                "/api/v1/programmes",
                Some(&admin),
                Some(&body),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let found = app.all_programmes("q=100%25").await;
    assert_eq!(slugs(&found), vec!["reach-100-of-teams"]);
    let found = app.all_programmes("q=e_c").await;
    assert_eq!(slugs(&found), vec!["snake-case-for-clinicians"]);
    assert!(app.all_programmes("q=100%25%25").await.is_empty());
}

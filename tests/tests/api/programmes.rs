use serde_json::Value;

use crate::fixtures::catalogue::{has_in, values};
use crate::helpers::{TestApp, fields, slugs, spawn_app};

#[tokio::test]
async fn the_seeded_portfolio_has_23_published_programmes_sorted_by_title() {
    let app = spawn_app().await;
    let all = app.all_programmes("").await;
    assert_eq!(all.len(), 23);
    assert!(all.iter().all(|p| p["status"] == "published"));
    let titles: Vec<String> = all
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
    assert_eq!(values(&all, "theme").len(), 3);
    assert_eq!(values(&all, "level").len(), 3);
}

#[tokio::test]
async fn facilitation_at_team_level_is_champions4change_and_vital_signs() {
    let app = spawn_app().await;
    let found = app.all_programmes("theme=facilitation&level=micro").await;
    assert_eq!(slugs(&found), vec!["champions4change", "vital-signs"]);
    let titles: Vec<&str> = found.iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert!(titles[0].starts_with("Champions4Change") && titles[1].starts_with("VITAL Signs"));
}

async fn check_single_valued_facet(app: &TestApp, param: &str, key: &str, vocabulary: &[&str]) {
    let mut total = 0;
    for v in vocabulary {
        let found = app.all_programmes(&format!("{param}={v}")).await;
        assert!(found.iter().all(|p| p[key] == *v), "{param}={v}");
        total += found.len();
    }
    // "Not stated" (null) is no value: those programmes match none of the filter's values.
    let unstated = app
        .all_programmes("")
        .await
        .iter()
        .filter(|p| p[key].is_null())
        .count();
    assert_eq!(
        total + unstated,
        23,
        "{param} partitions the programmes that state it"
    );
}

#[tokio::test]
async fn each_single_valued_filter_selects_exactly_its_value() {
    let app = spawn_app().await;
    check_single_valued_facet(
        &app,
        "theme",
        "theme",
        &["leadership", "facilitation", "best_practice"],
    )
    .await;
    check_single_valued_facet(&app, "level", "level", &["macro", "meso", "micro"]).await;
    check_single_valued_facet(
        &app,
        "delivery_mode",
        "delivery_mode",
        &["online", "face_to_face", "blended", "residential"],
    )
    .await;
    check_single_valued_facet(
        &app,
        "availability",
        "availability",
        &["on_demand", "commissioned", "scheduled"],
    )
    .await;
}

#[tokio::test]
async fn stem_and_priority_filters_match_programmes_tagged_with_them() {
    let app = spawn_app().await;
    let all = app.all_programmes("").await;
    for stem in [
        "practice_development",
        "leadership",
        "facilitation",
        "innovation_and_improvement",
        "culture_change",
    ] {
        let expected: Vec<String> = slugs(
            &all.iter()
                .filter(|p| has_in(p, "stems", stem))
                .cloned()
                .collect::<Vec<_>>(),
        );
        let found = app.all_programmes(&format!("stem={stem}")).await;
        assert_eq!(slugs(&found), expected, "stem={stem}");
        assert!(!found.is_empty());
    }
    let learning: Vec<String> = slugs(
        &all.iter()
            .filter(|p| has_in(p, "priorities", "learning-together"))
            .cloned()
            .collect::<Vec<_>>(),
    );
    assert_eq!(slugs(&app.all_programmes("priority=6").await), learning);
    assert_eq!(
        slugs(&app.all_programmes("priority=learning-together").await),
        learning
    );
}

#[tokio::test]
async fn repeated_parameters_or_within_a_facet_and_facets_and_together() {
    let app = spawn_app().await;
    let leadership = app.all_programmes("theme=leadership").await.len();
    let facilitation = app.all_programmes("theme=facilitation").await.len();
    let either = app
        .all_programmes("theme=leadership&theme=facilitation")
        .await;
    assert_eq!(either.len(), leadership + facilitation);

    let two_priorities = app.all_programmes("priority=2&priority=7").await;
    assert!(two_priorities.iter().all(|p| {
        has_in(p, "priorities", "growing-and-developing-registrants")
            || has_in(p, "priorities", "improving-health-and-wellbeing")
    }));
    let p2 = app.all_programmes("priority=2").await.len();
    assert!(two_priorities.len() >= p2);

    let and = app
        .all_programmes("theme=best_practice&stem=practice_development&level=micro")
        .await;
    assert!(!and.is_empty());
    assert!(and.iter().all(|p| p["theme"] == "best_practice"
        && p["level"] == "micro"
        && has_in(p, "stems", "practice_development")));
}

#[tokio::test]
async fn status_defaults_to_published_and_drafts_need_catalogue_write() {
    let app = spawn_app().await;
    app.get_problem("/api/v1/programmes?status=draft", 401)
        .await;
    let token = app.admin_token().await;
    let res = app
        .send(
            reqwest::Method::GET,
            "/api/v1/programmes?status=draft",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["total"], 0);
    let both = app.all_programmes("status=retired&status=published").await;
    assert_eq!(both.len(), 23);
}

#[tokio::test]
async fn unknown_filter_values_are_400_listing_the_allowed_values() {
    let app = spawn_app().await;
    let p = app
        .get_problem(
            "/api/v1/programmes?theme=science&level=macro&level=mega&priority=9&stem=music",
            400,
        )
        .await;
    assert_eq!(fields(&p), vec!["theme", "level", "stem", "priority"]);
    let messages: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].contains("'science'")
            && messages[0].contains("leadership, facilitation, best_practice")
    );
    assert!(messages[1].contains("macro, meso, micro"));
    assert!(messages[2].contains("innovation_and_improvement"));
    assert!(messages[3].contains("learning-together"));
    for (param, allowed) in [
        ("delivery_mode=zoom", "face_to_face"),
        ("availability=never", "on_demand"),
        ("status=deleted", "retired"),
        ("sort=popularity", "-updated_at"),
    ] {
        let p = app
            .get_problem(&format!("/api/v1/programmes?{param}"), 400)
            .await;
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(allowed),
            "{param}: {p}"
        );
    }
}

#[tokio::test]
async fn unknown_query_parameters_are_400_naming_them() {
    let app = spawn_app().await;
    let p = app
        .get_problem(
            "/api/v1/programmes?colour=red&theme=leadership&Theme=x&colour=blue",
            400,
        )
        .await;
    assert_eq!(fields(&p), vec!["colour", "Theme"]);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("theme, level, stem, priority")
    );
}

#[tokio::test]
async fn a_programme_is_found_by_slug_or_id_with_full_detail() {
    let app = spawn_app().await;
    let by_slug = app
        .get_json("/api/v1/programmes/teaching-and-learning-care-homes", 200)
        .await;
    let id = by_slug["id"].as_str().unwrap();
    let by_id = app.get_json(&format!("/api/v1/programmes/{id}"), 200).await;
    assert_eq!(by_slug, by_id);
    assert_eq!(by_slug["theme"], "leadership");
    assert_eq!(by_slug["level"], "meso");
    let partners: Vec<&str> = by_slug["delivery_partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        partners,
        vec!["Foundation of Nursing Studies", "Care England"]
    );
    assert_eq!(by_slug["duration"]["min"], 12);
    assert_eq!(by_slug["duration"]["max"], 18);
    assert_eq!(by_slug["duration"]["unit"], "months");
    assert!(
        by_slug["what"]
            .as_str()
            .unwrap()
            .contains("Teaching & Learning Care Homes")
    );
    assert!(!by_slug["priorities"].as_array().unwrap().is_empty());

    let venus = app
        .get_json("/api/v1/programmes/venus-system-wide-transformation", 200)
        .await;
    assert_eq!(venus["stems"].as_array().unwrap().len(), 5);
    assert_eq!(venus["duration"]["summary"], "6–12 months, 1 day a month");
}

#[tokio::test]
async fn an_unknown_programme_is_a_404_problem() {
    let app = spawn_app().await;
    let p = app
        .get_problem("/api/v1/programmes/no-such-programme", 404)
        .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("'no-such-programme'")
    );
    let p = app
        .get_problem(&format!("/api/v1/programmes/{}", uuid::Uuid::now_v7()), 404)
        .await;
    assert_eq!(
        p["instance"].as_str().unwrap().len(),
        "/api/v1/programmes/".len() + 36
    );
}

#[tokio::test]
async fn etag_and_if_none_match_give_304() {
    let app = spawn_app().await;
    let url = app.url("/api/v1/programmes/vital-signs");
    let res = app.client.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong tag: {etag}"
    );

    let res = app
        .client
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);
    assert!(res.bytes().await.unwrap().is_empty());

    let weak = format!("W/{etag}");
    let res = app
        .client
        .get(&url)
        .header("If-None-Match", format!("\"other\", {weak}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304, "weak comparison");

    let res = app
        .client
        .get(&url)
        .header("If-None-Match", "*")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    let res = app
        .client
        .get(&url)
        .header("If-None-Match", "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["slug"], "vital-signs");
}

#[tokio::test]
async fn every_programme_has_a_card_summary_taken_from_what_it_is() {
    let app = spawn_app().await;
    let programmes = app.all_programmes("").await;
    assert_eq!(programmes.len(), 23);
    for p in programmes {
        let summary = p["summary"].as_str().unwrap();
        let what = p["what"].as_str().unwrap();
        assert!(
            !summary.is_empty() && summary.chars().count() <= 160,
            "{}: {summary}",
            p["slug"]
        );
        let words = what.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.starts_with(summary.trim_end_matches('…')),
            "{}: {summary}",
            p["slug"]
        );
    }
}

use crate::helpers::spawn_app;

#[tokio::test]
async fn lists_the_seven_priorities_with_the_report_wording() {
    let app = spawn_app().await;
    let body = app.get_json("/api/v1/priorities", 200).await;
    let data = body["data"].as_array().unwrap();
    let codes: Vec<i64> = data.iter().map(|p| p["code"].as_i64().unwrap()).collect();
    assert_eq!(codes, vec![1, 2, 3, 4, 5, 6, 7]);
    let titles: Vec<&str> = data.iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        vec![
            "Integrated Workforce Design",
            "Growing and Developing Registrants",
            "Working Across Organisations",
            "Preventing ill health",
            "Narrow Inequalities",
            "Learning together",
            "Improving Health and Wellbeing",
        ]
    );
    assert!(
        data[5]["description"]
            .as_str()
            .unwrap()
            .contains("systems leadership at middle management and digital skills")
    );
    assert!(
        data[4]["description"]
            .as_str()
            .unwrap()
            .contains("'one workforce employer'")
    );
}

#[tokio::test]
async fn counts_the_published_programmes_serving_each_priority() {
    let app = spawn_app().await;
    let body = app.get_json("/api/v1/priorities", 200).await;
    for p in body["data"].as_array().unwrap() {
        let code = p["code"].as_i64().unwrap();
        let served = app.all_programmes(&format!("priority={code}")).await;
        assert_eq!(
            p["published_programmes"].as_i64().unwrap(),
            served.len() as i64,
            "priority {code}"
        );
    }
    assert!(body["data"][5]["published_programmes"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn gets_a_priority_by_code_or_slug() {
    let app = spawn_app().await;
    let by_code = app.get_json("/api/v1/priorities/6", 200).await;
    let by_slug = app
        .get_json("/api/v1/priorities/learning-together", 200)
        .await;
    assert_eq!(by_code, by_slug);
    assert_eq!(by_code["slug"], "learning-together");
    assert!(by_code["published_programmes"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn an_unknown_priority_is_a_404_problem_listing_the_valid_ones() {
    let app = spawn_app().await;
    for bad in ["8", "0", "learning", "LEARNING-TOGETHER"] {
        let p = app
            .get_problem(&format!("/api/v1/priorities/{bad}"), 404)
            .await;
        let detail = p["detail"].as_str().unwrap();
        assert!(
            detail.contains(bad) && detail.contains("learning-together"),
            "{detail}"
        );
    }
}

#[tokio::test]
async fn taxonomy_lists_every_vocabulary_with_labels() {
    let app = spawn_app().await;
    let t = app.get_json("/api/v1/taxonomy", 200).await;
    let values = |k: &str| -> Vec<String> {
        t[k].as_array()
            .unwrap()
            .iter()
            .map(|v| v["value"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        values("themes"),
        vec!["leadership", "facilitation", "best_practice"]
    );
    assert_eq!(values("levels"), vec!["macro", "meso", "micro"]);
    assert_eq!(
        values("stems"),
        vec![
            "practice_development",
            "leadership",
            "facilitation",
            "innovation_and_improvement",
            "culture_change"
        ]
    );
    assert_eq!(
        values("delivery_modes"),
        vec!["online", "face_to_face", "blended", "residential"]
    );
    assert_eq!(
        values("availabilities"),
        vec!["on_demand", "commissioned", "scheduled"]
    );
    assert_eq!(values("statuses"), vec!["draft", "published", "retired"]);
    for k in [
        "themes",
        "levels",
        "stems",
        "delivery_modes",
        "availabilities",
    ] {
        for term in t[k].as_array().unwrap() {
            assert!(!term["label"].as_str().unwrap().is_empty(), "{k}: {term}");
        }
    }
    assert!(t["stems"][0]["description"].as_str().unwrap().len() > 20);
}

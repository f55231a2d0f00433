//! The seeded portfolio says what the prospectus says, and no more: each programme's strand
//! (its matrix cell's heading), the themes' full names, "not stated" where the prospectus is
//! silent, exact titles and delivery partners, and priority mappings the text supports.

use serde_json::Value;

use crate::helpers::spawn_app;

/// The prospectus' matrix: each theme × level cell's heading (the strand), as written there.
const CELLS: [(&str, &str, &str, &str); 9] = [
    (
        "leadership",
        "macro",
        "systems_leadership",
        "Systems Leadership",
    ),
    (
        "leadership",
        "meso",
        "organisational_leadership",
        "Organisational Leadership for transformation",
    ),
    ("leadership", "micro", "team_leadership", "Team Leadership"),
    (
        "facilitation",
        "macro",
        "systems_facilitation",
        "Systems facilitation for learning, quality, safety, innovation and shared governance",
    ),
    (
        "facilitation",
        "meso",
        "organisation_facilitation",
        "Facilitators of an integrated approach to learning, development, improvement. Knowledge translation, inquiry and innovation across organisations",
    ),
    (
        "facilitation",
        "micro",
        "team_facilitation",
        "Facilitation learning, development, improvement, knowledge translation across teams (link workers, champions)",
    ),
    (
        "best_practice",
        "macro",
        "systems_research",
        "Effective research for system transformation",
    ),
    (
        "best_practice",
        "meso",
        "quality_safety_research",
        "Quality safety and transformational research",
    ),
    (
        "best_practice",
        "micro",
        "team_research",
        "Teams (research/quality champion programmes)",
    ),
];

#[tokio::test]
async fn every_programme_carries_its_cells_strand_which_filters_and_facets() {
    let app = spawn_app().await;
    let taxonomy = app.get_json("/api/v1/taxonomy", 200).await;
    let strands: Vec<(String, String)> = taxonomy["strands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["value"].as_str().unwrap().into(),
                t["label"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = CELLS.iter().map(|c| (c.2.into(), c.3.into())).collect();
    assert_eq!(strands, expected, "nine strands, in the prospectus' words");
    let best_practice = taxonomy["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["value"] == "best_practice")
        .unwrap();
    assert_eq!(
        best_practice["label"],
        "Developing and Evaluating Best Practice – embedded research, inquiry and knowledge rich cultures for transformation"
    );

    let all = app.all_programmes("").await;
    let list = app.get_json("/api/v1/programmes?limit=1", 200).await;
    for (theme, level, strand, _) in CELLS {
        let cell: Vec<&Value> = all
            .iter()
            .filter(|p| p["theme"] == theme && p["level"] == level)
            .collect();
        assert!(cell.iter().all(|p| p["strand"] == strand), "{strand}");
        let filtered = app.all_programmes(&format!("strand={strand}")).await;
        assert_eq!(filtered.len(), cell.len(), "strand={strand} is its cell");
        let facet = list["facets"]["strand"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["value"] == strand)
            .unwrap();
        assert_eq!(
            facet["count"].as_u64().unwrap() as usize,
            cell.len(),
            "{strand}"
        );
    }
    assert!(
        CELLS.iter().all(|c| all.iter().any(|p| p["strand"] == c.2)),
        "the portfolio fills every cell"
    );
}

#[tokio::test]
async fn what_the_prospectus_does_not_say_is_not_stated_and_titles_and_partners_are_exact() {
    let app = spawn_app().await;
    let all = app.all_programmes("").await;
    let find = |slug: &str| all.iter().find(|p| p["slug"] == slug).unwrap();
    // Only six programmes' texts say how they are delivered.
    let stated: Vec<(&str, &str)> = all
        .iter()
        .filter(|p| !p["delivery_mode"].is_null())
        .map(|p| {
            (
                p["slug"].as_str().unwrap(),
                p["delivery_mode"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(stated.len(), 6, "{stated:?}");
    assert_eq!(find("vital-signs")["delivery_mode"], "blended");
    assert_eq!(
        find("international-practice-development-programme")["delivery_mode"],
        "residential"
    );
    assert!(
        find("patient-safety-culture")["delivery_mode"].is_null(),
        "no guessed face_to_face"
    );
    assert!(find("knowledge-transfer-communities-of-practice")["delivery_mode"].is_null());
    // "Potential to run 4 times a year" is not a schedule; "depending on interest" is on demand.
    let tf = find("transformational-facilitation");
    assert!(tf["availability"].is_null());
    assert!(
        tf["duration"]["cadence"].is_null(),
        "no invented 'up to 4 times a year'"
    );
    let evaluating = find("evaluating-is-everything");
    assert_eq!(evaluating["availability"], "on_demand");
    assert_eq!(
        evaluating["duration"]["cadence"],
        "once a year, depending on interest and cohort size"
    );
    let scheduled: Vec<&str> = all
        .iter()
        .filter(|p| p["availability"] == "scheduled")
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(scheduled.len(), 3, "{scheduled:?}");
    // A not-stated value counts under no facet value and matches no filter of that facet.
    let list = app.get_json("/api/v1/programmes?limit=1", 200).await;
    let mode_total: u64 = list["facets"]["delivery_mode"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_u64().unwrap())
        .sum();
    assert_eq!(mode_total, 6);
    let masters = find("international-masters-practice-development-innovation");
    assert_eq!(
        masters["title"],
        "International Masters in Practice Development and Innovation- distance learning"
    );
    assert_eq!(
        masters["delivery_partners"],
        serde_json::json!([]),
        "UEA validates; it does not deliver"
    );
    assert_eq!(
        find("international-practice-development-programme")["title"],
        "International Practice Development Programme (bespoke model in collaboration with international practice development collaborative (IPDC))"
    );
}

#[tokio::test]
async fn priority_mappings_are_the_ones_the_programme_texts_support() {
    let app = spawn_app().await;
    let all = app.all_programmes("").await;
    let codes = |slug: &str| -> Vec<u64> {
        all.iter().find(|p| p["slug"] == slug).unwrap()["priorities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_u64().unwrap())
            .collect()
    };
    // The four weak mappings a line-by-line read found are gone.
    assert!(!codes("aspiring-consultant-practitioner").contains(&1));
    assert!(!codes("champions4change").contains(&5));
    assert!(!codes("knowledge-transfer-communities-of-practice").contains(&5));
    assert!(!codes("the-challenge-initiative").contains(&7));
    let learning_together = all
        .iter()
        .filter(|p| {
            p["priorities"]
                .as_array()
                .unwrap()
                .iter()
                .any(|q| q["code"] == 6)
        })
        .count();
    assert_eq!(learning_together, 18, "no longer on 21 of 23");
    // The priorities' own counts agree with the programmes.
    let priorities = app.get_json("/api/v1/priorities", 200).await;
    let six = priorities["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == 6)
        .unwrap();
    assert_eq!(six["published_programmes"], 18);
}

//! What the catalogue snapshot answers: search by words (any order, case- and
//! accent-insensitive) with `sort=relevance`, and each programme's next cohorts with seats
//! left, fresh after this process's own writes.

use serde_json::{Value, json};

use crate::fixtures::catalogue::{create, new_programme};
use crate::fixtures::learning::{enrolled, id, open_cohort, person, world};
use crate::helpers::{slugs as slugs_of, spawn_app};

/// The searchable text of a programme as the test sees it: title, what and who.
fn text(p: &Value) -> String {
    ["title", "what", "who"]
        .iter()
        .filter_map(|k| p[*k].as_str())
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
}

#[tokio::test]
async fn every_word_must_match_in_any_order_ignoring_case_and_accents() {
    let app = spawn_app().await;
    let everything = app.all_programmes("").await;
    let expected: Vec<String> = everything
        .iter()
        .filter(|p| {
            let t = text(p);
            t.contains("leadership") && t.contains("care")
        })
        .map(|p| p["slug"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        expected.len() >= 2,
        "the seed has programmes with both words: {expected:?}"
    );
    let phrase_would_find = everything
        .iter()
        .filter(|p| text(p).contains("leadership care"))
        .count();
    assert!(phrase_would_find < expected.len(), "words, not a phrase");
    for q in [
        "leadership care",
        "care leadership",
        "  CARE   Leadership ",
        "léadership cäre",
        "LEADERSHIP care care",
    ] {
        let found = slugs_of(&app.all_programmes(&format!("q={q}")).await);
        assert_eq!(found, expected, "q={q}");
    }
    let none = app.all_programmes("q=leadership zzzzqx").await;
    assert!(none.is_empty(), "a word nobody has matches nothing");
}

#[tokio::test]
async fn accented_text_is_found_by_plain_words_and_the_other_way_round() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut body = new_programme();
    body["title"] = json!("Café Conversations: Évaluation Together");
    body["status"] = json!("published");
    let (_, _, made) = create(&app, &admin, &body).await;
    for q in [
        "cafe evaluation",
        "CAFÉ ÉVALUATION",
        "evaluation café",
        "conversations",
    ] {
        let found = slugs_of(&app.all_programmes(&format!("q={q}")).await);
        assert!(
            found.contains(&made["slug"].as_str().unwrap().to_owned()),
            "q={q}"
        );
    }
}

#[tokio::test]
async fn relevance_puts_title_matches_first_and_pages_through_every_match_once() {
    let app = spawn_app().await;
    let all = app.all_programmes("q=leadership&sort=relevance").await;
    assert!(all.len() >= 4, "several programmes mention leadership");
    let in_title: Vec<bool> = all
        .iter()
        .map(|p| {
            p["title"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("leadership")
        })
        .collect();
    assert!(in_title.contains(&true) && in_title.contains(&false));
    let first_body_only = in_title.iter().position(|t| !t).unwrap();
    assert!(
        in_title[first_body_only..].iter().all(|t| !t),
        "every title match comes before any match in what or who only: {in_title:?}"
    );
    // Within equal relevance, by title.
    let titles_of = |ps: &[Value]| -> Vec<String> {
        ps.iter()
            .map(|p| p["title"].as_str().unwrap().to_lowercase())
            .collect()
    };
    let body_titles = titles_of(&all[first_body_only..]);
    let mut sorted = body_titles.clone();
    sorted.sort();
    assert_eq!(body_titles, sorted);
    // Two at a time, the pages give the same list: nothing skipped, nothing repeated.
    let mut paged = Vec::new();
    let mut path = "/api/v1/programmes?q=leadership&sort=relevance&limit=2".to_owned();
    loop {
        let page = app.get_json(&path, 200).await;
        paged.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => {
                path = format!("/api/v1/programmes?q=leadership&sort=relevance&limit=2&cursor={c}")
            }
            None => break,
        }
    }
    assert_eq!(slugs_of(&paged), slugs_of(&all));
}

fn next_of<'a>(p: &'a Value, cohort: &str) -> Option<&'a Value> {
    p["next_cohorts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == cohort)
}

#[tokio::test]
async fn programmes_carry_their_next_cohorts_with_seats_left_after_each_enrolment() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let before = app.get_json("/api/v1/programmes/vital-signs", 200).await;
    assert_eq!(before["next_cohorts"], json!([]), "no cohorts yet");
    let old_tag = app
        .etag_as("/api/v1/programmes/vital-signs", &w.admin)
        .await;
    let cohort = open_cohort(&app, &w.admin, 2, true).await;
    let cohort_id = id(&cohort);

    let shown = app.get_json("/api/v1/programmes/vital-signs", 200).await;
    let next = next_of(&shown, &cohort_id).expect("the open cohort is embedded");
    assert_eq!(next["status"], "open");
    assert_eq!(next["start_date"], "2027-03-01");
    assert_eq!(next["seats_left"], 2);
    assert_eq!(next["capacity"], 2);

    let p = person(&app, &w.org_token, 1, Some(&w.org)).await;
    enrolled(&app, &w.org_token, &cohort_id, &id(&p)).await;
    let shown = app.get_json("/api/v1/programmes/vital-signs", 200).await;
    assert_eq!(next_of(&shown, &cohort_id).unwrap()["seats_left"], 1);
    let listed = app.all_programmes("q=vital signs").await;
    assert_eq!(next_of(&listed[0], &cohort_id).unwrap()["seats_left"], 1);
    let exact = app
        .get_json(&format!("/api/v1/cohorts/{cohort_id}"), 200)
        .await;
    assert_eq!(exact["seats_left"], 1, "the cohort itself agrees");

    // The programme's tag names its seats too, yet still names its version for If-Match.
    let new_tag = app
        .etag_as("/api/v1/programmes/vital-signs", &w.admin)
        .await;
    assert_ne!(new_tag, old_tag, "a seat taken changes the representation");
    let res = app
        .patch_if_match(
            "/api/v1/programmes/vital-signs",
            &w.admin,
            &old_tag,
            &json!({"when": "Spring and autumn"}),
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "seats are not what a programme edit conflicts on"
    );
    let patched: Value = res.json().await.unwrap();
    assert_eq!(next_of(&patched, &cohort_id).unwrap()["seats_left"], 1);

    // A cancelled cohort is no longer next.
    let res = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/cohorts/{cohort_id}/cancel"),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let shown = app.get_json("/api/v1/programmes/vital-signs", 200).await;
    assert!(next_of(&shown, &cohort_id).is_none());
}

#[tokio::test]
async fn next_cohorts_are_the_three_soonest_planned_or_open() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut made = Vec::new();
    for (month, label) in [(9, "Autumn"), (3, "Spring"), (6, "Summer"), (1, "Winter")] {
        let body = json!({"label": label, "start_date": format!("2027-{month:02}-01"),
            "end_date": "2027-12-31", "capacity": 10, "delivery_mode": "online"});
        let res = app
            .send(
                reqwest::Method::POST,
                "/api/v1/programmes/spheres-of-influence/cohorts",
                Some(&admin),
                Some(&body),
            )
            .await;
        assert_eq!(res.status(), 201);
        made.push(res.json::<Value>().await.unwrap());
    }
    let shown = app
        .get_json("/api/v1/programmes/spheres-of-influence", 200)
        .await;
    let labels: Vec<&str> = shown["next_cohorts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Winter", "Spring", "Summer"]);
    assert!(
        shown["next_cohorts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "planned" && c["seats_left"] == 10)
    );
}

#[tokio::test]
async fn each_coding_has_its_own_tag_and_any_of_them_revalidates() {
    let app = spawn_app().await;
    let path = "/api/v1/programmes?limit=5";
    let tag_for = |coding: &'static str| {
        let req = app.client.get(app.url(path));
        let req = if coding.is_empty() {
            req
        } else {
            req.header("Accept-Encoding", coding)
        };
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(res.headers()["vary"], "accept-encoding");
            res.headers()["etag"].to_str().unwrap().to_owned()
        }
    };
    let (plain, gzip, br) = (
        tag_for("").await,
        tag_for("gzip").await,
        tag_for("br").await,
    );
    assert_eq!(gzip, format!("{}.gz\"", plain.trim_end_matches('"')));
    assert_eq!(br, format!("{}.br\"", plain.trim_end_matches('"')));
    // The same content: a tag of another coding still says "not modified".
    let res = app
        .client
        .get(app.url(path))
        .header("If-None-Match", &br)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), plain);
}

#[tokio::test]
async fn punctuation_around_a_word_is_not_part_of_it() {
    let app = spawn_app().await;
    let plain = slugs_of(&app.all_programmes("q=leadership care").await);
    assert!(!plain.is_empty());
    for q in [
        "“Leadership,” care?",
        "leadership. (care)",
        "\"care\" leadership!",
    ] {
        let found = slugs_of(
            &app.all_programmes(&format!("q={}", q.replace(' ', "%20").replace('"', "%22")))
                .await,
        );
        assert_eq!(found, plain, "q={q}");
    }
}

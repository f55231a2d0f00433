use std::collections::HashSet;

use serde_json::Value;

use crate::helpers::{TestApp, fields, slugs, spawn_app};

/// Follows `Link: rel="next"` from `first` to the end; checks the header and the body agree.
async fn walk(app: &TestApp, first: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next = Some(first.to_owned());
    let mut pages = 0;
    while let Some(path) = next.take() {
        let res = app.get(&path).await;
        assert_eq!(res.status(), 200, "{path}");
        let link = res
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_owned());
        let body: Value = res.json().await.unwrap();
        items.extend(body["data"].as_array().unwrap().iter().cloned());
        match (&link, body["next_cursor"].as_str()) {
            (Some(link), Some(cursor)) => {
                assert!(link.ends_with("; rel=\"next\""), "{link}");
                let target = link
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap()
                    .to_owned();
                assert!(target.contains(&format!("cursor={cursor}")), "{target}");
                next = Some(target);
            }
            (None, None) => {}
            other => panic!("Link header and next_cursor disagree: {other:?}"),
        }
        pages += 1;
        assert!(pages < 50, "pagination does not end");
    }
    items
}

#[tokio::test]
async fn walking_every_page_in_every_order_sees_each_programme_once() {
    let app = spawn_app().await;
    for sort in [
        "title",
        "-title",
        "updated_at",
        "-updated_at",
        "created_at",
        "-created_at",
    ] {
        let one_page = app.all_programmes(&format!("sort={sort}")).await;
        assert_eq!(one_page.len(), 23);
        for limit in [1, 5, 7, 22, 23] {
            let walked = walk(
                &app,
                &format!("/api/v1/programmes?sort={sort}&limit={limit}"),
            )
            .await;
            assert_eq!(
                slugs(&walked),
                slugs(&one_page),
                "sort={sort} limit={limit}"
            );
            let unique: HashSet<_> = slugs(&walked).into_iter().collect();
            assert_eq!(unique.len(), 23);
        }
    }
}

#[tokio::test]
async fn descending_orders_reverse_ascending_ones() {
    let app = spawn_app().await;
    for (asc, desc) in [
        ("title", "-title"),
        ("updated_at", "-updated_at"),
        ("created_at", "-created_at"),
    ] {
        let mut forward = slugs(&app.all_programmes(&format!("sort={asc}")).await);
        forward.reverse();
        assert_eq!(
            forward,
            slugs(&app.all_programmes(&format!("sort={desc}")).await),
            "{asc}"
        );
    }
}

#[tokio::test]
async fn filters_are_kept_across_pages() {
    let app = spawn_app().await;
    let walked = walk(&app, "/api/v1/programmes?theme=leadership&limit=3").await;
    assert_eq!(
        walked.len(),
        app.all_programmes("theme=leadership").await.len()
    );
    assert!(walked.iter().all(|p| p["theme"] == "leadership"));
}

#[tokio::test]
async fn the_last_page_has_no_cursor_and_no_link() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/programmes?limit=100").await;
    assert!(res.headers().get("link").is_none());
    let body: Value = res.json().await.unwrap();
    assert!(body["next_cursor"].is_null());
}

#[tokio::test]
async fn limit_outside_1_to_100_is_400_saying_the_maximum() {
    let app = spawn_app().await;
    for bad in ["0", "101", "-1", "ten", "1.5"] {
        let p = app
            .get_problem(&format!("/api/v1/programmes?limit={bad}"), 400)
            .await;
        assert_eq!(fields(&p), vec!["limit"]);
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("100 (the maximum)"),
            "{p}"
        );
    }
    let body = app.get_json("/api/v1/programmes?limit=100", 200).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 23);
    let body = app.get_json("/api/v1/programmes", 200).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 20, "default limit");
}

#[tokio::test]
async fn a_malformed_cursor_is_400() {
    let app = spawn_app().await;
    for bad in ["nonsense", "e30", "!!", "eyJzIjoidGl0bGUifQ"] {
        let p = app
            .get_problem(&format!("/api/v1/programmes?cursor={bad}"), 400)
            .await;
        assert_eq!(fields(&p), vec!["cursor"], "{bad}");
    }
}

#[tokio::test]
async fn a_cursor_is_only_valid_for_the_sort_it_was_issued_for() {
    let app = spawn_app().await;
    let body = app
        .get_json("/api/v1/programmes?limit=2&sort=-updated_at", 200)
        .await;
    let cursor = body["next_cursor"].as_str().unwrap();
    let p = app
        .get_problem(
            &format!("/api/v1/programmes?limit=2&sort=title&cursor={cursor}"),
            400,
        )
        .await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("-updated_at")
    );
}

#[tokio::test]
async fn equal_titles_are_ordered_by_id_across_pages() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for n in 0..7 {
        let body = serde_json::json!({"slug": format!("same-title-{n}"), "title": "Same Title", "theme": "facilitation",
            "level": "meso", "what": "x", "delivery_mode": "online", "availability": "on_demand",
            "stems": ["facilitation"], "priorities": [3], "status": "published"});
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
    for sort in ["title", "-title"] {
        let one_page = app
            .all_programmes(&format!("sort={sort}&q=same%20title"))
            .await;
        assert_eq!(one_page.len(), 7);
        let ids: Vec<&str> = one_page.iter().map(|p| p["id"].as_str().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        if sort == "-title" {
            sorted.reverse();
        }
        assert_eq!(ids, sorted, "ties broken by id ({sort})");
        let walked = walk(
            &app,
            &format!("/api/v1/programmes?sort={sort}&q=same%20title&limit=2"),
        )
        .await;
        assert_eq!(slugs(&walked), slugs(&one_page));
    }
}

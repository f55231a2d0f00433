//! Public catalogue answers may be reused: a strong `ETag` (304 on `If-None-Match`) and
//! `Cache-Control: public, max-age=60`; an authenticated request's answer is never stored.

use serde_json::json;

use crate::helpers::spawn_app;

const PUBLIC: &[&str] = &[
    "/api/v1/programmes?limit=20",
    "/api/v1/programmes?theme=facilitation",
    "/api/v1/taxonomy",
    "/api/v1/priorities",
    "/api/v1/priorities/6",
    "/api/v1/communities",
];

#[tokio::test]
async fn public_answers_carry_an_etag_revalidate_with_304_and_may_be_cached_briefly() {
    let app = spawn_app().await;
    for path in PUBLIC {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=60",
            "{path}"
        );
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        assert!(
            etag.starts_with('"') && etag.len() == 34,
            "{path}: strong tag {etag}"
        );
        let again = app
            .client
            .get(app.url(path))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag, "{path}");
        assert!(again.bytes().await.unwrap().is_empty(), "{path}: no body");
        let other = app
            .client
            .get(app.url(path))
            .header("if-none-match", "\"someone-else\"")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 200, "{path}: a tag that is not current");
    }
}

#[tokio::test]
async fn a_catalogue_edit_changes_the_list_tag_and_callers_with_tokens_are_never_cached() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let path = "/api/v1/programmes?theme=facilitation";
    let before = app.get(path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let programme = "/api/v1/programmes/vital-signs";
    let etag = app.etag_as(programme, &admin).await;
    let res = app
        .patch_if_match(programme, &admin, &etag, &json!({"who": "Ward teams"}))
        .await;
    assert_eq!(res.status(), 200);
    let after = app.get(path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(before, after, "the list changed, so did its tag");

    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
}

//! Answers are compressed when the client accepts it (gzip or br), and decode to exactly what
//! an uncompressed request gets; a client that asks for nothing gets plain bytes.

use crate::conformance::decoded;
use crate::helpers::spawn_app;

#[tokio::test]
async fn catalogue_lists_are_compressed_as_accepted_and_decode_to_the_same_answer() {
    let app = spawn_app().await;
    let path = "/api/v1/programmes?limit=20";
    let plain = app.get(path).await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    assert!(
        plain.len() > 1024,
        "the list is over a kilobyte: {}",
        plain.len()
    );
    for (accept, coding) in [("gzip", "gzip"), ("br", "br"), ("gzip, br", "br")] {
        let res = app
            .client
            .get(app.url(path))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-encoding"], coding, "{accept}");
        assert!(
            res.headers()["vary"]
                .to_str()
                .unwrap()
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        let headers = res.headers().clone();
        let body = res.bytes().await.unwrap();
        assert!(
            body.len() * 2 < plain.len(),
            "{coding}: {} of {}",
            body.len(),
            plain.len()
        );
        assert_eq!(decoded(&headers, &body), plain.to_vec(), "{coding}");
    }
}

#[tokio::test]
async fn the_hr_export_streams_compressed_too() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .client
        .get(app.url("/api/v1/enrolments/export"))
        .bearer_auth(&admin)
        .header("accept", "text/csv")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let headers = res.headers().clone();
    let csv = String::from_utf8(decoded(&headers, &res.bytes().await.unwrap())).unwrap();
    assert!(csv.starts_with("id,person_id,"), "{csv}");
}

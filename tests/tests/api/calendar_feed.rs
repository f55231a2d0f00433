//! The public `.ics` feed as calendar applications read it: the academy's PRODID, a
//! DESCRIPTION, LAST-MODIFIED and a SEQUENCE that a cancellation bumps, an ETag with 304, a
//! short public cache, and a valid calendar even with no sessions.

use icalendar::{Calendar, CalendarComponent, Component};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

const FEED: &str = "/api/v1/communities/facilitation/sessions.ics";

#[tokio::test]
async fn the_feed_names_the_academy_and_says_what_changed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut ids = Vec::new();
    for (day, link) in [(10, Some("https://meet.example.org/cop")), (12, None)] {
        let body = json!({"title": format!("Gathering {day}"), "starts_at": format!("2027-03-{day}T14:00:00Z"),
            "duration_minutes": 90, "format": "in_person", "location": "Leeds Civic Hall", "joining_link": link});
        let res = app
            .send(
                Method::POST,
                "/api/v1/communities/facilitation/sessions",
                Some(&admin),
                Some(&body),
            )
            .await;
        assert_eq!(res.status(), 201);
        ids.push(
            res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let cancel = |id: String| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let path = format!("/api/v1/communities/facilitation/sessions/{id}/cancel");
            let res = app.send(Method::POST, &path, Some(&admin), None).await;
            assert_eq!(res.status(), 200);
        }
    };
    cancel(ids[1].clone()).await;

    let res = app.get(FEED).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "public, max-age=300");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let text = res.text().await.unwrap();
    assert!(
        text.contains("PRODID:-//Collaborative Workforce Transformation Academy//WTxA API//EN\r\n"),
        "{text}"
    );
    assert!(!text.contains("ICALENDAR-RS"));
    let calendar: Calendar = text.parse().unwrap();
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(CalendarComponent::as_event)
        .collect();
    assert_eq!(events.len(), 2);
    let (held, cancelled) = (events[0], events[1]);
    assert_eq!(held.property_value("SEQUENCE"), Some("0"));
    assert_eq!(
        cancelled.property_value("SEQUENCE"),
        Some("1"),
        "a cancellation is a change"
    );
    assert!(held.property_value("LAST-MODIFIED").is_some());
    let description = held.get_description().unwrap_or_default();
    assert!(
        description.contains("In person session of the Facilitation")
            && description.contains("Where: Leeds Civic Hall.")
            && description.contains("Join: https://meet.example.org/cop"),
        "{description}"
    );
    assert_eq!(held.get_url(), Some("https://meet.example.org/cop"));
    assert_eq!(cancelled.get_url(), None, "no joining link, no URL");

    // The same feed again is 304; a change gives a new tag.
    let again = app
        .client
        .get(app.url(FEED))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    cancel(ids[0].clone()).await;
    let changed = app
        .client
        .get(app.url(FEED))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
}

#[tokio::test]
async fn a_community_with_no_sessions_is_still_a_valid_calendar() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/communities/leadership/sessions.ics").await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let calendar: Calendar = text.parse().unwrap();
    assert!(
        calendar.components.iter().all(|c| c.as_event().is_none()),
        "no sessions: {text}"
    );
    // RFC 5545 wants at least one component: a UTC time zone.
    assert_eq!(calendar.components.len(), 1, "{text}");
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:UTC\r\n"), "{text}");
    assert!(text.contains("METHOD:PUBLISH\r\n"));
    // Nothing in it changes between fetches, so neither does its tag.
    let tag = |r: &reqwest::Response| r.headers()["etag"].to_str().unwrap().to_owned();
    let (a, b) = (
        app.get("/api/v1/communities/leadership/sessions.ics").await,
        app.get("/api/v1/communities/leadership/sessions.ics").await,
    );
    assert_eq!(tag(&a), tag(&b));
}

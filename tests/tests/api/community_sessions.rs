//! Community sessions under the commitment rule: six in any twelve months, two hours each.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, fields, spawn_app};

const PATH: &str = "/api/v1/communities/facilitation/sessions";

async fn schedule(app: &TestApp, token: &str, starts_at: &str, minutes: u32) -> reqwest::Response {
    let body = json!({"title": format!("Session {starts_at}"), "starts_at": starts_at,
        "duration_minutes": minutes, "format": "virtual", "joining_link": "https://meet.example.org/cop"});
    app.send(Method::POST, PATH, Some(token), Some(&body)).await
}

async fn scheduled(app: &TestApp, token: &str, starts_at: &str) -> Value {
    let res = schedule(app, token, starts_at, 120).await;
    assert_eq!(res.status(), 201, "{starts_at}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_seventh_session_in_twelve_months_is_refused_until_a_slot_frees() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut ids = Vec::new();
    for month in 1..=6 {
        let s = scheduled(&app, &admin, &format!("2027-{month:02}-10T14:00:00Z")).await;
        ids.push(s["id"].as_str().unwrap().to_owned());
    }
    let problem = assert_problem(
        schedule(&app, &admin, "2027-07-10T14:00:00Z", 60).await,
        422,
    )
    .await;
    assert_eq!(fields(&problem), vec!["starts_at"]);
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("at most 6 sessions"), "{message}");
    for id in &ids {
        assert!(message.contains(id.as_str()), "{message} names {id}");
    }

    // Twelve months after the first, the window has moved on.
    scheduled(&app, &admin, "2028-01-10T14:00:00Z").await;

    let cancel = format!("{PATH}/{}/cancel", ids[2]);
    let res = app.send(Method::POST, &cancel, Some(&admin), None).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert!(body["cancelled_at"].is_string());
    assert_problem(
        app.send(Method::POST, &cancel, Some(&admin), None).await,
        409,
    )
    .await;
    scheduled(&app, &admin, "2027-07-10T14:00:00Z").await;

    let list = app.get_json(PATH, 200).await;
    let data = list["data"].as_array().unwrap();
    assert_eq!(data.len(), 8);
    let starts: Vec<&str> = data
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted, "in time order");
    assert_eq!(
        data.iter()
            .filter(|s| s["cancelled_at"].is_string())
            .count(),
        1
    );
}

#[tokio::test]
async fn an_over_long_session_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let problem = assert_problem(
        schedule(&app, &admin, "2027-01-10T14:00:00Z", 121).await,
        422,
    )
    .await;
    assert_eq!(fields(&problem), vec!["duration_minutes"]);
    assert!(problem.to_string().contains("120 minutes"), "{problem}");
    assert!(
        app.get_json(PATH, 200).await["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    scheduled(&app, &admin, "2027-01-10T14:00:00Z").await;
}

#[tokio::test]
async fn refuses_incomplete_or_malformed_sessions_and_unauthorised_callers() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .send(Method::POST, PATH, Some(&admin), Some(&json!({})))
        .await;
    let problem = assert_problem(res, 422).await;
    let mut f = fields(&problem);
    f.sort();
    assert_eq!(f, vec!["duration_minutes", "format", "starts_at", "title"]);
    let body = json!({"title": "t", "starts_at": "2027-01-10T14:00:00Z", "duration_minutes": 60,
        "format": "carrier_pigeon", "joining_link": "ftp://example.org/x"});
    let problem = assert_problem(
        app.send(Method::POST, PATH, Some(&admin), Some(&body))
            .await,
        422,
    )
    .await;
    let mut f = fields(&problem);
    f.sort();
    assert_eq!(f, vec!["format", "joining_link"]);

    let anonymous = app.send(Method::POST, PATH, None, Some(&body)).await;
    assert_problem(anonymous, 401).await;
    let partner = app.token_with(&admin, &["people:read"]).await;
    assert_problem(
        schedule(&app, &partner, "2027-01-10T14:00:00Z", 60).await,
        403,
    )
    .await;
    let res = app
        .send(Method::POST, "/api/v1/communities/nowhere/sessions", Some(&admin), Some(&json!({
            "title": "t", "starts_at": "2027-01-10T14:00:00Z", "duration_minutes": 60, "format": "virtual"})))
        .await;
    assert_problem(res, 404).await;
    assert!(
        app.get_json(PATH, 200).await["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_calendar_spans_communities_and_filters_by_period_and_community() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let f = scheduled(&app, &admin, "2027-01-10T14:00:00Z").await;
    let body = json!({"title": "Leaders' circle", "starts_at": "2027-01-05T09:00:00Z", "duration_minutes": 60,
        "format": "in_person", "location": "Leeds Civic Hall"});
    let res = app
        .send(
            Method::POST,
            "/api/v1/communities/leadership/sessions",
            Some(&admin),
            Some(&body),
        )
        .await;
    assert_eq!(res.status(), 201);
    scheduled(&app, &admin, "2027-03-10T14:00:00Z").await;

    let january = app
        .get_json("/api/v1/sessions?from=2027-01-01&to=2027-01-31", 200)
        .await;
    let entries: Vec<(&str, &str)> = january["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["community_slug"].as_str().unwrap(),
                s["starts_at"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        vec![
            ("leadership", "2027-01-05T09:00:00Z"),
            ("facilitation", "2027-01-10T14:00:00Z")
        ]
    );
    let only = app
        .get_json(
            "/api/v1/sessions?from=2027-01-01&to=2027-12-31&community=facilitation",
            200,
        )
        .await;
    assert_eq!(only["data"].as_array().unwrap().len(), 2);
    assert_eq!(only["data"][0]["id"], f["id"]);
    let last_day = app
        .get_json("/api/v1/sessions?from=2027-03-10&to=2027-03-10", 200)
        .await;
    assert_eq!(
        last_day["data"].as_array().unwrap().len(),
        1,
        "both ends inclusive"
    );

    // A community that does not exist matches nothing, as any filter value nobody has.
    let none = app
        .get_json("/api/v1/sessions?community=nowhere", 200)
        .await;
    assert_eq!(none["data"], json!([]));
    let problem = app
        .get_problem("/api/v1/sessions?from=2027-02-01&to=2027-01-01", 400)
        .await;
    assert_eq!(fields(&problem), vec!["from"]);
    let problem = app.get_problem("/api/v1/sessions?from=tomorrow", 400).await;
    assert_eq!(fields(&problem), vec!["from"]);
}

#[tokio::test]
async fn the_ics_feed_parses_with_stable_uids_and_cancelled_sessions() {
    use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventStatus};

    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let first = scheduled(&app, &admin, "2027-01-10T14:00:00Z").await;
    let second = scheduled(&app, &admin, "2027-02-10T14:00:00Z").await;
    let cancel = format!("{PATH}/{}/cancel", second["id"].as_str().unwrap());
    assert_eq!(
        app.send(Method::POST, &cancel, Some(&admin), None)
            .await
            .status(),
        200
    );

    let fetch = || async {
        let res = app
            .get("/api/v1/communities/facilitation/sessions.ics")
            .await;
        assert_eq!(res.status(), 200);
        let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with("text/calendar"), "{ct}");
        res.text().await.unwrap()
    };
    let text = fetch().await;
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 2);
    let uid = |s: &Value| format!("{}@wtxa", s["id"].as_str().unwrap());
    assert_eq!(events[0].get_uid(), Some(uid(&first).as_str()));
    assert_eq!(events[1].get_uid(), Some(uid(&second).as_str()));
    assert_eq!(events[0].get_status(), Some(EventStatus::Confirmed));
    assert_eq!(events[1].get_status(), Some(EventStatus::Cancelled));
    assert_eq!(
        events[0].get_summary(),
        Some("Session 2027-01-10T14:00:00Z")
    );
    assert_eq!(events[0].get_url(), Some("https://meet.example.org/cop"));
    let start = chrono::DateTime::parse_from_rfc3339("2027-01-10T14:00:00Z")
        .unwrap()
        .to_utc();
    assert_eq!(
        events[0].get_start(),
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(start)))
    );
    let end = start + chrono::Duration::minutes(120);
    assert_eq!(
        events[0].get_end(),
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(end)))
    );

    let again: icalendar::Calendar = fetch().await.parse().unwrap();
    let uids: Vec<String> = again
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => e.get_uid().map(str::to_owned),
            _ => None,
        })
        .collect();
    assert_eq!(
        uids,
        vec![uid(&first), uid(&second)],
        "UIDs are stable across fetches"
    );
    assert_problem(
        app.get("/api/v1/communities/nowhere/sessions.ics").await,
        404,
    )
    .await;
}

//! A community's sessions as an iCalendar feed (RFC 5545) for calendar applications.

use actix_web::{HttpResponse, get, web};
use chrono::Duration;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use persistence::Store;
use persistence::communities::{community, sessions};

use crate::http::path_ids::{CommunityRef, OrNotFound};
use crate::http::{ApiError, db};

/// Subscribe to a community's sessions in a calendar application.
///
/// An iCalendar feed (RFC 5545): one event per session, its UID stable across fetches
/// (`{session id}@wtxa`), cancelled sessions kept with `STATUS:CANCELLED` so subscribed
/// calendars remove them.
#[utoipa::path(
    tag = "communities",
    params(CommunityRef),
    responses(
        (status = 200, description = "The feed.", content_type = "text/calendar", body = String,
            example = json!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:ICALENDAR-RS\r\nCALSCALE:GREGORIAN\r\nBEGIN:VEVENT\r\nUID:0193a1b4-0000-7000-8000-0000000000ee@wtxa\r\nSUMMARY:Facilitating across boundaries\r\nDTSTART:20270114T140000Z\r\nDTEND:20270114T160000Z\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")),
    )
)]
#[get("/communities/{id_or_slug}/sessions.ics")]
pub async fn get_community_calendar(
    store: web::Data<Store>,
    community: CommunityRef,
) -> Result<HttpResponse, ApiError> {
    let key = community.as_str().to_owned();
    let community_key = key.clone();
    let (c, rows) = db(&store, move |conn| {
        let c = community::get(conn, &community_key)?;
        let rows = sessions::of_community(conn, &community_key)?;
        Ok((c, rows))
    })
    .await
    .or_not_found(community.missing())?;
    let mut calendar = Calendar::new();
    calendar.name(c.community.name());
    for s in rows {
        let starts = s.starts_at.and_utc();
        let mut event = Event::new();
        event
            .uid(&format!("{}@wtxa", s.id.0))
            .summary(&s.title)
            .starts(starts)
            .ends(starts + Duration::minutes(i64::from(s.duration_minutes)))
            .timestamp(s.updated_at.and_utc())
            .status(if s.cancelled_at.is_some() {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if let Some(location) = &s.location {
            event.location(location);
        }
        if let Some(link) = &s.joining_link {
            event.url(link);
        }
        calendar.push(event.done());
    }
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(calendar.done().to_string()))
}

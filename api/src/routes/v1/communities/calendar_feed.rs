//! A community's sessions as an iCalendar feed (RFC 5545) for calendar applications.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Duration;
use domain::Vocabulary;
use domain::community::SessionFormat;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use persistence::Store;
use persistence::communities::{community, sessions};

use crate::http::path_ids::{CommunityRef, OrNotFound};
use crate::http::rendered::Rendered;
use crate::http::{ApiError, db, etag};

/// Subscribe to a community's sessions in a calendar application.
///
/// An iCalendar feed (RFC 5545): one event per session, its UID stable across fetches
/// (`{session id}@wtxa`), with a DESCRIPTION, LAST-MODIFIED and a SEQUENCE that a
/// cancellation bumps; cancelled sessions are kept with `STATUS:CANCELLED` so subscribed
/// calendars remove them. A community with no sessions gives a valid calendar too. Carries an
/// `ETag` (send it back in `If-None-Match` for 304) and may be cached for five minutes.
#[utoipa::path(
    tag = "communities",
    params(CommunityRef),
    responses(
        (status = 200, description = "The feed.", content_type = "text/calendar", body = String,
            headers(("ETag" = String)),
            example = json!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Collaborative Workforce Transformation Academy//WTxA API//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:0193a1b4-0000-7000-8000-0000000000ee@wtxa\r\nSUMMARY:Facilitating across boundaries\r\nDTSTART:20270114T140000Z\r\nDTEND:20270114T160000Z\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")),
    )
)]
#[get("/communities/{id_or_slug}/sessions.ics")]
pub async fn get_community_calendar(
    req: HttpRequest,
    store: web::Data<Store>,
    community: CommunityRef,
) -> Result<HttpResponse, ApiError> {
    let key = community.as_str().to_owned();
    let (c, rows) = db(&store, move |conn| {
        let c = community::get(conn, &key)?;
        let rows = sessions::of_community(conn, &key)?;
        Ok((c, rows))
    })
    .await
    .or_not_found(community.missing())?;
    let body = feed(c.community.name(), &rows);
    let rendered = Rendered::new(
        body.into_bytes(),
        "text/calendar; charset=utf-8",
        etag::of_bytes,
        None,
    );
    Ok(rendered.respond(&req, "public, max-age=300"))
}

/// Who made the feed, as RFC 5545's `PRODID` wants it (not the library's default).
const PRODID: &str = "-//Collaborative Workforce Transformation Academy//WTxA API//EN";

/// A UTC time zone: the one component of a feed with no sessions (RFC 5545 wants at least
/// one), harmless beside events whose times are all UTC. Written out because the library
/// stamps every component it renders with a fresh UID and DTSTAMP, which a time zone may not
/// carry and which would change the feed's ETag on every fetch.
const UTC_ZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:UTC\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nTZNAME:UTC\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

fn feed(name: &str, rows: &[sessions::SessionRecord]) -> String {
    let mut calendar = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", PRODID),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ] {
        calendar.append_property(Property::new(key, value));
    }
    calendar.name(name);
    for s in rows {
        calendar.push(event(name, s));
    }
    let text = calendar.done().to_string();
    match text.strip_suffix("END:VCALENDAR\r\n") {
        Some(head) if rows.is_empty() => format!("{head}{UTC_ZONE}END:VCALENDAR\r\n"),
        _ => text,
    }
}

/// One session as an event. Sessions change only by being cancelled, so `SEQUENCE` is 0, or
/// 1 once cancelled; `URL` is the joining link when there is one.
fn event(community: &str, s: &sessions::SessionRecord) -> Event {
    let starts = s.starts_at.and_utc();
    let format = SessionFormat::parse(&s.format).map_or(s.format.as_str(), |f| f.label());
    let mut description = format!("{format} session of the {community}.");
    if let Some(location) = &s.location {
        description.push_str(&format!(" Where: {location}."));
    }
    if let Some(link) = &s.joining_link {
        description.push_str(&format!(" Join: {link}"));
    }
    let mut event = Event::new();
    event
        .uid(&format!("{}@wtxa", s.id.0))
        .summary(&s.title)
        .description(&description)
        .starts(starts)
        .ends(starts + Duration::minutes(i64::from(s.duration_minutes)))
        .timestamp(s.updated_at.and_utc())
        .last_modified(s.updated_at.and_utc())
        .sequence(u32::from(s.cancelled_at.is_some()))
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
    event.done()
}

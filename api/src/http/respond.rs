//! Responses for single resources: with their `ETag`, and `Location` when created.

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, ETAG, LOCATION};
use serde::Serialize;

use super::etag;

pub fn resource<T: Serialize>(id: uuid::Uuid, version: i32, body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((ETAG, etag::tag(id, version)))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .json(body)
}

pub fn created<T: Serialize>(
    location: String,
    id: uuid::Uuid,
    version: i32,
    body: &T,
) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((LOCATION, location))
        .insert_header((ETAG, etag::tag(id, version)))
        .json(body)
}

/// 304 when the client's `If-None-Match` names the current version, else the resource.
pub fn conditional<T: Serialize>(
    req: &actix_web::HttpRequest,
    id: uuid::Uuid,
    version: i32,
    body: &T,
) -> HttpResponse {
    let tag = etag::tag(id, version);
    if etag::not_modified(req, &tag) {
        return HttpResponse::NotModified()
            .insert_header((ETAG, tag))
            .finish();
    }
    resource(id, version, body)
}

/// How long a browser or CDN may reuse a public catalogue answer without asking again.
/// Short: a catalogue edit reaches everyone within a minute; after that, `If-None-Match`
/// revalidates for the price of a 304.
pub const PUBLIC_MAX_AGE: &str = "public, max-age=60";

/// A public answer that is not kept in the catalogue snapshot (the taxonomy): see
/// [`super::rendered::Rendered::respond`]. An authenticated request's answer is `no-store`
/// whatever this says (see `security_headers`): it may hold what only that caller sees.
pub fn public<T: Serialize>(
    req: &actix_web::HttpRequest,
    body: &T,
) -> Result<HttpResponse, super::ApiError> {
    let rendered = super::rendered::Rendered::json(body, etag::of_bytes, None)?;
    Ok(rendered.respond(req, PUBLIC_MAX_AGE))
}

/// A page of a list: `{"data": [...], "next_cursor": ...}` (built by `body` from the encoded
/// cursor) with `Link: <…>; rel="next"` when there is a next page.
pub fn listed<B: Serialize>(
    req: &actix_web::HttpRequest,
    next_cursor: Option<persistence::Cursor>,
    body: impl FnOnce(Option<String>) -> B,
) -> HttpResponse {
    let next = next_cursor.map(|c| c.encode());
    let mut res = HttpResponse::Ok();
    if let Some(c) = &next {
        res.insert_header((
            actix_web::http::header::LINK,
            super::paging::next_link(req, c),
        ));
    }
    res.json(body(next))
}

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

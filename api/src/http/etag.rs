//! Strong entity tags from a resource's version, and conditional GET (`If-None-Match`).

use actix_web::HttpRequest;
use actix_web::http::header::{EntityTag, Header, IfNoneMatch};

pub fn for_version(version: i32) -> EntityTag {
    EntityTag::new_strong(version.to_string())
}

/// True when the client's `If-None-Match` already names `etag` (weak comparison, RFC 9110 §13.1.2).
pub fn not_modified(req: &HttpRequest, etag: &EntityTag) -> bool {
    match IfNoneMatch::parse(req) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(etag)),
        Err(_) => false,
    }
}

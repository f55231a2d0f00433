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

/// What an `If-Match` header asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `If-Match: *`: any current version.
    Any,
    /// One of these versions.
    Versions(Vec<i32>),
}

/// Reads the `If-Match` an update requires: 428 when it is missing.
pub fn if_match(req: &HttpRequest) -> Result<Precondition, crate::http::ApiError> {
    use actix_web::http::StatusCode;
    use actix_web::http::header::IfMatch;

    let required = || {
        crate::http::Problem::typed(
            StatusCode::PRECONDITION_REQUIRED,
            "if-match-required",
            "Precondition required",
            "send If-Match with the ETag of the version you are changing (GET the resource to read it)",
        )
        .into()
    };
    if !req
        .headers()
        .contains_key(actix_web::http::header::IF_MATCH)
    {
        return Err(required());
    }
    match IfMatch::parse(req) {
        Ok(IfMatch::Any) => Ok(Precondition::Any),
        // Strong comparison (RFC 9110 §13.1.1): weak tags never match.
        Ok(IfMatch::Items(tags)) => Ok(Precondition::Versions(
            tags.iter()
                .filter(|t| !t.weak)
                .filter_map(|t| t.tag().parse().ok())
                .collect(),
        )),
        Err(_) => Err(required()),
    }
}

impl Precondition {
    /// The version to update from, or 412 when the client's version is not current.
    pub fn check(&self, current: i32) -> Result<i32, crate::http::ApiError> {
        match self {
            Precondition::Any => Ok(current),
            Precondition::Versions(v) if v.contains(&current) => Ok(current),
            Precondition::Versions(_) => Err(persistence::StoreError::Stale.into()),
        }
    }
}

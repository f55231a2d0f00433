//! Strong entity tags from a resource's version, and conditional GET (`If-None-Match`).

use actix_web::HttpRequest;
use actix_web::http::header::{EntityTag, Header, IfNoneMatch};

/// The strong tag of one version of one resource: `"<id>.<version>"`. The id keeps a tag
/// of a deleted resource from matching a new one that reuses its slug.
pub fn tag(id: uuid::Uuid, version: i32) -> EntityTag {
    EntityTag::new_strong(format!("{}.{version}", id.simple()))
}

/// The strong tag of a representation of one version of a resource that embeds data the
/// version does not count (a programme's next cohorts and their seats):
/// `"<id>.<version>.<first 32 bits of the body's SHA-256>"`. `If-Match` accepts it for that
/// version ([`Precondition::check`]): embedded data is not what a write conflicts on.
pub fn derived(id: uuid::Uuid, version: i32, body: &[u8]) -> EntityTag {
    let digest = of_bytes(body);
    EntityTag::new_strong(format!("{}.{version}.{}", id.simple(), &digest.tag()[..8]))
}

/// The strong tag of a representation that has no version of its own (a list, a feed): the
/// first 128 bits of its SHA-256, in hex. Equal bytes, equal tag, in any process.
pub fn of_bytes(body: &[u8]) -> EntityTag {
    use sha2::{Digest, Sha256};
    let hex: String = Sha256::digest(body)
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    EntityTag::new_strong(hex)
}

/// True when the client's `If-None-Match` already names `etag` (weak comparison, RFC 9110 §13.1.2).
pub fn not_modified(req: &HttpRequest, etag: &EntityTag) -> bool {
    match IfNoneMatch::parse(req) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(etag)),
        Err(_) => false,
    }
}

/// `*` or a comma-separated list of entity tags (RFC 9110 §8.8.3: `"…"` or `W/"…"` of
/// visible ASCII but `"`), spaces around the commas — exactly the contract's pattern for
/// `If-Match` (the comma, which this API's tags never contain, is not taken inside a tag).
pub fn is_tag_list(raw: &str) -> bool {
    let etagc = |b: u8| b == 0x21 || (0x23..=0x7e).contains(&b) && b != b',';
    raw == "*"
        || raw.split(',').map(|t| t.trim_matches(' ')).all(|t| {
            let t = t.strip_prefix("W/").unwrap_or(t);
            t.len() >= 2
                && t.starts_with('"')
                && t.ends_with('"')
                && t.as_bytes()[1..t.len() - 1].iter().all(|&b| etagc(b))
        })
}

/// What an `If-Match` header asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `If-Match: *`: any current version.
    Any,
    /// One of these strong tags.
    Tags(Vec<String>),
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
    let raw = req
        .headers()
        .get(actix_web::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let well_formed = is_tag_list(raw);
    let parsed = if well_formed {
        IfMatch::parse(req).ok()
    } else {
        None
    };
    match parsed.ok_or(()) {
        Ok(IfMatch::Any) => Ok(Precondition::Any),
        // Strong comparison (RFC 9110 §13.1.1): weak tags never match.
        Ok(IfMatch::Items(tags)) => Ok(Precondition::Tags(
            tags.iter().filter(|t| !t.weak).map(|t| t.tag().to_owned()).collect(),
        )),
        Err(_) => Err(crate::http::Problem::typed(
            StatusCode::BAD_REQUEST,
            "invalid-if-match",
            "Invalid If-Match",
            "If-Match must be * or a list of quoted entity tags, e.g. If-Match: \"0193a1b45f6e7c3d9a2b1c4d5e6f7a8b.3\"",
        )
        .into()),
    }
}

/// For an operation where `If-Match` is optional (a DELETE): the version to act on when it
/// was sent (412 when it is not the current one), `None` when it was not.
pub fn if_match_when_sent(
    req: &HttpRequest,
    id: uuid::Uuid,
    current: i32,
) -> Result<Option<i32>, crate::http::ApiError> {
    if req
        .headers()
        .contains_key(actix_web::http::header::IF_MATCH)
    {
        if_match(req)?.check(id, current).map(Some)
    } else {
        Ok(None)
    }
}

impl Precondition {
    /// The version to update from, or 412 when the client's tag is not the current one
    /// (the version's own tag, or one [`derived`] from it).
    pub fn check(&self, id: uuid::Uuid, current: i32) -> Result<i32, crate::http::ApiError> {
        let own = tag(id, current);
        let names_current = |t: &String| {
            t.strip_prefix(own.tag())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        };
        match self {
            Precondition::Any => Ok(current),
            Precondition::Tags(tags) if tags.iter().any(names_current) => Ok(current),
            Precondition::Tags(_) => Err(persistence::StoreError::Stale.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_tag_list;

    #[test]
    fn tag_lists_are_what_the_contract_pattern_says() {
        for ok in ["*", r#""a.1""#, r#"W/"x""#, r#""""#, r#""a" , W/"b",  "c""#] {
            assert!(is_tag_list(ok), "{ok}");
        }
        for bad in [
            "",
            "G",
            r#""a"#,
            r#""a b""#,
            r#""a,b""#,
            "\"a\"\t,\"b\"",
            r#"W/ "a""#,
            "* , \"a\"",
        ] {
            assert!(!is_tag_list(bad), "{bad}");
        }
    }
}

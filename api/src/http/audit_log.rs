//! Audit of refused and failed writes. Successful writes are audited by the store in the
//! same transaction as the write; this middleware records every other outcome of a
//! request that would have written (any method but GET, HEAD and OPTIONS).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, web};
use persistence::Store;
use persistence::access::audit::{self, Outcome};

use crate::auth::principal::audit_entry;

/// `("programme.update", "programme")` for `PATCH /api/v1/programmes/{id_or_slug}`:
/// the resource is the collection's singular, the action its verb, or the trailing
/// sub-resource of an action endpoint (`…/rotate-secret` → `rotate_secret`).
/// How a request ended, for the audit log: refused (401, 403, 429), failed (other errors),
/// or succeeded.
pub fn outcome(status: u16) -> Outcome {
    match status {
        200..=399 => Outcome::Success,
        401 | 403 | 429 => Outcome::Denied,
        _ => Outcome::Failure,
    }
}

pub fn describe(method: &Method, pattern: &str) -> (String, String) {
    let segments: Vec<&str> = pattern.trim_start_matches("/api/v1/").split('/').collect();
    let collection = segments.first().copied().unwrap_or_default();
    let resource = collection
        .strip_suffix('s')
        .unwrap_or(collection)
        .replace('-', "_");
    let verb = match segments.last() {
        Some(last) if segments.len() > 2 && !last.starts_with('{') => last.replace('-', "_"),
        _ => match *method {
            Method::POST => "create".into(),
            Method::PATCH => "update".into(),
            Method::PUT => "replace".into(),
            Method::DELETE => "delete".into(),
            _ => method.as_str().to_lowercase(),
        },
    };
    (format!("{resource}.{verb}"), resource)
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let res = next.call(req).await?;
    let status = res.status().as_u16();
    // Refused by a rate limit: not recorded, so a flood cannot fill the log. The route is
    // looked up only for a refused write (a read never matches it again).
    let refused_write = writes && status >= 400 && status != 429;
    let pattern = refused_write
        .then(|| res.request().match_pattern())
        .flatten();
    // The token endpoint audits its own outcomes (it knows which client was attempted).
    let audited = refused_write
        && pattern
            .as_deref()
            .is_some_and(|p| p.starts_with("/api/v1/") && p != "/api/v1/oauth/token");
    if let (true, Some(pattern), Some(store)) = (
        audited,
        pattern,
        res.request().app_data::<web::Data<Store>>(),
    ) {
        let (action, resource_type) = describe(res.request().method(), &pattern);
        let resource_id = res
            .request()
            .match_info()
            .iter()
            .next()
            .map(|(_, v)| v.to_owned());
        let entry = audit_entry(res.request()).recorded(
            &action,
            &resource_type,
            resource_id,
            status,
            outcome(status),
        );
        let store = store.clone();
        // Best effort: the response stands whether or not the record is written.
        let written = web::block(move || store.with(|conn| audit::record(conn, &entry))).await;
        if !matches!(written, Ok(Ok(()))) {
            tracing::warn!(status, "could not audit a failed write");
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_actions_after_the_route() {
        let cases = [
            (
                Method::POST,
                "/api/v1/programmes",
                "programme.create",
                "programme",
            ),
            (
                Method::PATCH,
                "/api/v1/programmes/{id_or_slug}",
                "programme.update",
                "programme",
            ),
            (
                Method::DELETE,
                "/api/v1/programmes/{id_or_slug}",
                "programme.delete",
                "programme",
            ),
            (
                Method::POST,
                "/api/v1/clients/{id}/rotate-secret",
                "client.rotate_secret",
                "client",
            ),
            (
                Method::PATCH,
                "/api/v1/organisations/{id}",
                "organisation.update",
                "organisation",
            ),
        ];
        for (method, pattern, action, resource) in cases {
            assert_eq!(
                describe(&method, pattern),
                (action.to_owned(), resource.to_owned()),
                "{pattern}"
            );
        }
    }
}

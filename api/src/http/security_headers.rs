//! Headers every response carries for the browser's and the caches' sake:
//! `X-Content-Type-Options: nosniff` everywhere; `Cache-Control: no-store` on every response
//! to an authenticated request (it may carry personal data: no shared or browser cache may
//! keep it); a Content Security Policy on the Swagger UI under `/docs`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, HeaderValue, X_CONTENT_TYPE_OPTIONS,
};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use crate::auth::Principal;

/// Swagger UI's needs and no more: its own scripts and styles (React sets inline styles),
/// data: icons, calls to this origin only; never framed.
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let docs = req.path() == "/docs" || req.path().starts_with("/docs/");
    let mut res = next.call(req).await?;
    let authenticated = res.request().extensions().get::<Principal>().is_some();
    let headers = res.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if authenticated {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if docs {
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCS_CSP));
    }
    Ok(res)
}

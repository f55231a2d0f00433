//! `HEAD` for every `GET` (RFC 9110 §9.3.2): the request is routed as a `GET`, and the
//! server sends the same status and headers without the body (actix's HTTP/1 encoder drops
//! the body of a response to a request that arrived as `HEAD`). Monitors, link checkers and
//! CDNs use it.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

/// Marks a request that arrived as `HEAD` (its method now reads `GET`).
#[derive(Debug, Clone, Copy)]
pub struct ArrivedAsHead;

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
        req.extensions_mut().insert(ArrivedAsHead);
    }
    next.call(req).await
}

/// The method the client sent.
pub fn method_sent(req: &actix_web::HttpRequest) -> Method {
    if req.extensions().get::<ArrivedAsHead>().is_some() {
        Method::HEAD
    } else {
        req.method().clone()
    }
}

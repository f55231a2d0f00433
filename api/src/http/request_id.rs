//! `X-Request-Id`: taken from the client when it is sensible, generated otherwise, stored
//! in the request's extensions for logs and problems, and echoed on every response.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest};
use uuid::Uuid;

use super::error::internal_error;
use super::problem::Problem;

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const MAX_LEN: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Accepts 1–128 visible ASCII characters; anything else is replaced by a fresh id.
fn acceptable(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let ok = !s.is_empty() && s.len() <= MAX_LEN && s.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| s.to_owned())
}

pub fn of(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|r| r.0.clone())
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(acceptable)
        .unwrap_or_else(|| Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let path = req.path().to_owned();
    let header = HeaderValue::from_str(&id).ok();
    match next.call(req).await {
        Ok(mut res) => {
            if let Some(v) = header {
                res.headers_mut().insert(X_REQUEST_ID, v);
            }
            Ok(res)
        }
        // An error that escaped the inner middleware (e.g. a panic caught by `CatchPanic`):
        // answer with a problem document for its status; never with its internals.
        Err(e) => {
            let status = e.as_response_error().status_code();
            let mut problem = if status == StatusCode::INTERNAL_SERVER_ERROR {
                internal_error()
            } else {
                Problem::status_only(status, None)
            };
            problem.instance = Some(path);
            problem.request_id = Some(id);
            let mut response = problem.to_response();
            if let Some(v) = header {
                response.headers_mut().insert(X_REQUEST_ID, v);
            }
            Err(InternalError::from_response(e.to_string(), response).into())
        }
    }
}

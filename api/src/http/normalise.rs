//! The safety net that makes every non-2xx response a problem document: responses that
//! are already `application/problem+json` get `instance` and `request_id` filled in; any
//! other error response (from actix itself, a panic caught by `CatchPanic`, …) is
//! replaced by a problem for its status. 5xx bodies never carry internals.

use actix_web::body::{self, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::middleware::ErrorHandlerResponse;

use super::error::internal_error;
use super::problem::{PROBLEM_JSON, Problem};
use super::request_id;

/// Longest plain-text body of a 4xx that is kept as the problem's `detail`.
const MAX_DETAIL: usize = 300;

/// Names the request a problem is about: its path and its id.
pub fn stamp(problem: &mut Problem, req: &actix_web::HttpRequest) {
    if problem.instance.is_none() {
        problem.instance = Some(req.path().to_owned());
    }
    problem.request_id = request_id::of(req);
}

/// Marks an error response whose body must reach the client unchanged (e.g. the OAuth
/// token endpoint's RFC 6749 errors).
#[derive(Debug, Clone, Copy)]
pub struct Verbatim;

pub fn to_problem<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if res.response().extensions().get::<Verbatim>().is_some() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    Ok(ErrorHandlerResponse::Future(Box::pin(async move {
        let (req, res) = res.into_parts();
        let status = res.status();
        let is_problem = res
            .headers()
            .get(CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
        let headers = res.headers().clone();
        let bytes = body::to_bytes(res.into_body()).await.unwrap_or_default();

        let mut problem = match serde_json::from_slice::<Problem>(&bytes) {
            Ok(p) if is_problem => p,
            _ if status.as_u16() == 500 => internal_error(),
            _ if status.is_server_error() => Problem::status_only(status, None),
            _ => {
                let text = String::from_utf8_lossy(&bytes).trim().to_owned();
                let detail = (!text.is_empty() && text.len() <= MAX_DETAIL).then_some(text);
                Problem::status_only(status, detail)
            }
        };
        stamp(&mut problem, &req);

        let mut new = problem.to_response();
        for (name, value) in headers.iter() {
            if name != CONTENT_TYPE && name != CONTENT_LENGTH {
                new.headers_mut().append(name.clone(), value.clone());
            }
        }
        Ok(ServiceResponse::new(req, new).map_into_right_body())
    })))
}

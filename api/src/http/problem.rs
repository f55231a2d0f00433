//! RFC 9457 problem details: the body of every non-2xx response.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The type of the problem a response carries, for the request's log line: the type and
/// the status are logged, never the detail, which may repeat what the client sent (an email
/// address, a name).
#[derive(Debug, Clone)]
pub struct ProblemType(pub String);

/// One problem with one input field (a query parameter, a path segment or a body field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"field": "limit", "message": "must be a whole number from 1 to 100 (the maximum); got '500'"}))]
pub struct ProblemField {
    /// The field, e.g. `theme`, `limit`, `duration.max`, `stems[1]`.
    #[schema(example = "theme")]
    pub field: String,
    /// What is wrong and what was expected.
    #[schema(
        example = "unknown value 'science'; expected one of: leadership, facilitation, best_practice"
    )]
    pub message: String,
}

impl From<FieldError> for ProblemField {
    fn from(e: FieldError) -> Self {
        Self {
            field: e.field,
            message: e.message,
        }
    }
}

/// An RFC 9457 problem details object (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/invalid-query",
    "title": "Invalid query parameters",
    "status": 400,
    "detail": "1 query parameter is invalid",
    "instance": "/api/v1/programmes",
    "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
    "errors": [{"field": "theme", "message": "unknown value 'science'; expected one of: leadership, facilitation, best_practice"}]
}))]
pub struct Problem {
    /// A URI reference naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request path this problem is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id (also in the `X-Request-Id` header): quote it when reporting a problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field errors, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

impl Problem {
    /// A problem whose type is fully described by its status code.
    pub fn status_only(status: StatusCode, detail: Option<String>) -> Self {
        Self {
            type_: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail,
            instance: None,
            request_id: None,
            errors: Vec::new(),
        }
    }

    pub fn typed(
        status: StatusCode,
        type_slug: &str,
        title: &str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            type_: format!("/problems/{type_slug}"),
            title: title.into(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            instance: None,
            request_id: None,
            errors: Vec::new(),
        }
    }

    pub fn with_errors(mut self, errors: Vec<ProblemField>) -> Self {
        self.errors = errors;
        self
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn to_response(&self) -> HttpResponse {
        let body = serde_json::to_vec(self).unwrap_or_default();
        let mut res = HttpResponse::build(self.status_code())
            .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)))
            .body(body);
        res.extensions_mut().insert(ProblemType(self.type_.clone()));
        res
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.title)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        Problem::status_code(self)
    }
    fn error_response(&self) -> HttpResponse {
        self.to_response()
    }
}
